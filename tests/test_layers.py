"""Importing the protocol, the client, the anonymiser or the counting loads none of the web stack:
a convener's machine, a script or a test that speaks TD2 needs no Flask, no database driver and no
Redis.

Each import runs in a fresh interpreter under ``-X importtime``, which lists every module it
loads (on stderr), however it was reached."""

from __future__ import annotations

import subprocess
import sys

import pytest

WEB_STACK = ("flask", "sqlalchemy", "psycopg", "redis", "werkzeug")


def loaded_modules(module: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True, text=True, check=True, timeout=60,
    )
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":  # the header row
                names.add(name)
    return names


@pytest.mark.parametrize(
    "module",
    ["facilitator.td2", "facilitator.client", "facilitator.export.anonymise", "facilitator.ideas"],
)
def test_importing_loads_no_web_stack(module):
    loaded = loaded_modules(module)
    assert module in loaded, "the import ran and was timed"
    web = sorted(name for name in loaded if name.split(".")[0] in WEB_STACK)
    assert web == [], f"{module} loads {web[:10]}"


def test_the_check_sees_the_web_stack_where_it_is():
    loaded = loaded_modules("facilitator.app")
    assert {"flask", "sqlalchemy", "werkzeug"} <= loaded
