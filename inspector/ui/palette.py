"""Every colour the window draws with, named by its role, with a light and a dark value.

Widgets ask a Swatch for its colour when they draw or style themselves (`ERROR.qcolor()`,
`f"color: {MUTED.css()}"`), and get the value for the current scheme.  The scheme is
light until set_scheme() says otherwise (or follow_system() reads it from Qt's palette);
what paints itself (the log table, the timeline, the plots) follows a change at its next
repaint, and on_scheme_changed() lets the others restyle themselves.  A colour anywhere
else in inspector/ui is a defect (tests/test_named_once.py looks for them).

The light values are GitHub's Primer colours; the dark ones its dark theme's.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from enum import Enum
from typing import Callable

import shiboken6
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget


class Scheme(Enum):
    LIGHT = "light"
    DARK = "dark"


_scheme = Scheme.LIGHT
_listeners: list[Callable[[], Callable[[Scheme], None] | None]] = []


@dataclass(frozen=True)
class Swatch:
    """One role's colour: `#rrggbb` (or `#aarrggbb`) in the light and in the dark scheme."""

    light: str
    dark: str

    def css(self) -> str:
        """The colour for a style sheet, in the current scheme."""
        return self.dark if _scheme is Scheme.DARK else self.light

    def qcolor(self) -> QColor:
        return QColor(self.css())

    def brush(self) -> QBrush:
        return QBrush(self.qcolor())


# -- the window itself (Qt's palette, when the user picks a scheme the desktop does not have) --
WINDOW = Swatch("#f6f8fa", "#161b22")             # panels, menus, the status bar
WINDOW_TEXT = Swatch("#1f2328", "#e6edf3")
BASE = Swatch("#ffffff", "#0d1117")               # fields, lists, the log table
ALTERNATE_BASE = Swatch("#f6f8fa", "#161b22")     # every other row of the log
BUTTON = Swatch("#f3f4f6", "#21262d")
BUTTON_TEXT = Swatch("#1f2328", "#e6edf3")
HIGHLIGHT = Swatch("#0969da", "#1f6feb")          # the selected rows
HIGHLIGHTED_TEXT = Swatch("#ffffff", "#ffffff")
DISABLED_TEXT = Swatch("#8c959f", "#6e7681")
PLACEHOLDER = Swatch("#6e7781", "#7d8590")
LINK = Swatch("#0969da", "#58a6ff")
EDGE_LIGHT = Swatch("#ffffff", "#30363d")         # the bevels the style draws with
EDGE_MID = Swatch("#d0d7de", "#30363d")
EDGE_DARK = Swatch("#afb8c1", "#010409")
TOOLTIP_BASE = Swatch("#ffffff", "#21262d")
TOOLTIP_TEXT = Swatch("#1f2328", "#e6edf3")

# -- text and status ------------------------------------------------------------------
TEXT = Swatch("#24292f", "#e6edf3")               # text drawn on our own canvases (plots)
MUTED = Swatch("#6e7781", "#8b949e")              # hints, counts, axis labels, "disconnected"
NEUTRAL = Swatch("#57606a", "#8b949e")            # a summary that is neither good nor bad
OK = Swatch("#1a7f37", "#3fb950")                 # connected, passed, joined
PENDING = Swatch("#9a6700", "#d29922")            # connecting, joining, held until reconnect
WARNING = Swatch("#bc4c00", "#db6d28")            # reconnecting, no ack, stopped
ERROR = Swatch("#cf222e", "#f85149")              # refused, failed, errors, an invalid field
ACTIVE = Swatch("#1f6feb", "#58a6ff")             # the step running now
ON_BADGE = Swatch("#ffffff", "#ffffff")           # text and marks on a coloured badge or dot
CLEAR = Swatch("#00000000", "#00000000")          # the ground under a drawn icon

