"""The system keyring (the `keyring` package), where the secrets of connection profiles go.

A machine may have no keyring at all (a server, a container, a desktop without a Secret
Service): then `available` is False, nothing is stored, and the profile asks for its
secrets when it is opened.  keyring is imported only when first needed (it reads its
backends' entry points: a tenth of a second the headless commands need not pay).
"""
from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "socketio-inspector"


class SecretStore:
    """One secret per key in the keyring's SERVICE; `backend`: a keyring backend of one's
    own (default: whichever keyring.get_keyring() gives at each call, so a test's
    keyring.set_keyring applies)."""

    def __init__(self, backend: Any = None):
        self._backend = backend

    def _keyring(self) -> Any | None:
        if self._backend is not None:
            return self._backend
        try:
            import keyring
        except ImportError:         # pragma: no cover (a dependency; a broken install)
            return None
        return keyring.get_keyring()

    @property
    def available(self) -> bool:
        backend = self._keyring()
        if backend is None:
            return False
        try:
            from keyring.backends import fail
        except ImportError:         # pragma: no cover
            return False
        # keyring's own "no backend" stand-in (priority 0), which raises on every call
        return not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 1) > 0

    def get(self, key: str) -> str | None:
        if not self.available:
            return None
        try:
            return self._keyring().get_password(SERVICE, key)
        except Exception as exc:          # a locked keyring, a dead D-Bus: the secret is asked for
            log.info("keyring: cannot read %s: %s", key, exc)
            return None

    def set(self, key: str, value: str) -> bool:
        """True when stored."""
        if not self.available:
            return False
        try:
            self._keyring().set_password(SERVICE, key, value)
            return True
        except Exception as exc:
            log.info("keyring: cannot store %s: %s", key, exc)
            return False

    def delete(self, key: str) -> None:
        if not self.available:
            return
        try:
            self._keyring().delete_password(SERVICE, key)
        except Exception:           # not there (PasswordDeleteError), or the keyring refuses
            pass


# -- secrets in what a server reports about other clients (its Admin UI namespace) ---
# A handshake's header and query values are shown masked when their name says they are a
# credential: the exact names below, or a name holding one of the parts (python-socketio
# reports headers as `x_api_key`, Node as `x-api-key`: both are read as `x-api-key`).
SECRET_NAMES = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie",
                          "x-csrf-token", "x-xsrf-token"})
SECRET_PARTS = ("token", "secret", "password", "passwd", "auth", "key", "session", "signature",
                "credential", "jwt", "cookie")


def is_secret_name(name: str) -> bool:
    """A header or query parameter whose value is a secret by its name."""
    key = str(name).lower().replace("_", "-")
    return key in SECRET_NAMES or any(part in key for part in SECRET_PARTS)


def mask_secrets(values: Any, mask: str) -> dict:
    """`values` (a mapping of header or query values) with each secret's value as `mask`;
    anything that is not a mapping gives {}."""
    if not isinstance(values, dict):
        return {}
    return {k: (mask if is_secret_name(k) else v) for k, v in values.items()}
