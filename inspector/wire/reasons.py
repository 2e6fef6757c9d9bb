"""Why a connection or a namespace ended: the `reason` of a disconnect entry.

In the words a user understands (socket.io-client's).  A module of its own, without
imports, so the log and the scenarios can name them without loading the network stack.
"""
from __future__ import annotations

from enum import StrEnum


class DisconnectReason(StrEnum):
    SERVER_DISCONNECT = "server disconnect"    # the server said goodbye
    CLIENT_DISCONNECT = "client disconnect"    # the user disconnected or closed the namespace
    TRANSPORT_CLOSE = "transport close"
    TRANSPORT_ERROR = "transport error"
    PING_TIMEOUT = "ping timeout"
    GAVE_UP = "gave up reconnecting"           # the last reconnect attempt failed
    PARSE_ERROR = "parse error"                # a packet could not be decoded: the engine closed
