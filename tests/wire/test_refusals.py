"""The words of a refused handshake (wire/refusals.py); the real refusals, from real
servers, are in tests/interop/test_refusals.py."""
from __future__ import annotations

import json

from inspector.wire.refusals import Refusal, describe_refusal, server_words


def test_the_server_words_are_its_message_never_a_python_dict():
    assert server_words(json.dumps({"code": 4, "message": "go away"})) == "go away"
    assert server_words(json.dumps({"code": 0})) == "Transport unknown"     # engine.io's own words
    assert server_words('"Invalid transport"') == "Invalid transport"      # python-engineio's body
    assert server_words("404: Not Found\n") == "404: Not Found"
    assert server_words(json.dumps({"error": "nope"})) == '{"error": "nope"}'
    assert server_words("<html>\n  <body>x</body></html>") == "<html> <body>x</body></html>"
    long = server_words("y" * 5000)
    assert len(long) == 301 and long.endswith("…")


def test_a_404_names_the_path_and_suggests_the_one_in_the_url():
    ref = Refusal(404, "Not Found", "404: Not Found", "polling")
    plain = describe_refusal(ref, "http://h:1", "/socket.io", "/")
    assert plain.startswith("no Socket.IO server at /socket.io/ on h:1 (HTTP 404) — check the path")
    suggested = describe_refusal(ref, "http://h:1/api", "/socket.io", "/api")
    assert "the URL's /api is taken as a namespace" in suggested
    assert "set the path to /api/socket.io" in suggested


def test_transport_unknown_says_which_transport_to_choose():
    ws = describe_refusal(Refusal(400, "Bad Request", "Transport unknown", "websocket"), "http://h", "/socket.io", "/")
    assert ws == ("the server refused the handshake (HTTP 400 Bad Request): Transport unknown "
                  "— it does not accept WebSocket: choose long-polling")
    polling = describe_refusal(Refusal(400, "Bad Request", '{"code":0,"message":"Transport unknown"}', "polling"),
                               "http://h", "/socket.io", "/")
    assert polling.endswith("it does not accept long-polling: choose WebSocket only")
