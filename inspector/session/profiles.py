"""Connection profiles: a named, saved connection, in one versioned JSON file per user.

A profile holds the whole connection: the URL, every ConnectionOptions field (path,
transport, protocol, parser, reconnection, acks...), the query, the namespaces to open
with their auth, the rooms to join in each, the room events, and the answers to the
server's ack requests.

Secrets never go into the file: auth values (the connection's and each namespace's),
header values and a password in the URL are written as {"$secret": SLOT} and stored in
the system keyring (secrets.py) under "profile/NAME/SLOT".  Where there is no keyring,
they are not stored at all: a profile read back lists them in `missing`, and whoever
opens it (the window, the command line) asks for them.  An exported file is the same
format with the secrets left out, to share with a team.

A profile also carries its saved emit templates (name, event, arguments as typed, ack,
flags; the composer's ui/panels/emit_templates.py form, kept here as plain JSON).  Their
arguments are written as typed, so they must not hold a secret: a template names one as
`${env:NAME}` (or `${event.field}`, from what the server sent) and it is filled when the
template is used.  A template whose arguments hold one of the profile's own secret values
is refused (ProfileError), so the file never holds it by that road either.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit, urlunsplit

from inspector.session.secrets import SecretStore
from inspector.session.server_acks import AckReply
from inspector.wire.options import ConnectionOptions
from inspector.wire.payload import to_jsonable

FORMAT = "socketio-inspector profiles"
VERSION = 1
FILE_NAME = "profiles.json"
CONFIG_DIR_ENV = "SOCKETIO_INSPECTOR_CONFIG_DIR"     # where profiles.json lives (tests, portable installs)
SECRET = "$secret"
MASK = "••••"
# written with their own keys (secrets among them), not as options
_OWN_KEYS = ("url", "auth", "headers", "query")


class ProfileError(Exception):
    pass


@dataclass
class Profile:
    name: str
    options: ConnectionOptions = field(default_factory=ConnectionOptions)
    namespaces: list[str] = field(default_factory=list)          # to open at connect; [] the URL's
    ns_auth: dict[str, dict] = field(default_factory=dict)       # namespace -> its auth
    rooms: dict[str, list[str]] = field(default_factory=dict)    # namespace -> rooms to join
    join_event: str = "join"
    leave_event: str = "leave"
    default_ack: AckReply = field(default_factory=AckReply)
    server_acks: dict[str, AckReply] = field(default_factory=dict)
    templates: list[dict] = field(default_factory=list)         # saved emits: {"name", "event", "args", ...}
    # the server view's admin namespace (None: off); its auth is that namespace's, in ns_auth
    server_view: str | None = None
    # secrets the file names but that could not be read back (no keyring): to ask for
    missing: list[str] = field(default_factory=list, compare=False)

    def open_namespaces(self) -> list[str]:
        return list(self.namespaces) or [self.options.base_namespace]

    def fill(self, slot: str, value: Any) -> None:
        """Put a secret that was asked for in its place (a slot of `missing`)."""
        _put(self, slot, value)
        if slot in self.missing:
            self.missing.remove(slot)


def default_dir() -> Path:
    env = os.environ.get(CONFIG_DIR_ENV)
    if env:
        return Path(env)
    import platformdirs
    return Path(platformdirs.user_config_dir("socketio-inspector", appauthor=False))


# -- a profile <-> its JSON form (secrets as slots) ----------------------------------
def to_json(profile: Profile) -> tuple[dict, dict[str, Any]]:
    """The profile's JSON form, without a secret in it, and its secrets: {slot: value}."""
    opts = profile.options
    secrets: dict[str, Any] = {}

    def hide(values: dict, prefix: str) -> dict:
        out = {}
        for key, value in values.items():
            slot = f"{prefix}:{key}"
            secrets[slot] = value
            out[key] = {SECRET: slot}
        return out

    parts = urlsplit(opts.url)
    url = opts.url
    if parts.password is not None:
        secrets["url:password"] = parts.password
        user = parts.username or ""
        host = parts.netloc.rsplit("@", 1)[-1]
        url = urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, parts.fragment))
    data: dict[str, Any] = {"name": profile.name, "url": url}
    if parts.password is not None:
        data["url_password"] = {SECRET: "url:password"}
    data["options"] = {f.name: getattr(opts, f.name) for f in fields(ConnectionOptions)
                       if f.name not in _OWN_KEYS}
    data["auth"] = hide(opts.auth, "auth") if opts.auth is not None else None
    data["headers"] = hide(opts.headers, "header")
    data["query"] = dict(opts.query)
    data["namespaces"] = [{"name": ns, **({"auth": hide(profile.ns_auth[ns], f"ns:{ns}")}
                                          if profile.ns_auth.get(ns) else {})}
                          for ns in _all_namespaces(profile)]
    data["rooms"] = {ns: list(rooms) for ns, rooms in profile.rooms.items() if rooms}
    data["room_events"] = {"join": profile.join_event, "leave": profile.leave_event}
    data["server_acks"] = {"default": _ack_json(profile.default_ack),
                           "events": {e: _ack_json(r) for e, r in profile.server_acks.items()}}
    data["templates"] = [dict(t) for t in profile.templates]
    if profile.server_view:
        data["server_view"] = {"namespace": profile.server_view}
    check_templates(profile.templates, secrets)
    return data, secrets


