"""A URL as logs, errors and the status line show it: nothing secret in it."""
from __future__ import annotations

from inspector.wire.urls import redact_url


def test_a_password_and_query_values_are_masked_the_rest_kept():
    assert redact_url("https://user:secret@example.com:8443/socket.io/?token=abc&room=x#top") == \
        "https://••••@example.com:8443/socket.io/?token=••••&room=••••#top"


def test_a_plain_url_is_left_as_it_is():
    assert redact_url("http://127.0.0.1:5000/") == "http://127.0.0.1:5000/"
    assert redact_url("http://[::1") == "http://[::1"          # not a URL: shown as given
