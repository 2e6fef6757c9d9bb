"""Headless commands: `listen` prints every LogEntry as a JSON line, `emit` sends one emit,
`run` runs scenario files.

Every bad input (a flag, a URL, a JSON value) is one line on stderr saying what is wrong and
exit code 2, before anything connects; nothing the command line gives that is not JSON
reaches the wire.  An ARG_JSON (and --auth) may be `@FILE` (the file's text) or `-` (stdin).

The network runs on the main thread's loop here (no Qt).  Exit codes:
0 done, 1 an ack timed out (emit) or a step failed (run), 2 could not connect
(at once with --no-reconnect, else once the reconnect series gave up; or bad
arguments, or a scenario file was refused), with a message on stderr saying why;
130 an emit or a run stopped by Ctrl+C.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import time
from typing import Any, Callable, TextIO

from inspector import admin_cli, profile_cli
from inspector.log.entry import IN, Kind, LogEntry
from inspector.log.words import duration, plural
from inspector.scenarios import file as scenario_file
from inspector.scenarios import junit
from inspector.scenarios.runner import FAILED, SKIPPED, ScenarioRunner
from inspector.session.acks import FROM_OPTIONS, AckFailed
from inspector.session.errors import ConnectError, NamespaceRefused
from inspector.session.explain import TLS_UNCHECKED
from inspector.session.reserved import reserved_name_error
from inspector.session.sequence_gaps import PathError, SequenceRule, parse_path
from inspector.session.session import NotConnected, Session, normalize_namespace
from inspector.wire import loop as network_loop
from inspector.wire.options import ConnectionOptions, OptionsError, Parser, Protocol, Transport, parse_header
from inspector.wire.payload import PayloadError, parse_optional_object, parse_value

EXIT_OK, EXIT_ACK_TIMEOUT, EXIT_CONNECT = 0, 1, 2
EXIT_INTERRUPTED = 130          # as a shell reports a command stopped by Ctrl+C


class UsageError(Exception):
    pass


class _OneLineErrors(argparse.ArgumentParser):
    """A subcommand's parser: a usage error is one line, and positionals may follow options
    (`emit URL echo --ack -- -5`: argparse alone takes the positionals in one go, before
    --ack, and then has none left for -5)."""

    _intermixed = False

    def error(self, message: str):
        # the intermixed parse names every positional it had not filled, optional ones too
        if message.startswith("the following arguments are required:"):
            message = message.replace(", ARG_JSON", "")
        self.exit(EXIT_CONNECT, f"socketio-inspector: {self.prog.split()[-1]}: {one_line(message)} "
                                f"(see {self.prog} --help)\n")

    def parse_known_args(self, args=None, namespace=None):
        if self._intermixed or not self.intermix:
            namespace, extras = super().parse_known_args(args, namespace)
        else:
            self._intermixed = True
            try:
                namespace, extras = self.parse_known_intermixed_args(args, namespace)
            finally:
                self._intermixed = False
        if extras and not self._intermixed:     # else the top parser says so, with its usage
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras


def one_line(text: str) -> str:
    """A message with what the user typed in it stays one line: control characters (new
    lines, and those str.splitlines also breaks at) escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _subcommand(sub, name: str, intermix: bool = False, **kwargs) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, **kwargs)
    parser.__class__ = _OneLineErrors
    parser.intermix = intermix
    return parser


