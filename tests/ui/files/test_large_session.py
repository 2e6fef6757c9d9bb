"""A million-entry session open in the window: its texts paged from the file, scrolling
to the middle shows the right rows, a text filter (through the file's text index)
completes with the right rows while the window keeps answering."""
from __future__ import annotations

import sqlite3
import time

import pytest
from PySide6.QtCore import QTimer

from inspector.store import text_index
from inspector.store.rows import open_file
from inspector.ui.files.session_files import SessionViewer
from inspector.ui.log.columns import ColumnKey, position

N = 1_000_000
WORDS = "CASE i % 10 " + " ".join(f"WHEN {k} THEN '{w}'" for k, w in enumerate(
    ["hello", "world", "price", "update", "ping", "order", "filled", "cancel", "queue", "ready"])) + " END"


def args_sql(i: str) -> str:
    return f"""'[{{"i":' || {i} || ',"w":"' || ({WORDS}) || ' ' || ({i} / 10 % 997) || '"}}]'"""


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """Written by SQLite itself (seconds, where the writer would take a minute): the
    schema and text index a recording has, rows like a busy server's."""
    path = tmp_path_factory.mktemp("large") / "million.sqlite"
    conn = open_file(path, create=True)
    conn.execute(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {N})
        INSERT INTO entries (seq, t, dir, kind, ns, event, args, bytes)
        SELECT i, 1.7e9 + i / 1000.0, 'in', 'event', '/', 'tick', {args_sql('i')}, 30 FROM n""")
    text_index.catch_up(conn, N)      # indexed, as a quiet writer leaves it
    conn.commit()
    conn.close()
    return path


def seqs_holding(path, text: str) -> list[int]:
    with sqlite3.connect(path) as conn:
        rows = [s for (s,) in conn.execute("SELECT seq FROM entries WHERE instr(args, ?) ORDER BY seq", (text,))]
    conn.close()
    return rows


def test_a_million_entry_session_scrolls_and_filters_while_the_window_answers(qtbot, big_file):
    viewer = SessionViewer(big_file)
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitUntil(lambda: viewer.done_loading, timeout=240_000)
    view, model = viewer.logView, viewer.model
    assert model.rowCount() == N and view.filtered.rowCount() == N
    texts = model.cols.texts
    assert texts.cached_rows() <= 100_000           # the texts are in the file, not in memory

    # the middle of the log, as the user scrolls there: the rows the file holds
    args = position(ColumnKey.ARGS)
    middle = N // 2
    view.table.scrollTo(view.filtered.index(middle, args))
    view.table.viewport().repaint()
    with sqlite3.connect(big_file) as conn:
        want = conn.execute("SELECT args FROM entries WHERE seq BETWEEN ? AND ? ORDER BY seq",
                            (middle - 4, middle + 5)).fetchall()
    conn.close()
    shown = [view.filtered.data(view.filtered.index(r, args)) for r in range(middle - 5, middle + 5)]
    assert shown == [a[1:-1] for (a,) in want]

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
    timer = QTimer(interval=5, timeout=tick)
    timer.start()
    last[0] = time.perf_counter()
    view.filterBar.filterEdit.setText("ready 996")
    view.filterBar.apply_now()
    qtbot.waitUntil(lambda: view.filtered.pending is None, timeout=60_000)
    timer.stop()
    got = [model.seq(view.filtered.source_row(r)) for r in range(view.filtered.rowCount())]
    assert got == seqs_holding(big_file, "ready 996") and len(got) == 100
    worst = max(gaps) * 1000
    assert worst < 150, f"the window's timer waited {worst:.0f} ms while filtering"
    viewer.close()
