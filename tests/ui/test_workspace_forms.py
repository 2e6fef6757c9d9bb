"""The selected client's forms (issue 12), against the bundled demo server: selecting a
client in the client list shows its connection options and its answers to the server's
acks; what was typed for a client and not used is there again when the user comes back."""
from __future__ import annotations

import json

from PySide6.QtWidgets import QLineEdit

from inspector.log.entry import OUT, Kind
from inspector.wire.options import Transport
from tests.ui.workspace_steps import alice_duplicated


def _fill(ui, url: str, transport: str, headers: str, auth: dict) -> None:
    c = ui.window.connection
    c.urlEdit.setText(url)
    c.transportCombo.setCurrentIndex(c.transportCombo.findData(transport))
    c.headersEdit.setPlainText(headers)
    c.authEdit.setText(json.dumps(auth))


def _shown(ui) -> dict:
    """The connection form as the user reads it (secret values masked)."""
    c = ui.window.connection
    return {"url": c.urlEdit.text(), "transport": c.transportCombo.currentData(),
            "auth": c.authEdit.text(), "auth masked": c.authEdit.echoMode() == QLineEdit.EchoMode.Password,
            "headers": c.headersEdit.toPlainText(), "headers hidden": not c.headersEdit.isVisibleTo(ui.window),
            "mask": c.headersMask.text(), "retries": c.retriesSpin.value()}


def _acks_shown(ui) -> tuple:
    p = ui.window.serverAcks
    rows = [tuple(p.table.item(r, c).text() for c in range(3)) for r in range(p.table.rowCount())]
    return p.autoAnswerCheck.isChecked(), p.defaultReplyEdit.text(), rows


def test_each_client_shows_its_own_connection_options(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    assert ui.add_client() == "bob"
    ui.client("alice")
    _fill(ui, ui.url, Transport.POLLING, "X-Client: alice", {"token": "alice-secret"})
    ui.connect()
    ui.client("bob")
    _fill(ui, ui.url + "/cheatsheet", Transport.WEBSOCKET, "X-Client: bob\nX-Team: blue", {"token": "bob-secret"})
    ui.widget("retriesSpin").setValue(3)
    ui.connect(ui.url + "/cheatsheet")
    for _ in range(2):
        ui.client("alice")
        assert _shown(ui) == {"url": ui.url, "transport": Transport.POLLING, "auth": '{"token": "alice-secret"}',
                              "auth masked": True, "headers": "X-Client: alice", "headers hidden": True,
                              "mask": "X-Client: ••••  (hidden)", "retries": 0}
        ui.client("bob")
        assert _shown(ui) == {"url": ui.url + "/cheatsheet", "transport": Transport.WEBSOCKET,
                              "auth": '{"token": "bob-secret"}', "auth masked": True,
                              "headers": "X-Client: bob\nX-Team: blue", "headers hidden": True,
                              "mask": "X-Client: ••••, X-Team: ••••  (hidden)", "retries": 3}


def test_what_was_typed_for_a_client_is_kept_while_another_is_shown(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    c = ui.window.connection
    c.urlEdit.setText(ui.url)
    assert ui.add_client() == "bob"
    ui.client("bob")
    bob_url = c.urlEdit.text()               # bob's own (the options he was set up with)
    c.retriesSpin.setValue(4)
    ui.client("alice")
    assert c.urlEdit.text() == ui.url and c.retriesSpin.value() == 0
    c.authEdit.setText('{"token": ')         # not valid JSON (yet): kept all the same
    c.transportCombo.setCurrentIndex(c.transportCombo.findData(Transport.WEBSOCKET))
    ui.client("bob")
    assert (c.urlEdit.text(), c.retriesSpin.value(), c.authEdit.text()) == (bob_url, 4, "")
    ui.client("alice")
    assert c.authEdit.text() == '{"token": ' and not c.connectButton.isEnabled()
    assert c.transportCombo.currentData() == Transport.WEBSOCKET
    c.authEdit.setText('{"token": "t"}')
    ui.connect()                              # the selected client connects with the form
    assert ui.window.session.options.transport == Transport.WEBSOCKET
    ui.client("bob")
    ui.client("alice")
    assert (c.authEdit.text(), c.transportCombo.currentData()) == ('{"token": "t"}', Transport.WEBSOCKET)


def test_each_client_shows_and_answers_with_its_own_ack_answers(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    acks = ui.window.serverAcks
    assert ui.add_client() == "bob"
    for name in ("alice", "bob"):
        ui.client(name).connect()
    ui.client("alice")
    ui.type_into("defaultReplyEdit", '"alice-default"')
    acks.set_reply("question", '"alice"', 0.5)
    alice = (True, '"alice-default"', [("question", '"alice"', "0.5")])
    assert _acks_shown(ui) == alice
    ui.client("bob")
    assert _acks_shown(ui) == (True, "", [])          # bob has none of his own
    ui.client("alice")
    assert _acks_shown(ui) == alice
    ui.client("bob")
    ui.wait_idle()
    # showing bob's told bob nothing: the demo asks him back ("question"), he answers as before
    ui.emit("ask", "Who are you?")
    answer = ui.wait_for(kind=Kind.ACK, dir=OUT, client="bob")
    assert answer.event == "question" and answer.args == []
    ui.type_into("defaultReplyEdit", '"bob"')
    ui.client("alice")                                  # at once: what was typed was bob's
    ui.client("bob").emit("ask", "Who are you?")
    answer = ui.wait_for(kind=Kind.ACK, dir=OUT, client="bob", count=2)
    assert answer.event == "question" and answer.args == ["bob"]
    ui.client("alice").emit("ask", "Who are you?")
    answer = ui.wait_for(kind=Kind.ACK, dir=OUT, client="alice")
    assert answer.event == "question" and answer.args == ["alice"]


def test_a_duplicated_client_shows_the_answers_it_was_given(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    ui.window.serverAcks.set_reply("question", '{"from": "alice"}')
    ui.wait_idle()
    assert ui.add_client() == "bob"
    alice_duplicated(ui)
    ui.client("alice-2")
    ui.qtbot.waitUntil(lambda: _acks_shown(ui) == (True, "", [("question", '{"from": "alice"}', "0")]))
    ui.client("bob")
    assert _acks_shown(ui) == (True, "", [])


def test_a_client_added_shows_the_options_it_was_set_up_with(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    _fill(ui, ui.url, Transport.POLLING, "X-Client: alice", {"token": "alice-secret"})
    ui.connect()
    assert ui.add_client() == "bob"          # a copy of the first client's options
    ui.client("bob")
    ui.qtbot.waitUntil(lambda: _shown(ui)["transport"] == Transport.POLLING)
    assert _shown(ui)["headers"] == "X-Client: alice" and ui.window.connection.urlEdit.text() == ui.url
