"""The shipped TLS reverse proxy (``deploy/caddy/``) on loopback, with a throwaway certificate
authority, for the benchmark and the deployment tests.

Caddy runs one of the shipped Caddyfiles unchanged: everything that differs between a real server
and a loopback run (name, ports, addresses, upstreams, certificate files) is an environment
placeholder there. The certificate authority and the server certificate are made with
``cryptography`` in a temporary folder and trusted only by the clients that are handed them.
"""

from __future__ import annotations

import datetime
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from facilitator import PROJECT_ROOT
from facilitator.client import HttpTransport

CADDY_DIR = PROJECT_ROOT / "deploy" / "caddy"
CADDY = shutil.which("caddy") or "/usr/bin/caddy"
TEST_NAME = "dialogue.test"


@dataclass(frozen=True)
class Certificates:
    """PEM files: the authority's certificate (what clients trust), the server's chain and key."""

    ca: Path
    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_certificates(directory: Path, name: str = TEST_NAME) -> Certificates:
    """A new certificate authority and a server certificate for ``name`` signed by it.

    The authority can sign only server certificates for ``name`` (a name constraint), so a
    client told to trust it trusts nothing else through it.
    """
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"Facilitator test authority for {name}")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.NameConstraints(permitted_subtrees=[x509.DNSName(name)], excluded_subtrees=None),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = Certificates(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    files.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(_pem_key(key))
    files.key.chmod(0o600)
    return files


class _LoopbackHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the request's name, with the TCP connection made to 127.0.0.1 instead of to
    where the name resolves: the name still goes in the TLS handshake (SNI, certificate check)
    and in the ``Host`` header, as with Chromium's ``--host-resolver-rules``."""

    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        context: ssl.SSLContext | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(host, port, context=context, **kwargs)
        assert context is not None, "made by _LoopbackHTTPSHandler, which passes its context"
        self.tls = context

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


class _LoopbackHTTPSHandler(urllib.request.HTTPSHandler):
    handler_order = 400  # ahead of the default HTTPS handler

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__(context=context)
        self.tls = context

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_LoopbackHTTPSConnection, req, context=self.tls)


class LoopbackTransport(HttpTransport):
    """The API client's transport to an ``https`` origin served on 127.0.0.1 under a test name,
    trusting only the certificate authority ``ca``."""

    def __init__(self, origin: str, ca: Path) -> None:
        super().__init__(origin)
        self.opener.add_handler(_LoopbackHTTPSHandler(ssl.create_default_context(cafile=ca)))


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class Caddy:
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def venue_env(
    certificates: Certificates,
    upstreams: list[str],
    https_port: int,
    admin_port: int,
    bind: str = "127.0.0.1",
    name: str = TEST_NAME,
) -> dict[str, str]:
    """The environment that runs ``venue.Caddyfile`` on loopback in front of ``upstreams``
    (``host:port`` each), with its certificate files and a free port for plain-HTTP redirects."""
    return {
        "FACILITATOR_DOMAIN": name,
        "FACILITATOR_BIND": bind,
        "FACILITATOR_HTTPS_PORT": str(https_port),
        "FACILITATOR_HTTP_PORT": str(free_port(bind)),
        "FACILITATOR_UPSTREAMS": " ".join(upstreams),
        "FACILITATOR_TLS_CERT": str(certificates.cert),
        "FACILITATOR_TLS_KEY": str(certificates.key),
        "CADDY_ADMIN": f"127.0.0.1:{admin_port}",
    }


@contextmanager
def running_caddy(
    config: Path, env: dict[str, str], home: Path, wait_for: tuple[str, int]
) -> Iterator[Caddy]:
    """Run ``caddy run`` on a shipped Caddyfile until the block ends; ``home`` holds Caddy's own
    state (it writes nothing elsewhere); ready once ``wait_for`` (host, port) accepts."""
    home.mkdir(parents=True, exist_ok=True)
    log = home / "caddy.log"
    own = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - Debian's caddy on a shipped file
            [CADDY, "run", "--adapter", "caddyfile", "--config", str(config)],
            env={**os.environ, **own, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    caddy = Caddy(process, log)
    try:
        deadline = time.monotonic() + 30
        while not _answers(*wait_for):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"caddy did not start:\n{caddy.output()}")
            time.sleep(0.05)
        yield caddy
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
