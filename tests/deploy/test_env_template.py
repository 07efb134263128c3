"""deploy/facilitator.env.example documents every setting the code reads, and only those.

The names come from the code itself: every string read from the environment anywhere in
``facilitator/`` (``os.environ.get("X")``, ``os.environ["X"]``, ``os.getenv("X")``, or
``env.get("X")`` on the mapping ``Settings.from_env`` reads, or a click option's
``envvar="X"``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "facilitator"
TEMPLATE = ROOT / "deploy" / "facilitator.env.example"
CADDY_TEMPLATE = ROOT / "deploy" / "caddy.env.example"
# A bare ``environ`` is a WSGI request's environment (PATH_INFO, ...), not the process's;
# the process's is reached as ``os.environ`` or through the ``env`` mapping Settings reads.
ENVIRONMENT_NAMES = {"env", "environment"}


def _is_environment(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in ENVIRONMENT_NAMES
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _first_string(args: list[ast.expr]) -> str | None:
    if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
        return args[0].value
    return None


def names_read_in(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        name = None
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "envvar" and isinstance(keyword.value, ast.Constant):
                    found.add(str(keyword.value.value))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            reads = node.func.attr == "getenv" or (
                node.func.attr == "get" and _is_environment(node.func.value)
            )
            if reads:
                name = _first_string(node.args)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and _is_environment(node.value)
        ):
            name = _first_string([node.slice])
        if name is not None:
            found.add(name)
    return found


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        names |= names_read_in(path.read_text())
    return names


def documented(template: Path) -> dict[str, str]:
    """``NAME`` -> the comment block above it, for each ``NAME=`` line (commented out or not)."""
    entries: dict[str, str] = {}
    comment: list[str] = []
    for line in template.read_text().splitlines():
        match = re.fullmatch(r"#?([A-Z][A-Z0-9_]*)=.*", line)
        if match:
            entries[match.group(1)] = "\n".join(comment)
            comment = []
        elif line.startswith("#"):
            comment.append(line)
        else:
            comment = []
    return entries


def test_the_scan_finds_what_settings_py_reads():
    """The scanner itself: the names Settings.from_env is known to read are found."""
    expected = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "FACILITATOR_HOST",
                "FACILITATOR_PORT", "FACILITATOR_PUBLIC_ORIGIN", "FACILITATOR_SECURE_COOKIES",
                "FACILITATOR_INSTANCE"}
    assert expected <= settings_read_by_the_code()
    assert names_read_in('os.environ["A"]; env.get("B", "x"); os.getenv("C"); d.get("D")') == {
        "A", "B", "C"}
    assert names_read_in('click.option("--keep", envvar="E")') == {"E"}
    assert names_read_in('env = dict(os.environ); env["PGPASSWORD"] = "x"') == set(), "a write"


def test_template_documents_every_setting_the_code_reads():
    missing = settings_read_by_the_code() - documented(TEMPLATE).keys()
    assert not missing, f"add to deploy/facilitator.env.example: {sorted(missing)}"


def test_template_names_only_settings_the_code_reads():
    stale = documented(TEMPLATE).keys() - settings_read_by_the_code()
    assert not stale, f"no code reads: {sorted(stale)}"


def test_every_setting_in_the_template_is_explained():
    for name, comment in documented(TEMPLATE).items():
        assert len(comment.splitlines()) >= 2, f"{name} needs a comment saying what it does"
        assert "Default" in comment or name in {"FACILITATOR_PUBLIC_ORIGIN"}, name


def test_caddy_template_covers_what_the_caddy_configuration_reads():
    """Every ``{$NAME}`` in deploy/caddy/ has its line in deploy/caddy.env.example."""
    read = set()
    caddy_dir = ROOT / "deploy" / "caddy"
    for path in [*caddy_dir.glob("*Caddyfile"), *caddy_dir.glob("*.caddy")]:
        config = "\n".join(
            line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")
        )
        read |= set(re.findall(r"\{\$([A-Z][A-Z0-9_]*)(?::[^}]*)?\}", config))
    read |= {"FACILITATOR_DOMAIN", "FACILITATOR_TLS_CERT", "FACILITATOR_TLS_KEY"}
    caddy = documented(CADDY_TEMPLATE)
    assert read <= caddy.keys(), f"add to deploy/caddy.env.example: {sorted(read - caddy.keys())}"
    assert not set(documented(TEMPLATE)) & set(caddy), "Caddy never reads the app's file"
    for name, comment in caddy.items():
        assert "Default" in comment, f"{name} needs its default in the comment above it"
