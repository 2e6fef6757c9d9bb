"""The inspector's performance, measured side by side in one run:

    python benchmarks/run.py --readme        # 3 rounds; writes results.json and README's table
    python benchmarks/run.py --events 10000 --rounds 1 --scale 20000 --heartbeat-bursts 5000  # quick

Ingest: the official Node.js socket.io server (tests/node/server.js, connection state
recovery on, so every event carries an offset) bursts N small events at one client.
Each round measures, in fresh processes and one after the other on the same server:
the official JS client (tests/node/js_client.js --burst), a bare python-socketio
AsyncClient on a plain asyncio loop (the reference) and on uvloop, the headless
`socketio-inspector listen` (every entry printed as a JSON line, into a file), and the
window (benchmarks/ingest.py's runner: timed until every event is in the window's model
AND committed to the session file, with a 10 ms QTimer on the GUI thread measuring the
longest stall).  Ratios are taken per round (same server, same minute), then reported as
min / median / max over the rounds, as every other figure is.

Heartbeat: a second server with pingInterval = pingTimeout = 1 s (and recovery) bursts
100,000 and 300,000 events at each client in turn; the server says (--log-connections)
when and why each connection ended, so a ping timeout is counted from the server's truth.
The clients reconnect (the bare one has no recovery: what it lost stays lost).  For the
window, "status line untrue" is how long, per drop, the window showed Connected while the
server had dropped it, plus how long it showed anything else once the server had it back.

Scale: N synthetic entries into the window's model and session file; resident memory,
time to apply filters, time to scroll to the end.  Start: seconds from launching
`socketio-inspector --demo` to its window shown (benchmarks/start.py, 3 fresh processes).
JSON decoders: the candidates for reading packets, timed on the burst's own packets
(benchmarks/json_decoders.py; orjson and msgspec only where installed).

Writes benchmarks/results.json (or --out); --readme regenerates README's Performance table
from it (benchmarks/readme_table.py).  Exits 1 when an entry was lost by the inspector
(a correctness failure); speed is reported, not enforced.
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
sys.path.insert(0, str(HERE))

import readme_table  # noqa: E402  (benchmarks/ is not a package)

TARGETS = {"listen_to_bare": ">= 2", "gui_to_bare": ">= 1.5", "gui_to_js": ">= 0.5",
           "ping_timeouts": "== 0", "status_untrue_s": "<= 0.1", "max_stall_ms": "< 50",
           "rss_mib_1m": "< 400", "filter_ms_1m": "< 300", "scroll_end_ms_1m": "< 100",
           "lost_entries": "== 0", "start_s": "< 1.5", "rss_mib_10m": "< 500", "filter_ms_10m": "< 1000",
           "open_first_rows_s": "< 2"}
CLIENTS = ("js", "bare", "bare_uvloop", "listen", "gui")
HEARTBEAT_CLIENTS = ("js", "bare", "listen", "gui")
IDLE_S = 30.0       # a JS client that got nothing for this long is done (the server may take
                    # 10 s and more to queue a 300,000-event burst on a busy machine)


class NodeServer:
    """tests/node/server.js in a process of its own; its CONNECT / DISCONNECT lines kept."""

    def __init__(self, *flags: str):
        if not (NODE_DIR / "node_modules" / "socket.io").is_dir():
            raise SystemExit("the socket.io npm package is missing: npm ci --prefix tests/node")
        self.proc = subprocess.Popen(["node", "server.js", "--recovery", "--log-connections", *flags],
                                     cwd=NODE_DIR, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        self.lines: list[list[str]] = []
        ready = threading.Event()
        self.url = ""

        def read() -> None:
            for line in self.proc.stdout:
                words = line.split()
                if words and words[0] == "READY":
                    self.url = words[1]
                    ready.set()
                elif words:
                    self.lines.append(words)
        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(30):
            self.proc.kill()
            raise SystemExit("the Node.js server did not start")

    def disconnects(self, since: int) -> list[tuple[float, str]]:
        """(time.time(), reason) of each connection the server ended or lost since line `since`."""
        return [(int(w[1]) / 1000, " ".join(w[3:])) for w in self.lines[since:] if w[0] == "DISCONNECT"]

    def connects(self, since: int) -> list[float]:
        return [int(w[1]) / 1000 for w in self.lines[since:] if w[0] == "CONNECT"]

    def settle(self, since: int, timeout: float = 5.0) -> None:
        """Until the finished client's own goodbye has been seen (its last DISCONNECT line)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(reason in ("client namespace disconnect", "transport close", "server shutting down")
                   for _, reason in self.disconnects(since)[-1:]):
                return
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def child(args: list[str], timeout: float) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout,
                         env=env, cwd=ROOT)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{args[0]} failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(lines[-1])


