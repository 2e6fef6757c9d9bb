"""A QTableWidget's cells as typed, read and shown again: how a panel keeps one client's
draft rows (Server acks, Checks) while another client is shown."""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def show_texts(table: QTableWidget, rows: Iterable[Iterable[str]]) -> None:
    """Replace the table's rows with these texts, without its signals (nothing is sent)."""
    table.blockSignals(True)
    try:
        table.setRowCount(0)
        for row, texts in enumerate(rows):
            table.insertRow(row)
            for col, text in enumerate(texts):
                table.setItem(row, col, QTableWidgetItem(text))
    finally:
        table.blockSignals(False)
