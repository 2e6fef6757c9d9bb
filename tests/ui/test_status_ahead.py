"""The status line is not held behind a backlog: a server that bursts and then closes is
said to be gone while the burst's rows are still being shown (the capture reads the close
ahead of them), and once they are all shown the log is whole, in wire order, and the status
line says what the connection is now."""
from __future__ import annotations

import pytest

from inspector.log.entry import Kind
from inspector.ui.bridge import NetworkThread
from tests.faults.eio_server import CLOSE, ScriptedEioServer

BURST = 20_000


@pytest.fixture
def bursting_server():
    """The scripted Engine.IO server on a loop of its own: BURST events, then a close frame;
    the client's reconnect is sent one `back` event."""
    network = NetworkThread("scripted-server").start()
    server = ScriptedEioServer([f'42["burst",{{"i":{i}}}]' for i in range(BURST)] + [CLOSE],
                               ['42["back",{}]'])
    network.submit(server.__aenter__()).result(10)
    try:
        yield server
    finally:
        network.submit(server.__aexit__()).result(10)
        network.stop()


def test_the_status_line_says_the_connection_is_lost_before_the_burst_before_the_close_is_shown(
        inspector_at, bursting_server):
    ui = inspector_at(bursting_server.url)
    ui.widget("delaySpin").setValue(0.05)
    model = ui.window.model
    shown = {"bursts": 0}           # the burst's rows in the window so far
    said: list[tuple[str, int]] = []     # the status line each time it changed, and that count

    def inserted(_parent, first: int, last: int) -> None:
        shown["bursts"] += sum(model.entry(r).event == "burst" for r in range(first, last + 1))
    model.rowsInserted.connect(inserted)
    # connected after the window's own slot: the label already says it
    ui.window.bridge.statusLine.connect(lambda _st: said.append((ui.status, shown["bursts"])))
    ui.connect(transport="websocket")
    ui.wait_for(kind=Kind.EVENT, event="back", timeout=60)
    # before the last row of the burst reached the window, its status line said it was lost
    lost = [(text, n) for text, n in said if text.startswith("Connection lost (transport close) — ")]
    assert lost and lost[0][1] < BURST, said
    assert "still being shown" in lost[0][0]
    # then everything, in wire order, and the status line on the connection as it is now
    ui.wait_for_status("Connected to")
    entries = ui.entries()
    bursts = [e for e in entries if e.event == "burst"]
    assert [e.args[0]["i"] for e in bursts] == list(range(BURST))
    drop = next(e for e in entries if e.kind == Kind.DISCONNECT)
    back = next(e for e in entries if e.event == "back")
    assert drop.detail["reason"] == "transport close" and bursts[-1].seq < drop.seq < back.seq
    qtbot = ui.qtbot
    qtbot.waitUntil(lambda: "still being shown" not in ui.status and ui.status.startswith("Connected to"))
    assert ui.window.bridge.status_line == ui.window.bridge.state
