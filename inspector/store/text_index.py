"""The session file's text index: which rows' text holds a plain text, without a scan.

An FTS5 table with the trigram tokenizer (SQLite >= 3.34; checked when a file is
made: without it the file has no index and the filter scans, store/pages.py) over
each row's text (`args` without its brackets).  It is contentless: the text is in
`entries` once.

The index trails the rows: indexing costs SQLite more than the insert itself (it
halved the writer in a burst, on the cores the network needs), so the writer
indexes when the session is quiet (`catch_up`, a step at a time) and a burst is
written unindexed.  `entries_text_upto` says how far it has got: every row up to
it is indexed (a row replaced there is indexed again by a trigger), the rows
above it are found by a scan (pages.matching_seqs).  A file made before this has
no `entries_text_upto`: its triggers indexed every row as it came.

A trigram index finds texts of 3 characters or more; a shorter one, a regular
expression, or a text with non-ASCII characters when case is ignored, is a scan.

Ignoring case, the index finds exactly the rows whose text holds an ASCII text
(its case folding is ASCII's there; a row the writer replaces is taken out of it
first).  Matching case, it proposes rows (it folds case) and each is judged
again in SQL (`instr`).  The rows SQL cannot judge as Python does are listed in
`entries_odd` by the same trigger and judged in Python: raw packets and rows
with bytes (their row text is not their `args`: why & 1), and, when case is
ignored, rows with a character that Python's case folding takes to an ASCII
letter (İ ı ſ K: why & 2).
"""
from __future__ import annotations

import sqlite3

MIN_CHARS = 3           # the shortest text a trigram index finds
BYTES_OR_PACKET = 1
FOLDS_TO_ASCII = 2
# the characters whose lower() or re.IGNORECASE match an ASCII letter (found by trying every one)
_FOLDING = ("\u0130", "\u0131", "\u017f", "\u212a")
_WHY = (f"(CASE WHEN new.kind = 'packet' OR instr(new.args, '\"_bytes\"') THEN {BYTES_OR_PACKET} ELSE 0 END)"
        f" | (CASE WHEN {' OR '.join(f'instr(new.args, {c!r})' for c in _FOLDING)}"
        f" THEN {FOLDS_TO_ASCII} ELSE 0 END)")
_INDEXED = "new.seq <= (SELECT upto FROM entries_text_upto)"
SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS entries_text USING fts5(body, content='', tokenize='trigram');
CREATE TABLE IF NOT EXISTS entries_odd (seq INTEGER PRIMARY KEY, why INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entries_text_upto (upto INTEGER NOT NULL);
INSERT INTO entries_text_upto SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM entries_text_upto);
CREATE TRIGGER IF NOT EXISTS entries_text_replace BEFORE INSERT ON entries WHEN {_INDEXED}
BEGIN
    INSERT INTO entries_text (entries_text, rowid, body)
        SELECT 'delete', seq, substr(args, 2, length(args) - 2) FROM entries WHERE seq = new.seq AND args IS NOT NULL;
    DELETE FROM entries_odd WHERE seq = new.seq;
END;
CREATE TRIGGER IF NOT EXISTS entries_text_insert AFTER INSERT ON entries
    WHEN new.args IS NOT NULL AND {_INDEXED}
BEGIN
    INSERT INTO entries_text (rowid, body) VALUES (new.seq, substr(new.args, 2, length(new.args) - 2));
    INSERT OR REPLACE INTO entries_odd SELECT new.seq, w FROM (SELECT {_WHY} AS w) WHERE w != 0;
