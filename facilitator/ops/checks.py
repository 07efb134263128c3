"""The doctor's checks as pure functions: facts in, one ``CheckResult`` out.

Gathering the facts (connecting, stat-ing, asking the server) is ``ops.probes``' job, so each
judgement here can be tested on any machine with any facts.
"""

from __future__ import annotations

import ipaddress
import pwd
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

MIB = 1024 * 1024


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status.value:<4}  {self.name:<16} {self.detail}"
        return f"{text}; fix: {self.fix}" if self.fix else text


@dataclass(frozen=True)
class Verdict:
    """The results one check can give, under its name: each judgement then says only what it
    found and, when it is not ok, what to do."""

    name: str

    def ok(self, detail: str) -> CheckResult:
        return CheckResult(self.name, Status.OK, detail)

    def skip(self, detail: str) -> CheckResult:
        return CheckResult(self.name, Status.SKIP, detail)

    def warn(self, detail: str, fix: str) -> CheckResult:
        return CheckResult(self.name, Status.WARN, detail, fix)

    def fail(self, detail: str, fix: str) -> CheckResult:
        return CheckResult(self.name, Status.FAIL, detail, fix)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1, ``localhost`` and its subdomains: what browsers treat as this machine."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin_host(origin: str) -> str:
    return urlsplit(origin).hostname or ""


def check_public_origin(origin: str) -> CheckResult:
    """WebCrypto exists only in secure contexts: HTTPS, loopback, or .onion in Tor Browser."""
    verdict = Verdict("public-origin")
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"}:
        return verdict.fail(
            f"{origin!r} is not an origin (scheme://host[:port])",
            "set FACILITATOR_PUBLIC_ORIGIN to the address people open, "
            "e.g. https://dialogue.example.org",
        )
    if parts.scheme == "https":
        return verdict.ok(f"{origin} (HTTPS)")
    if is_loopback(parts.hostname):
        return verdict.ok(f"{origin} (loopback: reachable from this machine only)")
    if parts.hostname.endswith(".onion"):
        return verdict.ok(f"{origin} (onion service: secure in Tor Browser)")
    return verdict.fail(
        f"{origin} is plain HTTP: browsers offer no WebCrypto there, so nobody can make a key",
        "put the TLS proxy from deploy/ in front and set FACILITATOR_PUBLIC_ORIGIN=https://...",
    )


def check_secure_cookies(origin: str, secure_cookies: bool) -> CheckResult:
    verdict = Verdict("secure-cookies")
    if secure_cookies:
        return verdict.ok("cookies are marked Secure")
    if is_loopback(origin_host(origin)):
        return verdict.ok("not marked Secure (allowed on loopback only)")
    return verdict.fail(
        "cookies are not marked Secure at a non-loopback origin",
        "remove FACILITATOR_SECURE_COOKIES from the environment or set it to 1",
    )


@dataclass(frozen=True)
class Forwarded:
    """What the server reported about the doctor's own request (``GET /ops/forwarded``)."""

    forwarded_for: int
    https: bool


def check_trusted_proxies(
    configured: int, seen: Forwarded | None, origin: str, url: str
) -> CheckResult:
    """The app must trust exactly the proxies a request passes through.

    The doctor sends no ``X-Forwarded-For`` of its own, so every address the app sees was added
    by a proxy on the way from ``url``. Trusting fewer puts every client behind the proxy's one
    address (one sign-in throttle for everyone); trusting more lets a client pick its address.
    """
    verdict = Verdict("trusted-proxies")
    if seen is None:
        return verdict.skip(
            f"FACILITATOR_TRUSTED_PROXIES={configured}; no answer from the server to compare with"
        )
    hops = seen.forwarded_for
    passed = f"pass through {hops} {'proxy' if hops == 1 else 'proxies'}"
    setting = f"FACILITATOR_TRUSTED_PROXIES={configured}"
    if hops > configured:
        return verdict.fail(
            f"requests to {url} {passed} but {setting}: every client gets the "
            "proxy's address (one sign-in throttle for everyone)",
            f"set FACILITATOR_TRUSTED_PROXIES={hops}",
        )
    if hops < configured:
        return verdict.fail(
            f"{setting} but requests to {url} {passed}: a client can choose its address "
            "with a forged X-Forwarded-For",
            f"set FACILITATOR_TRUSTED_PROXIES={hops}, or keep the app unreachable except "
            "through the proxy",
        )
    if urlsplit(origin).scheme == "https" and configured and not seen.https:
        return verdict.warn(
            f"requests {passed}, {setting}, but the app sees plain HTTP",
            "make the proxy send X-Forwarded-Proto: https",
        )
    return verdict.ok(f"requests to {url} {passed}; {setting}")


