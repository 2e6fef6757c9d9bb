"""Profiles in the window: save the whole connection, find it in the next window, connect with it
(namespaces with their auth, rooms, ack answers), secrets in the keyring and never in the file;
recent URLs; a --demo URL is never restored dead."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from inspector.log.entry import IN, OUT, Kind
from inspector.session.profiles import ProfileStore
from inspector.testing import InspectorDriver
from inspector.ui import settings as S
from inspector.ui.panels.profiles import DEMO_URL, RECENT_URLS
from inspector.ui.profile_window import PROFILES_DIR

AUTH = "s3cret-auth-value"
HEADER = "Bearer hdr-s3cret"


def test_a_profile_saved_in_one_window_opens_and_connects_in_the_next(inspector_at, demo_server, tmp_path,
                                                                       memory_keyring):
    ui = inspector_at(demo_server.url)
    c = ui.window.connection
    c.transportCombo.setCurrentIndex(c.transportCombo.findData("websocket"))
    c.headersEdit.setPlainText(f"Authorization: {HEADER}")
    c.queryEdit.setPlainText("who=profile")
    c.retriesSpin.setValue(2)
    ui.window.serverAcks.set_reply("question", '"Ada"')
    ui.connect(auth={"token": AUTH})
    ui.open_namespace("/admin", {"token": "demo-token"})
    ui.join("lobby", ns="/")
    bar = ui.window.profileBar
    assert bar.save_as("dev") and ui.message == "Profile dev saved"
    assert not bar.saveButton.isVisible()
    path = ProfileStore(ui.window.settings.get(PROFILES_DIR)).path
    text = path.read_text()
    for secret in (AUTH, HEADER, "demo-token"):
        assert secret not in text
    c.retriesSpin.setValue(3)                  # an edit: "Save changes" offers itself
    ui.qtbot.waitUntil(bar.saveButton.isVisible, timeout=3000)
    c.retriesSpin.setValue(2)
    ui.qtbot.waitUntil(lambda: not bar.saveButton.isVisible(), timeout=3000)
    ui.disconnect()

    # the next morning: a new window with the same config, and the profile in its list
    nxt = inspector_at(demo_server.url)
    nxt.window.settings.set(PROFILES_DIR, ui.window.settings.get(PROFILES_DIR))
    nxt.window.profileBar.store = ProfileStore(ui.window.settings.get(PROFILES_DIR))
    nxt.window.profileBar._reload()
    assert nxt.window.profileBar.names() == ["dev"]
    assert nxt.window.profileBar.open("dev")
    n = nxt.window.connection
    assert n.transportCombo.currentData() == "websocket" and n.retriesSpin.value() == 2
    assert n.headersEdit.toPlainText() == f"Authorization: {HEADER}" and n.authEdit.value == {"token": AUTH}
    nxt.click("connectButton")
    nxt.wait_for_namespace("/admin")                    # opened with its auth from the keyring
    nxt.wait_for(kind=Kind.ACK, dir=IN, event="join")   # the room joined again
    who_before = len(nxt.find(kind=Kind.ACK, dir=IN, event="whoami"))
    nxt.emit("whoami", ack=True)
    answer = nxt.wait_for(count=who_before + 1, kind=Kind.ACK, dir=IN, event="whoami").args[0]
    assert answer["auth"] == {"token": AUTH} and answer["headers"]["Authorization"] == HEADER
    assert answer["query"]["who"] == "profile"
    nxt.emit("ask", "name?", ack=True)                  # the server asks; the profile's answer goes back
    answered = nxt.wait_for(kind=Kind.ACK, dir=OUT, event="question")
    assert answered.args == ["Ada"]


def test_without_a_keyring_a_profile_asks_for_its_secrets_when_opened(inspector_at, demo_server, no_keyring):
    ui = inspector_at(demo_server.url)
    ui.window.connection.authEdit.setText('{"token": "typed-s3cret"}')
    bar = ui.window.profileBar
    assert bar.save_as("dev")
    assert "no keyring on this machine: auth token will be asked for" in ui.message
    assert "typed-s3cret" not in bar.store.path.read_text()
    bar.close_profile()
    ui.window.connection.authEdit.setText("")
    assert not bar.open("dev")
    dialog = bar.secretsDialog
    assert dialog is not None and list(dialog.edits) == ["auth:token"]
    dialog.edits["auth:token"].setText("typed-again")
    dialog.accept()
    assert ui.window.connection.authEdit.value == {"token": "typed-again"} and bar.current.name == "dev"


def test_recent_urls_and_a_dead_demo_url_is_never_restored(inspector_at, demo_server, qtbot, tmp_path):
    ui = inspector_at(demo_server.url)
    ui.connect()
    assert ui.window.connection.urlEdit.completer().model().stringList()[0] == demo_server.url
    ui.disconnect()

    # yesterday's window ran --demo: the URL it remembered is that server's, on a port now gone
    dead = "http://127.0.0.1:1"
    settings_dir = tmp_path / "yesterday"
    settings_dir.mkdir()
    q = QSettings(str(settings_dir / "settings.ini"), QSettings.Format.IniFormat)
    q.setValue(S.URL.key, dead)
    q.setValue(DEMO_URL.key, dead)
    q.setValue(RECENT_URLS.key, f"{dead}\nhttp://example.test:5000")
    q.sync()
    today = InspectorDriver(qtbot, settings_dir=settings_dir)
    try:
        edit = today.window.connection.urlEdit
        assert edit.text() == "" and today.window.startDemoButton.isVisible()
        assert "the demo server of last time is gone" in today.status
        today.window.start_demo = lambda: demo_server.url          # what app.py gives the window
        today.click("startDemoButton")
        today.wait_for_status("Connected")
        assert edit.text() == demo_server.url and not today.window.startDemoButton.isVisible()
        # a demo URL is never a recent one
        assert demo_server.url not in edit.completer().model().stringList()
        today.disconnect()
    finally:
        today.close()


def test_emit_templates_live_in_the_open_profile_and_the_default_set_without_one(inspector_at, demo_server,
                                                                                  memory_keyring):
    from inspector.ui.panels.emit_history import EmitForm
    ui = inspector_at(demo_server.url)
    panel, bar = ui.window.emitPanel, ui.window.profileBar
    panel.set_form(EmitForm("echo", '"everyone"'))
    panel.save_template("shared")                        # no profile: the default set's file
    default_file = panel.templates.path
    assert bar.save_as("dev")                            # a new profile starts with the set shown
    panel.set_form(EmitForm("whoami", '{"token": "${env:API_TOKEN}"}', ack=True))
    panel.save_template("mine")                          # written into the profile at once
    assert not bar.saveButton.isVisible()
    assert [t["name"] for t in bar.store.get("dev").templates] == ["mine", "shared"]
    assert "mine" not in default_file.read_text()
    ui.window.connection.authEdit.setText(f'{{"token": "{AUTH}"}}')
    assert bar.save_as("dev")
    panel.set_form(EmitForm("whoami", f'"{AUTH}"'))
    with pytest.raises(ValueError, match="auth token as typed"):
        panel.save_template("leaky")
    assert panel.templates.names() == ["mine", "shared"] and AUTH not in bar.store.path.read_text()
    bar.close_profile()                                  # back to the default set
    assert panel.templates.names() == ["shared"]

    nxt = inspector_at(demo_server.url)                  # the next window opens the profile: its templates
    nxt.window.profileBar.store = ProfileStore(ui.window.settings.get(PROFILES_DIR))
    nxt.window.profileBar._reload()
    assert nxt.window.profileBar.open("dev")
    npanel = nxt.window.emitPanel
    assert npanel.templates.names() == ["mine", "shared"]
    assert npanel.use_template("mine").startswith("Template mine: ")     # ${env:API_TOKEN} unset: said
    assert npanel.eventEdit.text() == "whoami" and npanel.ackCheck.isChecked()


def test_the_profile_open_when_the_window_closed_is_open_in_the_next(qtbot, tmp_path, gui_asyncio_loop,
                                                                    memory_keyring):
    from inspector.ui.panels.emit_history import EmitForm
    ui = InspectorDriver(qtbot, demo=True, settings_dir=tmp_path)
    try:
        ui.window.connection.retriesSpin.setValue(4)
        ui.window.emitPanel.set_form(EmitForm("echo", '"hi"'))
        assert ui.window.profileBar.save_as("work")
        ui.window.emitPanel.save_template("hi")
    finally:
        ui.close()
    nxt = InspectorDriver(qtbot, settings_dir=tmp_path)
    try:
        bar = nxt.window.profileBar
        assert bar.current is not None and bar.current.name == "work"
        assert bar.combo.currentText() == "work" and not bar.saveButton.isVisible()
        assert nxt.window.connection.retriesSpin.value() == 4
        assert nxt.window.emitPanel.templates.names() == ["hi"]
        bar.close_profile()                       # closed: the next window opens none
    finally:
        nxt.close()
    last = InspectorDriver(qtbot, settings_dir=tmp_path)
    try:
        assert last.window.profileBar.current is None
        assert last.window.profileBar.open("work")          # a --demo server's URL: never reopened dead
        last.window.settings.set(DEMO_URL, last.window.profileBar.current.options.url)
    finally:
        last.close()
    again = InspectorDriver(qtbot, settings_dir=tmp_path)
    try:
        assert again.window.profileBar.current is None
    finally:
        again.close()


def test_the_profile_menu_renames_duplicates_deletes_exports_and_imports(inspector_at, demo_server, tmp_path,
                                                                          memory_keyring):
    ui = inspector_at(demo_server.url)
    bar = ui.window.profileBar
    ui.window.connection.headersEdit.setPlainText(f"Authorization: {HEADER}")
    assert bar.save_as("dev")
    assert bar.rename("staging") and bar.names() == ["staging"] and bar.combo.currentText() == "staging"
    assert bar.duplicate() == "staging copy" and bar.current.name == "staging copy"
    assert bar.names() == ["staging", "staging copy"]
    assert bar.current.options.headers == {"Authorization": HEADER}     # the secret came along
    bar.delete()
    assert bar.names() == ["staging"] and bar.current is None and bar.combo.currentText() == "No profile"
    shared = tmp_path / "team.json"
    assert bar.export_to(str(shared)) == 1 and "secrets left out" in ui.message
    assert HEADER not in shared.read_text()
    assert bar.import_from(str(shared)) == ["staging (2)"] and ui.message == "Imported 1 profile: staging (2)"
    assert bar.names() == ["staging", "staging (2)"]
