"""The JSON decoders a Socket.IO packet could be read with, timed here on the benchmark's
packets (what the Node server's burst sends with recovery on, and two larger events):

    python benchmarks/json_decoders.py

prints one JSON object: microseconds per packet (best of 5) for each decoder that is
importable.  "stdlib per call" is what python-engineio's json.loads does (a JSONDecoder
and a Python parse_int per call); "stdlib once" is what wire/parsers.py does now.
orjson and msgspec are measured when installed (they are not dependencies): both refuse
what JSON.parse takes (a lone surrogate, 1e999), so they could only be a fast path in
front of the stdlib decoder, never instead of it.
"""
from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PACKETS = {
    "burst": '["burst",{"i":12345},"8f3a0c1e-5"]',
    "small object": json.dumps(["tick", {"sym": "ABC", "px": 123.45, "qty": 100, "tags": ["a", "b", "c"],
                                         "ts": 1796180080282}, "off-1"], separators=(",", ":")),
    "1 kB": json.dumps(["big", [{f"k{i}": "v" * 20, "n": i} for i in range(30)]], separators=(",", ":")),
}


def candidates() -> dict:
    from engineio.json import loads as engineio_loads

    from inspector.wire.parsers import JsonPacket, refuse_constant
    found = {"stdlib per call (python-engineio's)": lambda t: engineio_loads(t, parse_constant=refuse_constant),
             "stdlib once (the inspector's)": JsonPacket.json.loads}
    try:
        import orjson
        found["orjson " + orjson.__version__] = orjson.loads
    except ImportError:
        pass
    try:
        import msgspec
        found["msgspec " + msgspec.__version__] = msgspec.json.Decoder().decode
    except ImportError:
        pass
    return found


def main() -> int:
    out: dict = {}
    for name, fn in candidates().items():
        out[name] = {}
        for label, text in PACKETS.items():
            n = 20000
            best = min(timeit.repeat(lambda: fn(text), number=n, repeat=5)) / n  # noqa: B023
            out[name][label] = round(best * 1e6, 2)
    print(json.dumps({"us_per_packet": out}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
