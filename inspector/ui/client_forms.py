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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from inspector.ui.panels.sequence import rows_of
from inspector.wire.options import OptionsError

if TYPE_CHECKING:
    from inspector.capture.client import RemoteSession
    from inspector.ui.main_window import MainWindow


@dataclass(frozen=True)
class _Panel:
    """One panel a client's own settings are shown in: what it holds (as typed), how a draft
    is shown again, how the client's own are shown (saying nothing to it), and whether what
    it holds is the client's already (then the user's text is no draft)."""
    read: Callable[[], Any]
    show_draft: Callable[[Any], None]
    show_own: Callable[["RemoteSession"], None]
    is_own: Callable[[Any, "RemoteSession"], bool] = lambda _held, _session: False


@dataclass
class _Shown:
    """What the panels showed of one client (by panel name): compared with what they hold
    when the user leaves it (the same: nothing typed, no draft)."""
    held: dict[str, Any] = field(default_factory=dict)
    unheard: bool = False                # shown before the window had heard the client's state


class ClientForms:
    def __init__(self, window: "MainWindow"):
        self.w = window
        c, acks, nss, seqs = window.connection, window.serverAcks, window.namespaces, window.sequences
        # in the order they are filled
        self._panels: dict[str, _Panel] = {
            "form": _Panel(c.fields, c.show_fields, lambda s: c.show_options(s.options),
                           lambda _held, s: self._used(s)),
            "acks": _Panel(acks.contents, acks.show_contents,
                           lambda s: acks.show_replies(s.server_acks.default, s.server_acks.by_event,
                                                       announce=False)),
            "rooms": _Panel(nss.room_events, lambda held: nss.show_room_events(*held),
                            lambda s: nss.show_room_events(*_room_events(s)),
                            lambda held, s: held == _room_events(s)),
            "checks": _Panel(seqs.contents, seqs.show_contents, lambda s: seqs.show_rules(s.sequence_rules),
                             lambda held, s: held == rows_of(s.sequence_rules)),
        }
        self._shown: dict[str, _Shown] = {}
        self._drafts: dict[str, dict[str, Any]] = {name: {} for name in self._panels}   # panel -> key -> held

    def leave(self, key: str, session: "RemoteSession | None") -> None:
        """The user selects another client: what it typed for this one is its draft."""
        shown = self._shown.get(key, _Shown())
        for name, panel in self._panels.items():
            held = panel.read()
            if held == shown.held.get(name) or (session is not None and panel.is_own(held, session)):
                self._drafts[name].pop(key, None)
            else:
                self._drafts[name][key] = held

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
        for name, panel in self._panels.items():
            if key in self._drafts[name]:
                panel.show_draft(self._drafts[name][key])
            else:
                self._show_own(name, shown, session)
        self._show_raw(session)

    def _show_own(self, name: str, shown: _Shown, session: "RemoteSession") -> None:
        panel = self._panels[name]
        panel.show_own(session)
        shown.held[name] = panel.read()

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
        for name, panel in self._panels.items():
            if key not in self._drafts[name] and panel.read() == shown.held.get(name):
                self._show_own(name, shown, session)
        self._show_raw(session)

    def _forget_gone(self) -> None:
        """The drafts of clients removed since."""
        keys = self.w.bridge.sessions
        for book in (self._shown, *self._drafts.values()):
            for key in [k for k in book if k not in keys]:
                del book[key]


def _room_events(session: "RemoteSession") -> tuple[str, str]:
    return session.rooms.join_event, session.rooms.leave_event
