"""Production server: gevent, one process (several share Redis, see README).

gevent must patch the standard library before anything else is imported — including the app
(``facilitator.app``) — so ``facilitator serve`` starts a fresh interpreter that patches first
and only then imports and calls ``main`` (see ``GEVENT_ENTRY``).
"""

from __future__ import annotations

import gc

import click
from flask_migrate import upgrade

from facilitator.accounts.setup_link import setup_link_or_none
from facilitator.app import create_app
from facilitator.extensions import socketio
from facilitator.ops.purge import start_periodic_purge
from facilitator.settings import Settings, SettingsError
from facilitator.wsgi_server import wsgi_server

GEVENT_ENTRY = (
    "from gevent import monkey; monkey.patch_all(); from facilitator.serve import main; main()"
)


def main() -> None:
    try:
        settings = Settings.from_env().with_(socketio_async_mode="gevent")
    except SettingsError as error:
        raise SystemExit(f"facilitator serve: {error}") from None
    app = create_app(settings)
    with app.app_context():
        upgrade()  # the schema is always the one this code expects
        link = setup_link_or_none()
    if link:
        click.echo("No convener yet. Open this one-time link to create the first account:")
        click.echo(f"  {link}")
        click.echo("(or run: .venv/bin/facilitator create-convener)")
    click.echo(f"Serving on {settings.public_origin}")
    start_periodic_purge(app, socketio.start_background_task, socketio.sleep)
    # What was built so far (the app, its models, compiled statements, catalogues) lives as
    # long as the process: frozen, it is left out of the collector's full passes, which
    # otherwise stopped every greenlet for over 0.1 s at a time under load.
    gc.collect()
    gc.freeze()
    wsgi_server(app, settings.host, settings.port).serve_forever()
