"""The log at scale, in a process of its own:

    python benchmarks/scale.py N SESSION_FILE

loads N synthetic entries into the window's log (as the bridge does, one insert per
batch) and into its session file (through the same writer), then prints one JSON
object: resident memory, the time to apply filters, the time to scroll to the end, and
the time to open the file it wrote in a read-only viewer (first rows shown, all loaded).

The entries come as fast as the writer takes them (its backlog is held under BACKLOG):
a server's burst reaches the writer at the network's pace, not all at once, and a
backlog of millions of entries would be measured as the log's memory.
"""
from __future__ import annotations

import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
WORDS = ["hello", "world", "price", "update", "ping", "order", "filled", "cancel", "queue", "ready"]
EVENTS = ["chat", "tick", "price", "presence", "typing", "order", "notification", "metrics"]
NAMESPACES = ["/", "/chat", "/market"]
BACKLOG = 50_000


def synthetic(first_seq: int, n: int, rng: random.Random, t0: float) -> list:
    """n entries like a busy server's: mostly incoming events with small objects, some emits
    with acks and their answers, now and then a late ack or a recovered event."""
    from inspector.log.entry import LogEntry
    out = []
    seq = first_seq
    for _ in range(n):
        r = rng.random()
        ev = EVENTS[seq % len(EVENTS)]
        ns = NAMESPACES[seq % 3]
        t = t0 + seq / 20000.0
        if r < 0.9:
            text = f"{WORDS[seq % 10]} {WORDS[(seq // 10) % 10]} {seq % 997}"
            args = [{"i": seq, "user": USERS[seq % 8], "text": text, "price": round(100 + (seq % 500) / 7, 2)}]
            flags = ("recovered",) if seq % 5000 == 0 else ()
            out.append(LogEntry(seq, t, "in", "event", ns, ev, args, None, None, 60 + seq % 40, flags))
        elif r < 0.95:
            out.append(LogEntry(seq, t, "out", "event", ns, ev, [{"q": seq, "user": USERS[seq % 8]}],
                                seq % 100000, None, 30))
        else:
            flags = ("late",) if seq % 97 == 0 else ()
            out.append(LogEntry(seq, t, "in", "ack", ns, ev, [{"ok": True, "q": seq}], seq % 100000,
                                round(rng.lognormvariate(1.0, 0.6), 2), 28, flags))
        seq += 1
    return out


