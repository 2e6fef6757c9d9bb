"""The window's side of connection profiles: what a profile is read from (the panels as
the user set them) and written back to, the profile bar beside the URL, recent URLs in the
URL field, and the offer to start the demo server instead of restoring its dead URL."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton

from inspector.session.profiles import Profile, ProfileError, ProfileStore
from inspector.session.state import NamespaceState, RoomState
from inspector.ui import settings as S
from inspector.ui.panels.connection import url_to_remember
from inspector.ui.panels.emit_templates import EmitTemplates
from inspector.ui.panels.profiles import DEMO_URL, ProfileBar, attach_recent_urls, remember_url

if TYPE_CHECKING:
    from inspector.ui.main_window import MainWindow

PROFILES_DIR = S.Setting("profiles/dir", "")     # empty: the per-user config directory
LAST_PROFILE = S.Setting("profiles/last_open", "")  # the profile open when the window closed


def install(window: "MainWindow") -> ProfileBar:
    settings = window.settings
    store = ProfileStore(settings.get(PROFILES_DIR) or None)
    bar = ProfileBar(store, lambda name: gather(window, name), lambda p: apply(window, p), window.connection)
    bar.message.connect(window.show_message)
    bar.changed.connect(lambda: bind_templates(window, bar))
    top = window.connection.layout().itemAt(0).layout()      # the URL row
    top.insertWidget(0, bar)
    urls = attach_recent_urls(window.connection.urlEdit, settings)
    window.connection.connectRequested.connect(
        lambda opts: urls.setStringList(remember_url(settings, url_to_remember(opts.url))))
    offer = QPushButton("Start the demo server", objectName="startDemoButton")
    offer.setToolTip("The last URL was a demo server's (started with --demo, on a port of its own "
                     "that is gone now): start a new one and connect to it")
    offer.setVisible(False)
    window.connection.layout().itemAt(1).layout().addWidget(offer)      # the status row
    window.startDemoButton = offer
    offer.clicked.connect(lambda: start_demo(window))
    demo_url = settings.get(DEMO_URL)
    if demo_url and url_to_remember(window.connection.urlEdit.text().strip()) == demo_url:
        window.connection.urlEdit.clear()        # never the dead URL of yesterday's demo
        offer.setVisible(True)
        window.connection.statusLabel.setText("Not connected — the demo server of last time is gone")
    reopen_last(window, bar)
    bar.changed.connect(lambda: settings.set(LAST_PROFILE, bar.current.name if bar.current else ""))
    return bar


def reopen_last(window: "MainWindow", bar: ProfileBar) -> None:
    """The next morning the profile of yesterday is open again (its secrets from the keyring;
    where none holds them, no dialog at start: opening it from the list asks for them)."""
    last = window.settings.get(LAST_PROFILE)
    if not last or last not in bar.names():
        return
    try:
        profile = bar.store.get(last)
    except ProfileError:
        return
    if url_to_remember(profile.options.url) == window.settings.get(DEMO_URL):
        return                   # a --demo server's profile: its port is gone (the offer stands)
    if profile.missing:
        window.show_message(f"Profile {last} was open last time: choose it in the list to give its "
                            "secrets", False)
    else:
        bar.open(last)


def bind_templates(window: "MainWindow", bar: ProfileBar) -> None:
    """The composer's templates are the open profile's (a template saved or removed is written
    into it at once), or with no profile open the default set's file."""
    profile = bar.current
    if profile is None:
        window.emitPanel.use_templates(None)
        return

    def changed(rows: list[dict]) -> None:
        try:
            bar.store.set_templates(profile.name, rows)
        except ProfileError as exc:
            raise ValueError(str(exc)) from None
        profile.templates = [dict(r) for r in rows]
    window.emitPanel.use_templates(EmitTemplates(None, profile.templates, on_change=changed))


def demo_started(window: "MainWindow", url: str) -> None:
    """app.py started the demo server (--demo, or the offer): its URL is not one to restore."""
    window.settings.set(DEMO_URL, url_to_remember(url))
    window.startDemoButton.setVisible(False)
    window.connection.urlEdit.setText(url)


def start_demo(window: "MainWindow") -> None:
    starter = getattr(window, "start_demo", None)      # given by app.py (the window cannot start it)
    if starter is None:
        window.show_message("Start it with socketio-inspector --demo", True)
        return
    demo_started(window, starter())
    window.connection._connect_clicked()


def gather(window: "MainWindow", name: str) -> Profile:
    """The connection as the window shows it, as a profile (ValueError when the form is not valid)."""
    options = window.connection.options()
    current = window.profileBar.current if hasattr(window, "profileBar") else None
    if current is not None:     # what the form does not show stays as the profile has it
        options = replace(options, randomization_factor=current.options.randomization_factor)
    st = window._state
    views = [v for v in (st.namespaces if st else ()) if v.state not in (NamespaceState.CLOSED,
                                                                         NamespaceState.REFUSED)]
    if views:
        namespaces = [v.name for v in views]
        auth = window.session.namespace_auth()
        ns_auth = {ns: auth[ns] for ns in namespaces if isinstance(auth.get(ns), dict) and auth[ns]}
        rooms = {v.name: [r for r, state, _a in v.rooms if state == RoomState.JOINED] for v in views}
        rooms = {ns: r for ns, r in rooms.items() if r}
        if namespaces == [options.base_namespace]:
            namespaces = []
    elif current is not None:       # not connected: the namespaces and rooms the profile opens
        namespaces, ns_auth, rooms = list(current.namespaces), dict(current.ns_auth), dict(current.rooms)
    else:
        namespaces, ns_auth, rooms = [], {}, {}
    server_view = None
    server = getattr(window, "server", None)
    if server is not None and server.control.on:    # the admin namespace, its auth a namespace's
        server_view = server.control.namespace()
        if server_view not in namespaces:
            namespaces = [*(namespaces or [options.base_namespace]), server_view]
        ns_auth = {k: v for k, v in ns_auth.items() if k != server_view}
        if server.control.auth():
            ns_auth[server_view] = server.control.auth()
    default, by_event, _problems = window.serverAcks.replies()
    return Profile(name=name, options=options, namespaces=namespaces, ns_auth=ns_auth, rooms=rooms,
                   server_view=server_view,
                   join_event=window.namespaces.joinEventEdit.text().strip() or "join",
                   leave_event=window.namespaces.leaveEventEdit.text().strip() or "leave",
                   default_ack=default, server_acks=by_event, templates=window.emitPanel.templates.rows())


def apply(window: "MainWindow", profile: Profile) -> None:
    """Fill the panels from a profile (its namespaces and rooms open at the next Connect)."""
    window.connection.show_options(profile.options)
    window.serverAcks.show_replies(profile.default_ack, profile.server_acks, announce=True)
    if getattr(window, "server", None) is not None:
        window.server.control.set(profile.server_view is not None, profile.server_view,
                                  profile.ns_auth.get(profile.server_view or "") or {"username": "", "password": ""})
    nss = window.namespaces
    nss.joinEventEdit.setText(profile.join_event)
    nss.leaveEventEdit.setText(profile.leave_event)
    nss._room_events_edited()
