"""Fixtures for the deployment files under ``deploy/``: Debian's Caddy, a throwaway certificate
authority, and Chromium trusting that authority and nothing else added.

Where Caddy, ``certutil`` (libnss3-tools) or Chromium is missing the tests skip with the reason,
except on CI, where that is an error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from facilitator_bench.proxy import CADDY, TEST_NAME, Certificates, make_certificates
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import need_service


@pytest.fixture
def caddy() -> str:
    """Debian's ``caddy`` binary."""
    if not Path(CADDY).exists():
        need_service("caddy not installed (Debian package 'caddy')")
    return CADDY


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    """A new test authority and a certificate for ``dialogue.test`` signed by it."""
    return make_certificates(tmp_path / "tls")


@pytest.fixture
def trusting_home(tmp_path: Path, certificates: Certificates) -> Path:
    """A home folder whose NSS database (where Chromium on Linux reads the certificate
    authorities a user added) trusts the test authority for websites."""
    certutil = shutil.which("certutil")
    if certutil is None:
        need_service("certutil not installed (Debian package 'libnss3-tools')")
    assert certutil is not None
    home = tmp_path / "home"
    nssdb = f"sql:{home / '.pki' / 'nssdb'}"
    (home / ".pki" / "nssdb").mkdir(parents=True)
    subprocess.run([certutil, "-N", "-d", nssdb, "--empty-password"], check=True)
    subprocess.run(
        [certutil, "-A", "-d", nssdb, "-t", "C,,", "-n", "test-ca", "-i", str(certificates.ca)],
        check=True,
    )
    return home


def launch(playwright: Any, home: Path) -> Any:
    """Chromium with ``dialogue.test`` resolving to 127.0.0.1 and ``home`` as its home folder
    (so the certificate authorities it trusts are the system's plus those in its NSS database).
    Never ``--ignore-certificate-errors``."""
    if not Path(CHROMIUM).exists():
        need_service(f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' package)")
    home.mkdir(parents=True, exist_ok=True)
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {TEST_NAME} 127.0.0.1"],
        env={**os.environ, "HOME": str(home)},
    )


@pytest.fixture
def trusting_browser(playwright: Any, trusting_home: Path) -> Iterator[Any]:
    browser = launch(playwright, trusting_home)
    yield browser
    browser.close()
