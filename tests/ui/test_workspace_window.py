"""Several clients in one window (issue 12), against the bundled demo's /cheatsheet: the
Clients tab, the log's Client column, and the delivery view's matrix, as a user reads them."""
from __future__ import annotations

import pytest

from inspector.log.entry import IN, Kind
from inspector.ui.log.columns import ColumnKey, position
from inspector.ui.log.delivery_view import NOT_RECEIVED

NS = "/cheatsheet"


def _connected(ui, name: str) -> None:
    ui.client(name).connect()
    ui.open_namespace(NS)


def _cell_text(ui, entry, key: ColumnKey) -> str:
    """What the log table shows in a column for an entry's row."""
    view = ui.window.logView.table
    model = view.model()
    for row in range(model.rowCount()):
        index = model.index(row, position(ColumnKey.SEQ))
        if index.data() == str(entry.seq):
            return model.index(row, position(key)).data()
    raise LookupError(f"no row for #{entry.seq}")


def _row(cells: list[dict], event: str) -> dict:
    rows = [c for c in cells if c["Event"] == event]
    assert len(rows) == 1, (event, cells)
    return rows[0]


def test_three_clients_two_in_a_room_the_matrix_says_who_received_each_line(inspector):
    ui = inspector
    table = ui.window.logView.table
    assert table.isColumnHidden(position(ColumnKey.CLIENT))      # one client: the log as before
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice"])     # the first client: the window's own
    assert ui.add_client() == "bob"
    assert ui.add_client() == "carol"
    assert not table.isColumnHidden(position(ColumnKey.CLIENT))
    for name in ("alice", "bob", "carol"):
        _connected(ui, name)
    ui.client("alice").join("room1", NS)
    ui.client("bob").join("room1", NS)
    items = ui.window.clientsUi.panel.list
    # all on one server: no host:port on the rows (the status line says it), in the tooltips
    ui.qtbot.waitUntil(lambda: [items.item(i).text() for i in range(items.count())]
                       == ["alice   connected", "bob   connected", "carol   connected"])
    assert ui.url.split("://")[1] in items.item(2).toolTip()

    ui.client("carol").emit("to_room", ns=NS)          # socket.to("room1").emit: alice, bob
    got = ui.wait_for(count=2, kind=Kind.EVENT, dir=IN, event="to_room")
    assert sorted(e.client for e in ui.find(kind=Kind.EVENT, dir=IN, event="to_room")) == ["alice", "bob"]
    assert _cell_text(ui, got, ColumnKey.CLIENT) in ("alice", "bob")

    ui.client("alice").emit("broadcast", ns=NS)        # socket.broadcast.emit: all but alice
    ui.wait_for(count=2, kind=Kind.EVENT, dir=IN, event="broadcast")
    ui.client("bob").emit("in_room", ns=NS)            # io.in("room1"): the sender too
    ui.wait_for(count=2, kind=Kind.EVENT, dir=IN, event="in_room")

    ui.qtbot.waitUntil(lambda: {"to_room", "broadcast", "in_room"} <= {c["Event"] for c in ui.delivery_cells()})
    cells = ui.delivery_cells()
    to_room, broadcast, in_room = (_row(cells, e) for e in ("to_room", "broadcast", "in_room"))
    assert to_room["carol"] == NOT_RECEIVED and NOT_RECEIVED not in (to_room["alice"], to_room["bob"])
    assert broadcast["alice"] == NOT_RECEIVED and NOT_RECEIVED not in (broadcast["bob"], broadcast["carol"])
    assert in_room["carol"] == NOT_RECEIVED and NOT_RECEIVED not in (in_room["alice"], in_room["bob"])

    # the log filtered to one client shows only its rows
    bar = ui.window.logView.filterBar
    assert bar.clientCombo.isVisible()
    bar.clientCombo.setCurrentIndex(bar.clientCombo.findText("carol"))
    model = table.model()
    ui.qtbot.waitUntil(lambda: model.rowCount() > 0 and all(
        model.index(r, position(ColumnKey.CLIENT)).data() == "carol" for r in range(model.rowCount())))


