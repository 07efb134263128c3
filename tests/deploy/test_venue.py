"""Venue mode's scripts (deploy/venue/): certificate check, local DNS answer, join QR codes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import struct
import subprocess
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import ROOT, need_service
from tests.servers import free_port

VENUE = ROOT / "deploy" / "venue"
NAME = "room.example.org"


# --- check-certificate.sh, against certificates made here by a test authority ---------------


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, key, signer, days, names=(), ca=False):
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
    return builder.sign(signer, hashes.SHA256())


def _pem(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def authority(tmp_path):
    """A certificate authority and a function that issues site certificates from it."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(_name("Test CA"), _name("Test CA"), ca_key, ca_key, 3650, ca=True)
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(_pem(ca))

    def issue(days: int, names=(NAME,), self_signed=False) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        signer, issuer = (key, _name(names[0])) if self_signed else (ca_key, _name("Test CA"))
        site = _certificate(_name(names[0]), issuer, key, signer, days, names)
        fullchain, privkey = tmp_path / f"{days}-full.pem", tmp_path / f"{days}-key.pem"
        fullchain.write_bytes(_pem(site) + (b"" if self_signed else _pem(ca)))
        privkey.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ))
        return fullchain, privkey

    issue.ca_file = ca_file  # type: ignore[attr-defined]
    return issue


def check(authority, fullchain, privkey, until, name=NAME):
    return subprocess.run(
        [str(VENUE / "check-certificate.sh"), "--cert", str(fullchain), "--key", str(privkey),
         "--name", name, "--until", until.isoformat(), "--ca-file", str(authority.ca_file)],
        capture_output=True, text=True, timeout=30, check=False,
    )


def in_days(days: int) -> dt.date:
    return dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)


def test_a_certificate_that_covers_the_workshop_passes(authority):
    fullchain, privkey = authority(30)
    result = check(authority, fullchain, privkey, in_days(10))
    assert result.returncode == 0, result.stdout
    assert "ready for the workshop" in result.stdout and "DNS:room.example.org" in result.stdout


def test_a_certificate_that_expires_during_the_workshop_fails(authority):
    fullchain, privkey = authority(5)
    result = check(authority, fullchain, privkey, in_days(6))
    assert result.returncode == 1 and "expires before" in result.stdout
    assert check(authority, fullchain, privkey, in_days(2)).returncode == 0


def test_a_certificate_for_another_name_fails(authority):
    fullchain, privkey = authority(30, names=("other.example.org",))
    result = check(authority, fullchain, privkey, in_days(1))
    assert result.returncode == 1 and f"does not cover {NAME}" in result.stdout


def test_a_key_that_is_not_the_certificates_fails(authority):
    fullchain, _ = authority(30)
    _, other_key = authority(31)
    result = check(authority, fullchain, other_key, in_days(1))
    assert result.returncode == 1 and "is not the key of this certificate" in result.stdout


def test_a_self_made_certificate_fails(authority):
    fullchain, privkey = authority(30, self_signed=True)
    result = check(authority, fullchain, privkey, in_days(1))
    assert result.returncode == 1 and "not signed by an authority" in result.stdout


# --- the dnsmasq configuration, served by a real dnsmasq ------------------------------------


def dns_query(
    port: int, name: str, record_type: int, timeout: float = 2.0
) -> tuple[int, list[str]]:
    """Ask 127.0.0.1:port one question over UDP; the answer's code and its addresses."""
    question = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    question += struct.pack(">HH", record_type, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0) + question,
                    ("127.0.0.1", port))
        reply = sock.recv(512)
    flags, _, answers = struct.unpack(">HHH", reply[2:8])
    offset, addresses = 12 + len(question), []
    for _ in range(answers):
        offset += 2  # the answer's name, compressed to a pointer
        kind, _, _, length = struct.unpack(">HHIH", reply[offset:offset + 10])
        offset += 10
        family = socket.AF_INET if kind == 1 else socket.AF_INET6
        addresses.append(socket.inet_ntop(family, reply[offset:offset + length]))
        offset += length
    return flags & 0xF, addresses