def check_templates(templates: list[dict], secrets: dict[str, Any]) -> None:
    """Refuse a template whose arguments hold one of the profile's secret values as typed."""
    values = [(slot, str(v)) for slot, v in secrets.items() if len(str(v)) >= 4]
    for t in templates:
        text = str(t.get("args", ""))
        for slot, value in values:
            if value in text:
                raise ProfileError(f"template {t.get('name')!r} holds the {describe_slot(slot)} as typed; "
                                   "write it as ${env:NAME} so the profile file never holds it")


def _templates_from(value: Any) -> list[dict]:
    return [dict(t) for t in value if isinstance(t, dict) and isinstance(t.get("name"), str)
            and t["name"].strip() and isinstance(t.get("event"), str)] if isinstance(value, list) else []


def from_json(data: dict, secrets: dict[str, Any] | None = None) -> Profile:
    """A profile from its JSON form; slots not in `secrets` are left out and listed in `missing`."""
    if not isinstance(data, dict) or not isinstance(data.get("name"), str) or not data["name"].strip():
        raise ProfileError("a profile needs a name")
    secrets = secrets or {}
    missing: list[str] = []

    def reveal(values: Any) -> dict:
        out = {}
        for key, value in (values or {}).items():
            if isinstance(value, dict) and set(value) == {SECRET}:
                slot = value[SECRET]
                if slot in secrets:
                    out[key] = secrets[slot]
                else:
                    missing.append(slot)
            else:
                out[key] = value     # a file written by hand may hold a plain value
        return out

    known = {f.name for f in fields(ConnectionOptions)} - set(_OWN_KEYS)
    kwargs = {k: v for k, v in (data.get("options") or {}).items() if k in known}
    url = str(data.get("url") or ConnectionOptions().url)
    if "url_password" in data:
        if "url:password" in secrets:
            parts = urlsplit(url)
            host = parts.netloc.rsplit("@", 1)[-1]
            url = urlunsplit((parts.scheme, f"{parts.username or ''}:{secrets['url:password']}@{host}",
                              parts.path, parts.query, parts.fragment))
        else:
            missing.append("url:password")
    options = ConnectionOptions(
        url=url, auth=reveal(data["auth"]) if data.get("auth") is not None else None,
        headers={k: str(v) for k, v in reveal(data.get("headers")).items()},
        query={str(k): str(v) for k, v in (data.get("query") or {}).items()}, **kwargs)
    namespaces, ns_auth = [], {}
    for item in data.get("namespaces") or []:
        ns = item if isinstance(item, str) else item.get("name")
        if not isinstance(ns, str):
            raise ProfileError(f"profile {data['name']!r}: a namespace needs a name")
        namespaces.append(ns)
        if isinstance(item, dict) and item.get("auth"):
            ns_auth[ns] = reveal(item["auth"])
    acks = data.get("server_acks") or {}
    events = data.get("room_events") or {}
    return Profile(
        name=data["name"].strip(), options=options, namespaces=namespaces, ns_auth=ns_auth,
        rooms={ns: [str(r) for r in rooms] for ns, rooms in (data.get("rooms") or {}).items()},
        join_event=str(events.get("join", "join")), leave_event=str(events.get("leave", "leave")),
        default_ack=_ack_from(acks.get("default")),
        server_acks={e: _ack_from(r) for e, r in (acks.get("events") or {}).items()},
        templates=_templates_from(data.get("templates")), missing=missing,
        server_view=_server_view_from(data.get("server_view")))


def _server_view_from(value: Any) -> str | None:
    ns = value.get("namespace") if isinstance(value, dict) else None
    return ns if isinstance(ns, str) and ns.startswith("/") else None


