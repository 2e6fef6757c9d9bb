"""The capture's commands for the server view (issue 13): a ServerAdmin hosted next to the
Session, on the same connection (the admin namespace is one more namespace of it), so its
messages reach the window in the entry batches like every other entry and the window
keeps its own ServerView from them.  A command's answer is ServerAdmin's detail (what the
server answered, also logged as a `sys` entry of kind `server`); a refusal (no admin
namespace, wrong credentials, a read-only server) raises AdminRefused with the server's
words, which the window gets back as the same class."""
from __future__ import annotations

from typing import Any

from inspector.session.server_view.admin import AdminRefused, ServerAdmin
from inspector.session.session import normalize_namespace


def _admin(c) -> ServerAdmin:
    if c.server_admin is None:
        raise AdminRefused("the server view is off: turn it on (Server view in the connection "
                           "panel) to act as the server")
    return c.server_admin


async def _attach(c, namespace: str, username: str | None = None, password: str | None = None) -> dict:
    """Attach to the admin namespace (again: the one before is closed first); its config."""
    namespace = normalize_namespace(namespace)
    await _detach(c)
    admin = c.server_admin = ServerAdmin(c.session, namespace)
    try:
        config = await admin.attach(username, password)
    except BaseException:
        admin.close()
        c.server_admin = None
        await c.session.close_namespace(namespace)      # a refused namespace is not left listed
        raise
    return {"namespace": namespace, "features": list(config.get("features") or ())}


async def _detach(c) -> None:
    admin, c.server_admin = c.server_admin, None
    if admin is not None:
        admin.close()
        await admin.detach()


async def _join(c, ns: str, room: str, socket_id: str | None = None) -> dict:
    return await _admin(c).join(ns, room, socket_id)


async def _leave(c, ns: str, room: str, socket_id: str | None = None) -> dict:
    return await _admin(c).leave(ns, room, socket_id)


async def _disconnect(c, ns: str, socket_id: str | None = None, close: bool = False) -> dict:
    return await _admin(c).disconnect(ns, socket_id, close)


async def _emit(c, ns: str, event: str, args: list, to: str | None = None) -> dict:
    return await _admin(c).emit(ns, event, list(args), to)


COMMANDS: dict[str, Any] = {
    "server_attach": _attach,
    "server_detach": _detach,
    "server_join": _join,
    "server_leave": _leave,
    "server_disconnect": _disconnect,
    "server_emit": _emit,
}
