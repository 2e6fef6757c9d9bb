"""The session file as the window's pager: row texts by seq range, the newest seq
committed, and the text filter run in SQLite instead of over a copy in memory.

The window keeps only its rows' small columns in memory (log/table.py); a row's
text is read from here a page at a time as the user scrolls.  Each FilePages has
its own read-only connection (WAL lets it read while the writer writes), never
the writer's, and is used by one thread.

The text filter: a plain text is found by SQLite (`instr`, over the whole text,
not its first TEXT_CAP characters); the rows SQLite cannot judge exactly as
Python does (text with non-ASCII characters when case is ignored, since SQLite's
lower() folds ASCII only; bytes; raw packets) come back with their text and are
judged by LogFilter.text_matcher, as a regular expression is on every row.
With the file's text index (store/text_index.py) a plain text is found through
it instead of a scan, up to the row it has reached (the rest is scanned).
`matching_seqs(..., sql=False)` judges every row in Python: the fallback, and what the tests compare the SQL paths with.
"""
from __future__ import annotations

import concurrent.futures
import operator
import sqlite3
import threading
from pathlib import Path
from typing import Callable

from inspector.log.chunk import chunk_from_rows
from inspector.log.filter import LogFilter
from inspector.log.row_text import whole_row_text
from inspector.store import text_index
from inspector.store.rows import COLUMNS

_BODY = "substr(args, 2, length(args) - 2)"      # the row text: args without its brackets
_ODD = "(kind = 'packet' OR instr(args, '\"_bytes\"'))"
_NON_ASCII = "length(CAST(args AS BLOB)) != length(args)"
_FIRST = operator.itemgetter(0)
STEP = 200_000          # seqs per query: progress is reported (and a cancel seen) between them


def connect_read_only(path: str | Path) -> sqlite3.Connection:
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only=1")
    return conn


def matching_seqs(conn: sqlite3.Connection, f: LogFilter, lo: int, hi: int, sql: bool = True,
                  report: Callable[[int, int], bool] | None = None, index: bool = True) -> list[int]:
    """The seqs in lo..hi whose whole text passes `f`'s text part, ascending (with `index`,
    through the file's text index where it has one and it can find the text)."""
    if not f.text:
        return [s for (s,) in conn.execute("SELECT seq FROM entries WHERE seq BETWEEN ? AND ?",
                                           (lo, hi))]
    if sql and not f.regex and text_index.has_index(conn) and (f.match_case or f.text.isascii()):
        # the rows the index has reached: found through it, or scanned with one test a row
        # (their odd rows are listed); the rows above it (a burst just written) scanned with
        # the odd ones found on the way
        upto = text_index.indexed_upto(conn)
        top = hi if upto is None else min(hi, upto)
        seqs: list[int] = []
        if lo <= top:
            if index and text_index.usable(f.text, f.match_case):
                seqs, odd = text_index.candidates(conn, f.text, f.match_case, lo, top)
                matches = f.text_matcher()
                seqs.extend(seq for seq, args, kind in odd if matches(whole_row_text(kind, args)))
                seqs.sort()
            else:
                seqs = _listed_scan(conn, f, lo, top, report)
        if top < hi:
            seqs += _scan(conn, f, max(lo, top + 1), hi, report)
        return seqs
    return _scan(conn, f, lo, hi, report, sql)


def _scan(conn: sqlite3.Connection, f: LogFilter, lo: int, hi: int,
          report: Callable[[int, int], bool] | None, sql: bool = True) -> list[int]:
    matches = f.text_matcher()
    if sql and not f.regex:
        odd, found, needle = _scan_test(f.text, f.match_case)
        query = (f"SELECT seq, CASE WHEN {odd} THEN args END, kind FROM entries "
                 f"WHERE seq BETWEEN ? AND ? AND args IS NOT NULL AND ({odd} OR {found})")
        params: tuple = (needle,)
    else:
        query = "SELECT seq, args, kind FROM entries WHERE seq BETWEEN ? AND ? AND args IS NOT NULL"
        params = ()
    out: list[int] = []
    for start in range(lo, hi + 1, STEP):
        stop = min(start + STEP - 1, hi)
        for seq, args, kind in conn.execute(query, (start, stop, *params)):
            if args is None or matches(whole_row_text(kind, args)):
                out.append(seq)
        if report is not None and not report(stop - lo + 1, hi - lo + 1):
            break
    return out


