"""Production entry point: ``python -m facilitator.serve``.

gevent must patch the standard library before anything else is imported, so this module is
run on its own rather than from the ``facilitator`` command's process.
"""

from gevent import monkey

monkey.patch_all()

import click  # noqa: E402

from facilitator import create_app  # noqa: E402
from facilitator.cli import setup_link_or_none  # noqa: E402
from facilitator.extensions import socketio  # noqa: E402
from facilitator.settings import Settings  # noqa: E402


def main() -> None:
    settings = Settings.from_env().with_(socketio_async_mode="gevent")
    app = create_app(settings)
    with app.app_context():
        link = setup_link_or_none()
    if link:
        click.echo("No convener yet. Open this one-time link to create the first account:")
        click.echo(f"  {link}")
        click.echo("(or run: .venv/bin/facilitator create-convener)")
    click.echo(f"Serving on {settings.public_origin}")
    socketio.run(app, host=settings.host, port=settings.port, log_output=False)


if __name__ == "__main__":
    main()
