"""README's Performance table, made from benchmarks/results.json (never typed by hand):

    python benchmarks/readme_table.py            # rewrite the table in README.md
    python benchmarks/run.py --readme            # measure, then the same

The table sits between the two BEGIN / END comment lines in README.md; everything else
in the README is left as it is.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BEGIN = "<!-- performance table: made by benchmarks/readme_table.py from benchmarks/results.json -->"
END = "<!-- end of the performance table -->"


def _num(v, digits: int = 0) -> str:
    if v is None:
        return "—"
    return f"{v:,.{digits}f}"


def _mmm(s: dict | None, digits: int = 0, unit: str = "") -> str:
    """min / median / max of a spread."""
    if not s or s.get("median") is None:
        return "—"
    if s["min"] == s["max"]:
        return f"{_num(s['median'], digits)}{unit}"
    return f"{_num(s['min'], digits)} / **{_num(s['median'], digits)}** / {_num(s['max'], digits)}{unit}"


def _met(value, target: str) -> str:
    if value is None or not target:
        return target
    op, limit = target.split()
    limit = float(limit)
    ok = {">=": value >= limit, "<=": value <= limit, "<": value < limit, "==": value == limit}[op]
    return f"{target}: {'met' if ok else 'NOT met'}"


def table(r: dict) -> str:
    """The Markdown of README's table (every figure min / median / max of the rounds)."""
    t = r["targets"]
    ing = r["ingest"]
    rate = ing["events_per_s"]
    rows = [
        f"Measured by `benchmarks/run.py` ({r['when']}, {r['machine']}; load average "
        f"{r['load_before'][0]:.1f} before, {r['load_after'][0]:.1f} after: the machine was shared), "
        f"against the official Node.js socket.io server with connection state recovery on, "
        f"{ing['events']:,}-event bursts, every client in turn on the same server in each of "
        f"{ing['rounds']} rounds. Figures are min / **median** / max of the rounds; a ratio is "
        "taken within each round.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| ingest: the official JS client (socket.io-client) | {_mmm(rate['js'])} events/s | |",
        f"| ingest: bare python-socketio `AsyncClient`, plain asyncio loop | {_mmm(rate['bare'])} events/s "
        "| the reference |",
        f"| ingest: the same bare client on uvloop | {_mmm(rate['bare_uvloop'])} events/s | |",
        f"| ingest: headless `socketio-inspector listen` (JSON lines into a file) | {_mmm(rate['listen'])} "
        "events/s | |",
        f"| ingest: the window (model and session file) | {_mmm(rate['gui'])} events/s | |",
        f"| `listen` / bare | {_mmm(ing['listen_to_bare'], 2)}x | "
        f"{_met(ing['listen_to_bare']['median'], t['listen_to_bare'])} |",
        f"| window / bare | {_mmm(ing['gui_to_bare'], 2)}x | "
        f"{_met(ing['gui_to_bare']['median'], t['gui_to_bare'])} |",
        f"| window / JS client | {_mmm(ing['gui_to_js'], 2)}x (`listen` / JS: "
        f"{_mmm(ing['listen_to_js'], 2)}x) | {_met(ing['gui_to_js']['median'], t['gui_to_js'])} |",
        f"| longest GUI stall during a burst | {_mmm(ing['max_stall_ms'], 0, ' ms')} | "
        f"{_met(ing['max_stall_ms']['max'], t['max_stall_ms'])} (worst round) |",
    ]
    for n, clients in (r.get("heartbeat") or {}).items():
        for client, label in (("js", "JS client"), ("bare", "bare python-socketio"),
                              ("listen", "`listen`"), ("gui", "the window")):
            c = clients[client]
            worst = c["ping_timeouts"]["max"]
            shown = "all events" if c["all_events"] else f"events {', '.join(f'{e:,}' for e in c['events'])}"
            target = "" if client in ("js", "bare") else _met(worst, t["ping_timeouts"]) + " (worst round)"
            rows.append(f"| ping timeouts in a {int(n):,}-event burst, pingInterval = pingTimeout = 1 s: "
                        f"{label} | {_mmm(c['ping_timeouts'])} ({shown}) | {target} |")
        gui = clients["gui"].get("status_untrue_s")
        if gui is not None:
            value = "no drop to measure" if not gui["drops"] else f"{_mmm(gui, 2, ' s')} over {gui['drops']} drops"
            rows.append(f"| status line untrue (window vs the server's disconnect / reconnect), "
                        f"{int(n):,} burst | {value} | "
                        f"{_met(gui['max'], t['status_untrue_s']) if gui['drops'] else t['status_untrue_s']} |")
    if "rss_mib_1m" in r:
        rows += [
            f"| resident memory with {r['scale_entries']:,} entries | {_num(r['rss_mib_1m'])} MiB | "
            f"{_met(r['rss_mib_1m'], t['rss_mib_1m'])} |",
            *(_filter_rows(r, t) if "filter_ms_indexed_1m" in r else [
                f"| text filter over {r['scale_entries']:,} entries | {_num(r['filter_ms_1m'])} ms | "
                f"{_met(r['filter_ms_1m'], t['filter_ms_1m'])} |"]),
            f"| scroll to the end and paint | {_num(r['scroll_end_ms_1m'])} ms | "
            f"{_met(r['scroll_end_ms_1m'], t['scroll_end_ms_1m'])} |",
        ]
    if "large" in r:
        rows += _large_rows(r["large"], t)
    rows.append(f"| nothing lost (window and `listen`, every round) | {r['lost_entries']} | "
                f"{_met(r['lost_entries'], t['lost_entries'])} |")
    rows.append(f"| start: `socketio-inspector --demo` until the window is shown (median of 3) | "
                f"{r['start_s']:.2f} s | {_met(r['start_s'], t['start_s'])} |")
    dec = r.get("json_decoders", {}).get("us_per_packet", {})
    if dec:
        rows.append("| reading one burst packet's JSON | " + "; ".join(
            f"{name}: {v['burst']:.2f} µs" for name, v in dec.items()) + " | |")
    return "\n".join(rows)


