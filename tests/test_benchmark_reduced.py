"""The benchmark, reduced (10,000 events, 20,000 rows), as a test of correctness, not of speed:
every event the server sent is in the window's model and in the session file."""
from __future__ import annotations

import importlib.util
import json
import random
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def synthetic_counts(n: int) -> dict[str, int]:
    """The rows of benchmarks/scale.py's log that two of its filters must show, counted here
    from the entries it makes (same generator, same seed, same batches)."""
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "benchmarks" / "scale.py")
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    rng, entries = random.Random(5), []
    for first in range(1, n + 1, 10000):
        entries += scale.synthetic(first, min(10000, n + 1 - first), rng, 0.0)
    return {
        "entries": len(entries),
        "event_dir_ns": sum(e.dir == "in" and e.event in ("price", "tick") and e.ns == "/market"
                            for e in entries),
        "flags_late": sum("late" in e.flags for e in entries),
    }


@pytest.mark.node
def test_nothing_is_lost_on_the_way_to_the_model_and_the_file(tmp_path):
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--events", "10000",
                           "--rounds", "1", "--scale", "20000", "--out", str(out)],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    r = json.loads(out.read_text())
    runs = r["runs"]
    # every event the server sent: in the model, in the file, and to the bare client
    assert (r["events"], r["rounds"]) == (10000, 1)
    assert runs["inspector_in_model"] == runs["inspector_in_file"] == [10000]
    assert r["lost_entries"] == r["bare_lost_events"] == r["lost_entries_1m"] == 0
    # one round: its figures are the reported ones, and the ratio is theirs
    assert runs["inspector"] == [r["inspector_events_per_s"]] and runs["bare"] == [r["bare_events_per_s"]]
    assert runs["bare_uvloop"] == [r["bare_uvloop_events_per_s"]]
    assert r["ingest_ratio"] == pytest.approx(r["inspector_events_per_s"] / r["bare_events_per_s"], abs=0.002)
    # sane rates: 10,000 events in well under 10 s each way (measured here: ~20,000/s)
    for key in ("inspector_events_per_s", "bare_events_per_s", "bare_uvloop_events_per_s"):
        assert 1000 < r[key] < 10_000_000, (key, r[key])
    assert runs["inspector_stall_ms"] == [r["max_stall_ms"]] and r["median_stall_ms"] == r["max_stall_ms"]
    assert 0 < r["max_stall_ms"] < 10_000
    assert 0 < r["heartbeat_median_gap_ms"] <= r["heartbeat_p99_gap_ms"] < 10_000
    [over_50] = r["heartbeat_gaps_over_50ms"]
    assert isinstance(over_50, int) and over_50 >= 0
    # the log at scale: every entry in, the filters show exactly the rows that match
    want = synthetic_counts(20000)
    assert r["scale_entries"] == want["entries"] == 20000
    rows = r["filter_rows_1m"]
    assert rows["event_dir_ns"] == want["event_dir_ns"] > 0 and rows["flags_late"] == want["flags_late"] > 0
    assert all(0 <= n <= 20000 for n in rows.values()) and rows["text"] > 0
    assert set(r["filter_ms_all_1m"]) == set(rows) and r["filter_ms_1m"] == r["filter_ms_all_1m"]["text"]
    assert all(0 < ms < 60_000 for ms in r["filter_ms_all_1m"].values())
    assert 0 < r["rss_mib_1m"] < 4096 and 0 < r["scroll_end_ms_1m"] < 60_000 and r["load_s_1m"] >= 0
    # start-up: three runs, the median reported
    assert len(r["start_s_runs"]) == 3 and r["start_s"] == statistics.median(r["start_s_runs"])
    assert all(0 < s < 60 for s in r["start_s_runs"])
