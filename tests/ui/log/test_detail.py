"""The detail pane: a JSON tree with paths, the raw text, a hex view of bytes, links to rows."""
from __future__ import annotations

import base64
import json

from PySide6.QtGui import QGuiApplication

from inspector.log.entry import IN, OUT, SYS, Flag, Kind, LogEntry
from inspector.ui.log.detail import ENTRY_TAB, HEX_TAB, RAW_TAB, TREE_TAB, DetailView, hexdump, json_path


def shown(qtbot, entry) -> DetailView:
    view = DetailView()
    qtbot.addWidget(view)
    view.show_entry(entry)
    return view


def test_paths_are_what_a_json_path_user_writes():
    assert json_path([0, "data", "items", 2]) == "$[0].data.items[2]"
    assert json_path([1, "a key", "é", "_ok$"]) == '$[1]["a key"].é._ok$' or \
        json_path([1, "a key", "é", "_ok$"]) == '$[1]["a key"]["é"]._ok$'
    assert json_path([]) == "$"


def test_the_tree_expands_and_copies_values_and_paths(qtbot):
    e = LogEntry(1, 1.0, IN, Kind.EVENT, "/", "order",
                 ["first", {"data": {"items": [10, 20, {"sku": "A-1", "qty": 3}]}, "a key": None}])
    view = shown(qtbot, e)
    assert view.tabs.currentIndex() == TREE_TAB
    tree = view.tree
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == ["[0]", "[1]"]
    item = tree.item_at_path([1, "data", "items", 2])
    assert item is not None and item.text(1) == "{2 keys}" and item.text(2) == "object"
    one = shown(qtbot, LogEntry(2, 1.0, IN, Kind.EVENT, "/", "one", [{"n": 1}, [7]])).tree
    assert [one.topLevelItem(i).text(1) for i in range(2)] == ["{1 key}", "[1 item]"]      # plurals
    tree.setCurrentItem(item)
    assert tree.copy_path() == "$[1].data.items[2]"
    assert QGuiApplication.clipboard().text() == "$[1].data.items[2]"
    assert tree.copy_value() == '{\n  "sku": "A-1",\n  "qty": 3\n}'
    tree.setCurrentItem(tree.item_at_path([1, "a key"]))
    assert tree.copy_path() == '$[1]["a key"]' and tree.copy_value() == "null"
    tree.setCurrentItem(tree.item_at_path([0]))
    assert tree.copy_value() == "first"            # a string is copied as its text
    view.collapseButton.click()
    assert not tree.topLevelItem(1).isExpanded()
    view.expandButton.click()
    assert tree.item_at_path([1, "data", "items"]).isExpanded()


def test_bytes_anywhere_get_a_hex_view_chosen_for_the_entry(qtbot):
    e = LogEntry(2, 1.0, IN, Kind.EVENT, "/", "binary_data",
                 [{"meta": {"blob": bytes(range(0x41, 0x41 + 20))}}, b"\x00\xff"], flags=(Flag.BINARY,))
    view = shown(qtbot, e)
    assert view.tabs.currentIndex() == HEX_TAB and view.tabs.isTabEnabled(HEX_TAB)
    text = view.hexText.toPlainText()
    assert "$[0].meta.blob: 20 bytes" in text and "$[1]: 2 bytes" in text
    assert "00000000  41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|" in text
    assert "00000010  51 52 53 54" in text and "|QRST|" in text
    assert "00000000  00 ff" in text and "|..|" in text
    assert hexdump(b"") == "(empty)"


def test_plain_text_arguments_open_the_raw_view_and_lifecycle_rows_too(qtbot):
    view = shown(qtbot, LogEntry(3, 1.0, IN, Kind.EVENT, "/", "note", ["just a string"]))
    assert view.tabs.currentIndex() == RAW_TAB and not view.tabs.isTabEnabled(HEX_TAB)
    assert '"just a string"' in view.argsText.toPlainText()
    view.show_entry(LogEntry(4, 1.0, SYS, Kind.DISCONNECT, "/", detail={"reason": "ping timeout"}))
    assert view.tabs.currentIndex() == RAW_TAB and not view.tabs.isTabEnabled(TREE_TAB)
    assert '"reason": "ping timeout"' in view.argsText.toPlainText()
    view.tabs.setCurrentIndex(ENTRY_TAB)
    assert '"kind": "disconnect"' in view.entryText.toPlainText()


def test_seq_details_are_links_that_select_their_rows(qtbot):
    e = LogEntry(5, 1.0, IN, Kind.ACK, "/", "echo", ["x"], ack_id=1, rtt_ms=2.0,
                 detail={"for_seq": 3, "packet_seqs": [7, 8], "event_seq": 9, "offset": "abc"})
    view = shown(qtbot, e)
    assert not view.links.isHidden()
    html = view.links.text()
    for seq in (3, 7, 8, 9):
        assert f'href="seq:{seq}"' in html
    assert "offset" not in html
    clicked = []
    view.seqLinkActivated.connect(clicked.append)
    view.links.linkActivated.emit("seq:7")
    assert clicked == [7]


def test_copy_as_code_is_offered_for_outgoing_events_only(qtbot):
    view = shown(qtbot, LogEntry(6, 1.0, OUT, Kind.EVENT, "/chat", "echo", ["hi"], ack_id=2,
                                 flags=(Flag.COMPRESSED,)))      # compressed, as by default
    assert view.copyCodeButton.isEnabled()
    assert view.copy_code("python") == 'answer = await sio.call("echo", "hi", namespace="/chat")'
    assert QGuiApplication.clipboard().text() == 'answer = await sio.call("echo", "hi", namespace="/chat")'
    assert view.copy_code("javascript").endswith(
        '\nsocket.emit("echo", "hi", (...answer) => console.log(answer));')
    view.show_entry(LogEntry(7, 1.0, IN, Kind.EVENT, "/", "echo", ["hi"]))
    assert not view.copyCodeButton.isEnabled() and view.copy_code("python") is None


def test_a_large_bytes_value_shows_its_first_page_of_hex_at_once(qtbot, tmp_path):
    import time

    from inspector.ui.log.detail import HEX_PAGE, LARGE
    data = bytes(range(256)) * (20 * 4096)            # 20 MiB
    e = LogEntry(9, 1.0, "in", Kind.EVENT, "/", "blob", [data], bytes=len(data) + 40,
                 flags=(Flag.BINARY,))
    view = DetailView()
    qtbot.addWidget(view)
    started = time.perf_counter()
    view.show_entry(e)
    assert time.perf_counter() - started < 0.5
    assert view.tabs.currentIndex() == HEX_TAB
    hex_text = view.hexText.toPlainText()
    assert hex_text.startswith(f"$[0]: {len(data)} bytes\n00000000  00 01 02")
    assert len(hex_text) <= 100_000 and view.moreButton.isEnabled()
    view.show_more()
    assert len(view.hexText.toPlainText()) == 200_000
    assert "Large value: 20.0 MB" in view.largeNote.text() and len(data) >= LARGE
    view.save_value(str(tmp_path / "v.json"))
    assert base64.b64decode(json.loads((tmp_path / "v.json").read_text())[0]["_bytes"]) == data
    assert HEX_PAGE < len(data)
