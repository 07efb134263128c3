"""The shipped torrc snippet (deploy/tor/), checked by tor itself.

tor runs unprivileged here, so the one path that needs root (the service's folder under
/var/lib/tor) is pointed at a scratch folder; every other line is checked as shipped.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, need_service

SNIPPET = ROOT / "deploy" / "tor" / "facilitator-onion.torrc"
SERVICE_DIR = "/var/lib/tor/facilitator/"


def settings(text: str) -> list[tuple[str, str]]:
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0], line.split(None, 1)[1] if " " in line else "")
        for line in lines if line and not line.startswith("#")
    ]


def tor_verify(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    tor = shutil.which("tor")
    if tor is None:
        need_service("tor is not installed (apt-get install tor)")
    assert tor is not None
    scratch = tmp_path / "tor"
    scratch.mkdir(mode=0o700)
    torrc = scratch / "torrc"
    torrc.write_text(text.replace(SERVICE_DIR, f"{scratch / 'service'}/"))
    return subprocess.run(
        [tor, "--verify-config", "-f", str(torrc), "--defaults-torrc", "/dev/null",
         "--DataDirectory", str(scratch / "data")],
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_snippet_passes_tor_verify_config(tmp_path):
    text = SNIPPET.read_text()
    assert [value for _, value in settings(text) if SERVICE_DIR in value] == [SERVICE_DIR]
    result = tor_verify(tmp_path, text)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration was valid" in result.stdout


def test_verify_config_notices_a_mistake(tmp_path):
    """The check above can fail: a port forwarded to nowhere is refused."""
    text = SNIPPET.read_text().replace("127.0.0.1:8080", "127.0.0.1:notaport")
    assert tor_verify(tmp_path, text).returncode != 0


def test_snippet_publishes_an_anonymous_v3_service_to_the_onion_listener():
    lines = settings(SNIPPET.read_text())
    assert ("HiddenServiceDir", SERVICE_DIR) in lines
    assert ("HiddenServiceVersion", "3") in lines
    assert [value for key, value in lines if key == "HiddenServicePort"] == ["80 127.0.0.1:8080"]
    assert ("SocksPort", "0") in lines
    names = {key for key, _ in lines}
    assert not names & {"HiddenServiceNonAnonymousMode", "HiddenServiceSingleHopMode"}


@pytest.mark.parametrize(
    "name",
    ["FACILITATOR_PUBLIC_ORIGIN=http://", "FACILITATOR_SECURE_COOKIES=1",
     "FACILITATOR_TRUSTED_PROXIES=1"],
)
def test_snippet_names_the_settings_the_app_needs(name):
    assert name in SNIPPET.read_text()
