"""A row's text and flag bits, and the shared tables behind them."""
from __future__ import annotations

import collections

import pytest

from inspector.log import chunk, row_text, search, table
from inspector.log.chunk import chunk_from_entries, chunk_from_rows
from inspector.log.entry import FLAGS, LogEntry
from inspector.log.row_text import CUT, TEXT_CAP, WHOLE, args_text, flag_mask
from inspector.log.table import LogTable
from inspector.store.rows import row_of

ODD_FLAGS = [("late", "binary"), ("binary", "binary"), ("made-up",), ("late", "made-up"), ()]


def test_a_flag_tuple_in_order_is_its_mask_and_any_other_is_kept_as_it_was():
    assert flag_mask(()) == (0, True)
    assert flag_mask(("binary", "late")) == (flag_mask(("binary",))[0] | flag_mask(("late",))[0], True)
    assert flag_mask(("late", "binary"))[1] is False
    assert flag_mask(("made-up",)) == (0, False)
    entries = [LogEntry(i + 1, float(i), "in", "event", "/", "e", [i], flags=f)
               for i, f in enumerate(ODD_FLAGS + [tuple(FLAGS)])]
    for c in (chunk_from_entries(entries), chunk_from_rows([row_of(e) for e in entries])):
        t = LogTable()
        t.append(c)
        assert [t.flag_names(i) for i in range(len(entries))] == [e.flags for e in entries]


def test_the_text_of_arguments_is_compact_json_cut_at_the_cap():
    assert args_text(None)[0] == ""
    assert args_text(["a", {"n": 1}, b"\x00\x01"]) == ('"a",{"n":1},"<2 bytes>"', WHOLE)
    text, bits = args_text(["x" * (TEXT_CAP + 10)])
    assert len(text) == TEXT_CAP and bits == CUT | WHOLE


@pytest.mark.parametrize("module", [row_text, chunk, table, search], ids=lambda m: m.__name__)
def test_the_tables_modules_keep_no_mutable_state_of_their_own(module):
    """Chunks are built on the row-preparation thread and by file loaders while the GUI
    thread reads the table: nothing at module level may be written by any of them."""
    mutable = (dict, list, set, bytearray, collections.deque)
    found = [name for name, value in vars(module).items()
             if not name.startswith("__") and isinstance(value, mutable)]
    assert found == []



def test_a_large_row_is_encoded_only_as_far_as_it_shows():
    from inspector.log.row_text import LARGE_ROW, row_texts

    class Unencodable:      # reached only by an encoder that goes past the row's text
        pass
    large = [{"text": "x" * (2 * TEXT_CAP), "rest": Unencodable()}]
    texts, bits = row_texts([large, ["small"]], [LARGE_ROW + 1, 10])
    assert texts == ['{"text":"' + "x" * (TEXT_CAP - 9), '"small"']
    assert bits == [CUT | WHOLE, 0]
