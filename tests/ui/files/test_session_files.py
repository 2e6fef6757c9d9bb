"""Session files end to end, through the window, against the demo server (127.0.0.1:0):
recorded as it happens, opened read-only, exported, imported, moved; secrets never written."""
from __future__ import annotations

import time
from pathlib import Path

from inspector.log.entry import IN, OUT, Kind, LogEntry
from inspector.store.reader import SessionStore
from inspector.ui.log.detail import TREE_TAB
from inspector.ui.log.stats import EventCountsModel
from inspector.ui.log.workspace import STATS_TAB


def converse(ui) -> None:
    ui.connect()
    ui.emit("echo", "ping", {"n": 1}, ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    ui.emit("binary", 16, ack=True)
    ui.wait_for_event("binary_data")
    ui.wait_for(kind=Kind.ACK, dir=IN, event="binary")     # its ack too: it may come after the event


def wait_job(ui, job, timeout=10000) -> None:
    ui.qtbot.waitUntil(lambda: job.done, timeout=timeout)   # done: its end has been delivered


def test_every_entry_is_in_the_session_file_as_it_happens(inspector_at, demo_server, tmp_path):
    ui = inspector_at(demo_server.url)
    converse(ui)
    path = ui.session_file
    assert path.parent == tmp_path / "d0" / "sessions"     # the test's folder, never the user's
    assert ui.widget("sessionFileLabel").text() == f"Session file: {path.name}"
    ui.flush_session_file()
    with SessionStore(path) as store:
        assert store.entries() == ui.entries()
    ui.window.model.clear()                                # Clear empties the view, not the file
    with SessionStore(path) as store:
        assert store.count() >= 6


def test_auth_and_header_values_are_never_written(inspector_at, demo_server, tmp_path):
    ui = inspector_at(demo_server.url)
    ui.widget("headersEdit").setPlainText("X-Api-Key: hdr-s3cret-value")
    ui.connect(auth={"token": "auth-s3cret-value"})
    ui.open_namespace("/admin", auth={"token": "demo-token"})
    ui.emit("echo", "visible", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    ui.flush_session_file()
    job = ui.window.export(filtered=False, dest=tmp_path / "all.jsonl")
    wait_job(ui, job)
    path = ui.session_file
    written = b"".join(Path(str(path) + s).read_bytes() for s in ("", "-wal") if Path(str(path) + s).exists())
    written += (tmp_path / "all.jsonl").read_bytes()
    assert b"visible" in written
    for secret in (b"hdr-s3cret-value", b"auth-s3cret-value", b"demo-token"):
        assert secret not in written


def test_an_old_session_opens_read_only_with_the_same_views(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    converse(ui)
    ui.flush_session_file()
    viewer = ui.window.open_session(ui.session_file)
    ui.qtbot.waitUntil(lambda: viewer.done_loading, timeout=10000)
    assert viewer.model.entries() == ui.entries()
    assert "read-only" in viewer.windowTitle()
    assert f"{len(ui.entries()):,} entries" in viewer.banner.text()
    # nothing there can connect or send
    for name in ("connectButton", "emitButton", "argsEdit", "urlEdit"):
        assert viewer.findChild(object, name) is None
    # the same filter bar, detail and statistics
    viewer.logView.filterBar.set_direction(OUT)
    assert {viewer.logView.filtered.entry(r).dir for r in range(viewer.logView.filtered.rowCount())} == {OUT}
    viewer.logView.filterBar.set_direction("all")
    ack = next(e for e in viewer.model.entries() if e.kind == Kind.ACK and e.dir == IN)
    viewer.logView.scroll_to_seq(ack.seq)
    assert viewer.detail.entry == ack and viewer.detail.tabs.currentIndex() == TREE_TAB
    assert "echo" in [r[0] for r in viewer.stats.stats.per_event]
    viewer.close()


def test_export_all_or_the_shown_rows_and_import_them_back(inspector_at, demo_server, tmp_path):
    ui = inspector_at(demo_server.url)
    converse(ui)
    everything = ui.entries()
    job = ui.window.export(filtered=False, dest=tmp_path / "all.jsonl")
    wait_job(ui, job)
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines == [e.to_jsonl() for e in everything]
    assert "Exported" in ui.message
    ui.window.logView.filterBar.set_direction(OUT)
    job = ui.window.export(filtered=True, dest=tmp_path / "out.jsonl")
    wait_job(ui, job)
    outs = [LogEntry.from_jsonl(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert outs == [e for e in everything if e.dir == OUT] and outs
    # import: a read-only session of its own, in the sessions folder
    ui.window.import_jsonl(tmp_path / "all.jsonl")
    ui.qtbot.waitUntil(lambda: bool(ui.window.viewers) and ui.window.viewers[-1].done_loading, timeout=10000)
    viewer = ui.window.viewers[-1]
    assert viewer.model.entries() == everything
    assert viewer.path.parent == ui.session_file.parent and viewer.path.name.startswith("imported-all-")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"seq": 1}\n')
    ui.window.import_jsonl(bad)
    ui.qtbot.waitUntil(lambda: "Import failed" in ui.message, timeout=10000)
    assert "bad.jsonl, line 1: log entry without 't'" in ui.message


def test_the_recording_can_move_to_a_file_of_your_choice(inspector_at, demo_server, tmp_path):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.wait_for(kind=Kind.CONNECT)
    ui.flush_session_file()
    old = ui.session_file
    wait_job(ui, ui.window.move_session_file(tmp_path / "keep" / "mine.sqlite"))
    # done: its end was delivered, so the window says where it records now
    assert ui.widget("sessionFileLabel").text() == "Session file: mine.sqlite"
    assert ui.message == f"Recording to {tmp_path / 'keep' / 'mine.sqlite'}"
    assert ui.session_file == tmp_path / "keep" / "mine.sqlite" and not old.exists()
    ui.emit("echo", "after the move", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    ui.flush_session_file()
    with SessionStore(tmp_path / "keep" / "mine.sqlite") as store:
        assert store.entries() == ui.entries()


def test_the_ack_row_links_to_its_emit(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.emit("echo", "hi", ack=True)
    ack = ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    view = ui.window.logView
    view.scroll_to_seq(ack.seq)
    links = ui.widget("detailLinks")
    assert not links.isHidden() and f'href="seq:{ack.detail["for_seq"]}"' in links.text()
    links.linkActivated.emit(f"seq:{ack.detail['for_seq']}")
    assert view.current_seq() == ack.detail["for_seq"]
    assert ui.window.detail.entry.dir == OUT and ui.window.detail.entry.event == "echo"


def test_the_statistics_panel_shows_rates_counts_and_round_trips(inspector_at, demo_server, qtmodeltester):
    ui = inspector_at(demo_server.url)
    ui.connect()
    for i in range(5):
        ui.emit("echo", i, ack=True)
        ui.wait_for(kind=Kind.ACK, dir=IN, event="echo", count=i + 1)
    ui.window.workspace.bottomTabs.setCurrentIndex(STATS_TAB)
    stats = ui.window.stats
    s = stats.refresh(now=time.time() + 1.0)      # the plots show whole seconds: let this one end
    assert s.rtt_count == 5 and s.rtt_p50 is not None and s.rtt_p50 <= s.rtt_p95 <= s.rtt_p99
    assert stats.rttLabel.text().startswith("Ack round trips (5): p50 ") and " ms" in stats.rttLabel.text()
    assert "Out: 5 events" in stats.summary.text()
    assert s.events_out.sum() == 5
    counts = stats.countsModel
    assert ("echo", 0, 5) in counts._rows
    qtmodeltester.check(counts)
    qtmodeltester.check(EventCountsModel())
    image = stats.grab().toImage()
    assert image.width() > 200


def test_a_move_that_fails_says_why_and_recording_goes_on(inspector_at, demo_server, tmp_path):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.wait_for(kind=Kind.CONNECT)
    ui.flush_session_file()
    taken = tmp_path / "taken.sqlite"
    taken.write_text("someone else's file")
    old = ui.session_file
    ui.window.move_session_file(taken)
    ui.qtbot.waitUntil(lambda: "exists already" in ui.message, timeout=10000)
    assert taken.read_text() == "someone else's file"          # never overwritten
    assert ui.session_file == old
    ui.emit("echo", "still recorded", ack=True)
    ui.wait_for(kind=Kind.ACK, dir=IN, event="echo")
    ui.flush_session_file()
    with SessionStore(old) as store:
        assert store.entries() == ui.entries()


def test_closing_the_window_while_connected_ends_the_file_with_the_disconnect(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    ui.connect()
    ui.wait_for(kind=Kind.CONNECT)
    path = ui.session_file
    ui.window.close()
    with SessionStore(path) as store:
        last = store.entries()[-1]
    assert last.kind == Kind.DISCONNECT and last.detail["reason"] == "client disconnect"