# -- one client, one burst -------------------------------------------------------------------
def run_js(url: str, n: int, timeout: float, _tmp: Path) -> dict:
    out = subprocess.run(["node", "js_client.js", "--burst", url, str(n), str(int(IDLE_S * 1000))],
                         capture_output=True, text=True, timeout=timeout, cwd=NODE_DIR)
    if out.returncode != 0:
        raise RuntimeError(f"js_client.js failed ({out.returncode}): {out.stderr[-2000:]}")
    return json.loads(out.stdout.splitlines()[-1])


def run_bare(url: str, n: int, timeout: float, _tmp: Path, *extra: str) -> dict:
    return child([str(HERE / "ingest.py"), "bare", url, str(n), *extra], timeout)


def run_listen(url: str, n: int, timeout: float, tmp: Path, *_extra: str) -> dict:
    """`socketio-inspector listen` as a user runs it, its JSON lines into a file; timed from its
    burst emit's entry to the last event's (the printer writes each line before the next
    entry is made, so the last line's time is when everything before it was printed)."""
    path = tmp / "listen.jsonl"
    with path.open("w") as out:
        subprocess.run([sys.executable, "-m", "inspector", "listen", url, "--transport", "websocket",
                        "--emit", "burst", json.dumps({"count": n}), "--count", str(n),
                        "--duration", str(int(timeout) - 10)],
                       stdout=out, stderr=subprocess.PIPE, timeout=timeout, cwd=ROOT, check=True)
    t0, t_last, got = None, None, 0
    with path.open() as lines:
        for line in lines:
            if '"burst"' not in line:
                continue
            entry = json.loads(line)
            if entry.get("event") != "burst":
                continue
            if entry["dir"] == "out" and t0 is None:
                t0 = entry["t"]
            elif entry["dir"] == "in" and entry["kind"] == "event":
                got += 1
                t_last = entry["t"]
    path.unlink()
    seconds = (t_last - t0) if got and t0 is not None else 0.0
    return {"events": got, "seconds": seconds, "events_per_s": got / seconds if seconds > 0 else 0.0}


def run_gui(url: str, n: int, timeout: float, tmp: Path, *extra: str) -> dict:
    """The window, through benchmarks/ingest.py's runner (whatever window it builds)."""
    path = tmp / "ingest.sqlite"
    try:
        return child([str(HERE / "ingest.py"), "inspector", url, str(n), str(path), *extra], timeout)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


RUNNERS = {"js": run_js, "bare": run_bare, "listen": run_listen, "gui": run_gui,
           "bare_uvloop": lambda url, n, timeout, tmp: run_bare(url, n, timeout, tmp, "--uvloop")}


def spread(values: list[float], digits: int = 3) -> dict:
    """min / median / max (and every run) of a figure over the rounds."""
    if not values:
        return {"min": None, "median": None, "max": None, "runs": []}
    return {"min": round(min(values), digits), "median": round(statistics.median(values), digits),
            "max": round(max(values), digits), "runs": [round(v, digits) for v in values]}


