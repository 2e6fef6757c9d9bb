"""The errors a Session's callers catch (the CLI, the scenario runner, the UI), named
here so they need not reach past the session into the wire layer for them."""
from __future__ import annotations

from inspector.wire.sio import ConnectError, NamespaceRefused

__all__ = ["ConnectError", "NamespaceRefused"]
