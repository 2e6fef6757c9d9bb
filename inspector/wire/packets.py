"""What a raw Engine.IO / Socket.IO packet is, read from its encoded form.

Only the framing is read (packet types, attachment count, namespace, ack id);
the JSON payload is left as it is, so this is cheap enough to run on every
packet while raw capture is on.
"""
from __future__ import annotations

import json

MASK = "••••"

EIO_TYPES = ("open", "close", "ping", "pong", "message", "upgrade", "noop")
SIO_TYPES = ("CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK")


def describe_packet(data: str | bytes, transport: str) -> dict:
    """{"transport", "eio", and for messages "sio", "ns", "id", "attachments"}; a binary
    attachment is {"eio": "message", "attachment": True}."""
    out: dict = {"transport": transport}
    if isinstance(data, (bytes, bytearray)):
        out.update(eio="message", attachment=True)
        return out
    if not data:
        out["eio"] = "empty"
        return out
    if data[0] == "b":                       # long-polling carries binary as base64
        out.update(eio="message", attachment=True, base64=True)
        return out
    code = data[0]
    if not code.isdigit() or int(code) >= len(EIO_TYPES):
        out["eio"] = "unknown"
        return out
    out["eio"] = EIO_TYPES[int(code)]
    if out["eio"] != "message" or len(data) < 2:
        return out
    body = data[1:]
    if not body[0].isdigit() or int(body[0]) >= len(SIO_TYPES):
        out["sio"] = "unknown"
        return out
    out["sio"] = SIO_TYPES[int(body[0])]
    i = 1
    if out["sio"] in ("BINARY_EVENT", "BINARY_ACK"):
        dash = body.find("-", i)
        if dash > i and body[i:dash].isdigit():
            out["attachments"] = int(body[i:dash])
            i = dash + 1
    ns = "/"
    if body[i:i + 1] == "/":
        comma = body.find(",", i)
        end = comma if comma != -1 else len(body)
        ns = body[i:end].split("?", 1)[0]
        i = end + 1 if comma != -1 else end
    out["ns"] = ns
    j = i
    while j < len(body) and body[j].isdigit():
        j += 1
    if j > i:
        out["id"] = int(body[i:j])
    return out


def summary(info: dict) -> str:
    """A few words for the log's Event column: `message EVENT /chat id 3 +2 attachments`."""
    if info.get("attachment"):
        return "binary attachment" + (" (base64)" if info.get("base64") else "")
    words = [info.get("eio", "?")]
    if "sio" in info:
        words.append(info["sio"])
        if info.get("ns") not in (None, "/"):
            words.append(info["ns"])
        if "id" in info:
            words.append(f"id {info['id']}")
        if info.get("attachments"):
            words.append(f"+{info['attachments']} attachment(s)")
    if info.get("parser") == "msgpack":       # a msgpack frame (wire/parsers.py read it)
        words.append("(msgpack)" if "sio" in info else "(msgpack, undecodable)")
    if info.get("note"):                      # e.g. a PING answered on arrival (wire/read_ahead.py)
        words.append(f"({info['note']})")
    return " ".join(words)


class PacketLinks:
    """Which raw packets the message being read (or written) came in, so the decoded
    entry can point at them: a message packet starts a group, its binary attachments
    join it, anything else (ping, pong...) ends it."""

    def __init__(self):
        self.incoming: list[int] = []
        self.outgoing: list[int] = []

    def packet(self, direction: str, info: dict, seq: int) -> None:
        group = self.incoming if direction == "in" else self.outgoing
        if info.get("attachment"):
            group.append(seq)
        elif info.get("eio") == "message":
            group[:] = [seq]
        else:
            group.clear()

    @staticmethod
    def take(group: list[int], detail: dict | None) -> dict | None:
        """Put the group's packet seqs in a decoded entry's detail (and forget them)."""
        if group:
            detail = detail if detail is not None else {}
            detail["packet_seqs"] = list(group)
            group.clear()
        return detail


def mask_connect_auth(data: str, info: dict) -> str:
    """An outgoing CONNECT packet without its auth values (keys kept; the recovery
    pid and offset kept too, they are not secrets): what raw capture records unless
    the user asks for secrets."""
    if info.get("sio") != "CONNECT" or not isinstance(data, str):
        return data
    brace = data.find("{")
    if brace == -1:
        return _mask_connect_query(data)
    try:
        auth = json.loads(data[brace:])
    except ValueError:
        return data[:brace] + MASK
    if not isinstance(auth, dict):
        return data[:brace] + MASK
    masked = {k: (v if k in ("pid", "offset") else MASK) for k, v in auth.items()}
    return data[:brace] + json.dumps(masked, ensure_ascii=False, separators=(",", ":"))


def _mask_connect_query(data: str) -> str:
    """socket.io 2.x's CONNECT carries the auth as the namespace's query
    (`40/admin?token=x,`): its values masked, the keys kept."""
    ask = data.find("?")
    if ask == -1 or not data.startswith("40/"):
        return data
    comma = data.find(",", ask)
    end = comma if comma != -1 else len(data)
    keys = [part.split("=", 1)[0] for part in data[ask + 1:end].split("&") if part]
    return data[:ask + 1] + "&".join(f"{k}={MASK}" for k in keys) + data[end:]
