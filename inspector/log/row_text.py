"""The text of a log row and the bits that go with it.

The text of a row is its arguments as compact JSON without the outer brackets,
bytes shown as "<n bytes>", cut at TEXT_CAP characters; the display, the text
filter and the rebuilding of the entry all use it.  A raw packet row shows the
packet as it was encoded instead.  Next to the text, a row keeps a 16-bit mask:
the entry's known flags in the low bits, and CUT / WHOLE / ARGS_NONE saying what
the text cannot give back.  Directions and kinds are stored as small codes.

Everything here is computed or read-only: the tables are built at import and
never written, so the GUI thread, the row-preparation thread and a file loader
can all use them at once.
"""
from __future__ import annotations

import itertools
import json
from json.encoder import c_make_encoder, encode_basestring
from types import MappingProxyType
from typing import Mapping

from inspector.log.entry import DIRECTIONS, FLAGS, KINDS
from inspector.wire import deep_json
from inspector.wire.payload import from_jsonable

TEXT_CAP = 200           # characters of argument text kept per row (display and text filter)

DIR_CODE: Mapping[str, int] = MappingProxyType({d: i for i, d in enumerate(DIRECTIONS)})
KIND_CODE: Mapping[str, int] = MappingProxyType({k: i for i, k in enumerate(KINDS)})
FLAG_BIT: Mapping[str, int] = MappingProxyType({f: 1 << i for i, f in enumerate(FLAGS)})
CUT = 1 << 12         # the text was cut at TEXT_CAP
WHOLE = 1 << 13       # the entry cannot be rebuilt from its text (cut, bytes, odd values)
ARGS_NONE = 1 << 14   # args is None (not an empty list)
KNOWN_FLAGS = (1 << len(FLAGS)) - 1
PACKET = KIND_CODE["packet"]


def placeholder(value):
    """json.dumps `default`: bytes are shown as "<n bytes>"."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"
    raise TypeError


BYTES_MARK = ' bytes>"'


def args_text(args, cap: int | None = TEXT_CAP) -> tuple[str, int]:
    """(the row text of `args`, cut at `cap`, and its extra flag bits)."""
    cap = cap if cap is not None else 1 << 62
    if args is None:
        return "", ARGS_NONE
    try:
        text = json.dumps(args, ensure_ascii=False, separators=(",", ":"), default=placeholder)[1:-1]
    except RecursionError:      # nested deeper than the C encoder goes from here
        text, cut = deep_json.bounded(args, cap + 2, default=placeholder)
        text = text[1:cap + 1] if cut else text[1:-1]
        bits = WHOLE if BYTES_MARK in text else 0
        return (text, bits | CUT | WHOLE) if cut else (text, bits)
    except (TypeError, ValueError):
        text = repr(args).replace("\n", "\\n")
        return (text[:cap], WHOLE | CUT) if len(text) > cap else (text, WHOLE)
    bits = WHOLE if BYTES_MARK in text else 0
    if len(text) > cap:
        return text[:cap], bits | CUT | WHOLE
    return text, bits


def full_text(args_json: str) -> str:
    """The whole row text (not cut) of the `args` column of a session file."""
    if '"_bytes"' not in args_json:
        return args_json[1:-1]
    return deep_json.dumps(from_jsonable(deep_json.loads(args_json)), default=placeholder)[1:-1]


def _canonical_masks() -> dict[tuple, int]:
    """Every flag tuple a mask gives back as it was: the known flags, each once, in FLAGS
    order (2 ** len(FLAGS) of them); what LogEntry tuples nearly always are."""
    out: dict[tuple, int] = {}
    for n in range(len(FLAGS) + 1):
        for names in itertools.combinations(FLAGS, n):
            mask = 0
            for f in names:
                mask |= FLAG_BIT[f]
            out[names] = mask
    return out


# flag tuple -> its bitmask, for the tuples the bitmask gives back (read-only)
CANONICAL_MASKS: Mapping[tuple, int] = MappingProxyType(_canonical_masks())


def flag_mask(flags: tuple) -> tuple[int, bool]:
    """(bitmask of the known flags, whether the bitmask gives the tuple back as it was)."""
    mask = CANONICAL_MASKS.get(flags)
    if mask is not None:
        return mask, True
    mask = 0
    for f in flags:
        mask |= FLAG_BIT.get(f, 0)
    return mask, False


def flag_names(mask: int) -> tuple[str, ...]:
    """The flags of a row's mask, in FLAGS order."""
    mask &= KNOWN_FLAGS
    if not mask:
        return ()
    return tuple(f for f in FLAGS if mask & FLAG_BIT[f])


