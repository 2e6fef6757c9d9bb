"""Chunk: log rows in columns, ready to append to a LogTable.

Built from LogEntry objects (a live session: the row-preparation thread) or from
session-file rows (loading a file: a worker thread), so the GUI thread only
appends.  Rows from a file are turned into columns without parsing the JSON of
most of them: their `args` text already is the row text, with its brackets.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from inspector.log.entry import LogEntry
from inspector.log.json_form import dumps
from inspector.log.row_text import (
    ARGS_NONE,
    CANONICAL_MASKS,
    CUT,
    DIR_CODE,
    KIND_CODE,
    LARGE_ROW,
    PACKET,
    TEXT_CAP,
    WHOLE,
    args_text,
    flag_mask,
    large_args_text,
    packet_texts,
    row_texts,
)
from inspector.wire import deep_json
from inspector.wire.payload import from_jsonable


@dataclass
class Chunk:
    """Rows in columns, ready to append; built off the GUI thread when loading a file."""

    seq: list
    t: list
    dir: list
    kind: list
    ns: list
    event: list
    text: list
    flags: list
    size: list
    ack_id: list
    rtt: list
    detail: dict = field(default_factory=dict)        # index -> detail JSON text
    odd_flags: dict = field(default_factory=dict)     # index -> flags tuple (unknown or reordered)
    entries: list | None = None                       # the LogEntry objects, when built from them
    client: list | None = None                        # each row's client name (None: no names)

    def __len__(self) -> int:
        return len(self.seq)


def chunk_from_entries(entries: list[LogEntry]) -> Chunk:
    args_list = [e.args for e in entries]
    sizes = [e.bytes for e in entries]
    done = row_texts(args_list, sizes)
    if done is None:
        pairs = [args_text(a) if (n or 0) <= LARGE_ROW else large_args_text(a)
                 for a, n in zip(args_list, sizes, strict=True)]
        texts, bits = [p[0] for p in pairs], [p[1] for p in pairs]
    else:
        texts, bits = done
    kinds = [KIND_CODE[e.kind] for e in entries]
    packet_texts(texts, bits, kinds, args_list)
    flag_tuples = [e.flags for e in entries]
    masks = list(map(CANONICAL_MASKS.get, flag_tuples))
    odd: dict[int, tuple] = {}
    if None in masks:
        for i, m in enumerate(masks):
            if m is None:          # unknown flags, or known ones out of order
                masks[i], canonical = flag_mask(flag_tuples[i])
                if not canonical:
                    odd[i] = flag_tuples[i]
    flags = [m | b for m, b in zip(masks, bits, strict=True)] if any(bits) else masks
    detail = {i: dumps(e.detail) for i, e in enumerate(entries) if e.detail is not None}
    return Chunk(
        seq=[e.seq for e in entries], t=[e.t for e in entries],
        dir=[DIR_CODE[e.dir] for e in entries], kind=kinds,
        ns=[e.ns for e in entries], event=[e.event for e in entries], text=texts, flags=flags,
        size=[-1 if e.bytes is None else e.bytes for e in entries],
        ack_id=[-1 if e.ack_id is None else e.ack_id for e in entries],
        rtt=[np.nan if e.rtt_ms is None else e.rtt_ms for e in entries],
        detail=detail, odd_flags=odd, entries=entries, client=[e.client for e in entries])


def chunk_from_rows(rows: list[tuple]) -> Chunk:
    """From session-file rows (store/rows.py's COLUMNS order), without parsing the JSON of most of them."""
    texts, flags = [], []
    odd: dict[int, tuple] = {}
    detail: dict[int, str] = {}
    for i, r in enumerate(rows):
        args = r[6]
        if args is None:
            text, bits = "", ARGS_NONE
        elif '"_bytes"' in args:
            text, bits = args_text(from_jsonable(deep_json.loads(args)))
            bits |= WHOLE
        else:
            text, bits = args[1:-1], 0
            if len(text) > TEXT_CAP:
                text, bits = text[:TEXT_CAP], CUT | WHOLE
        texts.append(text)
        if r[10]:
            ftuple = tuple(json.loads(r[10]))
            mask, canonical = flag_mask(ftuple)
            if not canonical:
                odd[i] = ftuple
            bits |= mask
        flags.append(bits)
        if r[11] is not None:
            detail[i] = r[11]
    kinds = [KIND_CODE[r[3]] for r in rows]
    if PACKET in kinds:
        packet_texts(texts, flags, kinds, [deep_json.loads(r[6]) if k == PACKET and r[6] else None
                                           for k, r in zip(kinds, rows, strict=True)])
    return Chunk(
        seq=[r[0] for r in rows], t=[r[1] for r in rows],
        dir=[DIR_CODE[r[2]] for r in rows], kind=kinds,
        ns=[r[4] for r in rows], event=[r[5] for r in rows], text=texts, flags=flags,
        size=[-1 if r[9] is None else r[9] for r in rows],
        ack_id=[-1 if r[7] is None else r[7] for r in rows],
        rtt=[np.nan if r[8] is None else r[8] for r in rows],
        detail=detail, odd_flags=odd, client=[r[12] if len(r) > 12 else None for r in rows])
