"""Keyring backends of the tests' own: nothing a test stores reaches the user's keyring.

`MemoryKeyring` lives in the test process (set with keyring.set_keyring by the `memory_keyring`
fixture).  `FileKeyring` is for a command run as a process of its own: keyring loads it from
PYTHON_KEYRING_BACKEND=tests.keyrings.FileKeyring and keeps the secrets in the JSON file named
by TEST_KEYRING_FILE, which the test reads too.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.errors import PasswordDeleteError


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.values.get((service, username))

    def set_password(self, service, username, password):
        self.values[(service, username)] = password

    def delete_password(self, service, username):
        if self.values.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class FileKeyring(keyring.backend.KeyringBackend):
    priority = 1

    @property
    def _path(self) -> Path:
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _load(self) -> dict:
        return json.loads(self._path.read_text()) if self._path.exists() else {}

    def get_password(self, service, username):
        return self._load().get(f"{service}|{username}")

    def set_password(self, service, username, password):
        values = self._load()
        values[f"{service}|{username}"] = password
        self._path.write_text(json.dumps(values))

    def delete_password(self, service, username):
        values = self._load()
        if values.pop(f"{service}|{username}", None) is None:
            raise PasswordDeleteError(username)
        self._path.write_text(json.dumps(values))


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring():
    """A machine without a keyring: keyring's own stand-in, which stores nothing."""
    from keyring.backends import fail
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)
