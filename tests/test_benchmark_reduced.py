"""The benchmark, reduced (10,000 events, 20,000 rows), as a test of correctness, not of speed:
every event the server sent is in the window's model and in the session file."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.node
def test_nothing_is_lost_on_the_way_to_the_model_and_the_file(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--events", "10000",
                           "--rounds", "1", "--scale", "20000", "--out", str(out)],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    r = json.loads(out.read_text())
    assert r["runs"]["inspector_in_model"] == [10000] and r["runs"]["inspector_in_file"] == [10000]
    assert r["lost_entries"] == 0 and r["bare_lost_events"] == 0
    assert r["scale_entries"] == 20000 and r["lost_entries_1m"] == 0
    for key in ("ingest_ratio", "inspector_events_per_s", "bare_events_per_s", "max_stall_ms",
                "rss_mib_1m", "filter_ms_1m", "lost_entries"):
        assert key in r
