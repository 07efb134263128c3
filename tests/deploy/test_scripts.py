"""Every shell script under deploy/ parses and passes shellcheck."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, need_service

DEPLOY = ROOT / "deploy"


def shell_scripts() -> list[Path]:
    scripts = [
        path for path in sorted(DEPLOY.rglob("*"))
        if path.is_file() and path.read_bytes().startswith(b"#!/bin/sh")
    ]
    return scripts


def test_scripts_are_found_and_executable():
    names = {path.name for path in shell_scripts()}
    assert {"check-certificate.sh", "get-certificate.sh", "install-certificate.sh",
            "start-hotspot.sh", "print-join.sh", "facilitator-admin"} <= names
    for path in shell_scripts():
        assert path.stat().st_mode & 0o111, f"{path} is not executable"
        assert "set -eu" in path.read_text(), f"{path} does not stop at the first error"


@pytest.mark.parametrize("script", shell_scripts(), ids=lambda p: p.name)
def test_script_parses_as_posix_sh(script):
    subprocess.run(["sh", "-n", str(script)], check=True, timeout=30)


@pytest.mark.parametrize("script", shell_scripts(), ids=lambda p: p.name)
def test_script_passes_shellcheck(script):
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        need_service("shellcheck is not installed (apt-get install shellcheck)")
    assert shellcheck is not None
    result = subprocess.run(
        [shellcheck, "--shell=sh", "--severity=style", str(script)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stdout