@pytest.fixture
def dnsmasq_port(tmp_path):
    """dnsmasq on 127.0.0.1 with the shipped configuration as start-hotspot.sh writes it."""
    dnsmasq = shutil.which("dnsmasq") or (
        "/usr/sbin/dnsmasq" if os.access("/usr/sbin/dnsmasq", os.X_OK) else None
    )
    if dnsmasq is None:
        need_service("dnsmasq is not installed (apt-get install dnsmasq-base)")
    assert dnsmasq is not None
    conf = tmp_path / "facilitator.conf"
    conf.write_text((VENUE / "dnsmasq-facilitator.conf").read_text()
                    .replace("room.example.org", "venue.example.net")
                    .replace("10.42.0.1", "10.42.0.7"))
    port = free_port()
    process = subprocess.Popen(
        [dnsmasq, "--keep-in-foreground", "--no-resolv", "--no-hosts", "--pid-file=",
         f"--port={port}", "--listen-address=127.0.0.1", "--bind-interfaces",
         f"--conf-file={conf}", *(["--user=root"] if os.geteuid() == 0 else [])],
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                dns_query(port, "venue.example.net", 1, timeout=0.2)
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_local_dns_answers_the_venue_name_with_the_laptop(dnsmasq_port):
    assert dns_query(dnsmasq_port, "venue.example.net", 1) == (0, ["10.42.0.7"])
    assert dns_query(dnsmasq_port, "www.venue.example.net", 1) == (0, ["10.42.0.7"])


def test_local_dns_gives_no_ipv6_address_for_the_venue_name(dnsmasq_port):
    """A phone that prefers IPv6 must not be sent to the name's public address."""
    assert dns_query(dnsmasq_port, "venue.example.net", 28) == (0, [])


def test_local_dns_knows_nothing_else(dnsmasq_port):
    rcode, addresses = dns_query(dnsmasq_port, "example.net", 1)
    assert rcode != 0 and addresses == []


# --- print-join.sh -------------------------------------------------------------------------


def fake_qrencode(tmp_path: Path) -> dict[str, str]:
    """A ``qrencode`` that records the text it is asked to encode, one per line."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "encoded"
    script = bin_dir / "qrencode"
    script.write_text(f'#!/bin/sh\nfor last; do :; done\nprintf "%s\\n" "$last" >> {record}\n')
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "RECORD": str(record)}


def test_join_codes_hold_the_wifi_and_the_site(tmp_path):
    env = fake_qrencode(tmp_path)
    result = subprocess.run(
        [str(VENUE / "print-join.sh"), "--name", NAME, "--ssid", 'Room;1', "--password",
         'a:b"c\\d,e'],
        env=env, capture_output=True, text=True, timeout=30, check=True,
    )
    encoded = Path(env["RECORD"]).read_text().splitlines()
    assert encoded == ['WIFI:T:WPA;S:Room\\;1;P:a\\:b\\"c\\\\d\\,e;;', f"https://{NAME}/"]
    assert f"Open https://{NAME}/" in result.stdout


def test_join_codes_are_written_as_images(tmp_path):
    if shutil.which("qrencode") is None:
        need_service("qrencode is not installed (apt-get install qrencode)")
    subprocess.run(
        [str(VENUE / "print-join.sh"), "--name", NAME, "--ssid", "Room", "--password",
         "long passphrase", "--png", str(tmp_path)],
        capture_output=True, timeout=30, check=True,
    )
    for image in ("wifi.png", "site.png"):
        assert (tmp_path / image).read_bytes().startswith(b"\x89PNG")


# --- install-certificate.sh ----------------------------------------------------------------


def installed(target: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENUE / "install-certificate.sh"), *args],
        env={**os.environ, "FACILITATOR_TLS_DIR": str(target), **env},
        capture_output=True, text=True, timeout=30, check=False,
    )


@pytest.fixture
def as_root():
    if os.geteuid() != 0:
        pytest.skip("install-certificate.sh sets root ownership: run as root (CI does)")


def test_install_puts_certificate_and_key_where_caddy_reads_them(as_root, authority, tmp_path):
    fullchain, privkey = authority(30)
    target = tmp_path / "tls"
    result = installed(target, str(fullchain), str(privkey))
    assert result.returncode == 0, result.stderr
    assert (target / "fullchain.pem").read_bytes() == fullchain.read_bytes()
    assert (target / "privkey.pem").read_bytes() == privkey.read_bytes()
    for name in ("fullchain.pem", "privkey.pem"):
        assert (target / name).stat().st_mode & 0o777 == 0o640, "root and the caddy group only"
    assert target.stat().st_mode & 0o777 == 0o750
    assert sorted(p.name for p in target.iterdir()) == ["fullchain.pem", "privkey.pem"]


def test_install_as_certbot_deploy_hook_takes_the_renewed_files(as_root, authority, tmp_path):
    fullchain, privkey = authority(30)
    lineage = tmp_path / "live"
    lineage.mkdir()
    shutil.copyfile(fullchain, lineage / "fullchain.pem")
    shutil.copyfile(privkey, lineage / "privkey.pem")
    target = tmp_path / "tls"
    assert installed(target, RENEWED_LINEAGE=str(lineage)).returncode == 0
    assert (target / "privkey.pem").read_bytes() == privkey.read_bytes()
    assert installed(target).returncode == 2, "no files and no RENEWED_LINEAGE: usage"