# -- fields and rows --------------------------------------------------------------------
VALID_BORDER = Swatch("#1a7f37", "#3fb950")       # a filter that applies
VALID_BACKGROUND = Swatch("#f0fff4", "#12261e")
INVALID_BORDER = Swatch("#cf222e", "#f85149")     # a field that does not parse
INVALID_BACKGROUND = Swatch("#fff5f5", "#3c1618")  # ... and a table cell the user must fix
TLS_OFF_TEXT = Swatch("#ffffff", "#ffffff")       # the "TLS certificate checking is OFF" badge
TLS_OFF_BACKGROUND = Swatch("#cf222e", "#da3633")
BANNER_TEXT = Swatch("#0969da", "#58a6ff")        # "this is a saved session" over the viewer
BANNER_BACKGROUND = Swatch("#ddf4ff", "#121d2f")
OWN_SOCKET = Swatch("#ddf4ff", "#121d2f")         # the inspector's own sockets in the server's list

# -- the log ----------------------------------------------------------------------------
DIR_IN = Swatch("#1f6feb", "#58a6ff")
DIR_OUT = Swatch("#1a7f37", "#3fb950")
DIR_SYS = Swatch("#6e7781", "#8b949e")
KIND_ERROR = Swatch("#cf222e", "#f85149")         # connect_error, error, dropped
KIND_DISCONNECT = Swatch("#bc4c00", "#db6d28")
KIND_GAP = Swatch("#9a6700", "#d29922")           # gap, a failed reconnect attempt
KIND_CONNECT = Swatch("#1a7f37", "#3fb950")       # connect, reconnect
KIND_SERVER = Swatch("#8250df", "#a371f7")        # server: what the server view did as the server
ACK_LATE = Swatch("#cf222e", "#f85149")           # an ack that came late or never
GAP_ROW = Swatch("#fff3cd", "#3b2e00")            # the background of a gap's row

# -- the connection timeline ----------------------------------------------------------------
TIMELINE_UP = Swatch("#2da44e", "#2ea043")
TIMELINE_DOWN = Swatch("#cf222e", "#f85149")      # down, not recovered (or not known)
TIMELINE_RECOVERED = Swatch("#bf8700", "#bb8009")  # down, but the server replayed what was missed
TIMELINE_REFUSED = Swatch("#cf222e", "#f85149")
TIMELINE_CLOSED = Swatch("#afb8c1", "#484f58")
TIMELINE_ATTEMPT = Swatch("#24292f", "#e6edf3")   # the marks of reconnect attempts on a bar
TIMELINE_MISSED = Swatch("#8250df", "#a371f7")    # ▼ numbered events missing
TIMELINE_AXIS = Swatch("#6e7781", "#8b949e")

# -- the statistics plots -------------------------------------------------------------------
PLOT_BACKGROUND = Swatch("#ffffff", "#0d1117")
PLOT_GRID = Swatch("#d0d7de", "#30363d")
PLOT_IN = Swatch("#1f6feb", "#58a6ff")
PLOT_OUT = Swatch("#1a7f37", "#3fb950")

# -- the clients of a workspace (session/workspace.py hands out an index into these) --------
CLIENT_COLOURS = (
    Swatch("#0969da", "#58a6ff"),     # blue
    Swatch("#bf3989", "#db61a2"),     # pink
    Swatch("#1a7f37", "#3fb950"),     # green
    Swatch("#9a6700", "#d29922"),     # amber
    Swatch("#8250df", "#a371f7"),     # purple
    Swatch("#bc4c00", "#db6d28"),     # orange
    Swatch("#1b7c83", "#39c5cf"),     # teal
    Swatch("#57606a", "#8b949e"),     # grey
)
DELIVERY_RECEIVED = Swatch("#dafbe1", "#12261e")   # a matrix cell: this client got it
DELIVERY_MISSED = Swatch("#ffebe9", "#3c1618")     # ... did not
DELIVERY_UNLISTED = Swatch("#fff8c5", "#2e2a12")   # ... got it, though the server did not list it in the room


def swatches() -> dict[str, Swatch]:
    """Every role by its name."""
    return {name: value for name, value in globals().items() if isinstance(value, Swatch)}


