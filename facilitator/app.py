"""The web server: ``create_app`` builds the Flask app and registers every Socket.IO handler.

It only wires things together: no table creation, no network access. It lives apart from the
package's ``__init__`` so that the protocol (``td2``), the client and the anonymiser can be
imported without loading Flask, SQLAlchemy, psycopg or redis.
"""

from __future__ import annotations

from flask import Flask

from facilitator import PROJECT_ROOT

# Socket.IO handlers must be declared before the first ``init_app`` so that every app (and
# every test app) gets them: Flask-SocketIO copies its pending handlers into each new server.
from facilitator.core import sockets as _sockets  # noqa: F401
from facilitator.core.api import init_conditional_answers
from facilitator.core.assets import init_assets
from facilitator.core.auth import init_auth
from facilitator.core.db import init_commit_point
from facilitator.core.error_handlers import register_http_errors, register_socket_errors
from facilitator.core.hosts import allowed_origins, init_hosts
from facilitator.core.i18n import (
    available_locales,
    current_locale_info,
    format_count,
    format_when,
    select_locale,
)
from facilitator.core.private_logs import PrivateLogFlask
from facilitator.core.security import init_security
from facilitator.core.session_cookie import OncePerEnvironSessionInterface
from facilitator.core.socket_packets import StrictPacket, close_on_malformed_packets
from facilitator.core.sockets import init_sockets
from facilitator.extensions import babel, csrf, db, limiter, migrate, socketio
from facilitator.identity.resolve import connection_rooms, request_caller
from facilitator.live import events as _live_events  # noqa: F401
from facilitator.live.relay import BackgroundRedisManager
from facilitator.settings import Settings

MAX_REQUEST_BYTES = 1024 * 1024


def client_manager(redis_url: str | None) -> BackgroundRedisManager | None:
    """Several processes share rooms through Redis (``live.relay``). The manager is built here,
    not by Flask-SocketIO, to lift redis-py's 100-connection pool cap, under which bursts lose
    broadcasts; and passed explicitly every time so no app inherits another app's queue."""
    if not redis_url:
        return None
    return BackgroundRedisManager(redis_url, redis_options={"max_connections": 2000})


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = PrivateLogFlask(
        "facilitator",  # the package: its templates, and the name its logger has
        static_folder=str(PROJECT_ROOT / "static"),
        static_url_path="/static",
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SESSION_COOKIE_NAME="facilitator_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=settings.absolute_timeout_s,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,  # the Origin check in core.security covers this
        BABEL_TRANSLATION_DIRECTORIES=str(PROJECT_ROOT / "translations"),
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        RATELIMIT_HEADERS_ENABLED=False,
        PREFERRED_URL_SCHEME="https" if settings.secure_cookies else "http",
    )
    app.extensions["facilitator.settings"] = settings
    app.session_interface = OncePerEnvironSessionInterface()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    socketio.init_app(
        app,
        async_mode=settings.socketio_async_mode,
        client_manager=client_manager(settings.redis_url),
        cors_allowed_origins=allowed_origins(settings.public_origin),
        manage_session=False,
        serializer=StrictPacket,
    )
    close_on_malformed_packets(socketio.server)

    init_hosts(app, settings.public_origin, settings.trusted_proxies)
    init_security(app, settings.public_origin, settings.secure_cookies)
    init_assets(app, PROJECT_ROOT / "static" / "dist")
    init_auth(app, request_caller)
    init_sockets(app, connection_rooms)
    init_commit_point(app)
    init_conditional_answers(app)
    register_http_errors(app)
    register_socket_errors(socketio)

    @app.context_processor
    def _inject_locale() -> dict[str, object]:
        return {"locale_info": current_locale_info(), "available_locales": available_locales()}

    from facilitator.accounts import models as _account_models  # noqa: F401
    from facilitator.accounts.views import bp as accounts_bp
    from facilitator.accounts.views import team_role_label
    from facilitator.core.api_views import bp as api_core_bp
    from facilitator.core.i18n_views import bp as i18n_bp
    from facilitator.dialogues import api_spec as _dialogue_api  # noqa: F401 - its operations
    from facilitator.dialogues import models as _dialogue_models  # noqa: F401
    from facilitator.dialogues.pages import bp as dialogue_pages_bp
    from facilitator.dialogues.views import bp as dialogues_bp
    from facilitator.live.pages import bp as live_pages_bp
    from facilitator.ops.views import bp as ops_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(i18n_bp)
    app.register_blueprint(api_core_bp)
    app.register_blueprint(dialogues_bp)
    app.register_blueprint(dialogue_pages_bp)
    app.register_blueprint(live_pages_bp)
    app.register_blueprint(ops_bp)
    app.jinja_env.filters["team_role"] = team_role_label
    app.jinja_env.filters["when"] = format_when
    app.jinja_env.filters["number"] = format_count
    return app