END;
"""
_BODY = "substr(e.args, 2, length(e.args) - 2)"


def create(conn: sqlite3.Connection) -> bool:
    """Give a new, empty session file its index (an index made later would miss the rows
    already there: a file that has rows and no index keeps none). False: not made (this
    SQLite has no FTS5 or no trigram tokenizer, or the file has rows)."""
    if has_index(conn):
        return True
    if conn.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is not None:
        return False
    try:
        conn.executescript(SCHEMA)
    except sqlite3.OperationalError:        # no fts5 module, or no trigram tokenizer
        return False
    return True


def has_index(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'entries_text_insert'").fetchone() is not None


def indexed_upto(conn: sqlite3.Connection) -> int | None:
    """The seq every row up to which is indexed (None: every row, a file from before the index
    trailed).  has_index(conn) must hold."""
    try:
        row = conn.execute("SELECT upto FROM entries_text_upto").fetchone()
    except sqlite3.OperationalError:        # no such table: a file whose triggers indexed all
        return None
    return None if row is None else row[0]


def catch_up(conn: sqlite3.Connection, rows: int) -> bool:
    """Index the next `rows` rows past indexed_upto (the writer's connection, in its
    transaction: the caller commits).  True: rows are left to index."""
    upto = indexed_upto(conn)
    if upto is None:
        return False
    hi = conn.execute("SELECT max(seq) FROM (SELECT seq FROM entries WHERE seq > ? ORDER BY seq LIMIT ?)",
                      (upto, rows)).fetchone()[0]
    if hi is None:
        return False
    span = (upto, hi)
    conn.execute("INSERT INTO entries_text (rowid, body) SELECT seq, substr(args, 2, length(args) - 2)"
                 " FROM entries WHERE seq > ? AND seq <= ? AND args IS NOT NULL", span)
    why = _WHY.replace("new.", "")
    conn.execute(f"INSERT OR REPLACE INTO entries_odd SELECT seq, w FROM (SELECT seq, {why} AS w FROM entries"
                 " WHERE seq > ? AND seq <= ? AND args IS NOT NULL) WHERE w != 0", span)
    conn.execute("UPDATE entries_text_upto SET upto = ?", (hi,))
    return conn.execute("SELECT 1 FROM entries WHERE seq > ? LIMIT 1", (hi,)).fetchone() is not None


def lag(conn: sqlite3.Connection) -> int:
    """The rows not yet indexed (0 for a file that indexed each row as it came)."""
    upto = indexed_upto(conn)
    if upto is None:
        return 0
    return conn.execute("SELECT count(*) FROM entries WHERE seq > ?", (upto,)).fetchone()[0]


def usable(text: str, match_case: bool) -> bool:
    """Whether the index can find `text` (a plain text filter)."""
    return len(text) >= MIN_CHARS and (match_case or text.isascii())


def candidates(conn: sqlite3.Connection, text: str, match_case: bool, lo: int, hi: int
               ) -> tuple[list[int], list[tuple[int, str, str]]]:
    """(the seqs in lo..hi whose text holds `text`, judged in SQL; (seq, args, kind) of the
    odd rows in lo..hi, for Python to judge).  usable(text, match_case) must hold, and hi be
    at most indexed_upto(conn)."""
    odd = BYTES_OR_PACKET if match_case else BYTES_OR_PACKET | FOLDS_TO_ASCII
    phrase = '"' + text.replace('"', '""') + '"'
    rows = conn.execute(        # CROSS: the few odd rows first (else SQLite walks all of entries)
        "SELECT e.seq, e.args, e.kind FROM entries_odd o CROSS JOIN entries e ON e.seq = o.seq"
        " WHERE o.seq BETWEEN ? AND ? AND o.why & ? AND e.args IS NOT NULL", (lo, hi, odd)).fetchall()
    if match_case:
        found = conn.execute(
            "SELECT e.seq FROM entries_text t CROSS JOIN entries e ON e.seq = t.rowid"
            f" WHERE entries_text MATCH ? AND t.rowid BETWEEN ? AND ? AND instr({_BODY}, ?)",
            (phrase, lo, hi, text))
    else:
        found = conn.execute("SELECT rowid FROM entries_text WHERE entries_text MATCH ?"
                             " AND rowid BETWEEN ? AND ?", (phrase, lo, hi))
    odd_seqs = {r[0] for r in rows}
    return [s for (s,) in found if s not in odd_seqs], rows