def add_commands(sub) -> None:
    listen = _subcommand(sub, "listen", help="print every entry (JSON Lines) until stopped",
                            description="Connect and print every LogEntry as one JSON line.")
    listen.add_argument("url", nargs="?", help="the server (left out: the --profile's)")
    _add_connection_args(listen)
    listen.add_argument("--emit", nargs="+", action="append", metavar=("EVENT", "ARG_JSON"),
                        default=[], help="emit this once connected (on the first namespace); repeatable")
    listen.add_argument("--duration", type=seconds, metavar="S", help="stop after S seconds")
    listen.add_argument("--count", type=int, metavar="N", help="stop after N incoming events")
    listen.add_argument("--seq", action="append", default=[], metavar="EVENT=FIELD",
                        help="EVENT carries a counter in FIELD (e.g. number=seq, tick=data.i, "
                             "/chat:msg=[1].n); skipped numbers print as gap entries; repeatable")

    emit = _subcommand(sub, "emit", intermix=True, help="send one emit and print it and its ack",
                          description="Send one emit; print the out entry and the ack answer. "
                                      "Exit 0, 1 when the ack timed out, 2 when it could not connect.")
    emit.add_argument("url", nargs="?", help="the server (left out: the --profile's)")
    emit.add_argument("event")
    emit.add_argument("args", nargs="*", metavar="ARG_JSON", help="one JSON value per argument "
                      "(bytes as {\"_bytes\": \"<base64>\"}), or @FILE (its text) or - (stdin); "
                      "put -- before values that start with -")
    _add_connection_args(emit)
    emit.add_argument("--ack", action="store_true", help="ask for an ack and wait for it")
    emit.add_argument("--timeout", type=seconds_or_none, default=FROM_OPTIONS, metavar="S|none",
                      help="this emit's ack timeout: seconds (0: already expired, as "
                           "socket.io-client's timeout(0)) or none (wait for ever); default: "
                           "--ack-timeout when given, else 5")
    emit.add_argument("--compress", dest="compress", action="store_true", default=True,
                      help="send as a compressed websocket frame when deflate was negotiated "
                           "(the default, as socket.io-client's compress(true))")
    emit.add_argument("--no-compress", dest="compress", action="store_false",
                      help="send as a plain frame even on a deflate connection")
    emit.add_argument("--volatile", action="store_true",
                      help="drop instead of sending when the transport is not ready")

    run = _subcommand(sub, "run", intermix=True, help="run scenario files (exit 0 all passed, 1 a step failed)",
                         description="Run scenario files headless: one line per step with its time. "
                                     "Exit 0 when every step passed, 1 when one failed, 2 when a file "
                                     "was refused (nothing runs then) or a server could not be reached.")
    run.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario files (YAML)")
    run.add_argument("--junit", metavar="FILE", help="write a JUnit XML report (one test case per step)")
    run.add_argument("--log", metavar="FILE.jsonl", help="write every log entry as JSON Lines")
    run.add_argument("--url", help="run against this server instead of the scenario's `url`")
    run.add_argument("--profile", metavar="NAME", help="run against this profile's server, its auth and "
                     "header values filling the scenario's ${env:...} secrets (set variables win)")
    profile_cli.add_profile_command(sub)
    admin_cli.add_arguments(_subcommand(sub, "admin", help="print the server's own view (its Admin UI namespace) "
                                        "as JSON Lines", description=admin_cli.__doc__.split("\n\n")[1]), seconds)


def _add_connection_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--namespace", "-n", action="append", default=[], metavar="NS",
                   help="namespace to open (repeatable; default: the URL's path or /)")
    p.add_argument("--auth", metavar="JSON", help="auth payload, a JSON object (or @FILE, or - for stdin)")
    p.add_argument("--header", "-H", action="append", default=[], metavar="'K: V'")
    p.add_argument("--query", "-q", action="append", default=[], metavar="K=V")
    p.add_argument("--transport", choices=[str(t) for t in Transport], default=str(Transport.UPGRADE))
    p.add_argument("--protocol", choices=[str(p) for p in Protocol], default=str(Protocol.AUTO),
                   help="the server generation: auto (recognise socket.io 2.x from its handshake), "
                        "v3+ (socket.io 3.x/4.x), v2 (socket.io 2.x: Engine.IO 3; a namespace's "
                        "auth goes as its query)")
    p.add_argument("--path", default="/socket.io", help="handshake path (default /socket.io)")
    p.add_argument("--parser", choices=[str(name) for name in Parser], default=str(Parser.JSON),
                   help="the server's Socket.IO parser: json (default) or msgpack "
                        "(socket.io-msgpack-parser, python-socketio's serializer='msgpack')")
    p.add_argument("--insecure", action="store_true", help="do not check TLS certificates")
    p.add_argument("--ca-file", metavar="PATH", help="trust this CA certificate (PEM) instead of the system's")
    p.add_argument("--connect-timeout", type=seconds, default=10.0, metavar="S")
    p.add_argument("--ack-timeout", type=seconds_or_none, default=None, metavar="S|none",
                   help="socket.io-client's ackTimeout: every emit's ack timeout unless it has "
                        "its own (default none)")
    p.add_argument("--retries", type=int, default=0, metavar="N",
                   help="socket.io-client's retries: resend an emit until the server acks it, "
                        "N more times at most (every emit then asks for an ack; default 0: off)")
    p.add_argument("--no-reconnect", action="store_true",
                   help="do not reconnect: after a drop, nor when the first connection fails "
                        "(it fails at once)")
    p.add_argument("--reconnect-attempts", type=int, default=0, metavar="N",
                   help="give up after N reconnect attempts (default: no limit, as socket.io-client)")
    p.add_argument("--reconnect-delay", type=seconds, default=1.0, metavar="S",
                   help="the first reconnect delay, doubled at each attempt up to 5 s (default 1)")
    p.add_argument("--tolerate-undecodable", action="store_true",
                   help="keep the connection open after a packet that cannot be decoded "
                        "(socket.io-client closes it and reconnects)")
    p.add_argument("--no-recovery", action="store_true", help="turn connection state recovery off")
    p.add_argument("--no-deflate", action="store_true",
                   help="do not offer permessage-deflate on websocket (offered by default)")
    p.add_argument("--raw", action="store_true", help="also print every Engine.IO packet")
    p.add_argument("--log-secrets", action="store_true",
                   help="print auth values in raw CONNECT packets (masked unless given)")
    profile_cli.add_profile_flag(p)


