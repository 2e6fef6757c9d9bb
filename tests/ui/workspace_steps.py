"""Steps the workspace tests share (tests/ui/test_workspace_*.py)."""
from __future__ import annotations

from inspector.log.entry import IN, Kind


def alice_and_bob(ui, *, alice_connected: bool = True) -> None:
    """alice and bob, both connected (alice: unless told); alice selected."""
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    assert ui.add_client() == "bob"
    ui.client("bob").connect()
    ui.client("alice")
    if alice_connected:
        ui.connect()


def both_in_numbers_alice_checking_seq(ui) -> None:
    """alice and bob connected, both in the room `numbers`; alice checks `number`.seq."""
    alice_and_bob(ui)
    for name in ("alice", "bob"):
        ui.client(name).join("numbers")
    ui.client("alice")
    ui.window.sequences.set_rule("number", "seq")


def alice_duplicated(ui) -> None:
    """alice selected and duplicated: alice-2 is in the client list."""
    ui.client("alice")
    ui.click("duplicateClientButton")
    ui.qtbot.waitUntil(lambda: "alice-2" in ui.clients())


def numbers_with_a_gap_are_checked_by_alice_only(ui) -> None:
    """The demo sends 1, 3, 4 (2 skipped) to both clients: only alice, whose check is on
    `number`.seq, logs the gap."""
    ui.wait_idle()
    ui.emit("emit_numbers", {"count": 4, "interval": 0.001, "skip": [2]})
    for name in ("alice", "bob"):
        ui.wait_for(kind=Kind.EVENT, dir=IN, event="number", client=name, args=[{"seq": 4}])
    assert ui.wait_for(kind=Kind.GAP).client == "alice"
    assert not ui.find(kind=Kind.GAP, client="bob")
