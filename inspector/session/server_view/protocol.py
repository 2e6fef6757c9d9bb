"""The Admin UI protocol as it is on the wire, and its messages in the inspector's words.

Read from socketio/socket.io-admin-ui (lib/index.ts, lib/typed-events.ts, 0.5.1) and
python-socketio 5.18's socketio/async_admin.py.  The server emits, on its admin namespace
(instrument()'s `namespaceName`, default /admin):

  session(sessionId)                      Node, basic auth: a token that logs in again
  config({supportedFeatures})             what the commands below may do (none when read-only)
  server_stats({serverId, hostname, pid, uptime, clientsCount, pollingClientsCount,
                aggregatedEvents, namespaces: [{name, socketsCount}]})   every 2 s, per node
  all_sockets([socket])                   development mode, once after the connect
  socket_connected(socket, date)          development mode (python-socketio: again at each ping)
  socket_updated(partial socket)          a transport upgrade, socket.data changed
  socket_disconnected(nsp, id, reason, date)
  room_joined(nsp, room, id, date) / room_left(...)  python-socketio sends them with the next stats
  event_received(nsp, id, [event, ...args], date) / event_sent(...)   development mode only

and takes the commands join(nsp, room, filter), leave(nsp, room, filter),
_disconnect(nsp, close, filter) and emit(nsp, filter, event, ...args), where `filter` is a
room (a socket id is a room) or nothing (every socket of nsp).  No command is acknowledged:
a server that does not take one ignores it, which is why the inspector refuses a command the
server's config does not list, and reads the server's answer from the messages that follow.

`normalize(event, args)` turns one server message into a plain JSON object,
{"kind": "server", "event": ..., ...}: the line `socketio-inspector admin` prints and what
ServerView keeps.  Secrets in a socket's handshake (headers, query, the URL's query) are
masked by session/secrets.py's rules; the session id the server hands out is never shown.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl

from inspector.session.secrets import is_secret_name, mask_secrets
from inspector.wire.packets import MASK

DEFAULT_NAMESPACE = "/admin"
KIND = "server"          # the "kind" of every normalized message


class AdminEvent(StrEnum):
    SESSION = "session"
    CONFIG = "config"
    SERVER_STATS = "server_stats"
    ALL_SOCKETS = "all_sockets"
    SOCKET_CONNECTED = "socket_connected"
    SOCKET_UPDATED = "socket_updated"
    SOCKET_DISCONNECTED = "socket_disconnected"
    ROOM_JOINED = "room_joined"
    ROOM_LEFT = "room_left"
    EVENT_RECEIVED = "event_received"
    EVENT_SENT = "event_sent"


class AdminCommand(StrEnum):
    JOIN = "join"
    LEAVE = "leave"
    DISCONNECT = "_disconnect"
    EMIT = "emit"


class Feature(StrEnum):
    EMIT = "EMIT"
    JOIN = "JOIN"
    LEAVE = "LEAVE"
    DISCONNECT = "DISCONNECT"
    MJOIN = "MJOIN"
    MLEAVE = "MLEAVE"
    MDISCONNECT = "MDISCONNECT"
    AGGREGATED_EVENTS = "AGGREGATED_EVENTS"
    ALL_EVENTS = "ALL_EVENTS"          # development mode: every socket and event is reported


# the feature the server's config must list for a command to be taken
COMMAND_FEATURE = {AdminCommand.JOIN: Feature.JOIN, AdminCommand.LEAVE: Feature.LEAVE,
                   AdminCommand.DISCONNECT: Feature.DISCONNECT, AdminCommand.EMIT: Feature.EMIT}


def epoch(value: Any) -> float | None:
    """A server's date (an ISO text, as JSON carries a JS Date and python-socketio writes
    one; or epoch milliseconds) as epoch seconds; None when it is not one."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value / 1000.0 if value > 0 else None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return None
    return None


def mask_url(url: Any) -> Any:
    """A handshake URL with the values of its secret query parameters masked."""
    if not isinstance(url, str) or "?" not in url:
        return url
    path, _, query = url.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(is_secret_name(k) for k, _ in pairs):
        return url
    return path + "?" + "&".join(f"{k}={MASK if is_secret_name(k) else v}" for k, v in pairs)