# options that take a value: `--header=--` gives them [] (argparse drops the "--"), not text
_REPEATED = ("namespace", "header", "query", "seq")
_LISTS = ("args", "emit", "scenarios", "names")     # nargs lists: positional values


def check_values(args: argparse.Namespace) -> None:
    """Every option that takes text got text."""
    for name, value in vars(args).items():
        if name in _LISTS:
            continue
        values = value if name in _REPEATED and isinstance(value, list) else [value]
        if any(isinstance(v, list) for v in values):
            raise UsageError(f"--{name.replace('_', '-')} needs a value ('--' is not one: it "
                             "ends the options)")


def read_value(text: str, what: str) -> str:
    """An argument's text: as given, or a file's (@FILE), or stdin's (-): a JSON value can
    start with neither, and a large one does not fit in the OS's argument limit."""
    if text == "-":
        try:
            data = sys.stdin.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{what}: cannot read stdin (-): {exc}") from None
        if not data.strip():
            raise UsageError(f"{what}: stdin (-) gave nothing")
        return data
    if text.startswith("@"):
        try:
            return open(text[1:], encoding="utf-8").read()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{what}: cannot read {text[1:]!r}: "
                             f"{getattr(exc, 'strerror', None) or exc}") from None
    return text


def clip(text: str, n: int = 40) -> str:
    """A value as a message quotes it: short (a deep or huge one stays one readable line)."""
    text = repr(text)
    return text if len(text) <= n else text[:n - 1] + "…"


INSECURE_WARNING = f"warning: {TLS_UNCHECKED} (--insecure)"


