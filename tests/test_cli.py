"""The headless commands, run as a user runs them (a process of their own), against the demo server
(in the test process, on a thread of its own)."""
import json
import subprocess
import sys
import time

import pytest


def cli(*args, timeout=60):
    proc = subprocess.run([sys.executable, "-m", "inspector", *args], capture_output=True,
                          text=True, timeout=timeout)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return proc.returncode, lines, proc.stderr


def test_emit_with_ack_prints_the_out_entry_and_the_answer(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "echo", '{"a": 1}', "2", "--ack")
    assert code == 0, err
    out, ack = lines
    assert (out["dir"], out["kind"], out["event"], out["args"]) == ("out", "event", "echo", [{"a": 1}, 2])
    assert (ack["dir"], ack["kind"], ack["args"], ack["ack_id"]) == ("in", "ack", [{"a": 1}, 2], out["ack_id"])
    assert 0 < ack["rtt_ms"] < 5000


def test_emit_exits_1_when_the_ack_times_out(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "slow_echo", '{"delay": 3}',
                           "--ack", "--timeout", "0.3")
    assert code == 1
    assert lines[-1]["flags"] == ["timeout"]
    assert "no ack for 'slow_echo' within 0.3 s" in err


def test_emit_takes_the_connection_ack_timeout_when_it_has_none_of_its_own(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "slow_echo", '{"delay": 3}',
                           "--ack", "--ack-timeout", "0.3")
    assert code == 1
    assert lines[-1]["flags"] == ["timeout"] and lines[-1]["detail"]["timeout_s"] == 0.3
    assert "no ack for 'slow_echo' within 0.3 s" in err


def test_emit_with_retries_resends_until_the_tries_run_out(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "slow_echo", '{"delay": 3}',
                           "--ack", "--retries", "2", "--timeout", "0.3")
    assert code == 1, err
    tries = [e for e in lines if e["dir"] == "out" and e["kind"] == "event"]
    assert [e["detail"]["attempt"] for e in tries] == [1, 2, 3]
    assert len({e["ack_id"] for e in tries}) == 3          # each try is an emit of its own
    assert "no ack for 'slow_echo' within 0.3 s (3 tries)" in err


def test_emit_with_retries_asks_for_an_ack_without_being_told(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "echo", '"hi"', "--retries", "1")
    assert code == 0, err
    [out] = [e for e in lines if e["dir"] == "out"]
    assert out["ack_id"] == 0 and out["detail"]["attempt"] == 1


def test_emit_timeout_none_and_0_are_different_choices(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "echo", "1", "--ack", "--timeout", "none")
    assert code == 0, err
    assert lines[0]["detail"]["timeout_s"] is None and lines[1]["args"] == [1]
    code, lines, err = cli("emit", shared_demo_server.url, "echo", "1", "--ack", "--timeout", "0")
    assert code == 1                                      # 0: already expired, as timeout(0)
    assert "no ack for 'echo' at once (a timeout of 0)" in err
    code, lines, err = cli("emit", shared_demo_server.url, "echo", "--timeout", "-1")
    assert code == 2 and "0 or more seconds, or none" in err


def test_emit_exits_2_with_a_clear_message_when_it_cannot_connect():
    code, lines, err = cli("emit", "http://127.0.0.1:1", "echo", "--connect-timeout", "3",
                           "--no-reconnect")
    assert code == 2 and lines == []
    assert err.startswith("socketio-inspector: cannot connect to http://127.0.0.1:1")
    assert len(err.splitlines()) == 1 and "reconnect" not in err


def test_emit_retries_a_failed_first_connection_then_exits_2():
    # reconnection on (the default, as socket.io-client's Manager): each attempt is shown
    code, lines, err = cli("emit", "http://127.0.0.1:1", "echo", "--reconnect-attempts", "2",
                           "--reconnect-delay", "0.05")
    assert code == 2 and lines == []
    shown = err.splitlines()
    assert shown[0].startswith("socketio-inspector: cannot connect to http://127.0.0.1:1")
    assert shown[0].endswith("— reconnecting (Ctrl+C to stop, --no-reconnect to fail at once)")
    assert shown[1].startswith("socketio-inspector: reconnect attempt 1 failed: cannot connect")
    assert shown[2].startswith("socketio-inspector: reconnect attempt 2 failed: cannot connect")
    assert shown[3].startswith("socketio-inspector: gave up reconnecting after 2 attempt(s); "
                               "the last error: cannot connect to http://127.0.0.1:1")
    assert len(shown) == 4


