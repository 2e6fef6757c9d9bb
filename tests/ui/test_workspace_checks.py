"""The selected client's sequence checks and raw capture (issue 12), against the bundled demo
server: the Checks tab and the Raw packets box show the client selected (each client keeps
its own in the capture process), filling them tells no client anything, and a check typed
for a client that does not parse yet is there again when the user comes back to it."""
from __future__ import annotations

from inspector.log.entry import IN, Kind
from tests.ui.workspace_steps import (
    alice_and_bob,
    alice_duplicated,
    both_in_numbers_alice_checking_seq,
    numbers_with_a_gap_are_checked_by_alice_only,
)


def _checks_shown(ui) -> tuple:
    return ui.window.sequences.contents()


def _raw_shown(ui) -> tuple[bool, bool]:
    """The Raw packets box and Connection > Capture raw packets."""
    return ui.window.rawCaptureCheck.isChecked(), ui.window.rawAction.isChecked()


def test_each_client_shows_and_checks_with_its_own_sequence_checks(inspector):
    ui = inspector
    both_in_numbers_alice_checking_seq(ui)
    ui.wait_idle()
    ui.client("bob")
    assert _checks_shown(ui) == ()
    assert not ui.window.tasks.running              # showing bob's checks told nobody anything
    ui.window.sequences.set_rule("number", "data..i")      # bob's: not valid, so not applied
    ui.client("alice")
    assert _checks_shown(ui) == (("number", "seq", ""),)
    assert not ui.window.sequences.note.isVisibleTo(ui.window)
    ui.client("bob")
    assert _checks_shown(ui) == (("number", "data..i", ""),)
    assert "data..i" in ui.window.sequences.note.text()
    numbers_with_a_gap_are_checked_by_alice_only(ui)


def test_a_duplicate_shows_its_originals_checks_a_client_added_none(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    ui.window.sequences.set_rule("tick", "[1].n", "/cheatsheet")
    ui.wait_idle()
    assert ui.add_client() == "bob"
    alice_duplicated(ui)
    ui.client("bob")
    assert _checks_shown(ui) == ()
    ui.client("alice-2")            # what the capture says the copy checks
    ui.qtbot.waitUntil(lambda: _checks_shown(ui) == (("tick", "[1].n", "/cheatsheet"),))


def test_each_client_shows_whether_it_captures_raw_packets(inspector):
    ui = inspector
    alice_and_bob(ui)
    ui.set_checked("rawCaptureCheck", True)         # alice's
    ui.client("bob")                                 # at once, before her call has gone
    assert _raw_shown(ui) == (False, False)
    ui.wait_idle()
    ui.client("alice")
    assert _raw_shown(ui) == (True, True)
    ui.client("bob")
    assert _raw_shown(ui) == (False, False)
    ui.wait_idle()
    ui.emit("echo", "from bob", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", client="bob")
    ui.client("alice").emit("echo", "from alice", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", client="alice")
    ui.wait_for(kind=Kind.PACKET, client="alice")
    assert not ui.find(kind=Kind.PACKET, client="bob")
    ui.client("bob").window.rawAction.trigger()     # Ctrl+R: bob's on too
    assert _raw_shown(ui) == (True, True)
    ui.wait_idle()
    ui.emit("echo", "from bob again", ack=True)
    ui.wait_for(kind=Kind.PACKET, client="bob")
