"""The internals of python-socketio, python-engineio and aiohttp that inspector/wire relies on.

The wire layer overrides private methods of python-engineio's and python-socketio's clients
and reaches into aiohttp's websocket.  A version bump that renames one of them would not
fail at import: an override would silently stop being called, an attribute set would silently
do nothing.  RELIED_ON is the one list of them, with why each is needed; the tests check that
the installed versions still have every one (one message naming all that are gone), and that
the list covers every private name wire/ uses that wire/ does not define itself.
"""
from __future__ import annotations

import ast
import importlib
import importlib.metadata
import inspect
import re
from pathlib import Path

import pytest

WIRE = Path(__file__).resolve().parents[2] / "inspector" / "wire"
PACKAGES = {"engineio": "python-engineio", "socketio": "python-socketio", "aiohttp": "aiohttp"}

# "module:Class" -> {name: why}: a method or class attribute of the class, or a field its
# (or its bases') code sets on the instance; "module" -> {name: why}: a module attribute.
RELIED_ON: dict[str, dict[str, str]] = {
    "engineio:AsyncClient": {
        "_read_loop_websocket": "overridden: messages dispatched in wire order, why the connection ended",
        "_read_loop_polling": "overridden: why a long-polling connection ended",
        "_write_loop": "overridden: compression per frame, the bytes each packet took",
        "_receive_packet": "overridden: messages handled synchronously, PINGs answered",
        "_send_request": "overridden and called: raw capture of the long-polling requests",
        "_send_packet": "called: the CLOSE packet of a long-polling disconnect",
        "_trigger_event": "called: the disconnect event, at the end of a read loop; overridden: on connect, "
                          "Engine.IO 3 recognised on websocket and its ping loop started",
        "_reset": "called: a half-open connection given up, a read loop that ended; overridden: the "
                  "Engine.IO 3 ping loop ended with the connection",
        "_get_url_timestamp": "called: the URL of a long-polling GET",
        "_get_engineio_url": "overridden: EIO=3 and b64=1 for socket.io 2.x (Engine.IO 3)",
        "_connect_polling": "overridden: Engine.IO 3's `length:packet` handshake read and recognised",
        "_connect_websocket": "called: the upgrade after a long-polling handshake (_connect_polling)",
    },
    "socketio:AsyncClient": {
        "_engineio_client_class": "overridden: the Engine.IO half is InspectorEngine",
        "_handle_eio_connect": "overridden: the namespaces asked for are connected over the new engine",
        "_handle_eio_disconnect": "overridden: why it ended, the offline buffer, reconnection run here",
        "_reconnect_task": "shared: python-socketio's own field, same meaning (its wait() and shutdown() read it)",
        "_reconnect_abort": "shared: python-socketio's own field, same meaning (its shutdown() sets it)",
    },
    "aiohttp:ClientWebSocketResponse": {
        "_response": "read: its connection's transport is aborted to simulate a network drop",
        "_writer": "read: the frame writer, to write frames with or without deflate and count bytes",
        "_reader": "read: its queue of parsed frames, which the read-ahead empties (wire/read_ahead.py)",
    },
    "aiohttp._websocket.reader:WebSocketDataQueue": {
        "_buffer": "read: whether a parsed frame is ready (a deque of (message, size)), so receive() "
                   "will not wait; the read-ahead takes frames only then (wire/read_ahead.py)",
    },
    "aiohttp.http_websocket:WebSocketWriter": {
        "transport": "wrapped: counts the bytes written to the socket",
        "compress": "switched off for one frame: aiohttp deflates every frame once it is negotiated",
        "send_frame": "called: one frame, with or without deflate",
    },
    "engineio.base_client": {
        "connected_clients": "a closed engine is taken out of it, as python-engineio's own disconnect does",
    },
}


def versions() -> str:
    return ", ".join(f"{dist} {importlib.metadata.version(dist)}" for dist in PACKAGES.values())


def fields_set_by(cls: type) -> set[str]:
    """The instance fields the library's own classes in cls's MRO assign (`self.x = ...`)."""
    names: set[str] = set()
    for k in cls.__mro__:
        if k.__module__.split(".")[0] not in PACKAGES:
            continue
        try:
            source = inspect.getsource(k)
        except (OSError, TypeError):
            continue
        names.update(re.findall(r"self\.(\w+)\s*(?::[^=\n]+)?=(?!=)", source))
    return names


def resolve(where: str):
    module, _, cls = where.partition(":")
    obj = importlib.import_module(module)
    return getattr(obj, cls) if cls else obj


