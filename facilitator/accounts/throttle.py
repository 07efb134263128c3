"""The sign-in throttle: three budgets of failed attempts, checked before any password or code is
looked at, kept in the rate limiter's storage (Redis when several processes share it).

Each attempt is taken from its budgets before it is checked (``reserve_attempt``) and given back
when it succeeds (``give_back``): only failures stay counted.

- **Per account**: one budget for the whole sign-in, password and code steps together
  (``login_attempts_per_account``). A failure is counted only once a password was checked: a
  wrong password (under the name given, whether or not such an account exists, so both answer
  alike), or a wrong code in a sign-in whose password step passed. A code sent without that
  step is refused and counts for nobody, so nobody can lock an account out knowing only its
  name; guessing its password is what it takes.
- **Per client address** (``login_attempts_per_address``; an IPv6 client is its /64) and
  **for the whole server** (``login_attempts_global``): every failed password counts. They
  bound what one machine, and everyone together, can make the server spend on Argon2id hashes
  (each checked password costs one), whatever the usernames tried. When the global budget is
  spent, sign-in is refused for everyone until the window moves on: the live room keeps
  running.

Only failures count: a team signing in from one venue address is not slowed down.

**Known devices.** Knowing a username is enough to spend its account budget with wrong
passwords, and everyone behind one address (a venue's network, every onion visitor, who all
reach the app from the proxy on 127.0.0.1) shares an address budget. So a browser that has
completed a sign-in keeps a device cookie for that account (``remember_device``), and when it
signs in to that account again it draws on a budget of its own instead of those three: an
attacker who exhausts an account's, an address's or the server's budget locks out new
browsers, never the browsers its owner already used. The cookie holds a random nonce and an
HMAC of it with the username under the app's secret, not the username, so a seized browser
does not name its account, and a forged or copied-to-another-name cookie is worth nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, request
from limits import RateLimitItem, parse
from werkzeug.wrappers import Response

from facilitator.accounts import credentials
from facilitator.core.errors import InvalidInputError, RateLimitedError
from facilitator.extensions import limiter

PENDING_LOGIN_KEY = "pending_login"


def account_name(raw: str) -> str:
    """The normalised username an attempt names: its account budget's key."""
    try:
        return credentials.normalise_username(raw)
    except InvalidInputError:
        return ""


KNOWN_DEVICE_COOKIE = "facilitator_device"
KNOWN_DEVICE_MAX_AGE_S = 180 * 24 * 60 * 60


def _device_proof(secret_key: str, username: str, nonce: str) -> str:
    message = f"known-device|{username}|{nonce}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def known_device(username: str) -> str | None:
    """The nonce of this browser's device cookie when it was given for ``username``, else None."""
    nonce, _, proof = request.cookies.get(KNOWN_DEVICE_COOKIE, "").partition(".")
    if not (username and nonce and proof):
        return None
    secret_key = current_app.extensions["facilitator.settings"].secret_key
    return nonce if hmac.compare_digest(proof, _device_proof(secret_key, username, nonce)) else None


def remember_device(response: Response, username: str) -> None:
    """Give the browser that just completed a sign-in its own budget for this account."""
    settings = current_app.extensions["facilitator.settings"]
    nonce = secrets.token_urlsafe(16)
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        f"{nonce}.{_device_proof(settings.secret_key, username, nonce)}",
        max_age=KNOWN_DEVICE_MAX_AGE_S,
        path="/login",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="Strict",
    )


def _budgets(username: str, password_step: bool) -> list[tuple[RateLimitItem, str]]:
    settings = current_app.extensions["facilitator.settings"]
    device = known_device(username)
    if device is not None:
        return [(parse(settings.login_attempts_per_account), "device:" + device)]
    budgets = [(parse(settings.login_attempts_per_account), "account:" + username)]
    if password_step:
        address = _address_key(settings.secret_key, request.remote_addr or "")
        budgets.append((parse(settings.login_attempts_per_address), "address:" + address))
        budgets.append((parse(settings.login_attempts_global), "all"))
    return budgets


IPV6_CLIENT_PREFIX = 64


def client_network(address: str) -> str:
    """The client an address stands for: an IPv4 address (written IPv4-mapped or not), or an
    IPv6 /64. One machine is given a whole /64 and may send from any address in it, so a budget
    per IPv6 address would be no budget at all."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(parsed)


def _address_key(secret_key: str, address: str) -> str:
    """The client address as the throttle stores it: keyed with the app's secret, so Redis (or
    a copy of it) holds no address, nor a hash one could reverse by trying every address."""
    client = client_network(address)
    return hmac.new(secret_key.encode(), client.encode(), hashlib.sha256).hexdigest()[:32]


Reserved = list[tuple[RateLimitItem, str]]


def reserve_attempt(username: str, password_step: bool) -> Reserved:
    """Take this attempt from every budget it draws on (the account's; for a password, also the
    client address's and the server's) before anything is checked, or refuse it (429) when one
    is spent. Taken first, in one atomic step per budget, so attempts sent together cannot all
    pass a budget that has room for only some of them. What was taken is given back
    (``give_back``) unless the attempt fails."""
    taken: Reserved = []
    for item, key in _budgets(username, password_step):
        if not limiter.limiter.hit(item, "sign-in", key):
            give_back([*taken, (item, key)])
            raise RateLimitedError()
        taken.append((item, key))
    return taken


def give_back(taken: Reserved) -> None:
    """Return reserved attempts: the attempt succeeded, or was not decided (an error).

    The budgets are fixed windows (the rate limiter's default strategy, which the app keeps):
    a counter per window, so giving back is taking a negative amount."""
    for item, key in taken:
        limiter.limiter.storage.incr(item.key_for("sign-in", key), item.get_expiry(), amount=-1)


@contextmanager
def counted_attempt(username: str, password_step: bool, failure: type[Exception]) -> Iterator[None]:
    """One sign-in step under the budgets (``reserve_attempt``): it stays counted when the step
    fails with ``failure`` (a wrong password or code), and is given back when the step succeeds
    or is not decided (any other error)."""
    reserved = reserve_attempt(username, password_step)
    try:
        yield
    except failure:
        raise
    except BaseException:
        give_back(reserved)
        raise
    give_back(reserved)
