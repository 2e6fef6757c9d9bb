"""The session file's text index: which rows' text holds a plain text, without a scan.

An FTS5 table with the trigram tokenizer (SQLite >= 3.34; checked when a file is
made: without it the file has no index and the filter scans, store/pages.py) over
each row's text (`args` without its brackets), filled by a trigger as the writer
inserts, so the writer's Python work does not grow.  It is contentless: the text
is in `entries` once.  A trigram index finds texts of 3 characters or more; a
shorter one, a regular expression, or a text with non-ASCII characters when case
is ignored, is a scan.

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
SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS entries_text USING fts5(body, content='', tokenize='trigram');
CREATE TABLE IF NOT EXISTS entries_odd (seq INTEGER PRIMARY KEY, why INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS entries_text_replace BEFORE INSERT ON entries
BEGIN
    INSERT INTO entries_text (entries_text, rowid, body)
        SELECT 'delete', seq, substr(args, 2, length(args) - 2) FROM entries WHERE seq = new.seq AND args IS NOT NULL;
    DELETE FROM entries_odd WHERE seq = new.seq;
END;
CREATE TRIGGER IF NOT EXISTS entries_text_insert AFTER INSERT ON entries WHEN new.args IS NOT NULL
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


def usable(text: str, match_case: bool) -> bool:
    """Whether the index can find `text` (a plain text filter)."""
    return len(text) >= MIN_CHARS and (match_case or text.isascii())


def candidates(conn: sqlite3.Connection, text: str, match_case: bool, lo: int, hi: int
               ) -> tuple[list[int], list[tuple[int, str, str]]]:
    """(the seqs in lo..hi whose text holds `text`, judged in SQL; (seq, args, kind) of the
    odd rows in lo..hi, for Python to judge).  usable(text, match_case) must hold."""
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