# -- ingest ----------------------------------------------------------------------------------
def ingest(events: int, rounds: int, tmp: Path) -> dict:
    server = NodeServer()
    print(f"ingest: {events:,}-event bursts from the Node.js socket.io server (recovery on) at "
          f"{server.url}", flush=True)
    timeout = max(120.0, events / 1000)
    runs: dict[str, list[dict]] = {c: [] for c in CLIENTS}
    try:
        for r in range(rounds):
            for client in CLIENTS:
                runs[client].append(RUNNERS[client](server.url, events, timeout, tmp))
            print(f"  round {r + 1}: " + ", ".join(
                f"{c} {runs[c][-1]['events_per_s']:,.0f}/s" for c in CLIENTS)
                + f" (stall {runs['gui'][-1]['max_stall_ms']:.0f} ms)", flush=True)
    finally:
        server.stop()
    rate = {c: [run["events_per_s"] for run in runs[c]] for c in CLIENTS}
    ratio = lambda a, b: [x / y for x, y in zip(rate[a], rate[b], strict=True) if y]   # noqa: E731 (per round)
    gui = runs["gui"]
    return {
        "events": events, "rounds": rounds,
        "events_per_s": {c: spread(rate[c], 0) for c in CLIENTS},
        "events_received": {c: [run["events"] for run in runs[c]] for c in CLIENTS},
        "listen_to_bare": spread(ratio("listen", "bare")),
        "listen_to_js": spread(ratio("listen", "js")),
        "gui_to_bare": spread(ratio("gui", "bare")),
        "gui_to_js": spread(ratio("gui", "js")),
        "bare_uvloop_to_bare": spread(ratio("bare_uvloop", "bare")),
        "max_stall_ms": spread([g["max_stall_ms"] for g in gui], 1),
        "heartbeat_median_gap_ms": spread([g["median_gap_ms"] for g in gui if g["median_gap_ms"]], 1),
        "heartbeat_p99_gap_ms": spread([g["p99_gap_ms"] for g in gui if g["p99_gap_ms"]], 1),
        "heartbeat_gaps_over_50ms": [g["gaps_over_50ms"] for g in gui],
        "gui_in_model": [g["in_model"] for g in gui], "gui_in_file": [g["in_file"] for g in gui],
        "lost_entries": max([events - min(g["in_model"], g["in_file"]) for g in gui]
                            + [events - run["events"] for run in runs["listen"]]),
        "bare_lost_events": max(events - run["events"] for run in runs["bare"] + runs["bare_uvloop"]),
        "js_lost_events": max(events - run["events"] for run in runs["js"]),
    }


# -- heartbeat: ping timeouts and the status line ---------------------------------------------
def untrue_seconds(drops: list[tuple[float, str]], connects: list[float],
                   states: list[tuple[float, str]]) -> list[float]:
    """Per connection the server lost (not the client's own goodbye): how long the window showed
    Connected after the server's drop, plus how long it did not once the server had it back."""
    def shown_at(t: float) -> str | None:
        now = None
        for when, state in states:
            if when > t:
                break
            now = state
        return now

    def first_change(after: float, connected: bool) -> float | None:
        for when, state in states:
            if when >= after and (state == "connected") == connected:
                return when
        return None

    out = []
    for t_drop, reason in drops:
        if reason == "client namespace disconnect":
            continue
        back = next((t for t in connects if t > t_drop), None)
        untrue = 0.0
        if shown_at(t_drop) == "connected":
            seen = first_change(t_drop, connected=False)
            end = min(x for x in (seen, back) if x is not None) if (seen or back) else t_drop
            untrue += max(0.0, end - t_drop)
        if back is not None:
            shown = first_change(back, connected=True)
            if shown_at(back) != "connected" and shown is not None:
                untrue += shown - back
        out.append(untrue)
    return out


