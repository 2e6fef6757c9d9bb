"""The Cheatsheet tour and multi-client scenarios, run as CI runs them (`socketio-inspector
run`) against the demo server, the demo cluster (a real redis-server) and 50 virtual clients."""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import pytest

from inspector.log.entry import LogEntry
from tests.conftest import ServerProcess
from tests.test_cli_run import SCENARIOS, run_cli, step_lines

TOUR = SCENARIOS / "cheatsheet-tour.yaml"


def test_the_cheatsheet_tour_passes_with_its_delivery_counts(demo_server, tmp_path):
    junit, log = tmp_path / "report.xml", tmp_path / "log.jsonl"
    code, out, err = run_cli(TOUR, "--url", demo_server.url, "--junit", junit, "--log", log)
    assert code == 0, out + err
    assert all(line.startswith("  ✓ ") for line in step_lines(out))
    assert "  ✓" in out and "connect 3 clients to http://127.0.0.1:" in out
    assert "  3 clients; received: hello ×3, " in out
    props = {p.get("name"): p.get("value") for p in ET.parse(junit).getroot().iter("property")}
    assert props["clients"] == "3"
    # who got each line, counted over the three clients
    assert {k: props[f"delivered.{k}"] for k in ("broadcast", "to_room", "to_rooms", "in_room", "to_socket",
                                                 "local", "all", "volatile", "with_ack")} == {
        "broadcast": "2", "to_room": "1", "to_rooms": "2", "in_room": "2", "to_socket": "1",
        "local": "3", "all": "3", "volatile": "1", "with_ack": "1"}
    assert float(props["ack_rtt_p50_ms"]) <= float(props["ack_rtt_p95_ms"]) <= float(props["ack_rtt_p99_ms"])
    entries = [LogEntry.from_jsonl(x) for x in log.read_text().splitlines()]
    assert {e.client for e in entries} == {"alice", "bob", "carol"}
    assert len({e.seq for e in entries}) == len(entries)          # one seq for the three clients


def test_a_wrong_claim_about_who_receives_fails_naming_the_client(demo_server, tmp_path):
    text = TOUR.read_text().replace(
        "  - expect_no: to_room\n    client: carol\n    within: 0.3\n",
        "  - expect: to_room\n    client: carol\n    timeout: 0.5\n", 1)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(text)
    code, out, err = run_cli(wrong, "--url", demo_server.url)
    assert code == 1, out + err
    assert "expected 'to_room' on /cheatsheet for carol within 0.5 s" in out


@pytest.mark.cluster
def test_the_cluster_tour_shows_io_local_stopping_at_its_node(tmp_path):
    cluster = ServerProcess([sys.executable, "-m", "inspector.demo.server",
                             "--cluster", "--port", "0", "--tick", "0"])
    try:
        node_a, node_b = cluster.url.split()
        code, out, err = run_cli(SCENARIOS / "cheatsheet-cluster.yaml", "--url", node_a,
                                 env={"DEMO_NODE_B": node_b})
        assert code == 0, out + err
        assert "local ×2" in out and "all ×3" in out
    finally:
        cluster.stop()


def test_fifty_virtual_clients_from_one_template_with_percentiles_in_junit(demo_server, tmp_path):
    scenario = tmp_path / "fifty.yaml"
    scenario.write_text("""
name: Fifty
namespaces: [/cheatsheet]
clients:
  alice: {}
  bob: {repeat: 50}
steps:
  - join: room1
    client: bob
  - emit: to_room
    client: alice
    args: [{data: hi}]
  - expect: to_room
    client: bob
    args: [{data: hi}]
  - expect_no: to_room
    client: alice
    within: 0.2
  - emit: echo
    client: bob
    args: [ping]
    expect_ack: [ping]
""")
    junit = tmp_path / "report.xml"
    code, out, err = run_cli(scenario, "--url", demo_server.url, "--junit", junit, timeout=120)
    assert code == 0, out + err
    assert "51 clients; received: hello ×51, to_room ×50" in out
    props = {p.get("name"): p.get("value") for p in ET.parse(junit).getroot().iter("property")}
    assert props["delivered.to_room"] == "50" and int(props["acks"]) == 100    # 50 joins, 50 echoes
    assert 0 < float(props["ack_rtt_p50_ms"]) <= float(props["ack_rtt_p95_ms"]) <= float(props["ack_rtt_p99_ms"])