# -- the scheme -------------------------------------------------------------------------------
def scheme() -> Scheme:
    return _scheme


def set_scheme(new: Scheme) -> None:
    """Answer with `new`'s colours from now on, and tell those who asked to know."""
    global _scheme
    if new is _scheme:
        return
    _scheme = new
    _restyle()
    _forget_the_gone()
    for ref in list(_listeners):
        fn = ref()
        if fn is not None:
            fn(new)


def scheme_of(palette: QPalette) -> Scheme:
    """Dark when the palette's window is darker than its text (a dark desktop theme)."""
    window = palette.color(QPalette.ColorRole.Window).lightness()
    text = palette.color(QPalette.ColorRole.WindowText).lightness()
    return Scheme.DARK if window < text else Scheme.LIGHT


def follow_system() -> None:
    """Take the scheme of the application's palette (call once a QGuiApplication exists)."""
    set_scheme(scheme_of(QGuiApplication.palette()))


def qt_palette(which: Scheme | None = None) -> QPalette:
    """Qt's palette in our colours, for the scheme given (default: the current one)."""
    global _scheme
    saved, _scheme = _scheme, which or _scheme
    try:
        pal = QPalette()
        R, G = QPalette.ColorRole, QPalette.ColorGroup
        for role, swatch in ((R.Window, WINDOW), (R.WindowText, WINDOW_TEXT), (R.Base, BASE),
                             (R.AlternateBase, ALTERNATE_BASE), (R.Text, WINDOW_TEXT),
                             (R.Button, BUTTON), (R.ButtonText, BUTTON_TEXT), (R.BrightText, ON_BADGE),
                             (R.Highlight, HIGHLIGHT), (R.HighlightedText, HIGHLIGHTED_TEXT),
                             (R.PlaceholderText, PLACEHOLDER), (R.Link, LINK), (R.LinkVisited, LINK),
                             (R.Light, EDGE_LIGHT), (R.Midlight, EDGE_MID), (R.Mid, EDGE_MID),
                             (R.Dark, EDGE_DARK), (R.Shadow, EDGE_DARK),
                             (R.ToolTipBase, TOOLTIP_BASE), (R.ToolTipText, TOOLTIP_TEXT)):
            pal.setColor(role, swatch.qcolor())
        for role in (R.WindowText, R.Text, R.ButtonText, R.HighlightedText):
            pal.setColor(G.Disabled, role, DISABLED_TEXT.qcolor())
        pal.setColor(G.Disabled, R.Highlight, EDGE_MID.qcolor())
        return pal
    finally:
        _scheme = saved


# -- style sheets that follow the scheme ------------------------------------------------------
_styled: "weakref.WeakKeyDictionary[QWidget, Callable[[], str]]" = weakref.WeakKeyDictionary()


def style(widget: QWidget, make: Callable[[], str]) -> None:
    """widget.setStyleSheet(make()), now and after each change of scheme.  `make` builds the
    sheet from swatches (`lambda: f"color: {MUTED.css()};"`); it must not hold the widget."""
    _styled[widget] = make
    widget.setStyleSheet(make())


def _restyle() -> None:
    for widget, make in list(_styled.items()):
        if shiboken6.isValid(widget):
            widget.setStyleSheet(make())


def on_scheme_changed(fn: Callable[[Scheme], None]) -> None:
    """Call fn(scheme) after each change.  A bound method is held weakly: a widget that goes
    away stops being called."""
    _forget_the_gone()
    ref = weakref.WeakMethod(fn) if hasattr(fn, "__self__") else (lambda: fn)
    _listeners.append(ref)


def _forget_the_gone() -> None:
    """Drop the listeners whose object was collected, or whose Qt object was deleted."""
    def gone(ref) -> bool:
        fn = ref()
        owner = getattr(fn, "__self__", None)
        return fn is None or (isinstance(owner, shiboken6.Shiboken.Object) and not shiboken6.isValid(owner))
    _listeners[:] = [ref for ref in _listeners if not gone(ref)]
