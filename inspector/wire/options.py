"""Connection options: what the connection panel and the CLI flags describe."""
from __future__ import annotations

import os
import re
import ssl
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


class Transport(StrEnum):
    """A transport option, and (websocket or polling) the transport a connection uses."""
    UPGRADE = "upgrade"        # polling first, then upgrade to websocket (the JS default)
    WEBSOCKET = "websocket"
    POLLING = "polling"


class Parser(StrEnum):
    """The Socket.IO parser: how packets are written (the server's must be the same)."""
    JSON = "json"              # socket.io-parser, the default of every server and client
    MSGPACK = "msgpack"        # socket.io-msgpack-parser; python-socketio's serializer="msgpack"


TRANSPORTS = {
    Transport.UPGRADE: [Transport.POLLING, Transport.WEBSOCKET],
    Transport.WEBSOCKET: [Transport.WEBSOCKET],
    Transport.POLLING: [Transport.POLLING],
}


class Protocol(StrEnum):
    """Which server generation to speak to."""
    AUTO = "auto"      # Engine.IO 4 first; a socket.io 2.x server is recognised from its handshake
    V3_PLUS = "v3+"    # socket.io 3.x and 4.x (Engine.IO 4, Socket.IO protocol 5)
    V2 = "v2"          # socket.io 2.x (Engine.IO 3, Socket.IO protocol 4)


class OptionsError(ValueError):
    pass


# RFC 9110: a header name is a token; a value has no control character but a tab (a new line
# would end the header: aiohttp sends a bad name as it is, and the server answers 400)
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass
class ConnectionOptions:
    url: str = "http://127.0.0.1:5000"
    path: str = "/socket.io"
    transport: str = Transport.UPGRADE   # a key of TRANSPORTS
    auth: dict | None = None             # sent with every namespace CONNECT unless it has its own
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    verify_tls: bool = True
    ca_file: str | None = None           # trust only this CA (PEM) instead of the system's
    connect_timeout: float = 10.0
    reconnection: bool = True
    reconnection_attempts: int = 0        # 0: no limit
    reconnection_delay: float = 1.0
    reconnection_delay_max: float = 5.0
    randomization_factor: float = 0.5
    compression: bool = True             # offer permessage-deflate on websocket
    buffer_offline: bool = True          # hold non-volatile emits while disconnected
    recovery: bool = True                # connection state recovery (pid/offset)
    rejoin_rooms: bool = True            # join rooms again after an unrecovered reconnect
    log_secrets: bool = False            # keep auth values in raw CONNECT packets (the user asks)
    ack_timeout: float | None = None     # socket.io-client's ackTimeout (s): an emit's default; None: none
    retries: int = 0                     # socket.io-client's retries: resend an unacked emit this often
    tolerate_undecodable: bool = False   # keep the connection open after an undecodable packet
    protocol: str = Protocol.AUTO        # a Protocol: the server generation spoken to
    parser: str = Parser.JSON            # a Parser: json or msgpack

    def validate(self) -> None:
        try:
            parts = urlsplit(self.url)
        except ValueError as exc:       # urlsplit's own: "http://[::1", a bracketed non-address
            raise OptionsError(f"URL is not valid: {exc} (got {self.url!r})") from None
        if parts.scheme not in ("http", "https", "ws", "wss"):
            raise OptionsError(
                f"URL must start with http://, https://, ws:// or wss:// (got {self.url!r})"
            )
        if not parts.hostname:
            raise OptionsError(f"URL has no host: {self.url!r}")
        try:
            _ = parts.port      # urlsplit checks the port only when asked for it
        except ValueError:
            raise OptionsError(f"URL has an invalid port: {self.url!r}") from None
        if self.ca_file:
            self._check_ca_file()
        for name, value in self.headers.items():
            if not _HEADER_NAME.fullmatch(name):
                raise OptionsError(f"headers: {name[:40]!r} is not a header name (letters, digits "
                                   "and !#$%&'*+-.^_`|~ only)")
            if _HEADER_VALUE_BAD.search(value):
                raise OptionsError(f"headers: the value of {name} has a control character")
        if self.transport not in TRANSPORTS:
            raise OptionsError(f"unknown transport {self.transport!r}")
        if self.parser not in set(Parser):
            raise OptionsError(f"unknown parser {self.parser!r} (json or msgpack)")
        if self.auth is not None and not isinstance(self.auth, dict):
            raise OptionsError("auth must be a JSON object")
        if self.connect_timeout <= 0:
            raise OptionsError("connect timeout must be positive")
        if self.ack_timeout is not None and self.ack_timeout < 0:
            raise OptionsError("ack timeout must be 0 or more (or none)")
        if not isinstance(self.retries, int) or self.retries < 0:
            raise OptionsError("retries must be a whole number, 0 or more")
        if self.protocol not in tuple(Protocol):
            raise OptionsError(f"unknown protocol {self.protocol!r} (auto, v3+ or v2)")
        if self.protocol == Protocol.V2 and self.parser == Parser.MSGPACK:
            raise OptionsError("the msgpack parser is spoken by socket.io 3.x and 4.x only "
                               "(socket.io-msgpack-parser 3); choose protocol auto or v3+")

    def _check_ca_file(self) -> None:
        if not os.path.isfile(self.ca_file):
            raise OptionsError(f"CA file not found: {self.ca_file}")
        try:
            ssl.create_default_context(cafile=self.ca_file)
        except (ssl.SSLError, OSError, ValueError) as exc:
            raise OptionsError(f"CA file {self.ca_file} is not a PEM certificate file ({exc})") from None

    @property
    def transports(self) -> list[str]:
        return [str(t) for t in TRANSPORTS[self.transport]]     # plain strings for python-engineio

    @property
    def engine_url(self) -> str:
        """The URL with the query parameters merged in (python-engineio takes them there)."""
        parts = urlsplit(self.url)
        query = parse_qsl(parts.query, keep_blank_values=True) + list(self.query.items())
        return urlunsplit((parts.scheme, parts.netloc, "", urlencode(query), ""))

    @property
    def base_namespace(self) -> str:
        """A path in the URL (http://host/chat) names a namespace, as in the JS client."""
        path = urlsplit(self.url).path.rstrip("/")
        return path or "/"

    @property
    def is_tls(self) -> bool:
        return urlsplit(self.url).scheme in ("https", "wss")


def parse_header(text: str) -> tuple[str, str]:
    """'Name: value' -> (name, value)."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise OptionsError(f"a header is 'Name: value', got {text!r}")
    return name.strip(), value.strip()
