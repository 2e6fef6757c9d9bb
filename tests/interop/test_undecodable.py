"""A packet that cannot be decoded (issue 10, behaviour 9), beyond upstream's case (in
test_client_connection.py, "should close the engine upon decoding exception"): what the
log says when the engine closes, and the option that keeps the connection open for
inspection ("tolerate undecodable packets"), in the Session and on the CLI.  The support
server's `_send_undecodable` writes Engine.IO message "4bad"."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import run
from tests.interop.support import session_on

pytestmark = [pytest.mark.node, pytest.mark.interop]


@pytest.mark.expect_error(r"undecodable Socket.IO packet")
def test_the_close_says_why_and_the_packet_is_logged_whole(support_server):
    async def scenario():
        async with session_on(support_server, raw=True, reconnection_delay=0.05) as (session, rec):
            await session.emit("/", "_send_undecodable", [])
            [down] = await rec.wait_for(kind="disconnect", ns="/")
            [error] = rec.find(kind="error")
            [raw] = [e for e in rec.find(kind="packet", dir="in") if e.args == ["4bad"]]
            assert error.args == ["bad"] and raw.seq < error.seq      # the packet as it came
            assert error.detail["message"].startswith("undecodable Socket.IO packet: ")
            assert down.detail["reason"] == "parse error"
            assert down.detail["transport"].startswith("undecodable packet: ")
            await rec.wait_for(kind="reconnect")
    run(scenario())


@pytest.mark.expect_error(r"undecodable Socket.IO packet")
def test_tolerating_undecodable_packets_keeps_the_connection_open(support_server):
    async def scenario():
        async with session_on(support_server, tolerate_undecodable=True) as (session, rec):
            [connect] = rec.find(kind="connect", ns="/")
            await session.emit("/", "_send_undecodable", [])
            await rec.wait_for(kind="error")
            r = await session.emit("/", "echo", ["still here"], ack=True)
            assert (await r.answer).args == ["still here"]
            assert not rec.find(kind="disconnect") and session.ns_state["/"] == "connected"
            assert len(rec.find(kind="connect", ns="/")) == 1 and connect.detail["sid"]
    run(scenario())


def test_the_cli_flag_tolerates_undecodable_packets(support_server):
    # `listen --tolerate-undecodable`: the event the server sends after the bad packet
    # arrives over the same connection (without the flag the engine closes and it is lost)
    proc = subprocess.run(
        [sys.executable, "-m", "inspector", "listen", support_server.url, "--tolerate-undecodable",
         "--emit", "_send_undecodable", "--emit", "hi", "--count", "1", "--duration", "20"],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    kinds = [(e["dir"], e["kind"]) for e in lines]
    assert ("sys", "error") in kinds and ("in", "event") in kinds
    assert kinds.index(("sys", "error")) < kinds.index(("in", "event"))
    [error] = [e for e in lines if e["kind"] == "error"]
    assert error["args"] == ["bad"]
    assert not [e for e in lines if e["kind"] == "disconnect" and e["detail"]["reason"] != "client disconnect"]
