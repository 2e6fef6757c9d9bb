"""The heap's free pages go back to the system after a load (glibc's malloc_trim)."""
from __future__ import annotations

import sys

import psutil
import pytest

from inspector.ui import free_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim: Linux only")
def test_freed_heap_pages_are_given_back():
    rss = lambda: psutil.Process().memory_info().rss      # noqa: E731
    free_memory.give_back()         # the heap's free pages out first: the pieces fault new ones in
    before = rss()
    # 100 KB pieces come from the heap (below glibc's mmap threshold); the last one kept
    # pins the heap's top, so freeing the rest does not shrink it by itself
    pieces = [bytearray(100_000) for _ in range(2_000)]
    for p in pieces:
        p[::4096] = b"x" * len(p[::4096])                   # touched: resident
    keep = pieces[-1]
    del pieces
    held = rss()
    assert held - before > 120 << 20
    took = free_memory.give_back()
    assert held - rss() > 120 << 20
    assert took < 0.5
    assert keep[0] == ord("x")


OPEN = """
import os, sys, time
sys.path[:0] = [{root!r}, {root!r} + "/benchmarks"]
import psutil
import open_large
from inspector.ui.free_memory import one_heap
one_heap() if {one!r} else None                 # as app.py does, before any thread
from PySide6.QtWidgets import QApplication
from inspector.ui.files.session_files import SessionViewer
app = QApplication([])
before = psutil.Process().memory_info().rss
viewer = SessionViewer({path!r})
viewer.show()
deadline = time.monotonic() + 120
while not viewer.done_loading and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.001)  # not a wait: the viewer's own loop, polled
print(viewer.model.rowCount(), psutil.Process().memory_info().rss - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc: Linux only")
def test_a_million_entry_file_costs_the_window_under_85_mib(tmp_path):
    """What opening a file adds to the window, counted as the system counts it (resident
    memory): the columns (about 24 bytes a row), the view's rows, the newest texts, the
    viewer's own widgets (some 45 MiB whatever the file), and what the loader's threads freed
    on the way.  With 56 bytes of columns a row this was 105-110 MiB."""
    import subprocess
    from pathlib import Path
    root = str(Path(__file__).resolve().parents[2])
    sys.path.insert(0, root + "/benchmarks")
    import open_large
    path = str(tmp_path / "1m.sqlite")
    open_large.write(1_000_000, path, index=False)      # (opening does not need it)
    out = subprocess.run([sys.executable, "-c", OPEN.format(root=root, path=path, one=True)],
                         capture_output=True, text=True, timeout=180,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    rows, grew = map(int, out.stdout.split())
    assert rows == 1_000_000
    assert grew < 85 << 20, f"{grew / 2**20:.0f} MiB"
