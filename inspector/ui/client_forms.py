"""The selected client's forms (issue 12): selecting a client in the client list shows its
connection options in the connection form, its answers to the server's acks in the Server
acks panel, its join / leave event names in the Namespaces panel, its sequence checks in
the Checks tab and whether it captures raw packets (the box over the log); what the user
typed there for a client and did not use yet (no Connect; an answer not valid JSON, so
never sent; an event name not confirmed; a check whose field does not parse) is kept as
that client's draft and shown again when the user comes back to it.

The options shown are the client's as the window last heard them (RemoteSession.options:
its last connect, or what the capture says it was set up with); its answers are those the
window last set for it, or, before it did, the capture's (a duplicated client's are its
original's); its room events are the capture's, or those the window set since (a
duplicated client's are its original's too); its checks and raw capture likewise (a
duplicate has its original's checks).  Filling the panels says nothing to the session: a
client is only told what the user changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from inspector.ui.panels.sequence import rows_of
from inspector.wire.options import OptionsError

if TYPE_CHECKING:
    from inspector.capture.client import RemoteSession
    from inspector.ui.main_window import MainWindow


@dataclass
class _Shown:
    """What the panels showed of one client: compared with what they hold when the user
    leaves it (the same: nothing typed, no draft)."""
    form: tuple | None = None            # ConnectionPanel.fields() after show_options
    acks: tuple | None = None            # ServerAckPanel.contents() after show_replies
    rooms: tuple | None = None           # NamespacePanel.room_events() after show_room_events
    checks: tuple | None = None          # SequencePanel.contents() after show_rules
    unheard: bool = False                # shown before the window had heard the client's state


class ClientForms:
    def __init__(self, window: "MainWindow"):
        self.w = window
        self._shown: dict[str, _Shown] = {}
        self._form_drafts: dict[str, tuple] = {}
        self._ack_drafts: dict[str, tuple] = {}
        self._room_drafts: dict[str, tuple] = {}
        self._check_drafts: dict[str, tuple] = {}

    def leave(self, key: str, session: "RemoteSession | None") -> None:
        """The user selects another client: what it typed for this one is its draft."""
        shown = self._shown.get(key, _Shown())
        form = self.w.connection.fields()
        if form == shown.form or (session is not None and self._used(session)):
            self._form_drafts.pop(key, None)
        else:
            self._form_drafts[key] = form
        acks = self.w.serverAcks.contents()
        if acks == shown.acks:
            self._ack_drafts.pop(key, None)
        else:
            self._ack_drafts[key] = acks
        rooms = self.w.namespaces.room_events()
        if rooms == shown.rooms or (session is not None and rooms == _room_events(session)):
            self._room_drafts.pop(key, None)
        else:
            self._room_drafts[key] = rooms
        checks = self.w.sequences.contents()
        if checks == shown.checks or (session is not None and checks == rows_of(session.sequence_rules)):
            self._check_drafts.pop(key, None)
        else:
            self._check_drafts[key] = checks

    def _used(self, session: "RemoteSession") -> bool:
        """The form is what the client connects with (the user clicked Connect)."""
        try:
            return self.w.connection.options() == session.options
        except OptionsError:
            return False

    def show(self, key: str, session: "RemoteSession") -> None:
        """The panels as this client's (its drafts where the user left some)."""
        self._forget_gone()
        shown = self._shown.setdefault(key, _Shown())
        # a client just added: its options and answers come with its first state
        shown.unheard = key not in self.w.bridge.client_states
        if key in self._form_drafts:
            self.w.connection.show_fields(self._form_drafts[key])
        else:
            self._show_options(shown, session)
        if key in self._ack_drafts:
            self.w.serverAcks.show_contents(self._ack_drafts[key])
        else:
            self._show_acks(shown, session)
        if key in self._room_drafts:
            self.w.namespaces.show_room_events(*self._room_drafts[key])
        else:
            self._show_rooms(shown, session)
        if key in self._check_drafts:
            self.w.sequences.show_contents(self._check_drafts[key])
        else:
            self._show_checks(shown, session)
        self._show_raw(session)

    def _show_options(self, shown: _Shown, session: "RemoteSession") -> None:
        self.w.connection.show_options(session.options)
        shown.form = self.w.connection.fields()

    def _show_acks(self, shown: _Shown, session: "RemoteSession") -> None:
        acks = session.server_acks
        self.w.serverAcks.show_replies(acks.default, acks.by_event, announce=False)
        shown.acks = self.w.serverAcks.contents()

    def _show_rooms(self, shown: _Shown, session: "RemoteSession") -> None:
        self.w.namespaces.show_room_events(*_room_events(session))
        shown.rooms = self.w.namespaces.room_events()

    def _show_checks(self, shown: _Shown, session: "RemoteSession") -> None:
        self.w.sequences.show_rules(session.sequence_rules)
        shown.checks = self.w.sequences.contents()

    def _show_raw(self, session: "RemoteSession") -> None:
        """The box and the menu's action as the client has it (their toggles would send it)."""
        for control in (self.w.rawCaptureCheck, self.w.rawAction):
            control.blockSignals(True)
            control.setChecked(session.raw_capture)
            control.blockSignals(False)

    def heard(self, key: str, session: "RemoteSession") -> None:
        """The selected client's state came: panels shown before the window had heard what
        this client holds show it now, where the user typed nothing."""
        shown = self._shown.get(key)
        if shown is None or not shown.unheard or key not in self.w.bridge.client_states:
            return
        shown.unheard = False
        if key not in self._form_drafts and self.w.connection.fields() == shown.form:
            self._show_options(shown, session)
        if key not in self._ack_drafts and self.w.serverAcks.contents() == shown.acks:
            self._show_acks(shown, session)
        if key not in self._room_drafts and self.w.namespaces.room_events() == shown.rooms:
            self._show_rooms(shown, session)
        if key not in self._check_drafts and self.w.sequences.contents() == shown.checks:
            self._show_checks(shown, session)
        self._show_raw(session)

    def _forget_gone(self) -> None:
        """The drafts of clients removed since."""
        keys = self.w.bridge.sessions
        for book in (self._shown, self._form_drafts, self._ack_drafts, self._room_drafts, self._check_drafts):
            for key in [k for k in book if k not in keys]:
                del book[key]


def _room_events(session: "RemoteSession") -> tuple[str, str]:
    return session.rooms.join_event, session.rooms.leave_event
