"""`--profile NAME` on the headless commands and `socketio-inspector profile ...`, run as a user runs
them (a process of their own, with a keyring backend of the tests' own), against the demo server."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.session.profiles import Profile, ProfileStore
from inspector.session.secrets import SecretStore
from inspector.wire.options import ConnectionOptions

ROOT = Path(__file__).resolve().parent.parent
HEADER_SECRET = "hdr-s3cret-value"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A config dir and a keyring file of the test's own, for this process and the commands'."""
    values = {"SOCKETIO_INSPECTOR_CONFIG_DIR": str(tmp_path / "config"),
              "PYTHON_KEYRING_BACKEND": "tests.keyrings.FileKeyring",
              "TEST_KEYRING_FILE": str(tmp_path / "keyring.json")}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def store() -> ProfileStore:
    from tests.keyrings import FileKeyring
    return ProfileStore(secrets=SecretStore(FileKeyring()))


def cli(*args, extra_env=None):
    proc = subprocess.run([sys.executable, "-m", "inspector", *map(str, args)], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, env={**os.environ, **(extra_env or {})}, stdin=subprocess.DEVNULL)
    return proc.returncode, proc.stdout, proc.stderr


def dev_profile(url: str) -> Profile:
    return Profile("dev", ConnectionOptions(url=url, transport="polling", query={"who": "profile"},
                                            headers={"X-Team": HEADER_SECRET}),
                   namespaces=["/", "/admin"], ns_auth={"/admin": {"token": "demo-token"}},
                   rooms={"/": ["lobby"]})


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_emit_with_a_profile_connects_as_the_profile_says_and_flags_win(env, demo_server):
    assert store().save(dev_profile(demo_server.url)) == []
    code, out, err = cli("emit", "--profile", "dev", "whoami", "--ack")
    assert code == 0, err
    got = lines(out)
    answer = next(e for e in got if e["kind"] == "ack" and e["event"] == "whoami")["args"][0]
    assert answer["query"]["who"] == "profile" and answer["query"]["transport"] == "polling"
    assert answer["headers"]["X-Team"] == HEADER_SECRET            # read back from the keyring
    assert "not opened" not in err                 # /admin (it refuses a client without its token)
    assert any(e["event"] == "join" and e["kind"] == "ack" for e in got)  # the profile's room
    assert ("/", "join", ["lobby"]) in demo_server.received

    code, out, err = cli("emit", "--profile", "dev", "--transport", "websocket", "--query", "who=flag",
                         "-n", "/", "whoami", "--ack")
    assert code == 0, err
    answer = next(e for e in lines(out) if e["kind"] == "ack" and e["event"] == "whoami")["args"][0]
    assert answer["query"]["who"] == "flag" and answer["query"]["transport"] == "websocket"
    assert answer["headers"]["X-Team"] == HEADER_SECRET


def test_profile_list_show_export_import(env, tmp_path, demo_server):
    store().save(dev_profile(demo_server.url))
    code, out, err = cli("profile", "list")
    assert (code, out) == (0, f"dev\t{demo_server.url}\n"), err
    code, out, err = cli("profile", "show", "dev")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["headers"] == {"X-Team": "••••"} and shown["namespaces"][1]["auth"] == {"token": "••••"}
    assert HEADER_SECRET not in out and "demo-token" not in out
    shared = tmp_path / "team.json"
    code, out, err = cli("profile", "export", shared)
    assert code == 0 and out == f"exported 1 profile to {shared} (secrets left out)\n", err
    text = shared.read_text()
    assert HEADER_SECRET not in text and "demo-token" not in text and '"$secret"' in text
    other = {"SOCKETIO_INSPECTOR_CONFIG_DIR": str(tmp_path / "mate"), "TEST_KEYRING_FILE": str(tmp_path / "k2")}
    code, out, err = cli("profile", "import", shared, extra_env=other)
    assert code == 0 and out.startswith("imported 1 profile: dev"), err
    # the team mate has none of the secrets: the command says which flag gives them
    code, out, err = cli("emit", "--profile", "dev", "whoami", "--ack", extra_env=other)
    assert code == 2
    assert "profile dev: no keyring on this machine holds its secrets (header X-Team, /admin auth token)" in err
    code, out, err = cli("profile", "show", "nope")
    assert code == 2 and "no profile named 'nope'" in err


def test_run_takes_the_server_and_the_secrets_from_a_profile(env, tmp_path, demo_server):
    store().save(Profile("admin", ConnectionOptions(url=demo_server.url), namespaces=["/admin"],
                         ns_auth={"/admin": {"token": "demo-token"}}))
    scenario = tmp_path / "s.yaml"
    scenario.write_text('namespaces: [{name: /admin, auth: {token: "${env:SIO_ADMIN_AUTH_TOKEN}"}}]\n'
                        "steps:\n  - emit: echo\n    args: [hi]\n    expect_ack: [hi]\n")
    code, out, err = cli("run", scenario)
    assert code == 2 and "SIO_ADMIN_AUTH_TOKEN is not set" in err
    code, out, err = cli("run", scenario, "--profile", "admin")
    assert code == 0, out + err
    assert f"on {demo_server.url}" in out and "passed: 1 step in" in out
