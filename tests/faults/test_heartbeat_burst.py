"""A burst at one-second heartbeats (the official Node server, pingInterval = pingTimeout = 1 s,
recovery on): the server pings behind the backlog it is writing, and drops a client whose PONG
does not come within a second.  The target: the headless `listen` takes 100,000 events with no
ping timeout (the server's own word: it prints why each connection ended) and prints every one
(recovery would bring back what a drop lost, so the server's word is what tells).  It takes
the read-ahead (wire/read_ahead.py): the PING is answered as it comes off the socket, not when
the read loop has handled the frames queued ahead of it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import wait_until

ROOT = Path(__file__).resolve().parents[2]
BURST = 100_000


@pytest.mark.node
@pytest.mark.timeout(300)
def test_listen_takes_a_burst_at_one_second_heartbeats_without_a_ping_timeout(node_server, tmp_path):
    server = node_server("--recovery", "--ping-interval", "1000", "--ping-timeout", "1000",
                         "--log-connections")
    out = tmp_path / "listen.jsonl"
    with out.open("w") as lines:
        subprocess.run([sys.executable, "-m", "inspector", "listen", server.url, "--transport", "websocket",
                        "--emit", "burst", json.dumps({"count": BURST}), "--count", str(BURST),
                        "--duration", "200"], stdout=lines, stderr=subprocess.PIPE, timeout=240,
                       cwd=ROOT, check=True)
    # the server's truth: every connection it lost, and why (the last one is the goodbye)
    wait_until(lambda: any(line.startswith("DISCONNECT") for line in server.output), 10,
               "the server to see the client go")
    ended = [line.split(None, 3)[3].strip() for line in server.output if line.startswith("DISCONNECT")]
    assert ended == ["client namespace disconnect"], ended
    entries = [json.loads(line) for line in out.read_text().splitlines()]
    numbers = [e["args"][0]["i"] for e in entries if e.get("event") == "burst" and e["dir"] == "in"]
    assert numbers == list(range(BURST))
    assert [e["detail"]["reason"] for e in entries if e["kind"] == "disconnect"] == ["client disconnect"]