def options_from(args: argparse.Namespace) -> tuple[ConnectionOptions, list[str]]:
    if getattr(args, "profile", None):
        profile_cli.shift_positionals(args)
    elif not args.url:
        raise UsageError("a server URL is needed (or --profile NAME)")
    try:
        auth = parse_optional_object(read_value(args.auth, "--auth")) if args.auth else None
    except PayloadError as exc:
        raise UsageError(f"--auth: {exc}") from None
    try:
        headers = dict(parse_header(h) for h in args.header)
    except OptionsError as exc:
        raise UsageError(f"--header: {exc}") from None
    if args.reconnect_attempts < 0:
        raise UsageError("--reconnect-attempts takes 0 (no limit) or more")
    if args.reconnect_delay <= 0:
        raise UsageError("--reconnect-delay must be positive")
    query = {}
    for q in args.query:
        name, sep, value = q.partition("=")
        if not sep or not name:
            raise UsageError(f"--query takes K=V, got {q!r}")
        query[name] = value
    opts = ConnectionOptions(
        url=args.url or "http://-", path=args.path, transport=args.transport, auth=auth, query=query,
        headers=headers, verify_tls=not args.insecure, connect_timeout=args.connect_timeout, ca_file=args.ca_file,
        reconnection=not args.no_reconnect, recovery=not args.no_recovery,
        compression=not args.no_deflate, log_secrets=args.log_secrets, ack_timeout=args.ack_timeout,
        retries=args.retries, tolerate_undecodable=args.tolerate_undecodable,
        protocol=args.protocol, parser=args.parser,
        reconnection_attempts=args.reconnect_attempts, reconnection_delay=args.reconnect_delay,
        reconnection_delay_max=max(5.0, args.reconnect_delay))
    try:
        args.profile_plan = profile_cli.load(args)
    except profile_cli.ProfileUsageError as exc:
        raise UsageError(str(exc)) from None
    if args.profile_plan is not None:
        opts, profile_namespaces = profile_cli.merge(args.profile_plan, args, opts)
    try:
        opts.validate()
    except OptionsError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:           # urlsplit's own: "http://[::1", a bracketed non-address
        raise UsageError(f"the URL {clip(args.url)} is not valid: {exc}") from None
    if args.insecure:     # one line, every time: the server's identity is not being checked
        print(INSECURE_WARNING, file=sys.stderr)
    namespaces = [normalize_namespace(ns) for ns in args.namespace] or [opts.base_namespace]
    if args.profile_plan is not None:
        namespaces = [normalize_namespace(ns) for ns in profile_namespaces]
    return opts, namespaces


def seconds(text: str) -> float:
    """A duration on the command line: seconds, 0 or more, finite (not nan, not inf)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seconds, got {clip(text)}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"0 or more seconds, a finite number (got {clip(text)})")
    return value


def seconds_or_none(text: str) -> float | None:
    """An ack timeout on the command line: seconds, 0 or more, or `none`."""
    if text.strip().lower() == "none":
        return None
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seconds or none, got {clip(text)}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"0 or more seconds, or none (got {clip(text)})")
    return value


def refuse_reserved(event: str, what: str = "") -> None:
    """An empty or reserved event name is refused before anything connects (Session.emit
    would refuse it too, once connected)."""
    if not event:
        raise UsageError(f"{what}an emit needs an event name (got an empty one)")
    message = reserved_name_error(event)
    if message is not None:
        raise UsageError(f"{what}{message}")


def parse_sequence_rules(specs: list[str]) -> list[SequenceRule]:
    rules = []
    for spec in specs:
        target, sep, path = spec.partition("=")
        ns, colon, event = target.rpartition(":")
        if not sep or not event:
            raise UsageError(f"--seq takes EVENT=FIELD or NS:EVENT=FIELD, got {spec!r}")
        try:
            parse_path(path)
        except PathError as exc:
            raise UsageError(f"--seq {spec}: {exc}") from None
        rules.append(SequenceRule(event, path, normalize_namespace(ns) if colon else None))
    return rules


def parse_json_args(values: list[str], what: str) -> list[Any]:
    out = []
    for i, given in enumerate(values, 1):
        text = read_value(given, f"{what} argument {i}")
        try:
            out.append(parse_value(text))
        except PayloadError as exc:
            raise UsageError(f"{what} argument {i} ({clip(given)}) is not JSON: {exc}") from None
    return out


class Printer:
    """Writes entries as JSON lines; flushes once per loop pass, not per line.

    When the reader goes away (`listen URL | head -3`), it stops writing and calls
    on_closed, so the command ends instead of waiting for a stop that never comes."""

    def __init__(self, out: TextIO, on_closed: Callable[[], None] | None = None):
        self.out = out
        self.on_closed = on_closed
        self.closed = False
        self._flush_scheduled = False

    def __call__(self, entry: LogEntry) -> None:
        if self.closed:
            return
        try:
            self.out.write(entry.to_jsonl() + "\n")
        except (BrokenPipeError, ValueError, OSError):
            self._close()
            return
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        try:
            self.out.flush()
        except (BrokenPipeError, ValueError, OSError):
            self._close()

    def _close(self) -> None:
        self.closed = True
        if self.on_closed is not None:
            self.on_closed()


def _attempts_shower(how_to_stop: str) -> Callable[[LogEntry], None]:
    """On stderr: a failed first connection that will be retried, and each failed attempt
    (subscribed only with reconnection on: without it, the failure is the one message)."""
    def show(entry: LogEntry) -> None:
        if entry.kind == Kind.CONNECT_ERROR and entry.ns is None:
            print(f"socketio-inspector: {entry.detail['message']} — reconnecting "
                  f"(Ctrl+C to stop, {how_to_stop} to fail at once)", file=sys.stderr)
        elif entry.kind == Kind.RECONNECT_ATTEMPT:
            print(f"socketio-inspector: reconnect attempt {entry.detail['attempt']} failed: "
                  f"{entry.detail.get('error')}", file=sys.stderr)
    return show


def _fail(message: str) -> int:
    print(f"socketio-inspector: {one_line(message)}", file=sys.stderr)
    return EXIT_CONNECT


async def _connect(session: Session, opts: ConnectionOptions, namespaces: list[str],
                   profile=None) -> dict:
    await profile_cli.prepare(session, profile)
    results = await session.connect(opts, namespaces, profile.ns_auth if profile else None)
    failed = {ns: r for ns, r in results.items() if isinstance(r, Exception)}
    if len(failed) == len(results):
        reasons = "; ".join(f"{ns}: {r}" for ns, r in failed.items())
        raise ConnectError(f"no namespace could be opened ({reasons})")
    for ns, r in failed.items():
        print(f"socketio-inspector: {ns} was not opened: {r}", file=sys.stderr)
    await profile_cli.join_rooms(session, profile, results)
    return results


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Every check of a command's input that needs no server: raises UsageError (one line)
    or gives what the command runs with."""
    check_values(args)
    if args.command == "run":
        return {}
    opts, namespaces = options_from(args)
    if args.command == "listen":
        emits = [(spec[0], parse_json_args(spec[1:], f"--emit {spec[0]}")) for spec in args.emit]
        for event, _ in emits:
            refuse_reserved(event, "--emit ")
        if args.count is not None and args.count < 0:
            raise UsageError("--count takes 0 (no limit) or more")
        return {"opts": opts, "namespaces": namespaces, "emits": emits,
                "rules": parse_sequence_rules(args.seq)}
    values = parse_json_args(args.args, "emit")
    refuse_reserved(args.event)
    return {"opts": opts, "namespaces": namespaces, "values": values}