def write(results: dict, readme: Path) -> None:
    text = readme.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    readme.write_text(text[:start] + "\n" + table(results) + "\n" + text[end:])


def main() -> int:
    write(json.loads((HERE / "results.json").read_text()), HERE.parent / "README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def _filter_rows(r: dict, t: dict) -> list[str]:
    """The text filter once the writer's text index has caught up, and right after the rows
    were written (what the index had not reached then was scanned)."""
    return [
        f"| text filter over {r['scale_entries']:,} entries, the text index caught up "
        f"| {_num(r['filter_ms_indexed_1m'])} ms | {_met(r['filter_ms_indexed_1m'], t['filter_ms_1m'])} |",
        f"| the same, first thing after the last write (the index {r['unindexed_after_write_1m']:,} rows "
        f"behind then: those scanned) | {_num(r['filter_ms_1m'])} ms | |",
    ]


def _large_rows(big: dict, t: dict) -> list[str]:
    """A big session file opened read-only (open_large.py): memory, first rows, the filter."""
    n = f"{big['entries']:,}"
    w = big["window_filter_ms"]

    def filt(name: str) -> str:
        lo, mid, hi, rows = w[name]
        return f"{_num(lo)} / **{_num(mid)}** / {_num(hi)} ms ({rows:,} rows)"
    return [
        f"| resident memory with a {n}-entry session file open | {_num(big['rss_mib'])} MiB | "
        f"{_met(big['rss_mib'], t['rss_mib_10m'])} |",
        f"| that file's first rows shown; all of it loaded | {big['open_first_rows_s']:.2f} s; "
        f"{big['open_all_s']:.0f} s | {_met(big['open_first_rows_s'], t['open_first_rows_s'])} (first rows) |",
        f"| text filter over its {n} entries, a word (`hello`) | {filt('text')} | "
        f"{_met(w['text'][2], t['filter_ms_10m'])} (worst run) |",
        f"| the same, a rare text (`ready 996`) | {filt('text_rare')} | "
        f"{_met(w['text_rare'][2], t['filter_ms_10m'])} (worst run) |",
        f"| the same, two characters (`99`: too short for the trigram index, every row scanned, "
        f"progress shown) | {filt('text_short')} | {_met(w['text_short'][2], t['filter_ms_10m'])} (worst run) |",
        f"| the window's longest wait for its thread during those filters | "
        f"{_num(max(big['window_worst_gap_ms'].values()), 1)} ms | |",
    ]