def missing_names() -> list[str]:
    missing = []
    for where, names in RELIED_ON.items():
        try:
            obj = resolve(where)
        except (ImportError, AttributeError) as exc:
            missing.append(f"{where} itself ({type(exc).__name__}: {exc})")
            continue
        have = fields_set_by(obj) if isinstance(obj, type) else set()
        missing += [f"{where}.{name} ({why})" for name, why in names.items()
                    if not hasattr(obj, name) and name not in have]
    return missing


def test_the_installed_libraries_still_have_everything_the_wire_layer_relies_on():
    missing = missing_names()
    assert not missing, (f"{versions()}: inspector/wire relies on {len(missing)} name(s) these versions "
                         "no longer have; adapt inspector/wire to them (or pin the versions that have them):\n  "
                         + "\n  ".join(missing))


def wire_sources() -> dict[str, ast.Module]:
    return {p.name: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(WIRE.glob("*.py"))}


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def defined_in_wire(trees: dict[str, ast.Module]) -> set[str]:
    """Private names wire/ makes itself: functions, classes, fields it assigns, slots."""
    names: set[str] = set()
    for tree in trees.values():
        for n in ast.walk(tree):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(n.name)
            elif isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                for t in n.targets if isinstance(n, ast.Assign) else [n.target]:
                    if isinstance(t, ast.Attribute):
                        names.add(t.attr)
                    elif isinstance(t, ast.Name):
                        names.add(t.id)
                        if t.id == "__slots__" and isinstance(n.value, (ast.Tuple, ast.List)):
                            names.update(e.value for e in n.value.elts if isinstance(e, ast.Constant))
    return {n for n in names if private(n)}


def accessed_in_wire(trees: dict[str, ast.Module]) -> dict[str, list[str]]:
    """Every attribute name read or written in wire/, with where."""
    out: dict[str, list[str]] = {}
    for file, tree in trees.items():
        for n in ast.walk(tree):
            if isinstance(n, ast.Attribute):
                out.setdefault(n.attr, []).append(f"{file}:{n.lineno}")
    return out


def declared() -> set[str]:
    return {name for names in RELIED_ON.values() for name in names}


def test_every_private_name_of_a_library_used_in_wire_is_in_the_list():
    trees = wire_sources()
    own = defined_in_wire(trees)
    undeclared = {name: where for name, where in accessed_in_wire(trees).items()
                  if private(name) and name not in own and name not in declared()}
    assert undeclared == {}, "private names of a library used in inspector/wire but not in RELIED_ON"


def wire_classes_on_libraries() -> list[tuple[type, list[type]]]:
    found = []
    for module_name in ("inspector.wire.eio", "inspector.wire.sio"):
        module = importlib.import_module(module_name)
        for cls in vars(module).values():
            if isinstance(cls, type) and cls.__module__ == module_name:
                bases = [k for k in cls.__mro__ if k.__module__.split(".")[0] in PACKAGES]
                if bases:
                    found.append((cls, bases))
    return found


def test_a_wire_class_reuses_a_library_private_name_only_when_the_list_says_so():
    """An override or a shared field not in the list would break silently on a bump; a helper of
    ours that happens to have a library's private name would replace the library's unseen."""
    assert {cls.__name__ for cls, _ in wire_classes_on_libraries()} >= {"InspectorEngine", "InspectorClient"}
    clashes = []
    for cls, bases in wire_classes_on_libraries():
        source = inspect.getsource(cls)
        ours = {n for n in vars(cls) if private(n)}
        ours |= {n for n in re.findall(r"self\.(\w+)\s*(?::[^=\n]+)?=(?!=)", source) if private(n)}
        library = {n for k in bases for n in vars(k) if private(n)} | {n for n in fields_set_by(bases[0])
                                                                       if private(n)}
        where = {f"{k.__module__.split('.')[0]}:{k.__name__}" for k in bases}
        allowed = {n for w, names in RELIED_ON.items() if w in where for n in names}
        clashes += [f"{cls.__name__}.{n}" for n in sorted(ours & library) if n not in allowed]
    assert clashes == [], "names that are also the library's own, not declared in RELIED_ON"


@pytest.mark.parametrize("where", sorted(RELIED_ON))
def test_every_name_in_the_list_is_still_used_by_wire(where):
    used = set(accessed_in_wire(wire_sources())) | defined_in_wire(wire_sources())
    assert [n for n in RELIED_ON[where] if n not in used] == []
