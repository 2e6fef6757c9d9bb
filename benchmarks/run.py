"""The inspector's performance, measured side by side in one run:

    python benchmarks/run.py                 # 100,000-event bursts, 3 rounds, 1,000,000-row scale
    python benchmarks/run.py --events 10000 --rounds 1 --scale 20000   # quick (what CI runs)

Ingest: the official Node.js socket.io server (tests/node/server.js) bursts N small
events at one client.  Each round measures, in fresh processes and on the same
server: a bare python-socketio AsyncClient on a plain asyncio loop counting the
events (the reference), the same bare client on uvloop (for context: the
inspector's network thread runs uvloop), and the inspector (network thread +
Session + session-file writer + bridge + MainWindow shown offscreen), timed until
every event is in the window's model AND committed to the session file, with a
10 ms QTimer on the GUI thread measuring the longest stall.

Scale: N synthetic entries into the window's model and session file; resident
memory, time to apply filters, time to scroll to the end.

Start: seconds from launching `socketio-inspector --demo` to its window shown
(benchmarks/start.py, the median of 3 fresh processes).

Writes benchmarks/results.json (or --out) and prints the figures against the targets.
Exits 1 when an entry was lost (a correctness failure); speed is reported, not enforced.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NODE_DIR = ROOT / "tests" / "node"

TARGETS = {"ingest_ratio": ">= 0.9", "max_stall_ms": "< 50", "rss_mib_1m": "< 1024",
           "filter_ms_1m": "< 300", "scroll_end_ms_1m": "< 100", "lost_entries": "== 0",
           "start_s": "< 1.5"}


def start_node() -> tuple[subprocess.Popen, str]:
    if not (NODE_DIR / "node_modules" / "socket.io").is_dir():
        raise SystemExit("the socket.io npm package is missing: npm ci --prefix tests/node")
    proc = subprocess.Popen(["node", "server.js"], cwd=NODE_DIR, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    url: list[str] = []

    def read() -> None:
        for line in proc.stdout:
            if line.startswith("READY "):
                url.append(line.split()[1])
                break
    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(30)
    if not url:
        proc.kill()
        raise SystemExit("the Node.js server did not start")
    return proc, url[0]


def child(args: list[str], timeout: float) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout,
                         env=env, cwd=ROOT)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{args[0]} failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(lines[-1])


def ingest(url: str, events: int, rounds: int, tmp: Path) -> dict:
    bare, bare_uv, insp = [], [], []
    timeout = max(120.0, events / 1000)
    for r in range(rounds):
        bare.append(child([str(HERE / "ingest.py"), "bare", url, str(events)], timeout))
        path = tmp / f"ingest-{r}.sqlite"
        insp.append(child([str(HERE / "ingest.py"), "inspector", url, str(events), str(path)], timeout))
        bare_uv.append(child([str(HERE / "ingest.py"), "bare", url, str(events), "--uvloop"], timeout))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        print(f"  round {r + 1}: bare {bare[-1]['events_per_s']:,.0f}/s, "
              f"inspector {insp[-1]['events_per_s']:,.0f}/s (stall {insp[-1]['max_stall_ms']:.0f} ms), "
              f"bare on uvloop {bare_uv[-1]['events_per_s']:,.0f}/s", flush=True)
    bare_rate = statistics.median(b["events_per_s"] for b in bare)
    insp_rate = statistics.median(i["events_per_s"] for i in insp)
    return {
        "events": events, "rounds": rounds,
        "bare_events_per_s": round(bare_rate),
        "inspector_events_per_s": round(insp_rate),
        "ingest_ratio": round(insp_rate / bare_rate, 3),
        "bare_uvloop_events_per_s": round(statistics.median(b["events_per_s"] for b in bare_uv)),
        "max_stall_ms": round(max(i["max_stall_ms"] for i in insp), 1),
        "median_stall_ms": round(statistics.median(i["max_stall_ms"] for i in insp), 1),
        "heartbeat_median_gap_ms": round(statistics.median(i["median_gap_ms"] for i in insp), 1),
        "heartbeat_p99_gap_ms": round(max(i["p99_gap_ms"] for i in insp), 1),
        "heartbeat_gaps_over_50ms": [i["gaps_over_50ms"] for i in insp],
        "lost_entries": max(events - min(i["in_model"], i["in_file"]) for i in insp),
        "bare_lost_events": max(events - b["events"] for b in bare),
        "runs": {"bare": [round(b["events_per_s"]) for b in bare],
                 "inspector": [round(i["events_per_s"]) for i in insp],
                 "inspector_stall_ms": [round(i["max_stall_ms"], 1) for i in insp],
                 "inspector_in_model": [i["in_model"] for i in insp],
                 "inspector_in_file": [i["in_file"] for i in insp],
                 "bare_uvloop": [round(b["events_per_s"]) for b in bare_uv]},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events per burst")
    parser.add_argument("--rounds", type=int, default=3, help="ingest rounds (medians are reported)")
    parser.add_argument("--scale", type=int, default=1_000_000, help="entries for the scale test (0: skip)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)

    results: dict = {"when": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
                                f"Python {platform.python_version()}",
                     "targets": TARGETS}
    with tempfile.TemporaryDirectory(prefix="inspector-bench-") as tmp:
        node, url = start_node()
        try:
            print(f"ingest: {args.events:,}-event bursts from the Node.js socket.io server at {url}",
                  flush=True)
            results.update(ingest(url, args.events, args.rounds, Path(tmp)))
        finally:
            node.terminate()
            node.wait(10)
        if args.scale:
            print(f"scale: {args.scale:,} entries", flush=True)
            s = child([str(HERE / "scale.py"), str(args.scale), str(Path(tmp) / "scale.sqlite")],
                      timeout=max(300.0, args.scale / 1000))
            results.update({
                "scale_entries": s["entries"], "rss_mib_1m": s["rss_mib"],
                "filter_ms_1m": s["filter_ms"]["text"], "filter_ms_all_1m": s["filter_ms"],
                "filter_rows_1m": s["filter_rows"], "scroll_end_ms_1m": s["scroll_end_ms"],
                "select_last_ms_1m": s["select_last_ms"], "load_s_1m": s["load_s"],
                "session_file_mib_1m": s["file_mib"], "lost_entries_1m": s["lost_entries"]})
            results.update({"open_first_rows_s_1m": s["open_first_rows_s"], "open_all_s_1m": s["open_all_s"],
                            "filter_ms_runs_1m": s["filter_ms_runs"]})       # min/median/max
            results["lost_entries"] = max(results["lost_entries"], s["lost_entries"])
        print("start: socketio-inspector --demo until its window is shown", flush=True)
        results.update(child([str(HERE / "start.py"), "3"], timeout=300))
    args.out.write_text(json.dumps(results, indent=2) + "\n")

    def line(name: str, value, unit: str = "") -> None:
        target = TARGETS.get(name, "")
        print(f"  {name:<26} {value!s:>12} {unit:<5} {('target ' + target) if target else ''}")
    print("results:")
    line("bare_events_per_s", results["bare_events_per_s"], "/s")
    line("inspector_events_per_s", results["inspector_events_per_s"], "/s")
    line("ingest_ratio", results["ingest_ratio"])
    line("max_stall_ms", results["max_stall_ms"], "ms")
    line("lost_entries", results["lost_entries"])
    if args.scale:
        line("rss_mib_1m", results["rss_mib_1m"], "MiB")
        line("filter_ms_1m", results["filter_ms_1m"], "ms")
        line("scroll_end_ms_1m", results["scroll_end_ms_1m"], "ms")
    line("start_s", results["start_s"], "s")
    print(f"written to {args.out}")
    return 1 if results["lost_entries"] else 0


if __name__ == "__main__":
    sys.exit(main())
