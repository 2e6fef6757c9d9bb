"""TLS (issue 15, item 4) against a real HTTPS server on 127.0.0.1 (the demo server): a
certificate signed by a CA of the test's own (made with openssl), on every transport. With
checking on, the message names the problem, whose certificate it is and its expiry; with the
CA file the connection is made; with checking off it is made and a warning says so."""
from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from inspector.demo.server import DemoServer
from inspector.scenarios import file as scenario_file
from inspector.session.errors import ConnectError
from inspector.session.session import Session
from inspector.wire.options import ConnectionOptions, OptionsError
from inspector.wire.tls import read_certificate
from tests.demo_thread import ThreadedDemoServer
from tests.helpers import Recorder, run

TRANSPORTS = pytest.mark.parametrize("transport", ["websocket", "polling", "upgrade"])


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Path]:
    """A CA ("Inspector Test CA") and a certificate for 127.0.0.1 it signed, valid 30 days."""
    if shutil.which("openssl") is None:
        raise RuntimeError("these tests make their certificates with the openssl command")
    d = tmp_path_factory.mktemp("pki")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "30", "-subj", "/CN=Inspector Test CA", cwd=d)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=inspector-test-server", cwd=d)
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "30", "-extfile", "ext.cnf", cwd=d)
    return {"ca": d / "ca.pem", "cert": d / "server.pem", "key": d / "server.key"}


@contextlib.asynccontextmanager
async def https_server(pki):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki["cert"], pki["key"])
    server = DemoServer(tick_interval=0)
    url = await server.start(ssl_context=context)
    try:
        yield url
    finally:
        await server.stop()


def options(url: str, transport: str, **kw) -> ConnectionOptions:
    return ConnectionOptions(url=url, transport=transport, reconnection=False, connect_timeout=5, **kw)


@TRANSPORTS
def test_checking_on_the_message_names_the_certificate_problem(pki, transport):
    async def scenario():
        async with https_server(pki) as url:
            session = Session(options(url, transport))
            with pytest.raises(ConnectError) as caught:
                await session.connect()
            await session.disconnect()
            return str(caught.value)
    message = run(scenario())
    assert message.startswith("TLS error: the certificate of 127.0.0.1:"), message
    assert "failed the check (unable to get local issuer certificate)" in message
    assert "the server's certificate for 'inspector-test-server', issued by 'Inspector Test CA'" in message
    assert ", valid until 20" in message
    assert "--ca-file" in message


@TRANSPORTS
def test_the_ca_file_is_trusted_on_every_transport(pki, transport):
    async def scenario():
        async with https_server(pki) as url:
            session = Session(options(url, transport, ca_file=str(pki["ca"])))
            rec = Recorder(session)
            try:
                await session.connect()
                r = await session.emit("/", "echo", ["over tls"], ack=True)
                assert (await r.answer).args == ["over tls"]
                want = "polling" if transport == "polling" else "websocket"
                await rec.wait_for(kind="connect", ns="/")
                assert session.client.transport_name == want
                [connect] = rec.find(kind="connect", ns="/")
                assert "tls" not in connect.detail     # checked: no warning
            finally:
                await session.disconnect()
    run(scenario())


def test_a_ca_file_that_is_not_the_servers_ca_says_so(pki, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "o.key", "-out", "o.pem",
            "-days", "1", "-subj", "/CN=Someone Else", cwd=other)

    async def scenario():
        async with https_server(pki) as url:
            session = Session(options(url, "websocket", ca_file=str(other / "o.pem")))
            with pytest.raises(ConnectError) as caught:
                await session.connect()
            await session.disconnect()
            return str(caught.value)
    message = run(scenario())
    assert "issued by 'Inspector Test CA'" in message
    assert f"only the CA file {other / 'o.pem'} is trusted" in message


def test_a_missing_or_unreadable_ca_file_is_an_options_error(tmp_path):
    with pytest.raises(OptionsError, match="CA file not found"):
        ConnectionOptions(url="https://127.0.0.1:1", ca_file=str(tmp_path / "nope.pem")).validate()
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(OptionsError, match="is not a PEM certificate file"):
        ConnectionOptions(url="https://127.0.0.1:1", ca_file=str(tmp_path / "junk.pem")).validate()


