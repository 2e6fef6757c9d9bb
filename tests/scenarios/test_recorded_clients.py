"""A workspace's log -> a multi-client scenario (issue 12, point 5): whose each entry is
after a rename or a name taken again, `clients:` and `client:` in the file, and that it
replays green on the same server."""
from __future__ import annotations

import re

import yaml

from inspector.demo.server import DemoServer
from inspector.log.entry import IN, OUT, Kind, LogEntry
from inspector.scenarios.check import schema
from inspector.scenarios.file import loads
from inspector.scenarios.recorded_clients import WorkspaceClient, file_names, owners, record_workspace
from inspector.scenarios.recorder import RecordingContext, context_of
from inspector.scenarios.runner import ScenarioRunner, StepOutcome
from inspector.session.session import Session
from inspector.session.workspace import Workspace
from inspector.wire.options import ConnectionOptions
from tests.helpers import Recorder, run


def _entry(seq: int, client: str | None) -> LogEntry:
    return LogEntry(seq, float(seq), OUT, Kind.EVENT, "/", "echo", [], client=client)


def test_each_entry_is_its_clients_by_its_name_now_after_renames_and_a_name_taken_again():
    ctx = RecordingContext(options=ConnectionOptions(url="http://127.0.0.1:1"))
    clients = [WorkspaceClient("alice", ctx, [("alice", 0)]),
               WorkspaceClient("bert", ctx, [("bob", 3), ("bert", 6)]),      # bob renamed bert at #6
               WorkspaceClient("bob", ctx, [("bob", 8)]),                    # a new bob from #8
               WorkspaceClient(None, None, [("carol", 3)])]                  # carol, removed since
    entries = [_entry(1, None), _entry(4, "bob"), _entry(5, "alice"), _entry(7, "bert"),
               _entry(9, "bob"), _entry(10, "carol")]
    assert owners(entries, clients) == {1: "alice", 4: "bert", 5: "alice", 7: "bert", 9: "bob", 10: None}


def test_alice_in_a_room_and_bob_who_emits_to_it_record_as_two_clients_and_replay_green():
    async def go():
        server = DemoServer(tick_interval=0)
        url = await server.start()
        ws = Workspace()
        opts = ConnectionOptions(url=url, auth={"token": "alice-secret"})
        alice = ws.add("alice", opts)
        alice.session.name = None           # alone: unnamed, as the capture's first client
        rec = Recorder(alice.session)
        try:
            await ws.connect("alice")
            await (await alice.session.join_room("/", "lobby")).answer
            bob = ws.add("bob", ConnectionOptions(url=url, auth={"token": "bob-secret"}))
            alice.session.name = "alice"    # several now: every entry names its client
            bob_rec = Recorder(bob.session)
            history = {"alice": [("alice", 0)], "bob": [("bob", alice.session.last_seq + 1)]}
            await ws.connect("bob")
            ws.rename("bob", "bert")        # renamed while recording: its file name is the new one
            history["bob"].append(("bert", max(alice.session.last_seq, bob.session.last_seq) + 1))
            await (await bob.session.emit("/", "broadcast", [{"room": "lobby", "data": "hi"}], ack=True)).answer
            await rec.wait_for(kind=Kind.EVENT, dir=IN, event="room_message")
            entries = sorted(rec.entries + bob_rec.entries, key=lambda e: e.seq)
            clients = [WorkspaceClient("alice", await context_of(alice.session), history["alice"]),
                       WorkspaceClient("bert", await context_of(bob.session), history["bob"])]
            recording = record_workspace(entries, clients, name="two clients")
            await ws.disconnect_all()

            sc = loads(recording.text, "rec.yaml")
            runner = ScenarioRunner(sc, Session(), url=url, env={"SIO_AUTH_TOKEN": "alice-secret",
                                                                 "SIO_BERT_AUTH_TOKEN": "bob-secret"})
            results = await runner.run()
            await runner.close()
            return recording, results
        finally:
            await ws.disconnect_all()
            await server.stop()
    recording, results = run(go())
    text = recording.text
    assert "alice-secret" not in text and "bob-secret" not in text
    assert recording.secrets == ["SIO_AUTH_TOKEN", "SIO_BERT_AUTH_TOKEN"]
    doc = yaml.safe_load(text)
    assert doc["connection"]["auth"] == {"token": "${env:SIO_AUTH_TOKEN}"}
    assert doc["clients"] == {"alice": {}, "bert": {"connection": {"auth": {"token": "${env:SIO_BERT_AUTH_TOKEN}"}}}}
    steps = [(next(iter(s)), s[next(iter(s))], s.get("client")) for s in doc["steps"]]
    assert steps == [("expect", "welcome", None), ("join", "lobby", None), ("expect", "welcome", "bert"),
                     ("emit", "broadcast", "bert"), ("expect", "room_message", None)], text
    assert [r.status for r in results] == [StepOutcome.PASSED] * len(results), [r.report() for r in results]
    assert len(results) == 6


def test_a_duplicated_clients_name_is_one_a_scenario_file_can_have():
    names = file_names(["alice", "bob-2", "bob_2", "x" * 40])
    assert names == {"alice": "alice", "bob-2": "bob_2_2", "bob_2": "bob_2", "x" * 40: "x" * 31}
    pattern = schema()["properties"]["clients"]["propertyNames"]["pattern"]
    assert all(re.match(pattern, n) for n in names.values())


def test_the_secrets_of_every_client_are_kept_out_of_what_a_run_prints():
    sc = loads("url: http://127.0.0.1:1\n"
               "clients:\n  alice: {}\n"
               "  bob:\n    connection: {auth: {token: bob-secret}, headers: {X-Key: '${env:BOB_KEY}'}}\n"
               "    namespaces: [{name: /admin, auth: {token: adm-secret}}]\n"
               "steps:\n  - emit: echo\n    client: bob\n")
    assert {"bob-secret", "adm-secret", "from-env"} <= sc.secret_values({"BOB_KEY": "from-env"})
