"""Steps the workspace tests share (tests/ui/test_workspace_*.py)."""
from __future__ import annotations

from inspector.log.entry import IN, Kind


def numbers_with_a_gap_are_checked_by_alice_only(ui) -> None:
    """The demo sends 1, 3, 4 (2 skipped) to both clients: only alice, whose check is on
    `number`.seq, logs the gap."""
    ui.wait_idle()
    ui.emit("emit_numbers", {"count": 4, "interval": 0.001, "skip": [2]})
    for name in ("alice", "bob"):
        ui.wait_for(kind=Kind.EVENT, dir=IN, event="number", client=name, args=[{"seq": 4}])
    assert ui.wait_for(kind=Kind.GAP).client == "alice"
    assert not ui.find(kind=Kind.GAP, client="bob")
