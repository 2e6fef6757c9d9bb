"""The words of the log entry schema: directions, kinds and flags, each named once.

They are string enums: a member is equal to (and hashes, formats and encodes to
JSON and SQLite as) its string, so the JSON Lines form and the session file keep
the strings they always had and files written before the enums read back the
same.  The order of each enum is the order of the codes log.table stores
(DIRECTIONS, KINDS, FLAGS in log.entry): add new members at the end.
"""
from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    IN = "in"            # from the server
    OUT = "out"          # sent by the user
    SYS = "sys"          # lifecycle: connects, disconnects, gaps, errors


class Kind(StrEnum):
    EVENT = "event"
    ACK = "ack"                              # an ack answer, either way (or its timeout)
    CONNECT = "connect"
    DISCONNECT = "disconnect"
    CONNECT_ERROR = "connect_error"
    RECONNECT_ATTEMPT = "reconnect_attempt"  # a failed attempt
    RECONNECT = "reconnect"
    GAP = "gap"                              # the connection was down, or numbered events went missing
    DROPPED = "dropped"                      # an emit that was not sent
    ERROR = "error"
    PACKET = "packet"                        # one raw Engine.IO / Socket.IO packet (raw capture)
    SERVER = "server"                        # a command through the server's admin namespace, its answer


class Flag(StrEnum):
    COMPRESSED = "compressed"
    VOLATILE = "volatile"
    BINARY = "binary"
    BUFFERED = "buffered"      # held while disconnected, sent later
    RECOVERED = "recovered"    # replayed by the server's connection state recovery
    LATE = "late"              # an ack answer after its timeout
    TIMEOUT = "timeout"        # no ack answer within the timeout
    NONFINITE = "nonfinite"    # JSON Lines only: NaN/Infinity from the server written as strings
