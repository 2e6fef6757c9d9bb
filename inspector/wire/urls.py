"""URLs as the inspector shows them: in logs, errors and the status line."""
from __future__ import annotations

from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit


def redact_url(url: str) -> str:
    """The URL as logs and the status line show it: a password or token in it is masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "••••@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        # the mask by hand: urlencode would percent-encode it (its `safe` is ASCII only)
        query = "&".join(f"{quote_plus(k)}=••••" for k, _ in parse_qsl(query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
