"""Counts and durations as they read on screen (issue 14, point 5)."""
import pytest

from inspector.log.words import duration, duration_ms, plural


@pytest.mark.parametrize("n, one, want", [
    (1, "entry", "1 entry"), (0, "entry", "0 entries"), (2, "entry", "2 entries"),
    (12000, "entry", "12,000 entries"), (1, "step", "1 step"), (3, "step", "3 steps"),
    (1, "attempt", "1 attempt"), (2, "attempt", "2 attempts"), (2, "day", "2 days"),
    (1, "reply", "1 reply"), (4, "event", "4 events")])
def test_plural(n, one, want):
    assert plural(n, one) == want


def test_plural_with_its_own_plural():
    assert plural(2, "child", "children") == "2 children"
    assert plural(1, "child", "children") == "1 child"


@pytest.mark.parametrize("seconds, want", [
    (4.624, "4.62 s"), (0.56, "560 ms"), (0.0123, "12 ms"), (0.0008, "0.8 ms"), (1.0, "1.00 s"),
    (59.994, "59.99 s"), (185, "3 min 05 s"), (7830, "2 h 10 min"), (None, "–")])
def test_duration(seconds, want):
    assert duration(seconds) == want


def test_a_round_trip_in_milliseconds_reads_as_a_duration():
    assert duration_ms(4624.0) == "4.62 s"
    assert duration_ms(3.2) == "3.2 ms"
    assert duration_ms(None) == "–"
