"""The log's Clear with several clients (issue 12), against the bundled demo server: the
timeline goes on with every client's connected namespaces, each on its client's strip, not
only the selected client's."""
from __future__ import annotations

from inspector.log.timeline import CLOSED, UP

NS = "/cheatsheet"
STRIPS = ["alice /", "bob /", f"bob {NS}"]


def test_after_clear_the_timeline_goes_on_with_every_clients_namespaces(inspector):
    ui = inspector
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])
    assert ui.add_client() == "bob"
    ui.client("alice").connect()
    ui.client("bob").connect()
    ui.open_namespace(NS)
    ui.client("alice")
    timeline = ui.window.timeline.timeline
    ui.qtbot.waitUntil(lambda: timeline.namespaces() == STRIPS)
    ui.click("clearButton")
    assert ui.window.model.rowCount() == 0
    assert timeline.namespaces() == STRIPS
    assert [[(p.state, p.end) for p in timeline.periods[s]] for s in STRIPS] == [[(UP, None)]] * 3
    # they go on: bob's namespace closed after the clear ends his strip's period
    ui.client("bob").select_namespace(NS)
    ui.click("closeNamespaceButton")
    ui.qtbot.waitUntil(lambda: timeline.periods[f"bob {NS}"][-1].state == CLOSED)
    assert timeline.namespaces() == STRIPS and len(timeline.periods[f"bob {NS}"]) == 2
