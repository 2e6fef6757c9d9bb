"""How counts and durations read on screen and in messages: one helper for each, so that
"1 entry", "2 entries" and "4.62 s" are written the same way everywhere."""
from __future__ import annotations

# English plurals that are not the singular + "s"
_IRREGULAR = {"entry": "entries", "reply": "replies", "match": "matches", "is": "are"}


def plural(n: int, one: str, many: str | None = None) -> str:
    """"1 entry", "2 entries", "12,000 entries" (the count with thousands separators)."""
    if many is None:
        many = _IRREGULAR.get(one) or (one[:-1] + "ies" if one.endswith("y") and one[-2:-1] not in "aeiou"
                                       else one + "s")
    return f"{n:,} {one if n == 1 else many}"


def duration(seconds: float | None) -> str:
    """A duration as a person reads it: "0.8 ms", "12 ms", "4.62 s", "3 min 05 s", "2 h 10 min"
    ("–" for none)."""
    if seconds is None or seconds != seconds:
        return "–"
    if seconds < 0:
        return "-" + duration(-seconds)
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    if seconds < 3600:
        minutes, rest = divmod(int(round(seconds)), 60)
        return f"{minutes} min {rest:02d} s"
    hours, rest = divmod(int(round(seconds)) // 60, 60)
    return f"{hours} h {rest:02d} min"


def duration_ms(ms: float | None) -> str:
    """A duration given in milliseconds (an ack's round trip), as duration() reads it."""
    return duration(None if ms is None else ms / 1000.0)
