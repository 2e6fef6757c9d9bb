"""A handshake the server refused, in the server's own words.

python-engineio keeps little of a refusal: on long-polling "Unexpected status code 403"
and the body as a Python dict; on websocket only "Connection error" (aiohttp does not
read the body of a failed upgrade).  The engine records the status and body of every
refused handshake request itself (wire/eio.py, `RefusalReadingResponse`) and the error
of a request that failed before any answer; this module turns them into one line.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

BODY_LIMIT = 64 * 1024          # bytes of a refusal's body read (a server's HTML error page)
WORDS_LIMIT = 300               # characters of it shown

# engine.io's own error codes (lib/server.ts, Server.errorMessages); a JSON body
# {"code": N, "message": ...} carries them
ENGINE_IO_ERRORS = {
    0: "Transport unknown", 1: "Session ID unknown", 2: "Bad handshake method",
    3: "Bad request", 4: "Forbidden", 5: "Unsupported protocol version",
}


SESSION_UNKNOWN = ENGINE_IO_ERRORS[1]
NOT_STICKY = ("a request reached a server that did not make this session: behind a load balancer "
              "without sticky sessions, each long-polling request may go to another node; make the "
              "balancer sticky (by cookie or client address) or choose WebSocket only")


def session_unknown(detail: str | None) -> str | None:
    """The words for a long-polling request refused with "Session ID unknown" after the
    handshake (wire/eio.py puts the server's words in the close detail), else None."""
    # engine.io says "Session ID unknown" ({"code": 1}), python-engineio "Invalid session <sid>"
    if detail and (SESSION_UNKNOWN in detail or "Invalid session" in detail):
        return f"Session ID unknown: the server answered {detail}; {NOT_STICKY}"
    return None


async def error_words(r: aiohttp.ClientResponse) -> str:
    """The server's words in a failed request's body (engine.io's {"code", "message"}), or ""."""
    try:
        return server_words((await r.content.read(BODY_LIMIT)).decode("utf-8", "replace"))
    except (aiohttp.ClientError, OSError, ValueError):
        return ""


@dataclass(frozen=True)
class Refusal:
    """An HTTP answer other than 2xx / 101 to a handshake request."""
    status: int
    reason: str          # the HTTP reason phrase
    body: str            # decoded, at most BODY_LIMIT bytes of it
    transport: str       # "polling" or "websocket": the transport the request was for


def server_words(body: str) -> str:
    """The server's message: `message` of a JSON object, a JSON string, or the text."""
    text = body.strip()
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, dict):
        message = value.get("message")
        if message is None and value.get("code") in ENGINE_IO_ERRORS:
            message = ENGINE_IO_ERRORS[value["code"]]
        text = message if isinstance(message, str) else json.dumps(value, ensure_ascii=False)
    elif isinstance(value, str):
        text = value
    text = " ".join(text.split())
    return text if len(text) <= WORDS_LIMIT else text[:WORDS_LIMIT] + "…"


def describe_refusal(refusal: Refusal, url: str, path: str, namespace: str) -> str:
    """One line: what the server said, and what to change when that is clear."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    where = "/" + path.strip("/") + "/"
    if refusal.status == 404:
        message = f"no Socket.IO server at {where} on {host} (HTTP 404) — check the path"
        if namespace != "/":
            # http://host/api with the server at /api/socket.io: the URL's path is a namespace
            suggested = namespace.rstrip("/") + "/" + path.strip("/")
            message += (f"; the URL's {namespace} is taken as a namespace: if the server listens "
                        f"at {suggested}, set the path to {suggested} and leave it out of the URL")
        else:
            message += " (the server's path option: socket.io's `path`, python-socketio's `socketio_path`)"
        return message
    words = server_words(refusal.body)
    message = f"the server refused the handshake (HTTP {refusal.status}"
    message += f" {refusal.reason})" if refusal.reason else ")"
    if words:
        message += f": {words}"
    if words == "Transport unknown":
        if refusal.transport == "websocket":
            message += " — it does not accept WebSocket: choose long-polling"
        else:
            message += " — it does not accept long-polling: choose WebSocket only"
    elif words == SESSION_UNKNOWN:
        message += " — " + NOT_STICKY
    elif words == "Unsupported protocol version":
        message += " — it speaks another Engine.IO version: choose protocol auto"
    return message


def describe_request_error(exc: BaseException, url: str, cert=None, ca_file: str | None = None) -> str:
    """A handshake request that got no HTTP answer (python-engineio says "Connection error");
    `cert`: the certificate that failed the check (wire/tls.py), to name it."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        why = getattr(exc.certificate_error, "verify_message", None) or str(exc.certificate_error)
        message = f"TLS error: the certificate of {exc.host}:{exc.port} failed the check ({why})"
        if cert is not None:
            message += f": {cert.words()}"
        trust = f"only the CA file {ca_file} is trusted" if ca_file else \
            "trust its CA with the CA file option (--ca-file), or turn checking off"
        return message + f" (certificate checking is on: {trust})"
    if isinstance(exc, aiohttp.ClientConnectorSSLError):
        return f"TLS error: {exc.os_error}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        why = exc.os_error.strerror or str(exc.os_error)
        return f"cannot connect to {url} ({why})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