def test_emit_refuses_invalid_json_before_connecting():
    code, lines, err = cli("emit", "http://127.0.0.1:1", "echo", "{bad")
    assert code == 2 and lines == []
    assert "is not JSON" in err and "cannot connect" not in err


def test_emit_refuses_a_reserved_event_name_in_one_line_before_connecting():
    code, lines, err = cli("emit", "http://127.0.0.1:1", "disconnecting", '"bye"')
    assert (code, lines) == (2, [])
    assert err == 'socketio-inspector: "disconnecting" is a reserved event name\n'
    code, lines, err = cli("listen", "http://127.0.0.1:1", "--emit", "connect", "--duration", "1")
    assert (code, lines) == (2, [])
    assert err == 'socketio-inspector: --emit "connect" is a reserved event name\n'


def test_emit_is_compressed_by_default_and_plain_with_no_compress(shared_demo_server):
    text = '"' + "z" * 200 + '"'
    code, lines, err = cli("emit", shared_demo_server.url, "echo", text, "--ack",
                           "--transport", "websocket")
    assert code == 0, err
    out = lines[0]
    assert "compressed" in out["flags"] and out["detail"]["wire_bytes"] < out["bytes"]
    code, lines, err = cli("emit", shared_demo_server.url, "echo", text, "--ack",
                           "--transport", "websocket", "--no-compress")
    assert code == 0, err
    out = lines[0]
    assert "flags" not in out and "compress" not in out["detail"]
    assert out["detail"]["wire_bytes"] > out["bytes"]         # a plain frame: payload + header


def test_no_deflate_does_not_offer_permessage_deflate(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "echo", '"' + "z" * 200 + '"', "--ack",
                           "--transport", "websocket", "--no-deflate")
    assert code == 0, err
    out = lines[0]
    assert "flags" not in out
    assert out["detail"]["compress"] == "no effect: compression is not offered (turned off in the options)"


def test_emit_refused_namespace_exits_2(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "stats", "-n", "/admin")
    assert code == 2
    assert "/admin refused: unauthorized" in err


def test_emit_bytes_argument_round_trip(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "echo", '{"_bytes": "AAEC"}', "--ack")
    assert code == 0, err
    assert lines[0]["args"] == [{"_bytes": "AAEC"}] and "binary" in lines[0]["flags"]
    assert lines[1]["args"] == [{"_bytes": "AAEC"}]


def test_listen_prints_every_event_and_stops_after_count(shared_demo_server):
    code, lines, err = cli("listen", shared_demo_server.url, "--emit", "burst", '{"count": 5}',
                           "--count", "6")
    assert code == 0, err
    events = [e for e in lines if e["kind"] == "event" and e["dir"] == "in"]
    assert [e["event"] for e in events] == ["welcome"] + ["burst"] * 5
    assert [e["args"][0]["i"] for e in events[1:]] == [0, 1, 2, 3, 4]
    seqs = [e["seq"] for e in lines]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert lines[-1]["kind"] == "disconnect"


def test_listen_on_several_namespaces_with_auth_and_polling(shared_demo_server):
    code, lines, err = cli("listen", shared_demo_server.url, "-n", "/chat", "-n", "/admin",
                           "--auth", '{"token": "demo-token"}', "--transport", "polling",
                           "--count", "1")                        # ends with admin_welcome
    assert code == 0, err
    connects = {e["ns"]: e for e in lines if e["kind"] == "connect"}
    assert set(connects) == {"/chat", "/admin"}
    assert [(e["ns"], e["event"]) for e in lines if e["kind"] == "event"] == [("/admin", "admin_welcome")]
    assert all(c["detail"]["transport"] == "polling" for c in connects.values())
    assert "demo-token" not in "\n".join(json.dumps(e) for e in lines)


