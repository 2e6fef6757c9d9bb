"""The demo server's Admin UI namespace: python-socketio's instrument(), so the inspector's
server view (and the official web Admin UI) can watch the demo with no set-up.

It lives at ADMIN_UI_NAMESPACE, not instrument()'s default /admin: the demo's own /admin
namespace (auth {"token": "demo-token"}, `stats`, `kick`) came first.  Auth stays on, with
the demo credentials the README and the banner give.

instrument() patches python-engineio's AsyncSocket class (its websocket handler, its POST
handling, its pings) through name-mangled attributes: a second instrumented server in the
same process would make those patches call themselves.  So it is done once per process,
and a second asks for its own process.
"""
from __future__ import annotations

from typing import Any

ADMIN_UI_NAMESPACE = "/admin-ui"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "demo-admin"

_instrumented: list[Any] = []


def instrument(sio: Any, username: str = ADMIN_USERNAME, password: str = ADMIN_PASSWORD,
               namespace: str = ADMIN_UI_NAMESPACE) -> Any:
    """sio.instrument() with the demo's credentials; raises RuntimeError the second time."""
    if _instrumented:
        raise RuntimeError("python-socketio's instrument() patches python-engineio's classes: one "
                           "instrumented server per process (start the demo server in a process "
                           "of its own: python -m inspector.demo.server --admin-ui)")
    admin = sio.instrument(auth={"username": username, "password": password}, namespace=namespace,
                           mode="development", read_only=False)
    _instrumented.append(admin)
    return admin


def banner(url: str) -> str:
    return (f"Server view (Admin UI): namespace {ADMIN_UI_NAMESPACE} on {url}, "
            f"username {ADMIN_USERNAME!r}, password {ADMIN_PASSWORD!r}")
