"""Settings, declared once with their defaults (QSettings underneath).

Secrets (auth payloads, header values) are never stored here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from inspector.store.paths import user_data_dir
from inspector.wire.options import Parser, Protocol, Transport


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any

    @property
    def type(self) -> type:
        return type(self.default)


URL = Setting("connection/url", "http://127.0.0.1:5000")
PATH = Setting("connection/path", "/socket.io")
TRANSPORT = Setting("connection/transport", Transport.UPGRADE)
PROTOCOL = Setting("connection/protocol", Protocol.AUTO)
PARSER = Setting("connection/parser", str(Parser.JSON))
CONNECT_TIMEOUT = Setting("connection/connect_timeout", 10.0)
RECONNECTION = Setting("connection/reconnection", True)
RECONNECT_ATTEMPTS = Setting("connection/reconnection_attempts", 0)
RECONNECT_DELAY = Setting("connection/reconnection_delay", 1.0)
RECONNECT_DELAY_MAX = Setting("connection/reconnection_delay_max", 5.0)
COMPRESSION = Setting("connection/compression", True)
BUFFER_OFFLINE = Setting("connection/buffer_offline", True)
RECOVERY = Setting("connection/recovery", True)
REJOIN_ROOMS = Setting("connection/rejoin_rooms", True)
JOIN_EVENT = Setting("rooms/join_event", "join")
LEAVE_EVENT = Setting("rooms/leave_event", "leave")
ACK_TIMEOUT = Setting("emit/ack_timeout", 5.0)            # NO_TIMEOUT: none
CONN_ACK_TIMEOUT = Setting("connection/ack_timeout", -1.0)  # ackTimeout; NO_TIMEOUT: none
RETRIES = Setting("connection/retries", 0)
NO_TIMEOUT = -1.0        # how a timeout spin box (and its setting) says "no timeout"
LAST_EVENT = Setting("emit/event", "echo")
WINDOW_GEOMETRY = Setting("window/geometry", b"")
WINDOW_STATE = Setting("window/state", b"")
SPLITTERS = Setting("window/splitters", "")
DETAIL_SIZE = Setting("window/detail_size", 0)     # the detail pane's height, kept while it is shut
COLOUR_SCHEME = Setting("window/colour_scheme", "system")    # appearance.Choice
# where new session files go; empty: the platform's per-user data directory
SESSIONS_DIR = Setting("sessions/dir", "")
# where the composer keeps its history and templates; empty: the per-user data directory
DATA_DIR = Setting("data/dir", "")


class Settings:
    def __init__(self, qsettings: QSettings | None = None):
        self._q = qsettings or QSettings("socketio-inspector", "socketio-inspector")

    def get(self, setting: Setting) -> Any:
        value = self._q.value(setting.key, setting.default)
        if value is None:
            return setting.default
        kind = setting.type
        try:
            if kind is bool:
                return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            if kind is bytes:
                return bytes(value) if value else b""
            return kind(value)
        except (TypeError, ValueError):
            return setting.default

    def set(self, setting: Setting, value: Any) -> None:
        self._q.setValue(setting.key, value)

    def sync(self) -> None:
        self._q.sync()


def data_dir(settings: Settings) -> Path:
    """The directory of the small files the window keeps (emit history, templates)."""
    return Path(settings.get(DATA_DIR) or user_data_dir())
