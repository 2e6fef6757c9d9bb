"""A large session file opened in the read-only viewer, in a process of its own:

    python benchmarks/open_large.py N SESSION_FILE

writes N rows into SESSION_FILE with SQLite itself (the schema and text index a
recording has; seconds per million, where the writer would take minutes), opens it
as File > Open does, and prints one JSON object: the time to first rows shown and
to all loaded, resident memory, the row texts held in memory, the text filter's
time in the window (min/median/max of 3, with the window's longest wait for its
thread meanwhile) and in the file alone (through the index and scanned).
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ["hello", "world", "price", "update", "ping", "order", "filled", "cancel", "queue", "ready"]
_WORD = "CASE i % 10 " + " ".join(f"WHEN {k} THEN '{w}'" for k, w in enumerate(WORDS)) + " END"
FILTERS = {"text": "hello", "text_rare": "ready 996", "text_short": "99"}


def write(n: int, path: str, index: bool = True) -> float:
    from inspector.store import text_index
    from inspector.store.rows import open_file
    t = time.perf_counter()
    conn = open_file(path, create=True)
    conn.execute(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})
        INSERT INTO entries (seq, t, dir, kind, ns, event, args, bytes)
        SELECT i, 1.7e9 + i / 1000.0, 'in', 'event', '/', 'tick',
               '[{{"i":' || i || ',"w":"' || ({_WORD}) || ' ' || (i / 10 % 997) || '"}}]', 30 FROM n""")
    if index:
        text_index.catch_up(conn, n)      # indexed, as a quiet writer leaves it
    conn.commit()
    conn.close()
    return time.perf_counter() - t


def run(n: int, path: str) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import psutil
    from PySide6.QtWidgets import QApplication

    from inspector.log.filter import LogFilter
    from inspector.store import text_index
    from inspector.store.pages import connect_read_only, matching_seqs
    from inspector.ui.files.session_files import SessionViewer

    write_s = write(n, path) if not Path(path).exists() else None
    from inspector.ui.free_memory import one_heap
    one_heap()                               # as app.py, before any thread
    app = QApplication.instance() or QApplication([])
    rss0 = psutil.Process().memory_info().rss
    t = time.perf_counter()
    viewer = SessionViewer(path)
    viewer.show()
    first = None
    while not viewer.done_loading:
        app.processEvents()
        if first is None and viewer.logView.filtered.rowCount():
            viewer.logView.table.viewport().repaint()
            first = time.perf_counter() - t
        time.sleep(0.001)
    loaded = time.perf_counter() - t
    rss = psutil.Process().memory_info().rss
    view = viewer.logView

    def timed(f: LogFilter) -> tuple[float, float, int]:
        t = last = time.perf_counter()
        worst = 0.0
        view.apply_filter(f)
        app.processEvents()
        while view.filtered.pending is not None:
            time.sleep(0.001)
            now = time.perf_counter()
            app.processEvents()
            worst = max(worst, time.perf_counter() - now, now - last - 0.001)
            last = time.perf_counter()
        app.processEvents()
        return (time.perf_counter() - t) * 1000.0, worst * 1000.0, view.filtered.rowCount()

    window, gaps = {}, {}
    for name, text in FILTERS.items():
        runs = []
        for _ in range(3):
            ms, gap, rows = timed(LogFilter(text=text))
            runs.append(ms)
            gaps[name] = max(gaps.get(name, 0.0), round(gap, 1))
            timed(LogFilter())
        window[name] = [round(min(runs), 1), round(statistics.median(runs), 1), round(max(runs), 1), rows]
    conn = connect_read_only(path)
    in_file = {"indexed": text_index.has_index(conn)}
    for name, text in FILTERS.items():
        for how, index in (("index", True), ("scan", False)):
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                found = matching_seqs(conn, LogFilter(text=text), 1, n, index=index)
                runs.append((time.perf_counter() - t) * 1000.0)
            in_file[f"{name}_{how}"] = [round(min(runs), 1), round(statistics.median(runs), 1),
                                        round(max(runs), 1), len(found)]
    conn.close()
    result = {
        "entries": n, "in_model": viewer.model.rowCount(), "lost_entries": n - viewer.model.rowCount(),
        "write_s": None if write_s is None else round(write_s, 1),
        "file_mib": round(Path(path).stat().st_size / 2**20, 1),
        "open_first_rows_s": round(first or loaded, 2), "open_all_s": round(loaded, 1),
        "rss_mib": round(rss / 2**20, 1), "rss_mib_before": round(rss0 / 2**20, 1),
        "texts_in_memory": viewer.model.cols.texts.cached_rows(),
        "window_filter_ms": window, "window_worst_gap_ms": gaps, "file_filter_ms": in_file,
    }
    viewer.close()
    return result


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]), sys.argv[2])))
