"""The delivery matrix exported with a session: beside a JSON Lines export of a session
that has several clients, `<export>.deliveries.json` (log/delivery.py's JSON form)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from inspector.log import delivery
from inspector.store.reader import SessionStore


def deliveries_path(export: str | Path) -> Path:
    export = Path(export)
    return export.with_name(export.name + ".deliveries.json")


def export_deliveries(store: SessionStore, export: str | Path) -> Path | None:
    """Write the delivery matrix beside `export` when the session has several named
    clients; None (nothing written) for one client, as every file before workspaces."""
    entries = store.entries()
    clients = delivery.clients_of(entries)
    if len(clients) < 2:
        return None
    path = deliveries_path(export)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(delivery.to_json(delivery.group(entries), clients), ensure_ascii=False),
                   encoding="utf-8")
    os.replace(tmp, path)
    return path