def _all_namespaces(profile: Profile) -> list[str]:
    nss = list(profile.namespaces)
    nss += [ns for ns in list(profile.ns_auth) + list(profile.rooms) if ns not in nss]
    return nss


def _ack_json(reply: AckReply) -> dict:
    return {"args": to_jsonable(list(reply.args)), "delay": reply.delay, "enabled": reply.enabled}


def _ack_from(data: Any) -> AckReply:
    if not isinstance(data, dict):
        return AckReply()
    return AckReply(list(data.get("args") or []), float(data.get("delay", 0.0)), bool(data.get("enabled", True)))


def _put(profile: Profile, slot: str, value: Any) -> None:
    kind, _, key = slot.partition(":")
    opts = profile.options
    if kind == "auth":
        opts.auth = {**(opts.auth or {}), key: value}
    elif kind == "header":
        opts.headers = {**opts.headers, key: str(value)}
    elif kind == "ns":
        ns, _, name = key.rpartition(":")
        profile.ns_auth[ns] = {**profile.ns_auth.get(ns, {}), name: value}
    elif slot == "url:password":
        parts = urlsplit(opts.url)
        host = parts.netloc.rsplit("@", 1)[-1]
        opts.url = urlunsplit((parts.scheme, f"{parts.username or ''}:{value}@{host}", parts.path,
                               parts.query, parts.fragment))


def describe_slot(slot: str) -> str:
    """A secret's slot in words: 'auth token', 'header Authorization', '/admin auth token'."""
    kind, _, key = slot.partition(":")
    if kind == "header":
        return f"header {key}"
    if kind == "ns":
        ns, _, name = key.rpartition(":")
        return f"{ns} auth {name}"
    if slot == "url:password":
        return "the URL's password"
    return f"auth {key}"


def masked(data: dict) -> dict:
    """A profile's JSON form as `profile show` prints it: every secret slot as ••••."""
    if isinstance(data, dict):
        if set(data) == {SECRET}:
            return MASK  # type: ignore[return-value]
        return {k: masked(v) for k, v in data.items()}
    if isinstance(data, list):
        return [masked(v) for v in data]  # type: ignore[return-value]
    return data


