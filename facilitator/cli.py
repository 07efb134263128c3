"""The ``facilitator`` command: Flask's CLI (``db upgrade`` and friends) plus our own commands."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from facilitator.accounts import credentials, service
from facilitator.accounts.setup_link import setup_link_or_none
from facilitator.app import create_app
from facilitator.core.db import commit_boundary
from facilitator.core.errors import DomainError
from facilitator.extensions import db
from facilitator.settings import Settings, SettingsError


def _app_factory() -> Flask:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    return create_app(settings)


@click.group(cls=FlaskGroup, create_app=_app_factory, add_version_option=False)
def main() -> None:
    """Facilitator: end-to-end encrypted toolkit for confidential dialogues."""


@main.command("setup-link")
@with_appcontext
def setup_link_command() -> None:
    """Print a one-time link to create the first convener account."""
    link = setup_link_or_none()
    if link is None:
        raise click.ClickException("This installation already has a convener.")
    click.echo(link)


@main.command("create-convener")
@click.option("--username", prompt=True)
@click.password_option(confirmation_prompt=True)
@with_appcontext
def create_convener_command(username: str, password: str) -> None:
    """Create a convener account on the terminal, with its two-factor key."""
    totp_key = current_app.extensions["facilitator.settings"].totp_key
    try:
        with commit_boundary():
            account = service.create_convener(db.session, username, password, totp_key=totp_key)
            secret = service.totp_secret(account, totp_key)
            click.echo("Add this key to an authenticator app:")
            click.echo(f"  key: {secret}")
            click.echo(f"  uri: {credentials.totp_uri(secret, account.username)}")
            code = click.prompt("Code shown by the app")
            service.activate_with_totp(db.session, account, code, totp_key=totp_key)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Convener '{account.username}' created.")


@main.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete expired sessions, links, invitations, knocks and challenges (for cron or a
    systemd timer; ``facilitator serve`` also does it at start and every hour)."""
    from facilitator.ops.purge import purge_now

    purged = purge_now(current_app._get_current_object())  # type: ignore[attr-defined]
    for kind, count in asdict(purged).items():
        click.echo(f"{kind.replace('_', ' ')}: {count}")


@main.command("serve")
def serve_command() -> None:
    """Serve the app with the production server (gevent) on FACILITATOR_HOST:FACILITATOR_PORT."""
    from facilitator.serve import GEVENT_ENTRY

    os.execv(sys.executable, [sys.executable, "-c", GEVENT_ENTRY])  # noqa: S606


@main.group("backup")
def backup_group() -> None:
    """Back up the database, restore a backup and check it (facilitator.ops.backup).

    Backups hold no secret in the clear, and not the instance's key files either: keep
    secret_key and totp_key in a separate safe place; a restore needs the same totp_key.
    """


def _check_restored(database_url: str) -> None:
    """Print one line per check of the database at ``database_url``; exit 1 if any fails."""
    from sqlalchemy import create_engine

    from facilitator.ops.integrity import check_database

    engine = create_engine(database_url)
    try:
        checks = check_database(engine, current_app.extensions["facilitator.settings"].totp_key)
    finally:
        engine.dispose()
    for check in checks:
        click.echo(check.line())
    if not all(check.ok for check in checks):
        raise click.exceptions.Exit(1)


@backup_group.command("create")
@click.option(
    "--keep", type=click.IntRange(min=1), default=None, help="then keep only the newest N"
)
@with_appcontext
def backup_create_command(keep: int | None) -> None:
    """Write a backup to FACILITATOR_BACKUP_DIR (default: <instance>/backups), while serving."""
    from facilitator.ops.backup import BackupError, create_backup, prune_backups

    settings = current_app.extensions["facilitator.settings"]
    try:
        path = create_backup(settings.database_url, settings.backup_dir)
        removed = prune_backups(settings.backup_dir, keep) if keep else []
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(str(path))
    for old in removed:
        click.echo(f"removed {old}")


@backup_group.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="replace a database that already holds tables")
@with_appcontext
def backup_restore_command(backup: Path, force: bool) -> None:
    """Restore BACKUP into DATABASE_URL (servers stopped), then check the restored copy."""
    from facilitator.ops.backup import BackupError, restore_backup

    database_url = current_app.extensions["facilitator.settings"].database_url
    try:
        restore_backup(backup, database_url, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"restored {backup}")
    _check_restored(database_url)


@backup_group.command("verify")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def backup_verify_command(backup: Path) -> None:
    """Restore BACKUP into a throwaway database and check it; the live database is not touched."""
    from facilitator.ops.backup import BackupError, scratch_restore

    database_url = current_app.extensions["facilitator.settings"].database_url
    try:
        with scratch_restore(backup, database_url) as copy_url:
            _check_restored(copy_url)
    except BackupError as error:
        raise click.ClickException(str(error)) from error


def _register_offline_commands() -> None:
    """Commands that build no app (``add_command`` does not wrap them in an app context)."""
    from facilitator.export.cli import export_command, keys, verify_manifest_command
    from facilitator.ops.doctor import doctor_command
    from facilitator.td2.cli import td2

    main.add_command(td2)
    main.add_command(keys)
    main.add_command(export_command)
    main.add_command(verify_manifest_command)
    main.add_command(doctor_command)


_register_offline_commands()


if __name__ == "__main__":
    main()