def test_listen_duration_stops(shared_demo_server):
    code, lines, err = cli("listen", shared_demo_server.url, "--duration", "0.5")
    assert code == 0, err
    assert [(e["kind"], e.get("event")) for e in lines] == [
        ("connect", None), ("event", "welcome"), ("disconnect", None)]
    assert lines[-1]["detail"] == {"reason": "client disconnect"}
    # it listened half a second from the connection, then ended by itself
    assert 0.5 <= lines[-1]["t"] - lines[0]["t"] < 1.5


def test_listen_sees_a_server_drop_and_the_gap(demo_server):
    code, lines, err = cli("listen", demo_server.url, "--emit", "drop", "--count", "2")  # welcome, again
    assert code == 0, err
    assert [e["kind"] for e in lines] == ["connect", "event", "event", "disconnect", "reconnect",
                                          "connect", "gap", "event", "disconnect"]
    down, gap = lines[3], lines[6]
    assert down["detail"]["reason"] == gap["detail"]["reason"] == "transport close"
    assert gap["detail"]["from"] == down["t"] < gap["detail"]["to"] <= lines[5]["t"]    # down .. connect
    assert gap["detail"]["duration_s"] == round(gap["detail"]["to"] - gap["detail"]["from"], 3) > 0
    assert lines[-1]["detail"] == {"reason": "client disconnect"}


def test_listen_with_a_sequence_check_prints_the_missing_numbers(shared_demo_server):
    code, lines, err = cli("listen", shared_demo_server.url, "--seq", "/:number=seq",
                           "--emit", "join", '"numbers"',
                           "--emit", "emit_numbers", '{"count": 6, "skip": [3, 4, 5], "interval": 0.01}',
                           "--count", "4")
    assert code == 0, err
    [gap] = [e for e in lines if e["kind"] == "gap"]
    assert gap["detail"]["missing"] == [3, 4, 5] and gap["event"] == "number"


def test_listen_refuses_a_bad_sequence_field():
    code, lines, err = cli("listen", "http://127.0.0.1:1", "--seq", "number=data..i")
    assert code == 2 and "--seq number=data..i" in err


def test_emit_raw_prints_the_packets_and_compress_is_recorded(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "echo", '"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"',
                           "--ack", "--raw", "--compress", "--transport", "websocket")
    assert code == 0, err
    packets = [e for e in lines if e["kind"] == "packet"]
    assert packets[0]["detail"]["eio"] == "open"
    out = next(e for e in lines if e["kind"] == "event")
    assert "compressed" in out["flags"] and out["detail"]["wire_bytes"] < out["bytes"]
    assert all(any(p["seq"] == s for p in packets) for s in out["detail"]["packet_seqs"])


def test_emit_volatile_is_sent_when_the_transport_is_ready(shared_demo_server):
    code, lines, err = cli("emit", shared_demo_server.url, "echo", "1", "--volatile", "--ack")
    assert code == 0, err
    out, answer = lines
    assert (out["kind"], out["dir"], out["flags"]) == ("event", "out", ["compressed", "volatile"])
    assert (answer["kind"], answer["dir"], answer["args"]) == ("ack", "in", [1])


def test_listen_raw_never_prints_the_auth_unless_asked(shared_demo_server):
    code, lines, err = cli("listen", shared_demo_server.url, "-n", "/admin", "--raw",
                           "--auth", '{"token": "demo-token"}', "--count", "1")   # admin_welcome
    assert code == 0, err
    text = "\n".join(json.dumps(e) for e in lines)
    [connect] = [e for e in lines
                 if e["kind"] == "packet" and e["dir"] == "out" and e["detail"].get("sio") == "CONNECT"]
    assert "demo-token" not in text and "token" in json.dumps(connect["args"])
    code, lines, err = cli("listen", shared_demo_server.url, "-n", "/admin", "--raw", "--log-secrets",
                           "--auth", '{"token": "demo-token"}', "--count", "1")
    assert code == 0 and "demo-token" in "\n".join(json.dumps(e) for e in lines)


