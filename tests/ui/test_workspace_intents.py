"""What the user asks for one client goes to that client (issue 12), against the bundled demo
server: each panel's call is made by a task that runs after the signal, and the user may
select another client in between; the call goes to the client selected when it was asked."""
from __future__ import annotations

from inspector.log.entry import IN, OUT, Kind
from inspector.wire.options import Transport
from tests.ui.workspace_steps import (
    alice_and_bob,
    both_in_numbers_alice_checking_seq,
    numbers_with_a_gap_are_checked_by_alice_only,
)

NS = "/cheatsheet"


def test_an_emit_goes_from_the_client_it_was_asked_of(inspector):
    ui = inspector
    alice_and_bob(ui)
    ui.emit("echo", "from alice")
    ui.client("bob")                                   # at once
    sent = ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo")
    assert sent.client == "alice"
    ui.wait_idle()
    ui.client("alice").window.logView.reemitRequested.emit(sent, False)     # a log row sent again
    ui.client("bob")
    assert ui.wait_for(kind=Kind.EVENT, dir=OUT, event="echo", count=2).client == "alice"


def test_a_room_is_joined_and_left_by_the_client_it_was_asked_of(inspector):
    ui = inspector
    alice_and_bob(ui)
    ui.type_into("roomEdit", "r1")
    ui.click("joinRoomButton")
    ui.client("bob")
    assert ui.wait_for(kind=Kind.ACK, dir=IN, event="join").client == "alice"
    ui.wait_idle()
    ui.client("alice")
    ui.click("leaveRoomButton")
    ui.client("bob")
    assert ui.wait_for(kind=Kind.ACK, dir=IN, event="leave").client == "alice"


def test_a_namespace_is_opened_and_closed_by_the_client_it_was_asked_of(inspector):
    ui = inspector
    alice_and_bob(ui)
    ui.type_into("namespaceEdit", NS)
    ui.click("openNamespaceButton")
    ui.client("bob")
    assert ui.wait_for(kind=Kind.CONNECT, ns=NS).client == "alice"
    ui.wait_idle()
    ui.client("alice").select_namespace(NS)
    ui.click("closeNamespaceButton")
    ui.client("bob")
    assert ui.wait_for(kind=Kind.DISCONNECT, ns=NS).client == "alice"


def test_connect_and_disconnect_act_on_the_client_they_were_asked_of(inspector):
    ui = inspector
    alice_and_bob(ui, alice_connected=False)
    ui.click("connectButton")
    ui.client("bob")
    ui.wait_for(kind=Kind.CONNECT, client="alice")
    ui.wait_idle()
    assert len(ui.find(kind=Kind.CONNECT, client="bob")) == 1
    ui.client("alice")
    ui.click("disconnectButton")
    ui.client("bob")
    assert ui.wait_for(kind=Kind.DISCONNECT).client == "alice"


def test_a_network_drop_cuts_the_client_it_was_asked_of(inspector):
    ui = inspector
    alice_and_bob(ui)
    ui.window.dropAction.trigger()
    ui.client("bob")
    assert ui.wait_for(kind=Kind.DISCONNECT).client == "alice"


def test_raw_capture_is_turned_on_for_the_client_it_was_asked_of(inspector):
    ui = inspector
    alice_and_bob(ui)
    ui.set_checked("rawCaptureCheck", True)
    ui.client("bob")
    ui.wait_idle()
    ui.emit("echo", "from bob", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", client="bob")
    ui.client("alice").emit("echo", "from alice", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", client="alice")
    ui.wait_for(kind=Kind.PACKET, client="alice")
    assert not ui.find(kind=Kind.PACKET, client="bob")


def test_sequence_checks_are_set_for_the_client_they_were_asked_of(inspector):
    ui = inspector
    both_in_numbers_alice_checking_seq(ui)
    ui.client("bob")
    numbers_with_a_gap_are_checked_by_alice_only(ui)


def test_the_client_list_connects_the_client_selected_with_the_form_it_showed(inspector):
    ui = inspector
    alice_and_bob(ui)
    ui.disconnect()
    c = ui.window.connection
    c.transportCombo.setCurrentIndex(c.transportCombo.findData(Transport.POLLING))
    ui.click("connectClientButton")            # the client list's Connect: alice, with her form
    ui.client("bob")
    connects = ui.wait_for(kind=Kind.CONNECT, client="alice", count=2)
    assert connects.detail["transport"] == Transport.POLLING
