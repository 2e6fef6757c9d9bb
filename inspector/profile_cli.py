"""Profiles on the command line: `--profile NAME` on listen / emit / run, and
`socketio-inspector profile list|show|export|import`.

With --profile, the profile gives the URL, every connection option, the namespaces
with their auth, the rooms to join and the answers to the server's acks; a flag given
on the command line wins over the profile's value (a flag left at its default does not
count as given).  A secret the profile could not keep (no keyring on this machine) is
asked for on a terminal, else the command says which flag gives it.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from dataclasses import replace
from typing import Any, TextIO

from inspector.log.words import plural
from inspector.scenarios.recorder import secret_env
from inspector.session.profiles import Profile, ProfileError, ProfileStore, describe_slot, masked

# flag dest -> ConnectionOptions field, for the flags whose value is the option's as it is
_PLAIN = {"path": "path", "transport": "transport", "protocol": "protocol", "parser": "parser",
          "connect_timeout": "connect_timeout", "ack_timeout": "ack_timeout", "retries": "retries",
          "reconnect_attempts": "reconnection_attempts", "reconnect_delay": "reconnection_delay",
          "log_secrets": "log_secrets", "tolerate_undecodable": "tolerate_undecodable"}
# flag dest -> (option field, the option's value when the flag is given)
_SWITCHES = {"insecure": ("verify_tls", False), "no_reconnect": ("reconnection", False),
             "no_recovery": ("recovery", False), "no_deflate": ("compression", False)}


class ProfileUsageError(Exception):
    pass


def add_profile_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", metavar="NAME",
                   help="take the URL, options, namespaces (with their auth), rooms and ack answers "
                        "from this saved profile; flags given here win (`profile list` lists them)")
    p.set_defaults(connection_parser=p)


def add_profile_command(sub) -> None:
    prof = sub.add_parser("profile", help="list, show, export or import connection profiles",
                          description="Connection profiles, as the window saves them (secrets in the "
                                      "system keyring, never in the file).")
    what = prof.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    what.add_parser("list", help="the profiles' names and URLs")
    show = what.add_parser("show", help="one profile as JSON, its secrets masked")
    show.add_argument("name")
    export = what.add_parser("export", help="write profiles to one file to share (secrets left out)")
    export.add_argument("file")
    export.add_argument("names", nargs="*", metavar="NAME", help="these only (default: all)")
    imp = what.add_parser("import", help="add the profiles of an exported file")
    imp.add_argument("file")


def profile_command(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    store = ProfileStore()
    try:
        if args.profile_command == "list":
            for name in store.names():
                print(f"{name}\t{store.get_json(name).get('url', '')}", file=out)
        elif args.profile_command == "show":
            print(json.dumps(masked(store.get_json(args.name)), indent=2, ensure_ascii=False), file=out)
        elif args.profile_command == "export":
            missing = sorted(set(args.names) - set(store.names()))
            if missing:
                raise ProfileError(f"no profile named {', '.join(missing)}")
            n = store.export(args.file, args.names or None)
            print(f"exported {plural(n, 'profile')} to {args.file} (secrets left out)", file=out)
        else:
            names = store.import_file(args.file)
            print(f"imported {plural(len(names), 'profile')}: {', '.join(names)}"
                  + (" (their secrets are asked for when each is used)" if names else ""), file=out)
    except ProfileError as exc:
        print(f"socketio-inspector: {exc}", file=sys.stderr)
        return 2
    return 0


def load(args: argparse.Namespace) -> Profile | None:
    """The profile --profile names (its missing secrets asked for), or None."""
    name = getattr(args, "profile", None)
    if not name:
        return None
    try:
        profile = ProfileStore().get(name)
    except ProfileError as exc:
        raise ProfileUsageError(str(exc)) from None
    given_auth = bool(getattr(args, "auth", None))
    given_headers = {h.partition(":")[0].strip() for h in getattr(args, "header", [])}
    for slot in list(profile.missing):
        kind, _, key = slot.partition(":")
        if (kind == "auth" and given_auth) or (kind == "header" and key in given_headers):
            profile.missing.remove(slot)
            continue
        if sys.stdin.isatty():
            profile.fill(slot, getpass.getpass(f"profile {name}: {describe_slot(slot)}: "))
    if profile.missing:
        words = ", ".join(describe_slot(s) for s in profile.missing)
        raise ProfileUsageError(f"profile {name}: no keyring on this machine holds its secrets ({words}); "
                                "give them with --auth / --header, or run on a terminal to be asked")
    return profile


def shift_positionals(args: argparse.Namespace) -> None:
    """With --profile the URL may be left out: `emit --profile dev EVENT ARGS...`."""
    url = getattr(args, "url", None)
    if url is None or "://" in url:
        return
    if hasattr(args, "event"):
        args.args = [args.event, *args.args] if args.event is not None else list(args.args)
        args.event = url
    args.url = None


def merge(profile: Profile, args: argparse.Namespace, opts_from_flags) -> tuple[Any, list[str]]:
    """The profile's options with the flags given on the command line applied over them."""
    parser = args.connection_parser
    opts = replace(profile.options)
    given = {dest for dest in (*_PLAIN, *_SWITCHES) if getattr(args, dest) != parser.get_default(dest)}
    for dest in given & set(_PLAIN):
        setattr(opts, _PLAIN[dest], getattr(args, dest))
    for dest in given & set(_SWITCHES):
        field_name, value = _SWITCHES[dest]
        setattr(opts, field_name, value)
    flag_opts = opts_from_flags          # the flags' own parse (auth, headers, query checked there)
    if args.url:
        opts.url = args.url
    if args.auth:
        opts.auth = flag_opts.auth
    opts.headers = {**opts.headers, **flag_opts.headers}
    opts.query = {**opts.query, **flag_opts.query}
    if "reconnect_delay" in given:
        opts.reconnection_delay_max = max(opts.reconnection_delay_max, opts.reconnection_delay)
    return opts, list(args.namespace) or profile.open_namespaces()


async def prepare(session, profile: Profile | None) -> None:
    """Before connecting: the profile's room events and answers to the server's acks."""
    if profile is None:
        return
    session.rooms.join_event, session.rooms.leave_event = profile.join_event, profile.leave_event
    session.server_acks.default = profile.default_ack
    session.server_acks.by_event = dict(profile.server_acks)


async def join_rooms(session, profile: Profile | None, opened: dict) -> None:
    """Once connected: the profile's rooms, in the namespaces that opened."""
    if profile is None:
        return
    for ns, rooms in profile.rooms.items():
        if ns in opened and not isinstance(opened[ns], Exception):
            for room in rooms:
                result = await session.join_room(ns, room)
                if result.answer is not None:
                    try:
                        await result.answer
                    except Exception as exc:     # the server did not ack the join: said, not fatal
                        print(f"socketio-inspector: joining {room} on {ns}: {exc}", file=sys.stderr)


def scenario_env(profile: Profile | None, env) -> Any:
    """`run --profile`: the scenario's ${env:...} secrets from the profile's auth and headers
    (the environment's own variables win)."""
    if profile is None:
        return None
    return {**secret_env(profile.options, profile.ns_auth), **env}
