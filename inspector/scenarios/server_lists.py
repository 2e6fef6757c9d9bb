"""What `expect_server: socket` and `expect_server: room` match their pattern against: the
server's lists as they are now (a ServerView), one plain object per socket or room."""
from __future__ import annotations

from inspector.session.server_view.view import ServerView

SOCKET, ROOM = "socket", "room"
SERVER_LISTS = (SOCKET, ROOM)


def server_list(view: ServerView, what: str) -> list[dict]:
    if what == SOCKET:
        return [{"id": s.id, "ns": s.ns, "rooms": sorted(s.rooms), "address": s.address,
                 "transport": s.transport, "client_id": s.client_id, "headers": s.headers,
                 "query": s.query} for s in view.sockets.values()]
    return [{"ns": ns, "room": room, "members": members} for (ns, room), members in view.rooms().items()]
