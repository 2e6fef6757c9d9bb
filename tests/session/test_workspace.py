"""A workspace of clients: names, colours, duplicate / rename / remove, one or all connected."""
from __future__ import annotations

import pytest

from inspector.log.entry import Kind
from inspector.session.sequence_gaps import SequenceRule
from inspector.session.server_acks import AckReply
from inspector.session.workspace import CLIENT_COLOURS, Workspace, WorkspaceError, node_of, on_node
from inspector.wire.options import ConnectionOptions
from tests.helpers import run, until


def test_names_and_colours_are_handed_out_and_freed():
    ws = Workspace()
    a, b, c = ws.add(), ws.add(), ws.add()
    assert [x.name for x in (a, b, c)] == ["alice", "bob", "carol"]
    assert [x.colour for x in (a, b, c)] == [0, 1, 2]
    run(ws.remove("bob"))
    assert ws.add("dave").colour == 1                  # bob's colour, free again
    assert len({ws.add().colour for _ in range(CLIENT_COLOURS - 3)} | {0, 1, 2}) == CLIENT_COLOURS


def test_bad_or_taken_names_are_refused_in_words():
    ws = Workspace()
    ws.add("alice")
    with pytest.raises(WorkspaceError, match="exists already"):
        ws.add("alice")
    with pytest.raises(WorkspaceError, match="cannot name a client"):
        ws.add("no spaces")
    with pytest.raises(WorkspaceError, match="no client named 'zed'"):
        ws["zed"]


def test_a_duplicate_copies_the_set_up_not_the_connection():
    ws = Workspace()
    bob = ws.add("bob", ConnectionOptions(url="http://127.0.0.1:9/", auth={"token": "t"}),
                 namespaces=["/", "/chat"], auth={"/chat": {"k": 1}}, rooms={"/": ["room1"]})
    bob.session.server_acks.set("question", AckReply(["yes"], 0.1))
    bob.session.set_sequence_rules([SequenceRule("number", "seq", "/chat")])
    copy = ws.duplicate("bob")
    assert copy.name == "bob-2" and ws.duplicate("bob-2").name == "bob-3"
    assert copy.options.auth == {"token": "t"} and copy.options is not bob.options
    assert copy.namespaces == ["/", "/chat"] and copy.auth == {"/chat": {"k": 1}}
    assert copy.rooms == {"/": ["room1"]}
    assert copy.session.server_acks.by_event["question"].args == ["yes"]
    assert copy.session.sequences.rules() == [SequenceRule("number", "seq", "/chat")]
    assert copy.session.state == "disconnected" and copy.colour != bob.colour


def test_every_client_s_entries_reach_the_workspace_named_and_rename_applies_from_then(demo_server):
    async def scenario():
        ws = Workspace()
        seen = []
        ws.subscribe(seen.append)
        for name in ("alice", "bob"):
            ws.add(name, ConnectionOptions(url=demo_server.url), rooms={"/": ["lobby"]})
        await ws.connect_all()
        await until(lambda: all(c.session.rooms.joined("/") == ["lobby"] for c in ws.clients()))
        assert {e.client for e in seen if e.kind == Kind.CONNECT} == {"alice", "bob"}
        ws.rename("bob", "robert")
        await ws["robert"].session.emit("/", "echo", ["x"])
        await until(lambda: any(e.client == "robert" and e.event == "echo" for e in seen))
        await ws.disconnect("alice")
        assert not ws["alice"].connected and ws["robert"].connected
        await ws.remove("robert")
        assert ws.names() == ["alice"]
        before = len(seen)
        await ws.disconnect_all()
        assert all(e.client == "alice" for e in seen[before:])
    run(scenario())


def test_a_url_on_another_node_keeps_its_scheme_credentials_path_and_query():
    assert node_of("https://u:p@example.com:8443/app?x=1") == "example.com:8443"
    assert on_node("https://u:p@example.com:8443/app?x=1", "127.0.0.1:5001") == "https://u:p@127.0.0.1:5001/app?x=1"
    assert on_node("http://127.0.0.1:5000", "127.0.0.1:5001") == "http://127.0.0.1:5001"
    assert on_node("", "127.0.0.1:5001") == "http://127.0.0.1:5001"