def test_listen_ends_when_its_reader_goes_away(shared_demo_server):
    """`socketio-inspector listen URL | head -3` must end, not hang."""
    proc = subprocess.Popen([sys.executable, "-m", "inspector", "listen", shared_demo_server.url,
                             "--emit", "burst", '{"count": 20000}'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(3):
            assert json.loads(proc.stdout.readline())
        proc.stdout.close()                      # what head does after 3 lines
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def test_ctrl_c_stops_an_emit_still_reconnecting_and_it_did_not_pass():
    import signal
    proc = subprocess.Popen([sys.executable, "-m", "inspector", "emit", "http://127.0.0.1:1", "echo",
                             "--reconnect-delay", "0.05"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "— reconnecting" in proc.stderr.readline()
        assert "reconnect attempt 1 failed" in proc.stderr.readline()   # the series is under way
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_a_stop_signal_ends_a_listen_still_reconnecting_as_listen_ends(signame):
    # listen's own stop handler once only set an event nobody waited for while connecting:
    # the process ignored Ctrl+C and SIGTERM for as long as its endless reconnect series ran
    import signal
    proc = subprocess.Popen([sys.executable, "-m", "inspector", "listen", "http://127.0.0.1:1",
                             "--reconnect-delay", "0.05"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert json.loads(proc.stdout.readline())["kind"] == "connect_error"
        assert json.loads(proc.stdout.readline())["kind"] == "reconnect_attempt"   # under way
        proc.send_signal(getattr(signal, signame))
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


@pytest.mark.node
def test_protocol_v2_speaks_to_a_socket_io_2x_server_and_v3_plus_says_it_cannot():
    from tests.conftest import NODE_DIR, ServerProcess
    server = ServerProcess(["node", "server_v2.js"], cwd=NODE_DIR)
    try:
        code, lines, err = cli("emit", server.url, "echo", '"é😀"', "--ack", "--protocol", "v2",
                               "--transport", "polling", "--no-reconnect")
        assert code == 0, err
        assert lines[-1]["kind"] == "ack" and lines[-1]["args"] == ["é😀"]
        code, _, err = cli("emit", server.url, "echo", "--protocol", "v3+", "--transport", "polling",
                           "--no-reconnect")
        assert code == 2 and "Engine.IO 3 (socket.io 2.x)" in err and "choose auto or v2" in err
    finally:
        server.stop()


def test_an_unknown_protocol_is_a_usage_error_naming_the_choices():
    code, _, err = cli("listen", "http://127.0.0.1:1", "--protocol", "v1")
    assert code == 2 and "invalid choice: 'v1'" in err and "'v3+'" in err
def test_parser_msgpack_speaks_to_a_msgpack_server_and_raw_shows_the_decoded_packets():
    from tests.demo_thread import ThreadedDemoServer
    server = ThreadedDemoServer(parser="msgpack")
    try:
        code, lines, err = cli("emit", server.url, "echo", '{"_bytes": "AAEC"}', "--ack",
                               "--parser", "msgpack", "--raw", "--transport", "websocket")
    finally:
        server.stop()
    assert code == 0, err
    [out] = [e for e in lines if e["kind"] == "event" and e["dir"] == "out"]
    [ack] = [e for e in lines if e["kind"] == "ack"]
    assert ack["args"] == [{"_bytes": "AAEC"}] and "binary" in out["flags"]
    packets = [e for e in lines if e["kind"] == "packet"]
    [raw_out] = [e for e in packets if e["dir"] == "out" and e["detail"].get("sio") == "EVENT"]
    [raw_in] = [e for e in packets if e["dir"] == "in" and e["detail"].get("sio") == "ACK"]
    assert raw_out["detail"]["msgpack"] == {"type": 2, "nsp": "/", "data": ["echo", {"_bytes": "AAEC"}],
                                            "id": out["ack_id"]}
    assert raw_in["detail"]["msgpack"]["type"] == 3 and "_bytes" in raw_in["args"][0]  # the frame itself


def test_parser_is_checked_before_connecting():
    code, lines, err = cli("emit", "http://127.0.0.1:9", "echo", "--parser", "protobuf")
    assert code == 2 and "invalid choice: 'protobuf'" in err


@pytest.mark.node
def test_a_json_client_against_a_msgpack_server_exits_2_naming_the_parser(node_server):
    server = node_server("--parser", "msgpack")
    started = time.monotonic()
    code, lines, err = cli("emit", server.url, "echo", "1", "--connect-timeout", "5")
    assert code == 2
    assert "it probably uses the msgpack parser (set Parser: msgpack)" in err
    assert time.monotonic() - started < 5          # at once, not at the connect timeout
    assert not [e for e in lines if e["kind"] in ("reconnect", "reconnect_attempt")]
