"""Ack timeouts and retries in the window (issue 10, behaviours 4 and 5): the composer's
"no timeout" apart from 0, the connection panel's ackTimeout and retries, against the
demo server (in process on 127.0.0.1:0)."""
from __future__ import annotations

from inspector.log.entry import OUT, SYS, Kind
from inspector.ui import settings as S


def test_the_composer_has_no_timeout_apart_from_zero(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    spin = ui.widget("ackTimeoutSpin")
    spin.setValue(spin.minimum())
    assert spin.text() == "no timeout"
    assert ui.window.emitPanel.ack_timeout() is None
    spin.setValue(0)
    assert spin.text() == "0.0 s timeout" and ui.window.emitPanel.ack_timeout() == 0
    ui.connect()
    ui.emit("echo", 1, ack=True, timeout=None)
    answer = ui.wait_for(kind=Kind.ACK, event="echo", dir="in")
    [out] = ui.find(kind=Kind.EVENT, dir=OUT, event="echo")
    assert out.detail["timeout_s"] is None and answer.args == [1]
    ui.emit("echo", 2, ack=True, timeout=0)        # 0: already expired, as timeout(0)
    expired = ui.wait_for(kind=Kind.ACK, dir=SYS, flag="timeout")
    assert expired.detail["timeout_s"] == 0
    late = ui.wait_for(kind=Kind.ACK, dir="in", count=2)
    assert late.args == [2] and "late" in late.flags


def test_connection_retries_resend_an_emit_until_the_tries_run_out(inspector_at, demo_server):
    ui = inspector_at(demo_server.url)
    retries, ack_timeout = ui.widget("retriesSpin"), ui.widget("connAckTimeoutSpin")
    assert retries.text() == "off" and ack_timeout.text() == "none"     # as socket.io-client
    retries.setValue(2)
    ack_timeout.setValue(0.3)
    ui.connect()
    assert (ui.session.options.retries, ui.session.options.ack_timeout) == (2, 0.3)
    # "Expect ack" off: with retries on it asks for one all the same, and waits ackTimeout
    ui.emit("slow_echo", {"delay": 3}, ack=False)
    ui.wait_for(kind=Kind.EVENT, dir=OUT, event="slow_echo", count=3, timeout=10)
    tries = ui.find(kind=Kind.EVENT, dir=OUT, event="slow_echo")
    assert [e.detail["attempt"] for e in tries] == [1, 2, 3]
    assert all(e.detail["timeout_s"] == 0.3 for e in tries)
    ui.wait_for(kind=Kind.ACK, dir=SYS, flag="timeout", count=3, timeout=10)
    ui.disconnect()
    settings = ui.window.settings
    assert settings.get(S.RETRIES) == 2 and settings.get(S.CONN_ACK_TIMEOUT) == 0.3