# -- the file ------------------------------------------------------------------------
class ProfileStore:
    """The profiles in DIRECTORY/profiles.json, their secrets in the keyring."""

    def __init__(self, directory: str | Path | None = None, secrets: SecretStore | None = None):
        self.directory = Path(directory) if directory is not None else default_dir()
        self.path = self.directory / FILE_NAME
        self.secrets = secrets or SecretStore()

    # reading
    def _read(self) -> list[dict]:
        return read_file(self.path) if self.path.exists() else []

    def names(self) -> list[str]:
        return [p["name"] for p in self._read()]

    def get(self, name: str) -> Profile:
        for data in self._read():
            if data["name"] == name:
                _d, slots = _slots_of(data)
                found = {}
                for slot in slots:
                    text = self.secrets.get(_key(name, slot))
                    if text is not None:
                        found[slot] = json.loads(text)
                return from_json(data, found)
        raise ProfileError(f"no profile named {name!r} (profiles: {', '.join(self.names()) or 'none'})")

    def get_json(self, name: str) -> dict:
        """The profile as written in the file (secrets as slots)."""
        for data in self._read():
            if data["name"] == name:
                return data
        raise ProfileError(f"no profile named {name!r}")

    # writing
    def save(self, profile: Profile) -> list[str]:
        """Write (or replace) the profile; returns the secret slots that could not be kept
        (no keyring): they will be asked for when it is opened."""
        if not profile.name.strip():
            raise ProfileError("a profile needs a name")
        data, secrets = to_json(profile)
        not_kept = []
        old = next((p for p in self._read() if p["name"] == profile.name), None)
        if old is not None:
            for slot in set(_slots_of(old)[1]) - set(secrets):
                self.secrets.delete(_key(profile.name, slot))
        for slot, value in secrets.items():
            if not self.secrets.set(_key(profile.name, slot), json.dumps(value)):
                not_kept.append(slot)
        rows = [p for p in self._read() if p["name"] != profile.name]
        at = next((i for i, p in enumerate(self._read()) if p["name"] == profile.name), len(rows))
        rows.insert(at, data)
        self._write(rows)
        return not_kept

    def set_templates(self, name: str, templates: list[dict]) -> None:
        """Write a profile's templates alone (the composer saved or removed one while it was
        open): its other fields stay as saved, unsaved edits of the form are not written."""
        profile = self.get(name)
        check_templates(templates, to_json(replace(profile, templates=[]))[1])
        rows = self._read()
        for data in rows:
            if data["name"] == name:
                data["templates"] = [dict(t) for t in templates]
        self._write(rows)

    def delete(self, name: str) -> None:
        data = self.get_json(name)
        for slot in _slots_of(data)[1]:
            self.secrets.delete(_key(name, slot))
        self._write([p for p in self._read() if p["name"] != name])

    def rename(self, old: str, new: str) -> None:
        new = new.strip()
        if new == old:
            return
        if new in self.names():
            raise ProfileError(f"a profile named {new!r} exists already")
        profile = self.get(old)
        profile.name = new
        missing = list(profile.missing)
        self.delete(old)
        self._save_keeping_missing(profile, missing)

    def duplicate(self, name: str, new: str | None = None) -> str:
        profile = self.get(name)
        profile.name = new.strip() if new else self.free_name(f"{name} copy")
        if profile.name in self.names():
            raise ProfileError(f"a profile named {profile.name!r} exists already")
        self._save_keeping_missing(profile, list(profile.missing))
        return profile.name

    def _save_keeping_missing(self, profile: Profile, missing: list[str]) -> None:
        """Save a profile read back with secrets missing: the file still names them."""
        self.save(profile)
        if missing:
            rows = self._read()
            for data in rows:
                if data["name"] == profile.name:
                    _restore_slots(data, missing)
            self._write(rows)

    def free_name(self, base: str) -> str:
        names, name, n = set(self.names()), base, 2
        while name in names:
            name, n = f"{base} ({n})", n + 1
        return name

    # sharing
    def export(self, path: str | Path, names: Iterable[str] | None = None) -> int:
        """Write the profiles (all, or `names`) to one file, secrets left out; returns how many."""
        rows = [p for p in self._read() if names is None or p["name"] in set(names)]
        _write_file(Path(path), rows)
        return len(rows)

    def import_file(self, path: str | Path) -> list[str]:
        """Add the profiles of an exported file (a name taken gets ' (2)'); their secrets are
        asked for when each is opened.  Returns the names given."""
        incoming = read_file(Path(path))
        rows, added = self._read(), []
        taken = {p["name"] for p in rows}
        for data in incoming:
            name, n = data["name"], 2
            while name in taken:
                name, n = f"{data['name']} ({n})", n + 1
            taken.add(name)
            rows.append({**data, "name": name})
            added.append(name)
        self._write(rows)
        return added

    def _write(self, rows: list[dict]) -> None:
        _write_file(self.path, rows)


def _key(name: str, slot: str) -> str:
    return f"profile/{name}/{slot}"


def _slots_of(data: Any) -> tuple[Any, list[str]]:
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if set(value) == {SECRET}:
                found.append(value[SECRET])
                return
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    walk(data)
    return data, found


def _restore_slots(data: dict, slots: list[str]) -> None:
    for slot in slots:
        kind, _, key = slot.partition(":")
        if kind == "auth":
            data["auth"] = {**(data.get("auth") or {}), key: {SECRET: slot}}
        elif kind == "header":
            data["headers"] = {**(data.get("headers") or {}), key: {SECRET: slot}}
        elif kind == "ns":
            ns, _, name = key.rpartition(":")
            for item in data["namespaces"]:
                if item["name"] == ns:
                    item["auth"] = {**(item.get("auth") or {}), name: {SECRET: slot}}
        elif slot == "url:password":
            data["url_password"] = {SECRET: slot}


def read_file(path: Path) -> list[dict]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ProfileError(f"{path} is not a profiles file (not JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ProfileError(f"{path} is not a socketio-inspector profiles file")
    version = doc.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ProfileError(f"{path} was written by a newer socketio-inspector (profiles version "
                           f"{version}; this one reads {VERSION})")
    rows = doc.get("profiles")
    if not isinstance(rows, list) or not all(isinstance(p, dict) and isinstance(p.get("name"), str)
                                             for p in rows):
        raise ProfileError(f"{path}: `profiles` must be a list of named profiles")
    for data in rows:
        from_json(data)         # refuse a broken profile now, not when it is opened
    return rows


def _write_file(path: Path, rows: list[dict]) -> None:
    """Atomically: a crash mid-write never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"format": FORMAT, "version": VERSION, "profiles": rows}, indent=2,
                      ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".profiles-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def with_name(profile: Profile, name: str) -> Profile:
    return replace(profile, name=name)
