"""Frozen application settings, read once from the environment.

Nothing else in the package reads ``os.environ``: tests build a ``Settings`` directly.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("FACILITATOR_INSTANCE", Path.cwd() / "instance"))


def _secret_key_from_instance(instance: Path) -> str:
    """A random key persisted under ``instance/`` so a local server survives restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Everything the app is configured by. Instances are immutable."""

    secret_key: str
    database_url: str
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 5000
    # Cookies carry ``Secure`` everywhere except plain-HTTP local development.
    secure_cookies: bool = True
    # Origins allowed on state-changing HTTP calls and the Socket.IO handshake.
    public_origin: str = "http://127.0.0.1:5000"
    idle_timeout_s: int = 30 * 60
    absolute_timeout_s: int = 12 * 60 * 60
    # Failed sign-in attempts allowed (accounts.throttle): per account, password and code
    # steps together; failed passwords per client address, and on the whole server.
    login_attempts_per_account: str = "5 per 15 minutes"
    login_attempts_per_address: str = "20 per 15 minutes"
    login_attempts_global: str = "60 per minute"
    invitation_ttl_s: int = 7 * 24 * 60 * 60
    setup_token_ttl_s: int = 24 * 60 * 60
    socketio_async_mode: str = "threading"
    testing: bool = False

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        instance = Path(env.get("FACILITATOR_INSTANCE", str(INSTANCE_DIR)))
        host = env.get("FACILITATOR_HOST", "127.0.0.1")
        port = int(env.get("FACILITATOR_PORT", "5000"))
        local = host in {"127.0.0.1", "localhost", "::1"}
        database_url = (
            env.get("DATABASE_URL") or f"sqlite:///{(instance / 'facilitator.db').resolve()}"
        )
        return cls(
            secret_key=env.get("SECRET_KEY") or _secret_key_from_instance(instance),
            database_url=database_url,
            redis_url=env.get("REDIS_URL") or None,
            host=host,
            port=port,
            secure_cookies=_flag(env.get("FACILITATOR_SECURE_COOKIES"), default=not local),
            public_origin=env.get("FACILITATOR_PUBLIC_ORIGIN", f"http://{host}:{port}"),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