def run(n: int, session_file: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import psutil
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from inspector.log.filter import LogFilter
    from inspector.store.reader import SessionStore
    from inspector.store.writer import StoreWriter
    from inspector.ui.bridge import SessionBridge, start_capture
    from inspector.ui.event_loop import install_qasync_loop
    from inspector.ui.free_memory import one_heap
    from inspector.ui.main_window import MainWindow
    from inspector.ui.settings import Settings
    one_heap()                               # as app.py, before any thread
    app = QApplication.instance() or QApplication([])
    install_qasync_loop(app)        # the window's handlers run on it (processEvents runs it here)
    tmp = tempfile.TemporaryDirectory(prefix="inspector-scale-")
    settings = Settings(QSettings(str(Path(tmp.name) / "s.ini"), QSettings.Format.IniFormat))
    bridge = SessionBridge(start_capture())
    window = MainWindow(bridge, settings, session_file=session_file)
    window.resize(1280, 820)
    window.show()
    app.processEvents()
    # synthetic entries: into the window's model, and into its session file written here as
    # the capture process's writer would (that one is handed no entries: nothing connects)
    writer = StoreWriter(session_file)
    model, view = window.model, window.logView
    rss0 = psutil.Process().memory_info().rss

    rng = random.Random(5)
    t_start = time.time() - n / 20000.0
    batch = 10000
    t0 = time.perf_counter()
    for first in range(1, n + 1, batch):
        entries = synthetic(first, min(batch, n + 1 - first), rng, t_start)
        for e in entries:
            writer.submit(e)           # what the Session subscriber does in the capture process
        model.append(entries)          # what the bridge does on the GUI thread
        app.processEvents()
        if writer.backlog() > BACKLOG:
            writer.flush(120)
    load_s = time.perf_counter() - t0
    writer.flush(120)
    app.processEvents()
    with SessionStore(writer.path) as store:
        in_file = store.count()
    from inspector.store import text_index
    from inspector.store.pages import connect_read_only, matching_seqs
    conn = connect_read_only(writer.path)
    lag_after_write = text_index.lag(conn)          # what the filters below scan, at first
    conn.close()
    gc.collect()
    rss = psutil.Process().memory_info().rss

    worst_gap = [0.0]          # of the filter being timed (reset for each)

    def timed(f: LogFilter) -> tuple[float, int]:
        """Until the rows are shown (a big log's filter runs on a worker: the window's
        longest wait for its thread meanwhile is kept in worst_gap)."""
        t = last = time.perf_counter()
        view.apply_filter(f)
        app.processEvents()
        while view.filtered.pending is not None:
            time.sleep(0.001)
            now = time.perf_counter()
            app.processEvents()
            worst_gap[0] = max(worst_gap[0], time.perf_counter() - now, now - last - 0.001)
            last = time.perf_counter()
        app.processEvents()
        return (time.perf_counter() - t) * 1000.0, view.filtered.rowCount()

    filters = {
        "text": LogFilter(text="carol"),
        "text_rare": LogFilter(text="ready queue 996"),
        "text_short": LogFilter(text="99"),          # under 3 characters: scanned, not indexed
        "regex": LogFilter(text=r"order \w+ 99\d\b", regex=True),
        "regex_ignorecase_capitals": LogFilter(text=r"GRACE.*FILLED", regex=True),
        "event_dir_ns": LogFilter(dirs=frozenset({"in"}), events=frozenset({"price", "tick"}),
                                  namespaces=frozenset({"/market"})),
        "flags_late": LogFilter(flags=frozenset({"late"})),
    }
    filter_ms, filter_rows, filter_runs, filter_gaps = {}, {}, {}, {}
    for name, f in filters.items():
        times = []
        worst_gap[0] = 0.0
        for _ in range(3):
            ms, rows = timed(f)
            times.append(ms)
            timed(LogFilter())
        filter_gaps[name] = round(worst_gap[0] * 1000.0, 1)
        filter_ms[name] = round(statistics.median(times), 1)
        filter_runs[name] = [round(min(times), 1), round(statistics.median(times), 1), round(max(times), 1)]
        filter_rows[name] = rows

    # the text filter once the writer, quiet, has indexed what it wrote (the figures above
    # are of the rows just written: what the index had not reached yet was scanned)
    conn = connect_read_only(writer.path)
    t = time.perf_counter()
    while text_index.lag(conn) and time.perf_counter() - t < 300:
        time.sleep(0.2)
    index_caught_up_s = round(time.perf_counter() - t, 1)
    conn.close()
    indexed_ms = {}
    for name in ("text", "text_rare"):
        times = []
        for _ in range(3):
            ms, _rows = timed(filters[name])
            times.append(ms)
            timed(LogFilter())
        indexed_ms[name] = [round(min(times), 1), round(statistics.median(times), 1), round(max(times), 1)]

    # the text filter in the session file alone: through its index, and scanned
    conn = connect_read_only(writer.path)
    file_filter_ms = {"indexed": text_index.has_index(conn)}
    for name in ("text", "text_rare"):
        for how, index in (("index", True), ("scan", False)):
            times = []
            for _ in range(3):
                t = time.perf_counter()
                found = matching_seqs(conn, filters[name], 1, n, index=index)
                times.append((time.perf_counter() - t) * 1000.0)
            file_filter_ms[f"{name}_{how}"] = [round(min(times), 1), round(statistics.median(times), 1),
                                               round(max(times), 1), len(found)]
    conn.close()

    # scrolling: from the top to the end, painted
    table = view.table
    table.scrollToTop()
    app.processEvents()
    scrolls = []
    for _ in range(3):
        table.scrollToTop()
        table.viewport().repaint()
        t = time.perf_counter()
        table.scrollToBottom()
        table.viewport().repaint()
        scrolls.append((time.perf_counter() - t) * 1000.0)
    # selecting the last row shows it whole (fetched from the session file if need be)
    t = time.perf_counter()
    view.scroll_to_seq(n)
    app.processEvents()
    select_ms = (time.perf_counter() - t) * 1000.0
    shown = window.detail.header.text()
    paged = getattr(model.cols.texts, "cached_rows", None)
    texts_in_memory = paged() if paged is not None else len(model.cols.texts)

    # opening the file just written, read-only, as File > Open does
    from inspector.ui.files.session_files import SessionViewer
    opens = []
    for _ in range(3):
        t = time.perf_counter()
        viewer = SessionViewer(writer.path)
        viewer.show()
        first = None
        while not viewer.done_loading:
            app.processEvents()
            if first is None and viewer.logView.filtered.rowCount():
                viewer.logView.table.viewport().repaint()
                first = time.perf_counter() - t
        opens.append((first, time.perf_counter() - t))
        viewer.close()
        viewer.deleteLater()
        app.processEvents()

    result = {
        "entries": n, "in_model": model.rowCount(), "in_file": in_file,
        "lost_entries": n - min(model.rowCount(), in_file),
        "load_s": round(load_s, 2), "rss_mib": round(rss / 2**20, 1),
        "rss_mib_before": round(rss0 / 2**20, 1),
        "filter_ms": filter_ms, "filter_rows": filter_rows,
        "scroll_end_ms": round(statistics.median(scrolls), 1),
        "select_last_ms": round(select_ms, 1), "selected_shows": shown[:60],
        "file_mib": round(Path(writer.path).stat().st_size / 2**20, 1),
        "texts_in_memory": texts_in_memory,
        "open_first_rows_s": [round(a, 2) for a, _b in opens],
        "open_all_s": [round(b, 2) for _a, b in opens],
        "filter_ms_runs": filter_runs,
        "filter_worst_gui_gap_ms": filter_gaps,
        "file_filter_ms": file_filter_ms,
        "unindexed_after_write": lag_after_write, "index_caught_up_s": index_caught_up_s,
        "filter_ms_indexed": indexed_ms,
    }
    window.close()
    bridge.close()
    writer.close()
    tmp.cleanup()
    return result


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]), sys.argv[2])))