@TRANSPORTS
def test_checking_off_connects_and_every_connect_row_says_so(pki, transport):
    async def scenario():
        async with https_server(pki) as url:
            session = Session(options(url, transport, verify_tls=False))
            rec = Recorder(session)
            try:
                await session.connect()
                [connect] = await rec.wait_for(kind="connect", ns="/")
                assert connect.dir == "sys"
                assert connect.detail["tls"] == "TLS certificate checking is off: the server's identity is not verified"
                assert session.snapshot().status.endswith("TLS NOT VERIFIED")
            finally:
                await session.disconnect()
    run(scenario())


def test_expiry_and_names_are_read_from_the_certificate(pki):
    der = ssl.PEM_cert_to_DER_cert(pki["cert"].read_text())
    cert = read_certificate(der)
    assert (cert.subject, cert.issuer) == ("inspector-test-server", "Inspector Test CA")
    assert cert.not_before < cert.not_after
    assert (cert.not_after - cert.not_before).days == 30
    ca = read_certificate(ssl.PEM_cert_to_DER_cert(pki["ca"].read_text()))
    assert "self-signed" in ca.words()


async def cli(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "inspector", *args, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("command", ["listen", "emit"])
def test_insecure_on_the_cli_connects_and_warns_on_stderr(pki, command):
    async def scenario():
        async with https_server(pki) as url:
            tail = ["--duration", "1"] if command == "listen" else ["echo", '"x"', "--ack"]
            return await cli(command, url, *tail, "--insecure", "--transport", "websocket")
    code, out, err = run(scenario())
    assert code == 0, err
    assert err.splitlines().count(
        "warning: TLS certificate checking is off: the server's identity is not verified (--insecure)") == 1
    if command == "emit":
        assert json.loads(out.splitlines()[-1])["args"] == ["x"]


def test_ca_file_on_the_cli_connects_without_a_warning(pki):
    async def scenario():
        async with https_server(pki) as url:
            return await cli("emit", url, "echo", '"x"', "--ack", "--ca-file", str(pki["ca"]),
                             "--transport", "websocket")
    code, out, err = run(scenario())
    assert code == 0, err
    assert "warning" not in err
    assert [json.loads(line)["args"] for line in out.splitlines() if '"ack"' in line][-1] == ["x"]


def test_checking_on_the_cli_names_the_certificate_problem(pki):
    async def scenario():
        async with https_server(pki) as url:
            return await cli("emit", url, "echo", '"x"', "--no-reconnect", "--transport", "websocket")
    code, out, err = run(scenario())
    assert code != 0
    assert "TLS error: the certificate of 127.0.0.1:" in err and "Inspector Test CA" in err, err


def threaded_https_demo(pki):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki["cert"], pki["key"])

    class HttpsDemo(DemoServer):
        async def start(self, ssl_context=None) -> str:
            return await super().start(ssl_context=context)
    return ThreadedDemoServer(HttpsDemo)


def test_the_window_trusts_the_ca_file_of_its_options(pki, inspector_at):
    server = threaded_https_demo(pki)
    try:
        ui = inspector_at(server.url)
        ui.set_checked("reconnectCheck", False)
        ui.click("connectButton")
        ui.wait_for_status("TLS error")
        assert "issued by 'Inspector Test CA'" in ui.status + ui.message
        ui.widget("caFileEdit").setText(str(pki["ca"]))
        ui.connect()
        assert not ui.widget("tlsWarning").isVisible()
        assert "TLS NOT VERIFIED" not in ui.status
    finally:
        server.stop()


def test_the_window_says_checking_is_off_in_its_status_and_log(pki, inspector_at):
    server = threaded_https_demo(pki)
    try:
        ui = inspector_at(server.url)
        ui.set_checked("verifyTlsCheck", False)
        ui.connect()
        assert ui.widget("tlsWarning").isVisible()
        assert ui.status.endswith("TLS NOT VERIFIED")
        connect = ui.wait_for(kind="connect", ns="/")
        assert connect.dir == "sys" and "not verified" in connect.detail["tls"]
    finally:
        server.stop()


def test_a_scenario_names_its_ca_file_relative_to_itself(pki, tmp_path):
    shutil.copy(pki["ca"], tmp_path / "ca.pem")
    path = tmp_path / "s.yaml"
    path.write_text("url: https://127.0.0.1:1\nconnection:\n  ca_file: ca.pem\nsteps:\n  - wait: 0\n")
    assert scenario_file.load(path).options().ca_file == str(tmp_path / "ca.pem")
    path.write_text("url: https://127.0.0.1:1\nconnection:\n  ca_file: missing.pem\nsteps:\n  - wait: 0\n")
    with pytest.raises(scenario_file.ScenarioError, match="CA file not found"):
        scenario_file.load(path).options()
