"""Frozen application settings, read once from the environment.

Nothing else in the package reads ``os.environ``: tests build a ``Settings`` directly.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
from dataclasses import dataclass, field, replace
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


TOTP_KEY_BYTES = 32


class TotpKeyFileError(SettingsError):
    """The TOTP key file exists but does not hold a key: refuse to start rather than guess."""


def totp_key_from_file(path: Path) -> bytes:
    """The key that seals TOTP secrets in the database, created (0600) on first use.

    The key lives outside the database, so a copy of the database or of a backup does not open
    the secrets. It is written to a temporary file first and linked into place: processes
    starting together all end up with the one key that won, never with a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(base64.urlsafe_b64encode(secrets.token_bytes(TOTP_KEY_BYTES)).decode())
            handle.write("\n")
        try:
            os.link(scratch, path)
        except FileExistsError:
            pass
        finally:
            scratch.unlink()
    try:
        key = base64.urlsafe_b64decode(path.read_text().strip().encode())
    except ValueError:
        key = b""
    if len(key) != TOTP_KEY_BYTES:
        raise TotpKeyFileError(f"{path} does not hold a {TOTP_KEY_BYTES}-byte base64url key")
    return key


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
    if not (text.isascii() and text.isdigit()):  # "²" is a digit to ``isdigit``, not to ``int``
        raise SettingsError(
            f"FACILITATOR_TRUSTED_PROXIES must be a whole number from 0 (the number of "
            f"reverse proxies in front of the server), not {value!r}"
        )
    return int(text)


def _public_origin(value: str) -> str:
    """``scheme://host[:port]`` and nothing more: requests for any other host are refused, so
    a mistyped origin would refuse every request."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 (parsing the port validates it)
        ipv6 = parts.hostname and ":" in parts.hostname and "@" not in parts.netloc
        if ipv6:  # an IPv6 literal: browsers send it in its shortest form
            address = ipaddress.IPv6Address(parts.hostname).compressed
            port = f":{parts.port}" if parts.port is not None else ""
            parts = parts._replace(netloc=f"[{address}]{port}")
    except ValueError:
        parts = urlsplit("")
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
    # Failed sign-in attempts allowed (accounts.throttle): per account, password and code
    # steps together; failed passwords per client address, and on the whole server.
    login_attempts_per_account: str = "5 per 15 minutes"
    login_attempts_per_address: str = "20 per 15 minutes"
    login_attempts_global: str = "60 per minute"
    invitation_ttl_s: int = 7 * 24 * 60 * 60
    setup_token_ttl_s: int = 24 * 60 * 60
    socketio_async_mode: str = "threading"
    testing: bool = False
    # Seals each account's TOTP secret (``accounts.totp_box``). Built directly (tests, the
    # benchmark), a Settings gets a random key: processes that share a database must be given
    # the same key file.
    totp_key: bytes = field(default_factory=lambda: secrets.token_bytes(TOTP_KEY_BYTES), repr=False)
    # Where ``facilitator backup create`` writes and prunes its files.
    backup_dir: Path = INSTANCE_DIR / "backups"

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
            totp_key=totp_key_from_file(
                Path(env.get("FACILITATOR_TOTP_KEY_FILE") or instance / "totp_key")
            ),
            backup_dir=Path(env.get("FACILITATOR_BACKUP_DIR") or instance / "backups"),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
