"""Grouping receipts into deliveries, linking an emit to them, filtering and the export form."""
from __future__ import annotations

import json

from inspector.log import delivery
from inspector.log.delivery import DeliveryFilter
from inspector.log.entry import LogEntry


def ev(seq, t, client, event="said", args=("hi",), dir="in", ns="/"):
    return LogEntry(seq, t, dir, "event", ns, event, list(args), client=client)


ENTRIES = [
    ev(1, 10.000, "alice", "join", ["room1"], dir="out"),
    ev(2, 10.001, "bob", "join", ["room1"], dir="out"),
    ev(3, 10.002, "carol", "join", ["room2"], dir="out"),
    ev(4, 11.000, "alice", "shout", ["room1"], dir="out"),
    ev(5, 11.010, "bob"),
    ev(6, 11.030, "alice"),
    ev(7, 11.031, "bob"),                  # bob twice: a repeat, not a second delivery
    ev(8, 11.040, "alice", args=["other"]),   # other arguments: another delivery
    ev(9, 13.000, "carol"),                # too late for the first: a delivery of its own
]


def test_the_same_event_within_the_window_is_one_delivery_with_who_got_it_when():
    ds = delivery.group(ENTRIES)
    assert [(d.event, d.args, sorted(d.receipts)) for d in ds] == [
        ("said", ["hi"], ["alice", "bob"]), ("said", ["other"], ["alice"]), ("said", ["hi"], ["carol"])]
    first = ds[0]
    assert first.row(["alice", "bob", "carol"]) == {"alice": 20.0, "bob": 0.0, "carol": None}
    assert first.repeats == {"bob": 1}
    assert first.missing(["alice", "bob", "carol"]) == ["carol"]


def test_other_namespaces_and_outgoing_events_are_not_receipts():
    ds = delivery.group([ev(1, 1.0, "a", ns="/x"), ev(2, 1.0, "b", ns="/y"), ev(3, 1.0, "c", dir="out")])
    assert [(d.ns, list(d.receipts)) for d in ds] == [("/x", ["a"]), ("/y", ["b"])]


def test_an_emit_is_linked_to_the_deliveries_after_it_with_the_rooms_then():
    cause = delivery.cause_of(ENTRIES[3], ENTRIES)
    assert [d.args for d in cause.deliveries] == [["hi"], ["other"]]      # not the one 2 s later
    assert cause.rooms == {"alice": {"/": ["room1"]}, "bob": {"/": ["room1"]}, "carol": {"/": ["room2"]}}
    picked = delivery.cause_of(ENTRIES[3], ENTRIES, picked=[delivery.group(ENTRIES)[2]])
    assert [sorted(d.receipts) for d in picked.deliveries] == [["carol"]]


def test_rooms_are_left_and_forgotten_with_a_disconnect():
    entries = [ev(1, 1.0, "a", "join", ["r1"], dir="out"), ev(2, 1.1, "a", "join", ["r2"], dir="out"),
               ev(3, 1.2, "a", "leave", ["r1"], dir="out"),
               ev(4, 1.3, "b", "join", ["r1"], dir="out"),
               LogEntry(5, 1.4, "sys", "disconnect", "/", client="b")]
    assert delivery.rooms_at(entries, 1.25) == {"a": {"/": ["r2"]}}
    assert delivery.rooms_at(entries, 2.0) == {"a": {"/": ["r2"]}, "b": {}}


def test_the_filter_keeps_what_it_says():
    ds, clients = delivery.group(ENTRIES), ["alice", "bob", "carol"]
    assert len(delivery.apply(ds, clients, DeliveryFilter(incomplete=True))) == 3
    assert len(delivery.apply(ds, clients, DeliveryFilter(client="carol", received=True))) == 1
    assert len(delivery.apply(ds, clients, DeliveryFilter(client="carol", received=False))) == 2
    assert delivery.apply(ds, clients, DeliveryFilter(text="nothing")) == []


def test_the_export_form_is_json_with_the_matrix():
    ds = delivery.group(ENTRIES)
    doc = json.loads(json.dumps(delivery.to_json(ds, ["alice", "bob", "carol"])))
    assert doc["format"] == delivery.FORMAT
    assert doc["deliveries"][0]["received"] == {"bob": {"seq": 5, "after_ms": 0.0},
                                                "alice": {"seq": 6, "after_ms": 20.0}}
    assert doc["deliveries"][0]["missed"] == ["carol"] and doc["deliveries"][0]["repeats"] == {"bob": 1}
    assert delivery.counts(ds) == {"said": 4}


def test_entries_of_before_workspaces_are_one_unnamed_client():
    old = [LogEntry(1, 1.0, "in", "event", "/", "e", [1]), LogEntry(2, 1.1, "in", "event", "/", "e", [1])]
    assert delivery.clients_of(old) == [""]
    [d] = delivery.group(old)
    assert list(d.receipts) == [""] and d.repeats == {"": 1}
