"""Socket.IO protocol 4 (socket.io 2.x, over Engine.IO 3: wire/eio3.py), the part of
InspectorClient (wire/sio.py) that differs: the server connects "/" unasked, a namespace
is asked for with `40/nsp?query,` (its auth as the query: there is no CONNECT payload),
an ERROR packet is a refusal, and the socket id is the one a 2.x client has (not in the
packet)."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from socketio import packet as sio_packet

from inspector.wire.sio_types import WantedNamespace

V2_SERVER = "socket.io 2.x (Engine.IO 3, Socket.IO protocol 4)"
V2_AUTH_AS_QUERY = ("sent as the namespace's query (40/nsp?key=value,): "
                    "socket.io 2.x has no CONNECT payload")
V2_ROOT_AUTH = ("not sent: socket.io 2.x connects / at the handshake, without a CONNECT "
                "packet (put it in the query option instead)")
V2_NO_RECOVERY = "socket.io 2.x has no connection state recovery: nothing is replayed after a reconnect"


def v2_query(auth: Any) -> str:
    """A namespace's auth as protocol 4's CONNECT query: strings as they are, other
    values as JSON (a 2.x server's handshake.query holds strings only)."""
    if not isinstance(auth, dict) or not auth:
        return ""
    return urlencode({k: v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
                      for k, v in auth.items()})


class ProtocolV2:
    """InspectorClient's protocol 4 methods (a mixin: `self` is the InspectorClient)."""

    def _send_connect_v2(self, ns: str, auth: Any, st: WantedNamespace) -> None:
        """Protocol 4: "/" is connected by the server unasked (its CONNECT is only waited
        for); another namespace is `40/nsp?query,`, its auth as the query."""
        st.opening = True
        self._asked.add(ns)
        if ns == "/":
            if self._v2_root:
                self._on_connect("/", None, 0)
            elif self._v2_root_closed:      # closed by us: a 2.x server makes a new one on `40`
                self._queue(sio_packet.Packet(sio_packet.CONNECT, namespace="/"))
            return
        query = v2_query(auth)
        self._queue(sio_packet.Packet(sio_packet.CONNECT, namespace=f"{ns}?{query}" if query else ns))

    def _v2_sid(self, ns: str) -> str:
        """The socket id a socket.io 2.x client has (2.x's CONNECT carries none): the
        engine's sid for "/", `<nsp>#<engine sid>` for another namespace."""
        return self.eio.sid if ns == "/" else f"{ns}#{self.eio.sid}"

    def _v2_connect_notes(self, ns: str, st: WantedNamespace) -> dict:
        """What a connect entry says about a socket.io 2.x server."""
        notes: dict = {"server": V2_SERVER}
        if self.eio.eio3_seen:      # protocol auto: how it was told
            notes["recognised"] = f"protocol auto: {self.eio.eio3_seen}"
        auth = st.auth if st.auth is not None else self.options.auth
        if auth:
            notes["auth"] = (V2_ROOT_AUTH if ns == "/" else V2_AUTH_AS_QUERY)
        if self.options.recovery and not self._v2_told_recovery:
            self._v2_told_recovery = True
            notes["recovery"] = V2_NO_RECOVERY
        return notes

    def _v2_error_on_open(self, ns: str, data: Any) -> bool:
        """Protocol 4's ERROR packet is also what a socket.use() middleware sends for a
        refused packet on a connected namespace: reported, and the namespace stays open
        (as socket.io-client 2 emits "error" and stays connected).  An ERROR for "/" that
        nobody asked for is reported as a refusal too: the server's implicit "/" connection
        was refused (and a 2.x server connects no other namespace before "/")."""
        st = self.ns.get(ns)
        if st is not None and st.connected:
            self.observer.protocol_error(f"the server sent an ERROR packet on {ns} "
                                         f"(socket.io 2.x: a middleware refused a packet): {data!r}",
                                         data)
            return True
        return False
