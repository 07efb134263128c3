"""The shipped systemd units, checked by systemd's own tools.

``systemd-analyze verify`` resolves every unit a file names and checks that ``ExecStart``
points to an executable. It runs with ``--root`` on a scratch tree: the host's unit files
(for ``postgresql.service``, ``network-online.target`` …), the shipped files copied
byte for byte where an administrator installs them, and stand-ins for the programs they
start. Nothing in the shipped files is rewritten.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, need_service

SYSTEMD = ROOT / "deploy" / "systemd"
HOST_UNITS = Path("/usr/lib/systemd/system")
UNITS = [
    "facilitator@.service",
    "facilitator.target",
    "facilitator-backup.service",
    "facilitator-backup.timer",
]
# What the check starts: an instance of the template, the rest as shipped.
CHECKED = ["facilitator@5001.service", *UNITS[1:]]
PROGRAMS = ["opt/facilitator/.venv/bin/facilitator", "usr/bin/env", "usr/bin/caddy"]


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None or not HOST_UNITS.is_dir():
        need_service("systemd-analyze and /usr/lib/systemd/system are not on this machine")
    assert found is not None
    return found


@pytest.fixture
def system_root(tmp_path: Path) -> Path:
    """A filesystem tree with the units installed as docs/deploy.md says."""
    root = tmp_path / "root"
    shutil.copytree(HOST_UNITS, root / "usr/lib/systemd/system", symlinks=True)
    etc = root / "etc/systemd/system"
    (etc / "caddy.service.d").mkdir(parents=True)
    for name in UNITS:
        shutil.copyfile(SYSTEMD / name, etc / name)
    shutil.copyfile(SYSTEMD / "caddy.service.d/facilitator.conf",
                    etc / "caddy.service.d/facilitator.conf")
    for program in PROGRAMS:
        path = root / program
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    return root


def verify(root: Path, *units: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [systemd_analyze(), "verify", "--man=no", f"--root={root}", *units],
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_units_pass_systemd_analyze_verify_without_a_warning(system_root):
    result = verify(system_root, *CHECKED)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", "systemd reports something it ignores or doubts"


def test_caddy_drop_in_passes_verify(system_root):
    """The drop-in that hands Caddy its environment file, on Debian's caddy.service."""
    if not (HOST_UNITS / "caddy.service").exists():
        need_service("Debian's caddy package is not installed")
    result = verify(system_root, "caddy.service")
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    assert "/etc/facilitator/caddy.env" in (
        SYSTEMD / "caddy.service.d/facilitator.conf").read_text()


@pytest.mark.parametrize(
    ("program", "unit"),
    [(PROGRAMS[0], "facilitator-backup.service"), (PROGRAMS[1], "facilitator@5001.service")],
)
def test_verify_notices_a_missing_program(system_root, program, unit):
    """The check above can fail: it notices a program the unit cannot start."""
    (system_root / program).unlink()
    result = verify(system_root, unit)
    assert result.returncode != 0 and "is not executable" in result.stderr


def test_verify_notices_an_unknown_setting(system_root):
    unit = system_root / "etc/systemd/system/facilitator@.service"
    unit.write_text(unit.read_text().replace("ProtectSystem=", "ProtectSytem="))
    assert "Unknown key" in verify(system_root, "facilitator@5001.service").stderr


@pytest.mark.parametrize("unit", ["facilitator@5001.service", "facilitator-backup.service"])
def test_services_are_confined(system_root, unit):
    """systemd's own exposure score (0 = fully confined, 10 = not at all) stays under 2."""
    result = subprocess.run(
        [systemd_analyze(), "security", "--offline=true", "--threshold=20", "--no-pager",
         f"--root={system_root}", unit],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr


def unit_settings(name: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in (SYSTEMD / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


@pytest.mark.parametrize("name", ["facilitator@.service", "facilitator-backup.service"])
def test_services_write_only_to_the_instance_folder(name):
    unit = unit_settings(name)
    assert unit["User"] == ["facilitator"] and unit["NoNewPrivileges"] == ["yes"]
    assert unit["ProtectSystem"] == ["strict"] and unit["PrivateTmp"] == ["yes"]
    assert unit["StateDirectory"] == ["facilitator"]
    assert unit["Environment"] == ["FACILITATOR_INSTANCE=/var/lib/facilitator"]
    assert "ReadWritePaths" not in unit, "the state directory is the only writable path"
    assert unit["EnvironmentFile"][0] == "/etc/facilitator/facilitator.env"


def test_server_processes_start_after_their_services_and_with_the_target():
    unit = unit_settings("facilitator@.service")
    for dependency in ("postgresql.service", "redis-server.service", "network-online.target"):
        assert dependency in unit["After"][0].split()
        assert dependency in unit["Wants"][0].split()
    assert unit["PartOf"] == ["facilitator.target"]
    assert unit["WantedBy"] == ["facilitator.target"]
    assert unit["ExecStart"][0].startswith("/usr/bin/env FACILITATOR_PORT=%i ")
    # An instance's own file is optional ("-") and read after the shared one.
    assert unit["EnvironmentFile"] == [
        "/etc/facilitator/facilitator.env", "-/etc/facilitator/facilitator-%i.env"]
