"""JSON Lines in and out of session files: one LogEntry's JSON form per line.

Both directions go row by row without building LogEntry objects: an export
writes the file's JSON columns as they are (rows.jsonl_of), an import checks
each line as LogEntry.from_json would and stores its JSON text (rows.row_of_json).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from inspector.store import text_index
from inspector.store.reader import SessionStore
from inspector.store.rows import INSERT, StoreError, jsonl_of, open_file, row_of_json
from inspector.wire import deep_json

IMPORT_BATCH = 20000      # rows per insert (and per progress report) when importing


class _Stopped(Exception):
    """`progress` asked to stop."""


def export_jsonl(store: SessionStore, path: str | Path, seqs: Iterable[int] | None = None,
                 progress: Callable[[int, int], bool] | None = None) -> int:
    """Write the session (or the entries `seqs`) as JSON Lines; returns how many.
    `progress(done, total)` may return False to stop (the partial file is removed)."""
    seqs = None if seqs is None else list(seqs)
    total = store.count() if seqs is None else len(seqs)
    done = 0
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            for rows in store.rows(seqs):
                f.write("\n".join(jsonl_of(r) for r in rows))
                f.write("\n")
                done += len(rows)
                if progress is not None and progress(done, total) is False:
                    raise _Stopped
        os.replace(tmp, path)
    except _Stopped:
        tmp.unlink(missing_ok=True)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return done


def first_time(src: str | Path, look: int = 100) -> float | None:
    """When the first entry of a JSON Lines file happened (its `t`), from its first lines;
    None when they hold none."""
    try:
        with open(src, "rb") as f:
            for _, raw in zip(range(look), f, strict=False):
                try:
                    t = deep_json.loads(raw.decode("utf-8")).get("t")
                except (ValueError, AttributeError, UnicodeDecodeError):
                    continue
                if isinstance(t, (int, float)) and not isinstance(t, bool):
                    return float(t)
    except OSError:
        return None
    return None


def import_jsonl(src: str | Path, dest: str | Path,
                 progress: Callable[[int, int], bool] | None = None) -> int:
    """Read a JSON Lines file into a new session file `dest`; returns how many entries.
    Raises ValueError naming the first bad line (nothing is left behind then)."""
    src, dest = Path(src), Path(dest)
    total = src.stat().st_size or 1
    if dest.exists():
        raise StoreError(f"{dest} exists already")
    conn = open_file(dest, create=True)
    n = 0
    try:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('imported_from', ?)", (src.name,))
        with open(src, "rb") as f:
            batch: list[tuple] = []
            done = 0
            for lineno, raw in enumerate(f, 1):
                done += len(raw)
                line = raw.strip()
                if not line:
                    continue
                try:
                    batch.append(row_of_json(deep_json.loads(line.decode('utf-8'))))
                except (ValueError, UnicodeDecodeError) as exc:
                    raise ValueError(f"{src.name}, line {lineno}: {exc}") from None
                if len(batch) >= IMPORT_BATCH:
                    conn.executemany(INSERT, batch)
                    text_index.catch_up(conn, len(batch))    # an import is indexed as it goes
                    n += len(batch)
                    batch.clear()
                    if progress is not None and progress(done, total) is False:
                        raise _Stopped
            conn.executemany(INSERT, batch)
            text_index.catch_up(conn, len(batch) or 1)
            n += len(batch)
        # when it was recorded (its first entry), not when it was imported ('created')
        first = conn.execute("SELECT MIN(t) FROM entries").fetchone()[0]
        if first is not None:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('recorded', ?)", (repr(first),))
        conn.commit()
        conn.close()
    except BaseException as exc:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(dest) + suffix).unlink(missing_ok=True)
        if isinstance(exc, _Stopped):
            return 0
        raise
    return n
