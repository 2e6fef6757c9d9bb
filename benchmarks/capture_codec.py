"""Which codec the window-capture protocol frames entry batches with: msgpack of each
entry as a list (capture/protocol.py) against json of the same lists (bytes would need
base64 there) and of each entry's JSON form (what the log's JSON Lines use).
Prints the time to pack and to unpack a batch, and its size.

    python benchmarks/capture_codec.py [--batch 5000] [--rounds 20]
"""
from __future__ import annotations

import argparse
import json
import time

import msgpack

from inspector.capture import protocol as P
from inspector.log.entry import LogEntry


def batch(n: int) -> list[LogEntry]:
    return [LogEntry(i, 1_700_000_000.0 + i / 1000, "in", "event", "/", "tick",
                     [{"i": i, "text": "hello world", "nested": {"a": [1, 2, 3]}}],
                     None, None, 64, (), {"offset": f"{i:016x}"}) for i in range(1, n + 1)]


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=20)
    a = ap.parse_args()
    entries = batch(a.batch)
    mp = P.pack({"entries": [P.entry_to_wire(e) for e in entries]})
    js = json.dumps({"entries": [e.to_json() for e in entries]}).encode()
    jl = json.dumps({"entries": [P.entry_to_wire(e) for e in entries]}).encode()
    rows = {
        "json (lists)": (lambda: json.dumps({"entries": [P.entry_to_wire(e) for e in entries]}).encode(),
                         lambda: [P.entry_from_wire(r) for r in json.loads(jl)["entries"]], len(jl)),
        "msgpack (lists)": (lambda: P.pack({"entries": [P.entry_to_wire(e) for e in entries]}),
                            lambda: [P.entry_from_wire(r) for r in P.unpack(mp[4:])["entries"]], len(mp)),
        "msgpack (maps)": (lambda: msgpack.packb({"entries": [e.to_json() for e in entries]}),
                           None, len(msgpack.packb({"entries": [e.to_json() for e in entries]}))),
        "json (JSON form)": (lambda: json.dumps({"entries": [e.to_json() for e in entries]}).encode(),
                             lambda: [LogEntry.from_json(o) for o in json.loads(js)["entries"]], len(js)),
    }
    print(f"{a.batch} entries per batch, best of {a.rounds}")
    for name, (enc, dec, size) in rows.items():
        e = best(enc, a.rounds) * 1000
        d = f"{best(dec, a.rounds) * 1000:7.2f} ms" if dec else "      -   "
        print(f"  {name:18} pack {e:7.2f} ms   unpack+entries {d}   {size / a.batch:6.1f} B/entry")


if __name__ == "__main__":
    main()
