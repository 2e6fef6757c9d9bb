"""Why a connection could not be made, in plain words (python-engineio's ConnectionError
keeps little: the engine's refusal and request error, wire/refusals.py, say the rest)."""
from __future__ import annotations

import aiohttp
import engineio

from inspector.wire.eio import InspectorEngine
from inspector.wire.options import ConnectionOptions
from inspector.wire.refusals import describe_refusal, describe_request_error
from inspector.wire.tls import Certificate
from inspector.wire.urls import redact_url


def describe_connect_error(exc: engineio.exceptions.ConnectionError, opts: ConnectionOptions,
                            engine: InspectorEngine, cert: Certificate | None = None) -> str:
    message = str(exc.args[0]) if exc.args else "connection failed"
    if engine.refusal is not None:          # the server answered: its words, not a dict
        return describe_refusal(engine.refusal, redact_url(opts.url), opts.path, opts.base_namespace)
    if engine.request_error is not None and (message == "Connection error" or isinstance(
            engine.request_error, aiohttp.ClientSSLError)):     # long-polling: aiohttp's text
        return describe_request_error(engine.request_error, redact_url(opts.url), cert, opts.ca_file)
    extra = exc.args[1] if len(exc.args) > 1 else None
    if "certificate" in message.lower() or "SSLError" in message:
        return f"TLS error: {message} (certificate checking is on)"
    if "Cannot connect to host" in message and "[" in message:
        why = message[message.find("[") + 1:message.rfind("]")] or message
        return f"cannot connect to {redact_url(opts.url)} ({why})"
    if message == "Connection refused by the server" or "Cannot connect" in message:
        return f"cannot connect to {redact_url(opts.url)}: {message}"
    if extra:
        return f"{message}: {extra}"
    return message
