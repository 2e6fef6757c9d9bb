"""The words the inspector uses to say why: the status line, a dropped emit, a
compress flag with no effect, a reconnect that was or was not recovered."""
from __future__ import annotations

from inspector.log.words import plural
from inspector.wire.options import Transport

# the warning whenever certificate checking is off: CLI (stderr), the connect rows' detail.tls
TLS_UNCHECKED = "TLS certificate checking is off: the server's identity is not verified"


def connected_status(url: str, transport: str | None, deflate: bool | None,
                     tls_unchecked: bool, server: str | None = None) -> str:
    """`server`: the generation when it is not the one socket.io-client 4 speaks."""
    extra = ""
    if transport == Transport.WEBSOCKET:
        extra = ", deflate on" if deflate else ", deflate off"
    if server:
        extra += f"; the server is {server}"
    tls = " — TLS NOT VERIFIED" if tls_unchecked else ""
    return f"Connected to {url} over {transport or '?'}{extra}{tls}"


def drop_reason(engine_connected: bool, ns: str, ns_connected: bool) -> str:
    """Why a volatile emit was dropped (socket.io-client's rule: not writable right now)."""
    if not engine_connected:
        return "volatile emit while disconnected"
    if not ns_connected:
        return f"volatile emit while {ns} is not connected"
    return "volatile emit while the transport was busy writing"


def compress_no_effect(offered: bool, transport: str | None) -> str:
    if not offered:
        return "no effect: compression is not offered (turned off in the options)"
    if transport != Transport.WEBSOCKET:
        return "no effect: the transport is long-polling"
    return "no effect: the server did not accept permessage-deflate"


def why_not_recovered(info: dict, recovery_on: bool) -> str:
    """From a namespace's CONNECT info (wire/sio.py): why the server did not recover it."""
    if not recovery_on:
        return "recovery is turned off"
    if info.get("pid") is None:
        return "the server does not offer connection state recovery"
    if not info.get("had_pid"):
        return "no session id (pid) from before the drop"
    if not info.get("had_offset"):
        return "no event was received before the drop (no offset to resume from)"
    return "the server no longer had the session (expired or restarted)"


def recovery_note(recovered: bool | None, replayed: int, why_not: str | None) -> str:
    if recovered is True:
        return f"recovered ({plural(replayed, 'missed event')} replayed)"
    if recovered is False:
        return f"not recovered: {why_not}"
    return "no recovery (the server does not offer it)"



def answer_held_note() -> str:
    """On the out ack entry of an answer to the server that was made while its namespace
    was disconnected, and sent once it was back."""
    return ("answered while disconnected, sent once the namespace was back; the server may no "
            "longer wait for it (socket.io forgets a socket's ack requests when its connection drops)")


def unsent_after_timeout() -> str:
    """On the timeout entry of an emit that was still held in the send buffer."""
    return "never sent: taken out of the send buffer when its ack timed out"


def lost_ahead(reason: str, queued: int) -> str:
    """The status line as soon as the transport's end is read, while the packets received
    before it are still being handled (and shown): the log keeps wire order, the close last."""
    return f"Connection lost ({reason}) — {plural(queued, 'packet')} received before it still being shown"