# One C encoder, reused: json.dumps() with options builds a JSONEncoder per call, five
# times the cost of the encoding itself on small arguments (the GUI thread does this
# for every entry of a burst).  It keeps no state between calls.
_encode = c_make_encoder(None, placeholder, encode_basestring, None, ":", ",", False, False, True) \
    if c_make_encoder is not None else None
_join = "".join

C_SLICE = 500       # items per C-speed call (about a millisecond)
LARGE_ROW = 1 << 18  # bytes on the wire past which a row's text is encoded only as far as it shows


def large_args_text(args) -> tuple[str, int]:
    """args_text of a large value, in time that grows with TEXT_CAP, not with the value: one C
    call over 50 MB would hold the GIL, and so the window, for a quarter of a second."""
    try:
        text, cut = deep_json.bounded(args, TEXT_CAP + 2, default=placeholder)
    except (TypeError, ValueError):
        return args_text(args)
    text = text[1:TEXT_CAP + 1] if cut else text[1:-1]
    bits = WHOLE if BYTES_MARK in text else 0
    return (text, bits | CUT | WHOLE) if cut else (text, bits)


def row_texts(args_list: list, sizes: list | None = None) -> tuple[list[str], list[int]] | None:
    """The row texts and bits of many argument lists at C speed; None if one cannot be.
    `sizes` (bytes on the wire, or None) names the large ones, encoded only as far as shown."""
    if _encode is None:
        return None
    large = [i for i, n in enumerate(sizes) if n is not None and n > LARGE_ROW] if sizes else []
    if large:
        args_list = list(args_list)
        kept = {i: args_list[i] for i in large}
        for i in large:
            args_list[i] = ()
    has_none = None in args_list
    items = [a if a is not None else () for a in args_list] if has_none else args_list
    full: list[str] = []
    try:
        # in slices: one C call over a whole batch would keep the GIL (and so the GUI
        # thread) waiting for its whole length; between slices other threads get a turn
        for i in range(0, len(items), C_SLICE):
            full.extend(map(_join, map(_encode, items[i:i + C_SLICE], itertools.repeat(0))))
    except (TypeError, ValueError, RecursionError):
        return None
    texts = [t[1:-1] for t in full]
    bits = [ARGS_NONE if a is None else 0 for a in args_list] if has_none else [0] * len(args_list)
    if max(map(len, texts), default=0) > TEXT_CAP:
        for i, t in enumerate(texts):
            if len(t) > TEXT_CAP:
                texts[i] = t[:TEXT_CAP]
                bits[i] |= CUT | WHOLE
    if BYTES_MARK in "\n".join(texts):
        for i, t in enumerate(texts):
            if BYTES_MARK in t:
                bits[i] |= WHOLE
    for i in large:
        if kept[i] is None:
            texts[i], bits[i] = "", ARGS_NONE
        else:
            texts[i], bits[i] = large_args_text(kept[i])
    return texts, bits


def packet_texts(texts: list, bits: list, kinds: list, args_list: list) -> None:
    """A raw packet row shows the packet as it was encoded, not as a JSON string
    (`texts` and `bits` are changed in place)."""
    if PACKET not in kinds:
        return
    for i, k in enumerate(kinds):
        args = args_list[i]
        if k == PACKET and args and isinstance(args[0], str):
            text = args[0].replace("\n", "\\n")
            texts[i] = text[:TEXT_CAP]
            bits[i] |= WHOLE | (CUT if len(text) > TEXT_CAP else 0)


def whole_row_text(kind: str, args_json: str | None) -> str:
    """The whole text of a session-file row (not cut): what the text filter judges a row
    on when its text is read from the file (a raw packet: the packet as it was encoded)."""
    if args_json is None:
        return ""
    if kind == "packet":
        args = deep_json.loads(args_json)
        if args and isinstance(args[0], str):
            return args[0].replace("\n", "\\n")
    return full_text(args_json)
