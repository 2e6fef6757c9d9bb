"""Entry point: the GUI (QApplication + qasync loop, capture in its own process) or a CLI command."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from inspector import __version__

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    from inspector import cli

    parser = argparse.ArgumentParser(
        prog="socketio-inspector",
        description="A desktop monitor and client for Socket.IO servers. "
                    "Without a command it opens the window.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="start the bundled demo server on a free loopback port and connect to it")
    parser.add_argument("--demo-cluster", action="store_true",
                        help="start the demo server as two nodes sharing a Redis adapter (needs "
                             "redis-server, started on a free loopback port) and connect to node A; "
                             "a client given node B's URL is on the other node")
    parser.add_argument("--url", help="the server URL to put in the connection panel")
    parser.add_argument("--connect", action="store_true", help="connect to --url at start")
    parser.add_argument("--session-file", metavar="PATH",
                        help="record this session to PATH (default: a new file in the per-user "
                             "data directory, or the folder chosen under File)")
    parser.add_argument("--open", metavar="FILE", dest="open_file",
                        help="open an old session (a session file or a JSON Lines export) read-only")
    parser.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="put the inspector in the desktop's application menu, with its icon "
                             "(a .desktop file and icons under $XDG_DATA_HOME or ~/.local/share)")
    parser.add_argument("--uninstall-desktop-entry", action="store_true",
                        help="remove what --install-desktop-entry wrote")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    cli.add_commands(sub)
    return parser


class OneLine(logging.Formatter):
    """A record as one line, its exception as `Type: message`: no traceback on the terminal
    (the log file has it)."""

    def __init__(self, log_file: Path):
        super().__init__()
        self.log_file = log_file

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            text += f" ({type(error).__name__}: {error}; the traceback is in {self.log_file})"
        return f"socketio-inspector: {text}"


def configure_logging(directory: Path | None = None) -> Path:
    """The window's log: INFO and up, tracebacks included, to a file in the per-user log
    directory; warnings and errors also to stderr, one line each.  An exception nothing
    caught (a Qt slot's, say: PySide hands those to sys.excepthook) is logged the same way.
    Returns the log file's path."""
    from logging.handlers import RotatingFileHandler

    import platformdirs

    directory = directory or Path(platformdirs.user_log_dir("socketio-inspector", appauthor=False))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "inspector.log"
    to_file = RotatingFileHandler(path, maxBytes=1 << 20, backupCount=2, encoding="utf-8")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    to_terminal = logging.StreamHandler()
    to_terminal.setLevel(logging.WARNING)
    to_terminal.setFormatter(OneLine(path))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(to_file)
    root.addHandler(to_terminal)

    def uncaught(kind, error, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.error("uncaught error", exc_info=(kind, error, tb))
    sys.excepthook = uncaught
    return path


def demo_server_view(window) -> None:
    """The demo server instruments itself: the window's server view is on, on its namespace."""
    from inspector.demo.admin_ui import ADMIN_PASSWORD, ADMIN_UI_NAMESPACE, ADMIN_USERNAME
    window.server.control.set(True, ADMIN_UI_NAMESPACE, {"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from inspector.ui.bridge import NetworkThread, SessionBridge, start_capture
    from inspector.ui.event_loop import close_qasync_loop, install_qasync_loop
    from inspector.ui.free_memory import one_heap
    from inspector.ui.icon import app_icon
    from inspector.ui.main_window import MainWindow

    one_heap()              # before any thread: see ui/free_memory.py
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("socketio-inspector")
    app.setOrganizationName("socketio-inspector")
    app.setDesktopFileName("socketio-inspector")     # the desktop entry's name (Wayland's app id)
    app.setWindowIcon(app_icon())
    loop = install_qasync_loop(app)      # the window's handlers run on it, as in the tests
    network = demo = None
    url = args.url
    if args.demo:       # the demo server runs in the window's process; capture reaches it over TCP
        from inspector.demo.admin_ui import banner
        from inspector.demo.server import DemoServer
        network = NetworkThread().start()
        demo = DemoServer(tick_interval=2.0, admin_ui=True)       # the server view needs no set-up
        url = network.submit(demo.start()).result(10)
        print(f"socketio-inspector: the demo server listens on {url} (it stops with the window)",
              flush=True)
        print(f"socketio-inspector: {banner(url)}", flush=True)
    cluster = None
    if args.demo_cluster:
        from inspector.demo.cluster import RedisError
        try:
            cluster = start_demo_cluster()
        except RedisError as exc:
            print(f"socketio-inspector: {exc}", file=sys.stderr)
            return 2
        network = cluster.network
        url = cluster.urls[0]
    bridge = SessionBridge(start_capture())    # capture runs in a process of its own
    window = MainWindow(bridge, session_file=args.session_file)
    from inspector.ui import profile_window

    def start_demo() -> str:       # the window's "Start the demo server" (the last URL was a demo's)
        nonlocal demo, network
        from inspector.demo.server import DemoServer
        network = network or NetworkThread().start()     # only --demo started one already
        demo = demo or DemoServer(tick_interval=2.0, admin_ui=True)
        url = demo.url or network.submit(demo.start()).result(10)
        demo_server_view(window)
        return url
    window.start_demo = start_demo
    if args.open_file:
        window.open_session(args.open_file)
    if url:
        window.connection.urlEdit.setText(url)
    if cluster is not None:      # the client list names each client's node; Add offers both
        from inspector.demo.cluster import NODES
        window.clientsUi.set_nodes(dict(zip(cluster.urls, NODES, strict=True)))
    if args.demo:
        profile_window.demo_started(window, url)
        demo_server_view(window)          # the demo's Admin UI namespace and its credentials
    if args.demo or args.demo_cluster or (url and args.connect):
        window.connection._connect_clicked()
    window.show()
    if args.screenshot:
        QTimer.singleShot(2500, lambda: (window.grab().save(args.screenshot), app.quit()))

    try:
        app.exec()              # Qt's loop runs qasync's callbacks: it is the asyncio loop too
    finally:
        # detach: the capture process disconnects, finishes the session file and ends
        code = bridge.close()
        if code:
            log.warning("the capture process ended with exit status %s", code)
        close_qasync_loop(loop, app)
        if demo is not None:
            error = network.settle(demo.stop(), 5.0)
            if error is not None:
                log.warning("stopping the demo server failed; quitting anyway", exc_info=error)
            network.stop()
        if cluster is not None:
            cluster.stop()
    return 0


class RunningCluster:
    """--demo-cluster: redis-server, the two demo nodes on it and the thread their loop runs on."""

    def __init__(self, redis, nodes, network):
        self.redis, self.nodes, self.network = redis, nodes, network
        self.urls = nodes.urls

    def stop(self) -> None:
        error = self.network.settle(self.nodes.stop(), 5.0)
        if error is not None:
            log.warning("stopping the demo cluster failed; quitting anyway", exc_info=error)
        self.network.stop()
        self.redis.stop()


def start_demo_cluster() -> RunningCluster:
    from inspector.demo.cluster import DemoCluster, RedisServer
    from inspector.ui.bridge import NetworkThread
    redis = RedisServer()
    redis.start()
    network = NetworkThread().start()
    try:
        nodes = DemoCluster(redis.url, tick_interval=2.0)
        urls = network.submit(nodes.start()).result(15)
    except BaseException:
        network.stop()
        redis.stop()
        raise
    # the cluster tour (resources/scenarios/cheatsheet-cluster.yaml) puts carol on node B
    os.environ.setdefault("DEMO_NODE_B", urls[1])
    print(f"socketio-inspector: the demo cluster's node A listens on {urls[0]}, node B on {urls[1]}, "
          f"sharing {redis.url} (they stop with the window)", flush=True)
    return RunningCluster(redis, nodes, network)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        from inspector.ui import desktop_entry
        return desktop_entry.run(install_it=args.install_desktop_entry)
    if args.command:
        from inspector import cli
        return cli.run(args)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") \
            and sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        print("socketio-inspector: no display found (set DISPLAY, or QT_QPA_PLATFORM=offscreen); "
              "the headless commands are `listen`, `emit` and `run`", file=sys.stderr)
        return 2
    configure_logging()
    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