def check_secret_file(name: str, path: Path, uid: int, required: bool) -> CheckResult:
    """A key file readable by its owner only, and that owner the user running the server."""
    verdict = Verdict(name)
    if not path.exists():
        if required:
            return verdict.fail(
                f"{path} is missing", "start the server once to create it, or set SECRET_KEY"
            )
        return verdict.skip(f"no {path}")
    stat = path.stat()
    problems, fixes = [], []
    mode = stat.st_mode & 0o777
    if mode & 0o077:
        problems.append(f"mode {mode:04o} lets other users read it")
        fixes.append(f"chmod 600 {path}")
    if stat.st_uid != uid:
        problems.append(f"it belongs to uid {stat.st_uid}, not to {user_name(uid)}")
        fixes.append(f"chown {user_name(uid)} {path} (run the doctor as the server's user)")
    if problems:
        return verdict.fail(f"{path}: " + "; ".join(problems), "; ".join(fixes))
    return verdict.ok(f"{path} mode {mode:04o}, owned by {user_name(uid)}")


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


@dataclass(frozen=True)
class DiskThresholds:
    fail_below: int = 256 * MIB
    warn_below: int = 1024 * MIB
    warn_fraction: float = 0.05


def check_disk(name: str, path: Path, free: int, total: int, limits: DiskThresholds) -> CheckResult:
    verdict = Verdict(name)
    share = free / total if total else 0.0
    detail = f"{free / MIB / 1024:.1f} GiB free ({share:.0%}) at {path}"
    fix = "free some space or grow the volume"
    if free < limits.fail_below:
        below = f"below {limits.fail_below // MIB} MiB"
        return verdict.fail(f"{detail}: {below}", fix)
    if free < limits.warn_below:
        return verdict.warn(f"{detail}: below {limits.warn_below // MIB} MiB", fix)
    if share < limits.warn_fraction:
        return verdict.warn(f"{detail}: below {limits.warn_fraction:.0%}", fix)
    return verdict.ok(detail)


def check_backup(
    directory: Path, newest: tuple[Path, float] | None, now: float, max_age_s: float
) -> CheckResult:
    """The newest ``facilitator-*`` file in the backup folder must be recent."""
    verdict = Verdict("backup")
    fix = "run facilitator backup create, and enable the backup timer from deploy/"
    if newest is None:
        return verdict.fail(f"no backup in {directory}", fix)
    path, mtime = newest
    age_h = (now - mtime) / 3600
    detail = f"newest is {path.name}, {age_h:.1f} hours old"
    if now - mtime > max_age_s:
        return verdict.fail(detail, fix)
    return verdict.ok(detail)


def check_clock(ntp: bool | None, skew_s: float | None, server_is_loopback: bool) -> CheckResult:
    """Sign-in codes (TOTP) change every 30 s, so a clock a step off refuses good codes.

    ``timedatectl`` says whether this machine's clock is synchronised. Where it cannot tell, the
    server's ``Date`` header is compared with this machine's clock: agreement with a server on
    another machine is evidence, with one on this machine it proves nothing.
    """
    verdict = Verdict("clock")
    fix = "enable time synchronisation (systemd-timesyncd or chrony)"
    if ntp is True:
        return verdict.ok("synchronised (timedatectl)")
    if ntp is False:
        return verdict.fail("not synchronised (timedatectl)", fix)
    if skew_s is None:
        return verdict.warn(
            "unknown: timedatectl cannot tell and there is no server to compare with", fix
        )
    if abs(skew_s) > 30:
        return verdict.fail(f"the server's clock is {skew_s:+.0f} s off", fix)
    if server_is_loopback:
        return verdict.warn(
            "unknown: timedatectl cannot tell, and the server shares this clock",
            "check that the clock is synchronised",
        )
    if abs(skew_s) > 5:
        return verdict.warn(f"the server's clock is {skew_s:+.0f} s off", fix)
    return verdict.ok(f"agrees with the server's within {abs(skew_s):.0f} s")