def heartbeat(bursts: list[int], rounds: int, tmp: Path) -> dict:
    server = NodeServer("--ping-interval", "1000", "--ping-timeout", "1000")
    print(f"heartbeat: pingInterval = pingTimeout = 1 s at {server.url}, bursts {bursts}", flush=True)
    out: dict = {}
    try:
        for n in bursts:
            timeout = max(180.0, n / 500)
            figures: dict = {c: {"ping_timeouts": [], "drops": [], "events": [], "untrue_s": []}
                             for c in HEARTBEAT_CLIENTS}
            for r in range(rounds):
                for client in HEARTBEAT_CLIENTS:
                    since = len(server.lines)
                    got = RUNNERS[client](server.url, n, timeout, tmp, "--heartbeat") if client != "js" \
                        else run_js(server.url, n, timeout, tmp)
                    server.settle(since)
                    drops = server.disconnects(since)
                    lost = [d for d in drops if d[1] != "client namespace disconnect"]
                    f = figures[client]
                    f["ping_timeouts"].append(sum(reason == "ping timeout" for _, reason in lost))
                    f["drops"].append(len(lost))
                    f["events"].append(got["events"])
                    if client == "gui":
                        f["untrue_s"] += untrue_seconds(drops, server.connects(since), got.get("states", []))
                print(f"  {n:,} round {r + 1}: " + ", ".join(
                    f"{c} {figures[c]['ping_timeouts'][-1]} ping timeouts ({figures[c]['events'][-1]:,} events)"
                    for c in HEARTBEAT_CLIENTS), flush=True)
            out[str(n)] = {c: {"ping_timeouts": spread(f["ping_timeouts"], 0), "drops": f["drops"],
                               "events": f["events"], "all_events": all(e == n for e in f["events"]),
                               **({"status_untrue_s": spread(f["untrue_s"]) | {"drops": len(f["untrue_s"])}}
                                  if c == "gui" else {})}
                          for c, f in figures.items()}
    finally:
        server.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events per ingest burst")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (min / median / max reported)")
    parser.add_argument("--heartbeat-bursts", default="100000,300000",
                        help="burst sizes at pingInterval = pingTimeout = 1 s (empty: skip)")
    parser.add_argument("--scale", type=int, default=1_000_000, help="entries for the scale test (0: skip)")
    parser.add_argument("--large", type=int, default=10_000_000,
                        help="entries of the session file open_large.py writes and opens (0: skip)")
    parser.add_argument("--arrival-sizes", default="10,50", help="MB of the events arrival.py sends (empty: skip)")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--readme", action="store_true", help="regenerate README's Performance table")
    args = parser.parse_args(argv)

    load = os.getloadavg()
    results: dict = {"when": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
                                f"Python {platform.python_version()}",
                     "load_before": [round(x, 2) for x in load], "targets": TARGETS}
    with tempfile.TemporaryDirectory(prefix="inspector-bench-") as tmp:
        results["ingest"] = ingest(args.events, args.rounds, Path(tmp))
        results["lost_entries"] = results["ingest"]["lost_entries"]
        bursts = [int(b) for b in args.heartbeat_bursts.split(",") if b.strip()]
        if bursts:
            results["heartbeat"] = heartbeat(bursts, args.rounds, Path(tmp))
        if args.scale:
            print(f"scale: {args.scale:,} entries", flush=True)
            s = child([str(HERE / "scale.py"), str(args.scale), str(Path(tmp) / "scale.sqlite")],
                      timeout=max(300.0, args.scale / 1000))
            results.update({
                "scale_entries": s["entries"], "rss_mib_1m": s["rss_mib"],
                "filter_ms_1m": s["filter_ms"]["text"], "filter_ms_all_1m": s["filter_ms"],
                "filter_ms_indexed_1m": s["filter_ms_indexed"]["text"][1],
                "unindexed_after_write_1m": s["unindexed_after_write"],
                "index_caught_up_s_1m": s["index_caught_up_s"],
                "filter_rows_1m": s["filter_rows"], "scroll_end_ms_1m": s["scroll_end_ms"],
                "select_last_ms_1m": s["select_last_ms"], "load_s_1m": s["load_s"],
                "session_file_mib_1m": s["file_mib"], "lost_entries_1m": s["lost_entries"]})
            results.update({"open_first_rows_s_1m": s["open_first_rows_s"], "open_all_s_1m": s["open_all_s"],
                            "filter_ms_runs_1m": s["filter_ms_runs"]})       # min/median/max
            results["lost_entries"] = max(results["lost_entries"], s["lost_entries"])
        if args.large:                  # a big session file opened read-only (open_large.py)
            print(f"large: a {args.large:,}-entry session file opened", flush=True)
            results["large"] = child([str(HERE / "open_large.py"), str(args.large),
                                      str(Path(tmp) / "large.sqlite")], timeout=max(600.0, args.large / 5000))
            results["lost_entries"] = max(results["lost_entries"], results["large"]["lost_entries"])
        if args.arrival_sizes:          # the GUI stall as one large event arrives (arrival.py)
            print(f"arrival: {args.arrival_sizes} MB events into the window", flush=True)
            results["arrival"] = child([str(HERE / "arrival.py"), "--sizes", args.arrival_sizes,
                                        "--rounds", str(args.rounds)], timeout=900)
        print("json decoders: the burst's packets", flush=True)
        results["json_decoders"] = child([str(HERE / "json_decoders.py")], timeout=300)
        print("start: socketio-inspector --demo until its window is shown", flush=True)
        results.update(child([str(HERE / "start.py"), "3"], timeout=300))
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(readme_table.table(results))
    print(f"written to {args.out}")
    if args.readme:
        readme_table.write(results, ROOT / "README.md")
        print("README.md's Performance table regenerated")
    return 1 if results["lost_entries"] else 0


if __name__ == "__main__":
    sys.exit(main())
