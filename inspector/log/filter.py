"""LogFilter: what the filter bar asks for, and the regular expression it scans with.

The scan itself is log/search.py's; here is what a filter means: None or
empty is "any"; the text is a plain text or a Python regular expression over a
row's argument text, case-insensitive unless match_case.  An invalid
expression raises FilterError with the reason in words.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass


class FilterError(ValueError):
    """A filter that cannot be applied (an invalid regular expression); says why."""


@dataclass(frozen=True)
class LogFilter:
    """What the filter bar asks for; None / empty means "any"."""

    dirs: frozenset | None = None
    namespaces: frozenset | None = None
    events: frozenset | None = None
    flags: frozenset | None = None        # rows with any of these flags
    text: str = ""
    regex: bool = False
    match_case: bool = False
    clients: frozenset | None = None      # client names (None in it: entries that name none)

    def is_empty(self) -> bool:
        return (self.dirs is None and self.namespaces is None and self.events is None
                and not self.flags and not self.text and self.clients is None)

    def compiled(self) -> tuple[re.Pattern | None, bool]:
        """(the pattern to scan with, whether to scan the lowered text); raises FilterError."""
        if not self.text:
            return None, False
        if not self.regex:
            if self.match_case:
                return re.compile(re.escape(self.text) + "[^\n]*"), False
            return re.compile(re.escape(self.text.lower()) + "[^\n]*"), True
        try:
            flags = 0
            lowered = False
            source = self.text
            if not self.match_case:
                # a pattern without capitals finds on the lowered text what re.I finds
                # on the text, several times faster
                low = _lower_pattern(source)
                if low is not None:
                    source, lowered = low, True
                else:
                    flags = re.IGNORECASE
            # "[[" and the like warn that their meaning may change in a later Python (a
            # FutureWarning, an exception under -W error): they mean today what they say
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                re.compile(self.text)       # its own error message, with its own positions
                return re.compile(f"(?:{source})[^\n]*", flags | re.MULTILINE), lowered
        except re.error as exc:
            where = f" at position {exc.pos}" if exc.pos is not None else ""
            raise FilterError(f"invalid regular expression: {exc.msg}{where}") from None
        except (OverflowError, RecursionError):
            raise FilterError("invalid regular expression: too complex") from None

    def text_matcher(self):
        """text_matches as a function of one row's text, the pattern compiled once."""
        pattern, lowered = self.compiled()
        if pattern is None:
            return lambda _text: True
        folded = re.compile(pattern.pattern, pattern.flags | re.IGNORECASE) if lowered else pattern

        def matches(text: str) -> bool:
            if lowered:
                low = text.lower()
                if len(low) == len(text):
                    return pattern.search(low) is not None
                return folded.search(text) is not None
            return pattern.search(text) is not None
        return matches

    def text_matches(self, text: str) -> bool:
        """Whether one row's text passes the text part (what the block scan decides, for one
        row; used on the whole text of rows that were cut)."""
        pattern, lowered = self.compiled()
        if pattern is None:
            return True
        if lowered:
            low = text.lower()
            if len(low) == len(text):
                return pattern.search(low) is not None
            pattern = re.compile(pattern.pattern, pattern.flags | re.IGNORECASE)
        return pattern.search(text) is not None


_ESCAPE_WITH_CAPITAL = re.compile(r"\\[xuUN0-7]")


def _lower_pattern(pattern: str) -> str | None:
    """The pattern with its letters lowered, escapes (\\D, \\S...) and group names kept;
    None when that would change what it means (hex or named characters)."""
    if _ESCAPE_WITH_CAPITAL.search(pattern):
        return None
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(pattern[i:i + 2])
            i += 2
        elif pattern.startswith(("(?P<", "(?P="), i):
            j = pattern.find(">" if pattern[i + 3] == "<" else ")", i)
            j = n if j < 0 else j + 1
            out.append(pattern[i:j])
            i = j
        else:
            out.append(c.lower())
            i += 1
    return "".join(out)


def validate(f: LogFilter) -> str | None:
    """None when the filter can be applied, else why not."""
    try:
        f.compiled()
    except FilterError as exc:
        return str(exc)
    return None
