"""Deep nesting from a server: whatever depth the JSON decoder accepts is logged, shown, stored,
reopened and exported, from any thread at any stack depth; what is deeper (5,000 and 100,000
levels) is one `error` entry that says so, and the connection goes on as socket.io-client's
would (a parse error: the engine closes, the client reconnects).  Nothing raises RecursionError.

Measured on the code before (issue 15, item 2): 975 levels arrived from this server, and a
reopened session could not give back anything deeper than about 490 (`SessionStore.entries()`
raised RecursionError at 600)."""
from __future__ import annotations

import asyncio
import json

import pytest

from inspector.log.entry import IN, Kind, LogEntry
from inspector.session.session import Session
from inspector.store.jsonl import export_jsonl, import_jsonl
from inspector.store.reader import SessionStore
from inspector.store.writer import StoreWriter
from inspector.ui.log.detail import ENTRY_TAB, EXPAND_DEPTH, RAW_TAB, TEXT_PAGE, TREE_TAB
from inspector.wire import deep_json
from inspector.wire.options import ConnectionOptions, Transport
from tests.faults.raw_server import RawServer, nested
from tests.helpers import Recorder, run

ACCEPTED = 800          # the decoder takes this from under pytest's stack (about 900 here)
TOO_DEEP = (5_000, 100_000)
DEEPER = "nested deeper than the JSON decoder accepts"


@pytest.fixture
def deep_server():
    server = RawServer({"deep": lambda depth: [f'2["deep",{nested(depth)}]']})
    yield server
    server.stop()


def at_stack_depth(frames: int, fn):
    """fn() called under `frames` more Python frames: a caller with a deep stack of its own
    (a Qt slot, a thread's run loop) must not lower what can be read back."""
    if frames <= 0:
        return fn()
    return at_stack_depth(frames - 1, fn)


def select(ui, entry: LogEntry):
    """Select the entry's row once the window has it; the detail pane once it shows it."""
    shown = ui.window.logView.filtered
    ui.qtbot.waitUntil(lambda: any(shown.entry(r).seq == entry.seq for r in range(shown.rowCount())))
    ui.window.logView.table.selectRow(next(r for r in range(shown.rowCount())
                                           if shown.entry(r).seq == entry.seq))
    detail = ui.window.detail
    ui.qtbot.waitUntil(lambda: detail.entry is not None and detail.entry.seq == entry.seq)
    return detail


def depth_of(entry: LogEntry) -> int:
    return deep_json.depth(entry.args[0])


def test_an_accepted_depth_is_logged_stored_reopened_and_exported(deep_server, tmp_path):
    path = tmp_path / "deep.sqlite"
    printed: list[str] = []

    async def main() -> LogEntry:
        session = Session(ConnectionOptions(url=deep_server.url, transport=Transport.WEBSOCKET))
        rec = Recorder(session)
        writer = StoreWriter(path)
        writer.attach(session)
        session.subscribe(lambda e: printed.append(e.to_jsonl()))    # what `listen` prints
        await session.connect()
        await session.emit("/", "give", ["deep", ACCEPTED])
        [event] = await rec.wait_for(kind=Kind.EVENT, dir=IN, event="deep")
        await session.disconnect()
        assert writer.flush(10)
        writer.close()
        assert not rec.find(kind=Kind.ERROR)
        return event

    event = run(main())
    assert depth_of(event) == ACCEPTED
    line = next(p for p in printed if '"event":"deep"' in p)
    assert line == f'{{"seq":{event.seq},"t":{json.dumps(event.t)},"dir":"in","kind":"event","ns":"/",' \
                   f'"event":"deep","args":[{nested(ACCEPTED)}],"bytes":{event.bytes}}}'
    # read back at 600 frames down: deeper than the old reader got from the top of a stack
    with SessionStore(path) as store:
        again = at_stack_depth(600, lambda: store.get(event.seq))
        assert again == event
        assert at_stack_depth(600, store.entries)[-2:] == [event, store.get(event.seq + 1)]
        out = tmp_path / "deep.jsonl"
        assert export_jsonl(store, out) == store.count()
    exported = out.read_text(encoding="utf-8").splitlines()
    assert LogEntry.from_jsonl(exported[event.seq - 1]) == event
    assert import_jsonl(out, tmp_path / "again.sqlite") == len(exported)
    with SessionStore(tmp_path / "again.sqlite") as store:
        assert at_stack_depth(600, lambda: store.get(event.seq)) == event


