"""The Admin UI messages as the Node server and python-socketio put them on the wire, read
into the server view: sockets, rooms, stats per node, events, secrets masked."""
from __future__ import annotations

from inspector.log.entry import IN, SYS, Kind, LogEntry
from inspector.session.secrets import is_secret_name, mask_secrets
from inspector.session.server_view.protocol import mask_url, normalize
from inspector.session.server_view.view import ServerView
from inspector.wire.packets import MASK

# as socket.io 4.8 + @socket.io/admin-ui 0.5.1 sent them (a capture of tests/node/admin_server.js)
NODE_SOCKET = {"id": "67djvpPNizcHZ2bBAAAB", "clientId": "TruNGG6f9tav", "transport": "websocket", "nsp": "/",
               "data": {}, "handshake": {
                   "address": "127.0.0.1", "headers": {"host": "127.0.0.1:39187", "authorization": "Bearer x",
                                                       "cookie": "io=abc", "user-agent": "ua"},
                   "query": {"transport": "polling", "EIO": "4", "token": "t0k"}, "issued": 1796180134771,
                   "secure": False, "time": "Wed Dec 02 2026 02:55:34 GMT+0000 (Coordinated Universal Time)",
                   "url": "/socket.io/?transport=polling&EIO=4&token=t0k", "xdomain": False},
               "rooms": ["67djvpPNizcHZ2bBAAAB"]}
# as python-socketio 5.18 sends them: headers from the WSGI environ, ISO dates
PY_SOCKET = {"id": "pySid", "clientId": "eio1", "transport": "polling", "nsp": "/chat", "data": {},
             "handshake": {"address": "127.0.0.1", "headers": {"x_api_key": "k", "host": "h"}, "query": {},
                           "secure": False, "url": "/socket.io/", "issued": 1796180134771.0,
                           "time": "2026-12-02T02:55:34.771000+00:00"}, "rooms": ["pySid", "lobby"]}


def _entry(seq: int, event: str, *args, ns: str = "/admin") -> LogEntry:
    return LogEntry(seq, 1000.0 + seq, IN, Kind.EVENT, ns, event, list(args))


def _fed(*messages) -> ServerView:
    view = ServerView()
    for i, (event, args) in enumerate(messages):
        view.feed(_entry(i + 1, event, *args))
    return view


def test_a_socket_reads_with_its_secrets_masked_and_its_own_room_left_out():
    m = normalize("socket_connected", [NODE_SOCKET, "2026-12-02T02:55:34.771Z"])
    s = m["socket"]
    assert m["kind"] == "server" and m["at"] == 1796180134.771
    assert s["headers"] == {"host": "127.0.0.1:39187", "authorization": MASK, "cookie": MASK, "user-agent": "ua"}
    assert s["query"] == {"transport": "polling", "EIO": "4", "token": MASK}
    assert s["url"] == f"/socket.io/?transport=polling&EIO=4&token={MASK}"
    assert s["rooms"] == [] and s["connected_at"] == 1796180134.771 and s["client_id"] == "TruNGG6f9tav"
    py = normalize("socket_connected", [PY_SOCKET, "x"])["socket"]
    assert py["headers"] == {"x-api-key": MASK, "host": "h"} and py["rooms"] == ["lobby"]


def test_the_secret_rules():
    assert all(map(is_secret_name, ["Authorization", "x_api_key", "X-Auth-Token", "sessionid", "jwt", "Cookie"]))
    assert not any(map(is_secret_name, ["host", "user-agent", "EIO", "transport", "room"]))
    assert mask_secrets({"a": 1, "password": 2}, "*") == {"a": 1, "password": "*"} and mask_secrets(None, "*") == {}
    assert mask_url("/x?room=1") == "/x?room=1" and mask_url(None) is None


def test_the_session_token_is_never_shown():
    assert normalize("session", ["a5b92f9d681ac460"]) == {"kind": "server", "event": "session", "session": MASK}


def test_rooms_follow_joins_and_leaves_and_a_late_join_does_not_bring_a_socket_back():
    view = _fed(("config", [{"supportedFeatures": ["EMIT", "JOIN", "ALL_EVENTS"]}]),
                ("all_sockets", [[NODE_SOCKET, PY_SOCKET]]),
                ("room_joined", ["/", "room1", NODE_SOCKET["id"], "2026-12-02T02:55:35Z"]),
                ("room_joined", ["/", NODE_SOCKET["id"], NODE_SOCKET["id"], "2026-12-02T02:55:35Z"]))
    assert view.rooms() == {("/", "room1"): [NODE_SOCKET["id"]], ("/chat", "lobby"): ["pySid"]}
    assert view.members("/", "room1") == {NODE_SOCKET["id"]} and view.members("/", None) == {NODE_SOCKET["id"]}
    view.feed(_entry(9, "socket_disconnected", "/chat", "pySid", "transport close", "2026-12-02T02:55:36Z"))
    view.feed(_entry(10, "room_joined", "/chat", "other", "pySid", "2026-12-02T02:55:35Z"))   # python: late
    assert view.socket("/chat", "pySid") is None and ("/chat", "lobby") not in view.rooms()
    view.feed(_entry(11, "room_left", "/", "room1", NODE_SOCKET["id"], "2026-12-02T02:55:37Z"))
    assert view.rooms() == {}
    view.feed(_entry(12, "socket_updated", {"id": NODE_SOCKET["id"], "nsp": "/", "transport": "polling"}))
    assert view.socket("/", NODE_SOCKET["id"]).transport == "polling"