def _listed_scan(conn: sqlite3.Connection, f: LogFilter, lo: int, hi: int,
                 report: Callable[[int, int], bool] | None) -> list[int]:
    """A plain text (ASCII, or matching case) over rows the text index has reached: SQL judges
    every row but the odd ones the index lists (bytes, packets; ignoring case, characters
    Python folds to an ASCII letter), which Python judges."""
    _odd, found, needle = _scan_test(f.text, f.match_case)
    folded = not f.match_case and _has_case(f.text)
    why = text_index.BYTES_OR_PACKET | (text_index.FOLDS_TO_ASCII if folded else 0)
    odd = conn.execute(
        "SELECT e.seq, e.args, e.kind FROM entries_odd o CROSS JOIN entries e ON e.seq = o.seq"
        " WHERE o.seq BETWEEN ? AND ? AND o.why & ? AND e.args IS NOT NULL", (lo, hi, why)).fetchall()
    odd_seqs = {seq for seq, _a, _k in odd}
    matches = f.text_matcher()
    out = [seq for seq, args, kind in odd if matches(whole_row_text(kind, args))]
    query = f"SELECT seq FROM entries WHERE seq BETWEEN ? AND ? AND args IS NOT NULL AND {found}"
    stopped = threading.Event()

    def part(c: sqlite3.Connection, a: int, b: int, tell: bool) -> list[int]:
        got: list[int] = []
        for start in range(a, b + 1, STEP):
            stop = min(start + STEP - 1, b)
            rows = c.execute(query, (start, stop, needle))
            got += [seq for (seq,) in rows if seq not in odd_seqs] if odd_seqs else map(_FIRST, rows)
            if stopped.is_set():
                break
            # the first half's progress stands for both (they go at the same pace)
            if tell and report is not None and not report(2 * (stop - a + 1), hi - lo + 1):
                stopped.set()
                break
        return got
    if hi - lo < 2 * STEP:
        out += part(conn, lo, hi, True)
    else:
        # SQLite runs without the GIL: the upper half on a connection of its own, on the other core
        mid = (lo + hi) // 2
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="inspector-scan") as pool:
            upper = pool.submit(_in_own_connection, conn, lambda c: part(c, mid + 1, hi, False))
            try:
                out += part(conn, lo, mid, True)
            except BaseException:
                stopped.set()           # the other half stops at its next step
                raise
            finally:
                out += upper.result()
    out.sort()
    return out


def _in_own_connection(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], list[int]]) -> list[int]:
    """`work` on a read-only connection of its own to `conn`'s file."""
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    other = connect_read_only(path)
    try:
        return work(other)
    finally:
        other.close()


def _scan_test(text: str, match_case: bool) -> tuple[str, str, str]:
    """(the rows SQLite hands to Python, the SQL test of the others, its parameter) for a
    plain text.  Each one a single pass over `args` where it can be (at ten million rows,
    lower(substr(...)) then instr took 4.6 s for a two-character text; this, 1.9 s):
    a text without brackets cannot match across the ones around the row text, so it is
    looked for in `args` itself; a text with no case (digits, punctuation) is found as it
    is whatever the case setting, as Python finds it (GLOB); otherwise LIKE, which folds ASCII
    as SQLite's lower() does, and the rows with other characters go to Python."""
    where = "args" if "[" not in text and "]" not in text else _BODY
    if match_case or not _has_case(text):
        # GLOB, its wildcards taken as plain characters: a fifth faster than instr here
        glob = "".join(f"[{c}]" if c in "*?[" else c for c in text)
        return _ODD, f"{where} GLOB ?", f"*{glob}*"
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"({_ODD} OR {_NON_ASCII})", f"{where} LIKE ? ESCAPE '\\'", f"%{escaped}%"


def _has_case(text: str) -> bool:
    """Whether ignoring case changes what `text` matches (not for digits or punctuation)."""
    return text.lower() != text or text.upper() != text


class FilePages:
    """One thread's read-only view of a session file (opened when first needed: a live
    session's file appears with its first entry; again when the file was moved)."""

    def __init__(self, path: Callable[[], Path]):
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._open_path: Path | None = None

    def _connection(self) -> sqlite3.Connection | None:
        path = self._path()
        if self._conn is not None and self._open_path != path:
            self.close()
        if self._conn is None:
            if not Path(path).is_file():
                return None
            try:
                self._conn = connect_read_only(path)
            except sqlite3.Error:
                return None
            self._open_path = path
        return self._conn

    def path(self) -> Path:
        return self._path()

    def opened_again(self) -> "FilePages":
        """Pages over the same file with a connection of their own (for another thread)."""
        return FilePages(self._path)

    def committed_seq(self) -> int:
        """The newest seq the file holds (0: none, or no file yet)."""
        conn = self._connection()
        if conn is None:
            return 0
        try:
            return conn.execute("SELECT coalesce(max(seq), 0) FROM entries").fetchone()[0]
        except sqlite3.Error:
            return 0

    def texts(self, lo: int, hi: int) -> dict[int, str]:
        """seq -> row text (cut at TEXT_CAP, as log/chunk.py makes it) of the rows lo..hi."""
        conn = self._connection()
        if conn is None:
            return {}
        try:
            rows = conn.execute(f"SELECT {COLUMNS} FROM entries WHERE seq BETWEEN ? AND ? ORDER BY seq",
                                (lo, hi)).fetchall()
        except sqlite3.Error:
            return {}
        chunk = chunk_from_rows(rows)
        return dict(zip(chunk.seq, chunk.text, strict=True))

    def matching_seqs(self, f: LogFilter, lo: int, hi: int) -> list[int] | None:
        """None: the file cannot be read (the caller judges the rows it has)."""
        conn = self._connection()
        if conn is None:
            return None
        try:
            return matching_seqs(conn, f, lo, hi)
        except sqlite3.Error:
            return None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