@pytest.mark.expect_error(DEEPER)
@pytest.mark.parametrize("depth", TOO_DEEP)
def test_deeper_than_the_decoder_is_one_error_entry_and_the_client_reconnects(deep_server, tmp_path, depth):
    path = tmp_path / "deeper.sqlite"

    async def main() -> list[LogEntry]:
        session = Session(ConnectionOptions(url=deep_server.url, transport=Transport.WEBSOCKET,
                                            reconnection_delay=0.05))
        rec = Recorder(session)
        writer = StoreWriter(path)
        writer.attach(session)
        await session.connect()
        await session.emit("/", "give", ["deep", depth])
        [error] = await rec.wait_for(kind=Kind.ERROR)
        await rec.wait_for(kind=Kind.RECONNECT)          # as socket.io-client after a parse error
        await session.disconnect()
        assert writer.flush(10)
        writer.close()
        assert not rec.find(kind=Kind.EVENT, dir=IN, event="deep")
        return rec.entries

    entries = run(main())
    [error] = [e for e in entries if e.kind == Kind.ERROR]
    assert error.detail["message"].startswith(f"undecodable Socket.IO packet: {DEEPER} (about ")
    assert error.args == [f'2["deep",{nested(depth)}]']          # the packet, as it came
    with SessionStore(path) as store:
        assert store.entries() == entries
        assert export_jsonl(store, tmp_path / "deeper.jsonl") == len(entries)


@pytest.mark.expect_error(DEEPER)
def test_the_window_shows_deep_values_paged_and_collapsed(inspector_at, deep_server, tmp_path):
    ui = inspector_at(deep_server.url)
    ui.connect(transport=Transport.WEBSOCKET)
    ui.emit("give", "deep", ACCEPTED)
    event = ui.wait_for(kind=Kind.EVENT, dir=IN, event="deep")
    detail = select(ui, event)
    assert detail.tabs.currentIndex() == TREE_TAB
    detail.expandButton.click()
    item, levels = detail.tree.topLevelItem(0), 1
    while item.isExpanded():
        item, levels = item.child(0), levels + 1
    assert levels == EXPAND_DEPTH + 1                   # collapsed past EXPAND_DEPTH
    assert detail.tree.node(item)[1] == [0] * (EXPAND_DEPTH + 1)
    detail.tabs.setCurrentIndex(RAW_TAB)
    raw = detail.argsText.toPlainText()
    whole = deep_json.dumps(event.args[0], indent=2)     # 1.3 M characters
    assert raw == ("// argument 1 of 1\n" + whole)[:TEXT_PAGE]
    assert detail.moreButton.isEnabled()
    detail.moreButton.click()
    assert detail.argsText.toPlainText() == ("// argument 1 of 1\n" + whole)[:2 * TEXT_PAGE]
    detail.tabs.setCurrentIndex(ENTRY_TAB)
    assert detail.entryText.toPlainText().startswith('{\n  "seq": ')
    # deeper than the decoder: an error row, shown like any other, and the window goes on
    ui.emit("give", "deep", 100_000)
    error = ui.wait_for(kind=Kind.ERROR)
    select(ui, error)
    assert DEEPER in detail.argsText.toPlainText()
    ui.wait_for(kind=Kind.RECONNECT)
    ui.flush_session_file()
    with SessionStore(ui.session_file) as store:
        assert store.get(event.seq) == event
        assert store.get(error.seq) == error
        assert export_jsonl(store, tmp_path / "window.jsonl") == store.count()


def test_the_composer_refuses_what_python_socketio_could_not_encode():
    from inspector.wire.payload import PayloadError, parse_args
    with pytest.raises(PayloadError, match="nested too deep"):
        parse_args(nested(5_000))
    assert deep_json.depth(parse_args(nested(500))) == 501


@pytest.mark.expect_error(DEEPER)
def test_no_recursion_error_reaches_asyncio(deep_server):
    """What stays of the old failure: nothing on the loop's exception handler."""
    caught: list = []

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: caught.append(ctx))
        session = Session(ConnectionOptions(url=deep_server.url, transport=Transport.WEBSOCKET,
                                            tolerate_undecodable=True))
        rec = Recorder(session)
        await session.connect()
        for depth in (ACCEPTED, *TOO_DEEP):
            await session.emit("/", "give", ["deep", depth])
        await rec.wait_for(kind=Kind.ERROR, count=2)
        await session.emit("/", "give", ["deep", 3])    # still connected: tolerated
        await rec.wait_for(kind=Kind.EVENT, dir=IN, event="deep", count=2)
        await session.disconnect()

    run(main())
    assert caught == []