def normalize_socket(raw: Any) -> dict:
    """A SerializedSocket (or the partial one of socket_updated) in the inspector's words:
    only the keys the server gave; its own room (its id) left out of `rooms`."""
    if not isinstance(raw, dict):
        return {}
    out: dict[str, Any] = {}
    for key, name in (("id", "id"), ("nsp", "ns"), ("clientId", "client_id"), ("transport", "transport")):
        if raw.get(key) is not None:
            out[name] = raw[key]
    hs = raw.get("handshake")
    if isinstance(hs, dict):
        out["address"] = hs.get("address")
        out["connected_at"] = epoch(hs.get("issued"))
        headers = hs.get("headers") if isinstance(hs.get("headers"), dict) else {}
        # python-socketio reads them from the WSGI environ (HTTP_X_API_KEY -> x_api_key)
        out["headers"] = mask_secrets({str(k).lower().replace("_", "-"): v for k, v in headers.items()}, MASK)
        out["query"] = mask_secrets(hs.get("query"), MASK)
        out["url"] = mask_url(hs.get("url"))
        out["secure"] = bool(hs.get("secure"))
    if isinstance(raw.get("rooms"), list):
        out["rooms"] = [r for r in raw["rooms"] if isinstance(r, str) and r != raw.get("id")]
    if isinstance(raw.get("data"), dict) and raw["data"]:
        out["data"] = raw["data"]
    return out


def normalize_stats(raw: Any) -> dict:
    raw = raw if isinstance(raw, dict) else {}
    clients = raw.get("clientsCount")
    polling = raw.get("pollingClientsCount")
    aggregated: dict[str, int] = {}
    for item in raw.get("aggregatedEvents") or []:
        if isinstance(item, dict) and isinstance(item.get("count"), (int, float)):
            key = str(item.get("type")) + (f":{item['subType']}" if item.get("subType") else "")
            aggregated[key] = aggregated.get(key, 0) + item["count"]
    namespaces = {str(n.get("name")): n.get("socketsCount") for n in raw.get("namespaces") or []
                  if isinstance(n, dict)}
    return {"id": str(raw.get("serverId", "")), "hostname": raw.get("hostname"), "pid": raw.get("pid"),
            "uptime_s": raw.get("uptime"), "clients": clients, "polling_clients": polling,
            "websocket_clients": clients - polling if isinstance(clients, int) and isinstance(polling, int)
            else None,
            "namespaces": namespaces, "aggregated": aggregated}


def _arg(args: list, i: int) -> Any:
    return args[i] if i < len(args) else None


def normalize(event: str, args: list | None) -> dict:
    """One message of the admin namespace as {"kind": "server", "event": ..., ...}."""
    args = list(args or [])
    out: dict[str, Any] = {"kind": KIND, "event": event}
    if event == AdminEvent.SESSION:
        out["session"] = MASK        # a token that logs in without the password
    elif event == AdminEvent.CONFIG:
        features = [str(f) for f in (_arg(args, 0) or {}).get("supportedFeatures", [])] \
            if isinstance(_arg(args, 0), dict) else []
        out["features"] = features
        out["read_only"] = not any(COMMAND_FEATURE[c] in features for c in COMMAND_FEATURE)
        out["development"] = Feature.ALL_EVENTS in features
    elif event == AdminEvent.SERVER_STATS:
        out["server"] = normalize_stats(_arg(args, 0))
    elif event == AdminEvent.ALL_SOCKETS:
        out["sockets"] = [normalize_socket(s) for s in (_arg(args, 0) or []) if isinstance(s, dict)] \
            if isinstance(_arg(args, 0), list) else []
    elif event == AdminEvent.SOCKET_CONNECTED:
        out["socket"] = normalize_socket(_arg(args, 0))
        out["at"] = epoch(_arg(args, 1))
    elif event == AdminEvent.SOCKET_UPDATED:
        out["socket"] = normalize_socket(_arg(args, 0))
    elif event == AdminEvent.SOCKET_DISCONNECTED:
        out.update(ns=_arg(args, 0), id=_arg(args, 1), reason=_arg(args, 2), at=epoch(_arg(args, 3)))
    elif event in (AdminEvent.ROOM_JOINED, AdminEvent.ROOM_LEFT):
        out.update(ns=_arg(args, 0), room=_arg(args, 1), id=_arg(args, 2), at=epoch(_arg(args, 3)))
    elif event in (AdminEvent.EVENT_RECEIVED, AdminEvent.EVENT_SENT):
        call = _arg(args, 2) if isinstance(_arg(args, 2), list) else []
        out.update(ns=_arg(args, 0), id=_arg(args, 1), name=_arg(call, 0), args=call[1:],
                   at=epoch(_arg(args, 3)))
    else:
        out["args"] = args
        out["unknown"] = True        # not in the protocol as read (a newer server?)
    return out
