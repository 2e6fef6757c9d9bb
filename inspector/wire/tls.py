"""TLS: the context a connection checks certificates with, and the words for a certificate
that failed the check (issuer, subject, expiry), on every transport.

aiohttp keeps only OpenSSL's reason (`self-signed certificate`) of a failed check, and
python-engineio's websocket path not even that.  `peer_certificate` asks the server for
its certificate once more, without checking it, so the message can say whose it is and
until when it is valid; the few fields needed are read from its DER form here (the
standard library decodes a certificate only once it has been verified).
"""
from __future__ import annotations

import asyncio
import datetime
import ssl
from dataclasses import dataclass

PEER_CERT_TIMEOUT = 2.0     # s: how long fetching the certificate again may take

_CN, _ORG = bytes.fromhex("550403"), bytes.fromhex("55040a")     # 2.5.4.3 commonName, 2.5.4.10 O


def client_context(verify: bool, ca_file: str | None) -> ssl.SSLContext | None:
    """The context to check the server with: the system's CAs (None: aiohttp's default),
    or only the CA file given; python-engineio's own when checking is off."""
    if not verify or not ca_file:
        return None
    return ssl.create_default_context(cafile=ca_file)


@dataclass(frozen=True)
class Certificate:
    subject: str
    issuer: str
    not_before: datetime.datetime | None
    not_after: datetime.datetime | None

    def words(self, now: datetime.datetime | None = None) -> str:
        now = now or datetime.datetime.now(datetime.timezone.utc)
        who = "self-signed" if self.subject == self.issuer else f"issued by {self.issuer!r}"
        text = f"the server's certificate for {self.subject!r}, {who}"
        if self.not_after is not None:
            when = self.not_after.strftime("%Y-%m-%d %H:%M UTC")
            text += f", expired {when}" if self.not_after < now else f", valid until {when}"
        if self.not_before is not None and self.not_before > now:
            text += f", not valid before {self.not_before.strftime('%Y-%m-%d %H:%M UTC')}"
        return text


async def peer_certificate(host: str, port: int, server_hostname: str | None = None) -> Certificate | None:
    """The certificate the server shows, unchecked (None when it cannot be had)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=context, server_hostname=server_hostname or host),
            PEER_CERT_TIMEOUT)
    except (OSError, asyncio.TimeoutError, ssl.SSLError):
        return None
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    finally:
        writer.close()
    try:
        return read_certificate(der) if der else None
    except (IndexError, ValueError):
        return None


# -- the few DER fields read ----------------------------------------------------------------
def _tlv(der: bytes, i: int) -> tuple[int, int, int]:
    """(tag, start of the value, end of the value) of the element at i."""
    tag, n = der[i], der[i + 1]
    i += 2
    if n & 0x80:
        count = n & 0x7F
        n = int.from_bytes(der[i:i + count], "big")
        i += count
    if i + n > len(der):
        raise ValueError("truncated certificate")
    return tag, i, i + n


def _children(der: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out, i = [], start
    while i < end:
        tag, s, e = _tlv(der, i)
        out.append((tag, s, e))
        i = e
    return out


def _name(der: bytes, start: int, end: int) -> str:
    """A Name's commonName (or organisation): what a person calls the holder."""
    found: dict[bytes, str] = {}
    for _tag, s, e in _children(der, start, end):           # SET of attributes
        for _t, s2, e2 in _children(der, s, e):             # SEQUENCE {OID, value}
            (_, os_, oe), (_, vs, ve) = _children(der, s2, e2)[:2]
            found.setdefault(der[os_:oe], der[vs:ve].decode("utf-8", "replace"))
    return found.get(_CN) or found.get(_ORG) or "?"


def _time(der: bytes, tag: int, start: int, end: int) -> datetime.datetime:
    text = der[start:end].decode("ascii")
    fmt = "%y%m%d%H%M%SZ" if tag == 0x17 else "%Y%m%d%H%M%SZ"    # UTCTime, GeneralizedTime
    return datetime.datetime.strptime(text, fmt).replace(tzinfo=datetime.timezone.utc)


def read_certificate(der: bytes) -> Certificate:
    """Subject, issuer and validity of an X.509 certificate in DER."""
    _, s, e = _tlv(der, 0)                        # Certificate
    _, s, e = _tlv(der, s)                        # TBSCertificate
    fields = _children(der, s, e)
    if fields and fields[0][0] == 0xA0:           # [0] version
        fields = fields[1:]
    issuer, validity, subject = fields[2], fields[3], fields[4]
    (t1, b1, e1), (t2, b2, e2) = _children(der, validity[1], validity[2])
    return Certificate(subject=_name(der, subject[1], subject[2]), issuer=_name(der, issuer[1], issuer[2]),
                       not_before=_time(der, t1, b1, e1), not_after=_time(der, t2, b2, e2))