def test_an_emit_selected_shows_what_it_caused_with_the_rooms_then(inspector):
    ui = inspector
    ui.add_client()
    for name in ("alice", "bob"):
        _connected(ui, name)
    ui.client("bob").join("room1", NS)
    ui.client("alice").emit("to_room", ns=NS)
    ui.wait_for(kind=Kind.EVENT, dir=IN, event="to_room", client="bob")
    emit = ui.find(kind=Kind.EVENT, event="to_room", client="alice")[0]
    table = ui.window.logView.table          # the user clicks the emit's row
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == str(emit.seq))
    table.setCurrentIndex(model.index(row, 0))
    view = ui.window.clientsUi.deliveries
    ui.qtbot.waitUntil(lambda: "to_room" in view.causeLabel.text())
    assert "bob: room1" in view.causeLabel.text()
    cells = ui.delivery_cells()
    assert [c["Event"] for c in cells] == ["to_room"]
    assert cells[0]["alice"] == NOT_RECEIVED and cells[0]["bob"] != NOT_RECEIVED


@pytest.fixture
def demo_cluster():
    """The demo cluster (tests/demo/test_cluster.py's): redis-server on a free port, nodes A
    and B on it; their URLs."""
    from inspector.demo.cluster import DemoCluster, RedisServer
    from inspector.ui.bridge import NetworkThread
    redis = RedisServer()
    redis.start()
    network = NetworkThread().start()
    nodes = DemoCluster(redis.url, tick_interval=0)
    try:
        yield network.submit(nodes.start()).result(15)
    finally:
        network.settle(nodes.stop(), 5.0)
        network.stop()
        redis.stop()


@pytest.mark.cluster
def test_on_a_cluster_the_list_names_each_clients_node_and_add_puts_one_on_node_b(inspector_at, demo_cluster):
    """--demo-cluster's window (issue 12): node A's client and one added on node B (the Add
    menu) are listed as on A and B, host:port in their tooltips; B's hello says B."""
    a, b = demo_cluster
    ui = inspector_at(a)
    clients = ui.window.clientsUi
    clients.set_nodes({a: "A", b: "B"})             # as app.py does when it starts the cluster
    ui.connect()
    ui.open_namespace(NS)
    menu = clients.panel.addButton.menu()
    assert [act.text() for act in menu.actions()] == [f"On node A   {a[7:]}", f"On node B   {b[7:]}"]
    menu.actions()[1].trigger()                     # Add > On node B
    ui.qtbot.waitUntil(lambda: ui.clients() == ["alice", "bob"] and "bob" in clients.bridge.client_states)
    ui.client("bob")                                # selected: the form shows where it connects
    assert ui.window.connection.urlEdit.text() == b
    ui.click("connectClientButton")
    ui.wait_for_status("Connected")
    ui.open_namespace(NS)
    got = ui.wait_for(kind=Kind.EVENT, dir=IN, event="hello", client="bob")
    assert got.args[0]["node"] == "B"
    items = clients.panel.list
    ui.qtbot.waitUntil(lambda: [items.item(i).text().split()[:4] for i in range(items.count())]
                       == [["alice", "node", "A", "connected"], ["bob", "node", "B", "connected"]])
    assert a[7:] in items.item(0).toolTip() and b[7:] in items.item(1).toolTip()
    # alice connected alone (her entries named no client): her rows and timeline strips are hers now
    assert _cell_text(ui, ui.find(kind=Kind.CONNECT)[0], ColumnKey.CLIENT) == "alice"
    assert ui.window.timeline.timeline.namespaces() == ["alice /", "alice /cheatsheet", "bob /", "bob /cheatsheet"]
    clients.panel.duplicateButton.menu().actions()[0].trigger()     # bob selected: Duplicate > On node A
    ui.qtbot.waitUntil(lambda: items.count() == 3 and items.item(2).text().split()[1:3] == ["node", "A"])
