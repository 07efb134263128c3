"""``facilitator td2 ...``: check and generate TD2 v1 test vectors.

The group needs no application context, so it runs on an offline machine
without configuration.
"""

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from facilitator.td2.checker import EXTENSION_SECTIONS, SECTIONS, check_vectors

_Command = TypeVar("_Command", bound=Callable[..., Any])


def file_option(
    *names: str, help: str, exists: bool = False, required: bool = False
) -> Callable[[_Command], _Command]:
    """An option naming one file, never a folder: ``exists`` for a file the command reads.
    The offline commands (these and ``facilitator export``) declare their files this way."""
    kind = click.Path(exists=exists, dir_okay=False, path_type=Path)
    return click.option(*names, type=kind, required=required, help=help)


@click.group("td2")
def td2() -> None:
    """TD2 v1 protocol tools (test vectors)."""


@td2.command("check-vectors")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_vectors_command(file: Path) -> None:
    """Check every entry of a TD2 v1 vector FILE; exit 1 on the first failure."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        click.echo(f"FAIL {file}: not a UTF-8 JSON file ({exc})", err=True)
        sys.exit(1)
    report = check_vectors(data)
    for section in SECTIONS + EXTENSION_SECTIONS:
        if section in report.counts:
            click.echo(f"{section:>16}: {report.counts[section]} ok")
    if report.failure is not None:
        click.echo(f"FAIL {file}: {report.failure}", err=True)
        sys.exit(1)
    click.echo(f"OK {file}: {sum(report.counts.values())} entries checked")


@td2.command("gen-vectors")
@file_option("--out", help="Write to this file instead of standard output.")
def gen_vectors_command(out: Path | None) -> None:
    """Generate the deterministic TD2 v1 vector file."""
    from facilitator.td2.vectors import vectors_json

    text = vectors_json()
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}")