def test_a_new_connection_to_the_admin_namespace_starts_the_table_afresh():
    view = _fed(("socket_connected", [NODE_SOCKET, "x"]))
    view.feed(LogEntry(5, 1.0, SYS, Kind.CONNECT, "/admin", detail={"sid": "a"}))
    assert view.sockets == {} and view.features is None and "waiting" in view.events_note
    view.feed(_entry(6, "socket_connected", NODE_SOCKET, "x", ns="/"))      # another namespace's event
    assert view.sockets == {}


def test_stats_are_kept_per_node_and_summed():
    def stats(node: str, clients: int, polling: int):
        return ("server_stats", [{"serverId": node, "hostname": "vm", "pid": 1, "uptime": 4.2,
                                  "clientsCount": clients, "pollingClientsCount": polling,
                                  "aggregatedEvents": [{"timestamp": 1, "type": "packetsIn", "count": 2},
                                                       {"timestamp": 2, "type": "packetsIn", "count": 3}],
                                  "namespaces": [{"name": "/", "socketsCount": clients}]}])
    view = _fed(stats("node-a", 2, 1), stats("node-b", 3, 0), stats("node-a", 4, 0))
    assert view.nodes() == ["node-a", "node-b"] and len(view.stats["node-a"]) == 2
    latest = view.latest()
    assert latest["node-a"].clients == 4 and latest["node-b"].websocket_clients == 3
    assert latest["node-a"].aggregated == {"packetsIn": 5} and latest["node-a"].namespaces == {"/": 4}
    assert view.total_clients() == 7


def test_production_mode_and_read_only_read_off_the_config():
    view = _fed(("config", [{"supportedFeatures": ["AGGREGATED_EVENTS"]}]))
    assert view.read_only and not view.development and "production mode" in view.events_note
    view = _fed(("config", [{"supportedFeatures": ["AGGREGATED_EVENTS", "ALL_EVENTS"]}]))
    assert view.read_only and view.development and view.events_note is None


def test_events_received_and_sent_are_listed():
    view = _fed(("event_received", ["/", "s1", ["echo", 1, {"a": 2}], "2026-12-02T02:55:35.5Z"]),
                ("event_sent", ["/", "s1", ["echo", 1], "2026-12-02T02:55:35.6Z"]))
    assert [(e.direction, e.name, e.args) for e in view.events] == [("received", "echo", [1, {"a": 2}]),
                                                                     ("sent", "echo", [1])]


def test_what_is_not_the_protocol_does_not_break_the_view():
    view = _fed(("config", ["not an object"]), ("all_sockets", [None]), ("socket_connected", [[1, 2]]),
                ("server_stats", []), ("something_new", [1]), ("room_joined", []))
    assert view.features == () and view.sockets == {} and view.messages == 6
    assert normalize("something_new", [1]) == {"kind": "server", "event": "something_new", "args": [1],
                                               "unknown": True}


def test_who_the_server_listed_in_a_room_at_a_given_moment():
    view = _fed(("all_sockets", [[NODE_SOCKET, PY_SOCKET]]),                       # t = 1001
                ("room_joined", ["/", "room1", NODE_SOCKET["id"], "x"]),             # t = 1002
                ("room_left", ["/", "room1", NODE_SOCKET["id"], "x"]))               # t = 1003
    assert view.members_at("/", "room1", 1000.5) is None                            # nothing said yet
    assert view.members_at("/", "room1", 1001.5) == []
    assert view.members_at("/", "room1", 1002.5) == [NODE_SOCKET["id"]]
    assert view.members_at("/", "room1", 1003.5) == []
    assert view.members_at("/chat", "lobby", 1003.5) == ["pySid"]


def test_the_admin_password_is_a_namespace_secret_in_a_profile():
    from inspector.session.profiles import Profile, to_json
    from inspector.wire.options import ConnectionOptions
    profile = Profile("prod", ConnectionOptions(url="http://h"), namespaces=["/", "/admin"],
                      ns_auth={"/admin": {"username": "admin", "password": "s3cret"}})
    data, secrets = to_json(profile)
    assert "s3cret" not in str(data) and secrets["ns:/admin:password"] == "s3cret"
