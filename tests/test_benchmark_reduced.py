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
                           "--rounds", "1", "--scale", "20000", "--heartbeat-bursts", "5000",
                           "--large", "20000", "--out", str(out)],
                          capture_output=True, text=True, timeout=400, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    r = json.loads(out.read_text())
    ing = r["ingest"]
    # every event the server sent: to every client, in the window's model and in its file
    assert (ing["events"], ing["rounds"]) == (10000, 1)
    assert ing["gui_in_model"] == ing["gui_in_file"] == [10000]
    assert all(got == [10000] for got in ing["events_received"].values()), ing["events_received"]
    assert r["lost_entries"] == ing["bare_lost_events"] == ing["js_lost_events"] == r["lost_entries_1m"] == 0
    # one round: min = median = max, and the ratio is that round's
    rate = ing["events_per_s"]
    assert set(rate) == {"js", "bare", "bare_uvloop", "listen", "gui"}
    for spread in rate.values():
        assert spread["min"] == spread["median"] == spread["max"] == spread["runs"][0]
        assert 1000 < spread["median"] < 10_000_000, rate      # 10,000 events in well under 10 s
    for ratio, (a, b) in {"listen_to_bare": ("listen", "bare"), "gui_to_bare": ("gui", "bare"),
                          "gui_to_js": ("gui", "js"), "listen_to_js": ("listen", "js")}.items():
        assert ing[ratio]["median"] == pytest.approx(rate[a]["median"] / rate[b]["median"], rel=0.01)
    assert 0 < ing["max_stall_ms"]["max"] < 10_000
    assert 0 < ing["heartbeat_median_gap_ms"]["median"] <= ing["heartbeat_p99_gap_ms"]["median"] < 10_000
    [over_50] = ing["heartbeat_gaps_over_50ms"]
    assert isinstance(over_50, int) and over_50 >= 0
    # the heartbeat burst: the server's own count of ping timeouts, every client, every event
    hb = r["heartbeat"]["5000"]
    assert set(hb) == {"js", "bare", "listen", "gui"}
    for client in hb.values():
        assert client["ping_timeouts"]["runs"] == [client["ping_timeouts"]["max"]]
        assert client["ping_timeouts"]["max"] >= 0 and client["events"] == [5000] and client["all_events"]
    assert hb["gui"]["status_untrue_s"]["drops"] == len(hb["gui"]["status_untrue_s"]["runs"])
    # the log at scale: every entry in, the filters show exactly the rows that match
    want = synthetic_counts(20000)
    assert r["scale_entries"] == want["entries"] == 20000
    rows = r["filter_rows_1m"]
    assert rows["event_dir_ns"] == want["event_dir_ns"] > 0 and rows["flags_late"] == want["flags_late"] > 0
    assert all(0 <= n <= 20000 for n in rows.values()) and rows["text"] > 0
    assert set(r["filter_ms_all_1m"]) == set(rows) and r["filter_ms_1m"] == r["filter_ms_all_1m"]["text"]
    assert all(0 < ms < 60_000 for ms in r["filter_ms_all_1m"].values())
    assert 0 < r["rss_mib_1m"] < 4096 and 0 < r["scroll_end_ms_1m"] < 60_000 and r["load_s_1m"] >= 0
    # a big file opened read-only: every row in, each filter's rows the same in the window,
    # through the text index and scanned
    big = r["large"]
    assert big["entries"] == big["in_model"] == 20000 and big["lost_entries"] == 0 and big["rss_mib"] > 0
    assert big["window_filter_ms"]["text"][3] == 2000            # "hello": every tenth row
    for name, (lo, mid, hi, n) in big["window_filter_ms"].items():
        assert 0 < lo <= mid <= hi < 60_000 and n > 0
        assert big["file_filter_ms"][f"{name}_index"][3] == big["file_filter_ms"][f"{name}_scan"][3] == n
    # start-up: three runs, the median reported
    assert len(r["start_s_runs"]) == 3 and r["start_s"] == statistics.median(r["start_s_runs"])
    assert all(0 < s < 60 for s in r["start_s_runs"])
    # the JSON decoders: at least the two stdlib ways, timed on the burst's packets
    decoders = r["json_decoders"]["us_per_packet"]
    assert {"stdlib per call (python-engineio's)", "stdlib once (the inspector's)"} <= set(decoders)
    assert all(0 < us < 10_000 for d in decoders.values() for us in d.values())


def test_the_readme_table_is_made_from_results_json():
    """README's Performance table is benchmarks/readme_table.py's output for the committed
    results.json: regenerated, not typed."""
    spec = importlib.util.spec_from_file_location("readme_table", ROOT / "benchmarks" / "readme_table.py")
    readme_table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(readme_table)
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    readme = (ROOT / "README.md").read_text()
    start = readme.index(readme_table.BEGIN) + len(readme_table.BEGIN)
    assert readme[start:readme.index(readme_table.END)].strip() == readme_table.table(results).strip()


def test_status_untrue_counts_connected_after_the_drop_and_not_connected_after_the_return():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    states = [(0.0, "connected"), (10.4, "reconnecting"), (11.2, "connected")]
    # dropped at 10.0 (shown 0.4 s late), back at 11.0 (shown 0.2 s late); the goodbye is not a drop
    drops = [(10.0, "ping timeout"), (20.0, "client namespace disconnect")]
    assert bench.untrue_seconds(drops, [11.0], states) == [pytest.approx(0.6)]
    # the window saw the drop first (its own watchdog) and the return at once: never untrue
    assert bench.untrue_seconds([(10.0, "transport close")], [11.0],
                                [(0.0, "connected"), (9.9, "reconnecting"), (11.0, "connected")]) == [0.0]
