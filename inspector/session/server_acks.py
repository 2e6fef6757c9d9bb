"""How the inspector answers the server's own ack requests.

When the server emits with an ack callback, the inspector answers with the
reply configured for that event (default: an empty answer, right away), or
leaves it unanswered for the user to answer by hand.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

_UNANSWERED_KEPT = 1_000


@dataclass(frozen=True)
class AckReply:
    args: list = field(default_factory=list)
    delay: float = 0.0               # seconds before answering
    enabled: bool = True             # False: leave it for the user to answer


class ServerAckReplies:
    def __init__(self):
        self.default = AckReply()
        self.by_event: dict[str, AckReply] = {}
        self._unanswered: OrderedDict[tuple[str, int], str] = OrderedDict()

    def set(self, event: str | None, reply: AckReply) -> None:
        """event None sets the default reply."""
        if event is None:
            self.default = reply
        else:
            self.by_event[event] = reply

    def reply_for(self, event: str) -> AckReply | None:
        reply = self.by_event.get(event, self.default)
        return reply if reply.enabled else None

    def hold_unanswered(self, ns: str, ack_id: int, event: str) -> None:
        self._unanswered[(ns, ack_id)] = event
        while len(self._unanswered) > _UNANSWERED_KEPT:
            self._unanswered.popitem(last=False)

    def take_unanswered(self, ns: str, ack_id: int) -> str | None:
        return self._unanswered.pop((ns, ack_id), None)
