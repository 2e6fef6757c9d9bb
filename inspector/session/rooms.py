"""Rooms the user joined, per namespace.

Rooms live on the server; a client joins one by emitting the server's own
join event.  The book keeps what the user asked for and what the server
answered, so the UI can list them and a reconnect can join them again.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Callable

from inspector.session.state import RoomState
from inspector.wire.payload import preview


@dataclass
class Room:
    name: str
    state: RoomState = RoomState.JOINING
    answer: str = ""                # the server's ack, one line


class RoomBook:
    def __init__(self, join_event: str = "join", leave_event: str = "leave"):
        self.join_event = join_event
        self.leave_event = leave_event
        self._rooms: dict[str, dict[str, Room]] = {}

    def joining(self, ns: str, name: str, answer: asyncio.Future | None,
                changed: Callable[[], None]) -> Room:
        room = self._rooms.setdefault(ns, {}).setdefault(name, Room(name))
        room.state, room.answer = RoomState.JOINING, ""
        if answer is not None:
            def done(fut: asyncio.Future) -> None:
                if self._rooms.get(ns, {}).get(name) is not room:
                    return  # left meanwhile
                if fut.cancelled() or fut.exception() is not None:
                    room.state, room.answer = RoomState.NO_ACK, "no answer from the server"
                else:
                    room.state, room.answer = RoomState.JOINED, preview(fut.result().args, 80)
                changed()
            answer.add_done_callback(done)
        return room

    def left(self, ns: str, name: str) -> None:
        self._rooms.get(ns, {}).pop(name, None)

    def forget(self, ns: str) -> None:
        self._rooms.pop(ns, None)

    def namespaces(self) -> list[str]:
        return list(self._rooms)

    def joined(self, ns: str) -> list[str]:
        return list(self._rooms.get(ns, {}))

    def view(self, ns: str) -> tuple[tuple[str, RoomState, str], ...]:
        return tuple((r.name, r.state, r.answer) for r in self._rooms.get(ns, {}).values())