async def listen(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    given = prepare(args)
    opts, namespaces, emits = given["opts"], given["namespaces"], given["emits"]
    session = Session(opts)
    session.set_raw_capture(args.raw)
    session.set_sequence_rules(given["rules"])
    stop = asyncio.Event()
    seen = 0

    def count(entry: LogEntry) -> None:
        nonlocal seen
        if entry.dir == IN and entry.kind == Kind.EVENT:
            seen += 1
            if args.count and seen >= args.count:
                stop.set()

    session.subscribe(Printer(out, on_closed=stop.set))
    session.subscribe(count)
    _stop_on_signals(stop)
    try:
        if not await _unless_stopped(_connect(session, opts, namespaces, args.profile_plan), stop):
            await session.disconnect()      # Ctrl+C while a reconnect series (endless by default) ran
            return EXIT_OK
    except (ConnectError, NamespaceRefused) as exc:
        await session.disconnect()      # its HTTP session too ("Unclosed client session")
        return _fail(str(exc))
    for event, values in emits:
        try:
            await session.emit(namespaces[0], event, values)
        except NotConnected as exc:
            print(f"socketio-inspector: --emit {event}: {exc}", file=sys.stderr)
    try:
        await asyncio.wait_for(stop.wait(), args.duration)
    except asyncio.TimeoutError:
        pass
    await session.disconnect()
    return EXIT_OK


async def emit(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    given = prepare(args)
    opts, namespaces, values = given["opts"], given["namespaces"], given["values"]
    session = Session(opts)
    session.set_raw_capture(args.raw)
    printer = Printer(out)
    wanted = (Kind.EVENT, Kind.ACK, Kind.DROPPED, Kind.PACKET, Kind.CONNECT_ERROR) if args.raw else (
        Kind.EVENT, Kind.ACK, Kind.DROPPED)

    def show(entry: LogEntry) -> None:
        if entry.kind in wanted and not (entry.dir == IN and entry.kind == Kind.EVENT):
            printer(entry)

    session.subscribe(show)
    if opts.reconnection:
        session.subscribe(_attempts_shower("--no-reconnect"))
    try:
        await _connect(session, opts, namespaces, args.profile_plan)
    except (ConnectError, NamespaceRefused) as exc:
        await session.disconnect()      # its HTTP session too ("Unclosed client session")
        return _fail(str(exc))
    code = EXIT_OK
    try:
        timeout = args.timeout       # not given: --ack-timeout when given, else 5 s
        if timeout is FROM_OPTIONS and args.ack_timeout is None:
            timeout = 5.0
        result = await session.emit(namespaces[0], args.event, values, ack=args.ack,
                                    timeout=timeout, compress=args.compress,
                                    volatile=args.volatile)
        if result.answer is not None:
            try:
                await _answer_or_forgotten(session, namespaces[0], result)
            except AckFailed as exc:
                print(f"socketio-inspector: {exc}", file=sys.stderr)
                code = EXIT_ACK_TIMEOUT
            except AckForgotten as exc:
                print(f"socketio-inspector: {exc}", file=sys.stderr)
                code = EXIT_ACK_TIMEOUT
        await session.drained()         # so the out entry is printed
    except NotConnected as exc:
        code = _fail(str(exc))
    await session.disconnect()
    return code


class AckForgotten(Exception):
    """An ack without timeout whose connection ended: it will never be answered."""


async def _answer_or_forgotten(session: Session, ns: str, result) -> None:
    """Wait for the answer; an ack with no timeout is forgotten when its connection ends
    (as socket.io-client forgets it), and then nothing would ever end the wait."""
    forgotten = asyncio.Event()

    def check(entry: LogEntry) -> None:
        if (entry.kind == Kind.DISCONNECT and result.ack_id is not None and not result.answer.done()
                and not session.options.retries and not session.acks.is_pending(ns, result.ack_id)):
            forgotten.set()
    unsubscribe = session.subscribe(check)
    waiter = asyncio.ensure_future(forgotten.wait())
    try:
        await asyncio.wait([result.answer, waiter], return_when=asyncio.FIRST_COMPLETED)
    finally:
        unsubscribe()
        waiter.cancel()
    if not result.answer.done():
        raise AckForgotten(f"{ns} was disconnected before the answer came; an ack with no "
                           "timeout is then never answered (as in socket.io-client)")
    result.answer.result()


async def _unless_stopped(coro, stop: asyncio.Event) -> bool:
    """Run `coro` to its end (True; its exception is raised) unless `stop` is set first:
    then it is cancelled (False)."""
    task = asyncio.ensure_future(coro)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        stopped.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


def _stop_on_signals(stop: asyncio.Event) -> None:
    _on_signals(stop.set)


def _on_signals(callback) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, callback)
        except (NotImplementedError, RuntimeError):  # pragma: no cover (Windows)
            pass


async def run_scenarios(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    """Check every file first (nothing connects if one is refused), then run them in order."""
    scenarios, problems = [], []
    try:
        profile = profile_cli.load(args)
    except profile_cli.ProfileUsageError as exc:
        raise UsageError(str(exc)) from None
    if profile is not None:
        args.url = args.url or profile.options.url
    env = profile_cli.scenario_env(profile, os.environ)
    for path in args.scenarios:
        try:
            sc = scenario_file.load(path)
            sc.check_environment(args.url, env)
            scenarios.append(sc)
        except scenario_file.ScenarioError as exc:
            problems += exc.problems
    if problems:
        for p in problems:
            print(f"socketio-inspector: {p}", file=sys.stderr)
        print("socketio-inspector: nothing was run: fix the scenario file(s) above", file=sys.stderr)
        return EXIT_CONNECT
    try:
        log = open(args.log, "w", encoding="utf-8") if args.log else None
    except OSError as exc:
        print(f"socketio-inspector: cannot write --log {args.log}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_CONNECT
    suites: list[junit.SuiteReport] = []
    code = EXIT_OK
    try:
        for sc in scenarios:
            suite, failed, unreachable = await _run_one(sc, args.url, out, log, env)
            suites.append(suite)
            code = max(code, EXIT_CONNECT if unreachable else 1 if failed else EXIT_OK)
    finally:
        if log is not None:
            log.close()
        if args.junit:
            try:
                junit.write(suites, args.junit)
            except OSError as exc:
                print(f"socketio-inspector: cannot write --junit {args.junit}: {exc.strerror or exc}",
                      file=sys.stderr)
                code = EXIT_CONNECT
    if len(suites) > 1:
        bad = sum(1 for s in suites if any(r.status == FAILED for r in s.results))
        print(f"{plural(len(suites), 'scenario')}: {len(suites) - bad} passed, {bad} failed", file=out, flush=True)
    return code


async def _run_one(sc: "scenario_file.Scenario", url: str | None, out: TextIO,
                   log: TextIO | None, env=None) -> tuple[junit.SuiteReport, bool, bool]:
    session = Session()
    if log is not None:
        session.subscribe(Printer(log))
    runner = ScenarioRunner(sc, session, url=url, env=env)
    for other in runner.sessions.values():     # a scenario's other clients: in the log too
        if other is not session and log is not None:
            other.subscribe(Printer(log))
    if sc.connection.get("reconnection", True):
        session.subscribe(_attempts_shower("`reconnection: false` in its connection"))
    started = time.time()
    lines = [f"{sc.file}: {sc.name} ({plural(len(sc.steps), 'step')}) on {runner.url}"]
    print(lines[0], file=out, flush=True)

    def show(result) -> None:
        text = result.report()
        lines.append(text)
        print(text, file=out, flush=True)

    try:
        results = await runner.run(show)
    finally:
        await runner.close()
    seconds = time.time() - started
    failed = [r for r in results if r.status == FAILED]
    if failed:
        r = failed[0]
        skipped = sum(1 for x in results if x.status == SKIPPED)
        where = f"{sc.file}:{r.line}" if r.line else sc.file
        summary = (f"  FAILED at {'the connection' if r.index == 0 else f'step {r.index}'} ({where}): "
                   f"{sum(1 for x in results[1:] if x.passed)} passed, 1 failed, {skipped} not run")
    else:
        summary = f"  passed: {plural(len(results) - 1, 'step')} in {duration(seconds)}"
    lines.append(summary)
    print(summary, file=out, flush=True)
    stats = runner.stats() if sc.clients else None      # several clients: who received what
    if stats is not None:
        lines.append(f"  {stats.words()}")
        print(lines[-1], file=out, flush=True)
    suite = junit.SuiteReport(sc.file, sc.name, runner.url, results, started, "\n".join(lines) + "\n",
                              stats)
    return suite, bool(failed), runner.connect_failed


COMMANDS = {"listen": listen, "emit": emit, "run": run_scenarios}


async def _profile(args: argparse.Namespace) -> int:
    return profile_cli.profile_command(args)
COMMANDS["profile"] = _profile
COMMANDS["admin"] = admin_cli.admin


async def _until_interrupted(command: str, args: argparse.Namespace) -> int:
    """Run a command; Ctrl+C (or SIGTERM) stops it: `listen` ends as it should (it stops
    itself more gently once connected), an interrupted `emit` or `run` did not pass (130)."""
    task = asyncio.current_task()
    interrupted = False

    def interrupt() -> None:
        # through the loop's own signal handling, which wakes the loop at once: Python's
        # KeyboardInterrupt reaches an idle uvloop only when it next wakes up (seconds later
        # in a long wait or a reconnect delay; measured here under load: past 20 s)
        nonlocal interrupted
        interrupted = True
        task.cancel()
    _on_signals(interrupt)
    try:
        return await COMMANDS[command](args)
    except asyncio.CancelledError:
        if not interrupted:
            raise
        return EXIT_OK if command in ("listen", "admin") else EXIT_INTERRUPTED


def run(args: argparse.Namespace) -> int:
    try:
        check_values(args)
        return network_loop.run(_until_interrupted(args.command, args))
    except UsageError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        # stopping `listen` is how it ends; an interrupted `run` did not pass, nor an
        # `emit` (it may be waiting for its connection, retried for ever by default)
        return EXIT_OK if args.command in ("listen", "admin") else EXIT_INTERRUPTED
