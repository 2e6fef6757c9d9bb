"""The client list, built on its own and fed plain rows: what it shows and what it asks."""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from inspector.ui import palette
from inspector.ui.panels.clients import ClientListPanel, ClientRow, client_colour

ROWS = [ClientRow("alice", 0, "127.0.0.1:5000", "connected"),
        ClientRow("bob", 1, "127.0.0.1:5000", "connected"),
        ClientRow("carol", 2, "127.0.0.1:5001", "disconnected")]


def test_it_lists_each_client_with_its_node_state_and_colour(qtbot):
    panel = ClientListPanel()
    qtbot.addWidget(panel)
    assert not panel.duplicateButton.isEnabled() and not panel.connectAllButton.isEnabled()
    panel.set_clients(ROWS)
    texts = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert texts == ["alice   127.0.0.1:5000   connected", "bob   127.0.0.1:5000   connected",
                     "carol   127.0.0.1:5001   disconnected"]
    assert panel.current() == "alice" and panel.duplicateButton.isEnabled()
    icon = panel.list.item(1).icon().pixmap(12, 12).toImage()
    assert icon.pixelColor(6, 6).name() == client_colour(1).css()
    assert len({s.light for s in palette.CLIENT_COLOURS}) == len(palette.CLIENT_COLOURS)


def test_the_buttons_ask_for_the_selected_client_or_all(qtbot, monkeypatch):
    panel = ClientListPanel()
    qtbot.addWidget(panel)
    panel.set_clients(ROWS)
    panel.select("bob")
    asked = []
    for sig in ("duplicateRequested", "removeRequested", "connectRequested", "disconnectRequested"):
        getattr(panel, sig).connect(lambda name, sig=sig: asked.append((sig, name)))
    panel.renameRequested.connect(lambda old, new: asked.append(("rename", old, new)))
    panel.duplicateButton.click()
    panel.removeButton.click()
    panel.connectAllButton.click()
    panel.disconnectButton.click()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("robert", True))
    panel.renameButton.click()
    assert asked == [("duplicateRequested", "bob"), ("removeRequested", "bob"), ("connectRequested", ""),
                     ("disconnectRequested", "bob"), ("rename", "bob", "robert")]
    # fed again without bob: the selection goes to the first, not to nothing
    panel.set_clients([ROWS[0], ROWS[2]])
    assert panel.current() == "alice"
