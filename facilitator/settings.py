"""Frozen application settings, read once from the environment.

Nothing else in the package reads ``os.environ``: tests build a ``Settings`` directly.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

INSTANCE_DIR = Path(os.environ.get("FACILITATOR_INSTANCE", Path.cwd() / "instance"))


def _secret_key_from_instance(instance: Path) -> str:
    """A random key persisted under ``instance/`` so a local server survives restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class SettingsError(ValueError):
    """A setting that cannot be used: the server refuses to start and says which and why."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _trusted_proxies(value: str | None) -> int:
    """How many reverse proxies in front of the app add an ``X-Forwarded-For`` hop.

    A wrong count is a security problem either way (too high: clients choose their address;
    too low: every client has the proxy's), so anything but a whole number from 0 is refused.
    """
    if value is None or value.strip() == "":
        return 0
    text = value.strip()
    if not text.isdigit():
        raise SettingsError(
            f"FACILITATOR_TRUSTED_PROXIES must be a whole number from 0 (the number of "
            f"reverse proxies in front of the server), not {value!r}"
        )
    return int(text)


def _public_origin(value: str) -> str:
    """``scheme://host[:port]`` and nothing more: requests for any other host are refused, so
    a mistyped origin would refuse every request."""
    parts = urlsplit(value.strip())
    try:
        parts.port  # noqa: B018 (parsing the port validates it)
    except ValueError:
        parts = parts._replace(netloc="")
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        raise SettingsError(
            "FACILITATOR_PUBLIC_ORIGIN must be the address people open, as "
            f"https://host or https://host:port with no path, not {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc}".lower()


def _listening_origin(host: str, port: int) -> str:
    """The origin people open when none is configured: where the server listens. A wildcard
    address (every interface) is nobody's address, so it needs the origin spelled out."""
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 (naming the wildcard, not binding to it)
        raise SettingsError(
            f"FACILITATOR_HOST is {host!r} (every interface): set FACILITATOR_PUBLIC_ORIGIN "
            "to the address people open, e.g. https://dialogue.example.org"
        )
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


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
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto hops are believed.
    trusted_proxies: int = 0
    idle_timeout_s: int = 30 * 60
    absolute_timeout_s: int = 12 * 60 * 60
    login_attempts_per_account: str = "5 per 15 minutes"
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
        # Checked before anything is written to the instance folder.
        public_origin = _public_origin(
            env.get("FACILITATOR_PUBLIC_ORIGIN") or _listening_origin(host, port)
        )
        trusted_proxies = _trusted_proxies(env.get("FACILITATOR_TRUSTED_PROXIES"))
        return cls(
            secret_key=env.get("SECRET_KEY") or _secret_key_from_instance(instance),
            database_url=database_url,
            redis_url=env.get("REDIS_URL") or None,
            host=host,
            port=port,
            secure_cookies=_flag(env.get("FACILITATOR_SECURE_COOKIES"), default=not local),
            public_origin=public_origin,
            trusted_proxies=trusted_proxies,
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
