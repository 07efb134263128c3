"""Sign-in, sign-out, first-convener setup, team invitations and enrolment pages."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import pgettext
from werkzeug.wrappers import Response

from facilitator.accounts import credentials, service, throttle
from facilitator.accounts.current import SESSION_TOKEN_KEY, current_account, signed_in_account
from facilitator.accounts.errors import InvalidCredentialsError, TotpRejectedError
from facilitator.accounts.models import Account
from facilitator.core.auth import public
from facilitator.core.authz import TEAM_ROLES, Permission, can, require
from facilitator.core.errors import DomainError, NotAuthenticatedError
from facilitator.core.i18n import LOCALE_SESSION_KEY
from facilitator.core.sockets import close_connections
from facilitator.extensions import db

bp = Blueprint("accounts", __name__)

PENDING_LOGIN_TTL_S = 300
ENROLMENT_KEY = "enrolment"
Page = str | tuple[str, int] | Response


def _settings() -> Any:
    return current_app.extensions["facilitator.settings"]


def _sign_in(account: Account) -> None:
    """Start a fresh session: everything from before sign-in (CSRF token included) is dropped."""
    locale = session.get(LOCALE_SESSION_KEY)
    session.clear()
    if locale:
        session[LOCALE_SESSION_KEY] = locale
    session[SESSION_TOKEN_KEY] = service.open_login_session(db.session, account)


def _form_fields(*names: str) -> list[str]:
    """The posted form's fields, "" for those missing."""
    return [request.form.get(name, "") for name in names]


def _form_error(template: str, error: DomainError, **context: Any) -> tuple[str, int]:
    db.session.rollback()
    return render_template(template, error=error.message, **context), error.status


@bp.get("/login")
@public
def login() -> Page:
    if current_account() is not None:
        return redirect(url_for("accounts.home"))
    return render_template("accounts/login.html")


@bp.post("/login")
@public
def login_submit() -> Page:
    """The password step. The throttle (``accounts.throttle``) is checked before the password,
    and a wrong password counts against the name given, the client's address and the server."""
    username, password = _form_fields("username", "password")
    try:
        with throttle.counted_attempt(
            throttle.account_name(username), True, InvalidCredentialsError
        ):
            account = service.check_password(db.session, username, password)
    except InvalidCredentialsError as error:  # the attempt stays counted
        return _form_error("accounts/login.html", error, username=username)
    _password_step_passed(account)
    return redirect(url_for("accounts.login_code"))


def _password_step_passed(account: Account) -> None:
    """Let this session take the code step for ``account`` (``_pending_login``)."""
    session[throttle.PENDING_LOGIN_KEY] = {
        "account_id": account.id,
        "at": time.time(),
        "step": account.totp_last_step,
    }


def _pending_login() -> Account | None:
    """The account whose password step this session passed, for ``PENDING_LOGIN_TTL_S``, and
    for one completed sign-in at most: the pending sign-in names the account's last accepted
    TOTP step, which any accepted code moves on, so a copy of this cookie replayed after the
    sign-in (or after any other of the account's) is refused."""
    pending = session.get(throttle.PENDING_LOGIN_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_LOGIN_TTL_S:
        return None
    account = db.session.get(Account, pending.get("account_id"))
    if account is None or not account.is_active or pending.get("step") != account.totp_last_step:
        return None
    return account


@bp.get("/login/code")
@public
def login_code_form() -> Page:
    if _pending_login() is None:
        return redirect(url_for("accounts.login"))
    return render_template("accounts/code.html")


@bp.post("/login/code")
@public
def login_code() -> Page:
    """The code step, only for a session whose password step passed: a wrong code counts
    against that account's sign-in budget, shared with the password step."""
    account = _pending_login()
    if account is None:
        raise NotAuthenticatedError()
    (code,) = _form_fields("code")
    try:
        with throttle.counted_attempt(account.username, False, TotpRejectedError):
            service.accept_totp(db.session, account, code, totp_key=_settings().totp_key)
    except TotpRejectedError as error:  # the attempt stays counted
        return _form_error("accounts/code.html", error)
    return _signed_in_home(account)


def _signed_in_home(account: Account) -> Response:
    """Sign in with both steps passed; this browser is then known to the throttle."""
    _sign_in(account)
    response = redirect(url_for("accounts.home"))
    throttle.remember_device(response, account.username)
    return response


@bp.post("/logout")
def logout() -> Response:
    return _signed_out(service.close_login_session(db.session, session[SESSION_TOKEN_KEY]))


@bp.post("/logout-everywhere")
def logout_everywhere() -> Response:
    return _signed_out(service.close_all_login_sessions(db.session, signed_in_account()))


def _signed_out(ended: list[str]) -> Response:
    """Once the end of the sessions ``ended`` is committed, close their live connections in
    every process, and clear this browser's cookie."""
    db.session.commit()
    close_connections(ended)
    session.clear()
    return redirect(url_for("accounts.login"))


@bp.get("/")
def home() -> Page:
    return render_template("accounts/home.html")


@bp.get("/account")
def account_page() -> Page:
    return render_template("accounts/account.html")


# --- team invitations -------------------------------------------------------------------


def _team_page(status: int = 200, **context: Any) -> tuple[str, int]:
    actor = signed_in_account()
    invitations = (
        service.list_open_invitations(db.session, actor)
        if can(actor, Permission.INVITE_TEAM_MEMBER)
        else []
    )
    page = render_template(
        "accounts/team.html",
        team=service.list_team(db.session, actor),
        invitations=invitations,
        roles=list(TEAM_ROLES),
        **context,
    )
    return page, status


@bp.get("/team")
def team() -> Page:
    require(current_account(), Permission.VIEW_TEAM)
    return _team_page()


@bp.post("/team/invitations")
def invite() -> Page:
    actor = signed_in_account()
    token = service.create_invitation(
        db.session, actor, request.form.get("role", ""), _settings().invitation_ttl_s
    )
    return _team_page(status=201, new_link=link_url("accounts.join_team", token))


@bp.post("/team/invitations/<int:link_id>/revoke")
def revoke(link_id: int) -> Response:
    actor = signed_in_account()
    service.revoke_invitation(db.session, actor, link_id)
    return redirect(url_for("accounts.team"))


# --- enrolment: first convener and invited team members -----------------------------------
# A link's token travels in its fragment (``/setup#<token>``), which browsers never send: it
# reaches no server or proxy log. The page's script moves it into the form and out of the
# address bar and history (``static/js/pages/link-token.js``); the form posts it in its body.


def link_url(endpoint: str, token: str) -> str:
    """The link someone opens: the page's address with the token as its fragment."""
    return f"{url_for(endpoint, _external=True)}#{token}"


def _enrolment_form(purpose: str) -> Page:
    return render_template("accounts/enrol.html", purpose=purpose)


def _enrolment_submit(purpose: str) -> Page:
    token, *chosen = _form_fields("token", "username", "password", "confirm")
    key = _settings().totp_key
    try:
        account = service.start_enrolment(db.session, token, purpose, *chosen, totp_key=key)
    except DomainError as error:
        return _form_error("accounts/enrol.html", error, purpose=purpose, username=chosen[0])
    session[ENROLMENT_KEY] = {"token": token, "purpose": purpose, "account_id": account.id}
    return redirect(url_for("accounts.enrol_totp"))


def _enrolment_pages(path: str, endpoint: str, purpose: str) -> None:
    """The enrolment form at ``path`` and its submission, for one ``purpose``."""
    form, submit = (lambda: _enrolment_form(purpose)), (lambda: _enrolment_submit(purpose))
    bp.add_url_rule(path, endpoint, public(form), methods=["GET"])
    bp.add_url_rule(path, f"{endpoint}_submit", public(submit), methods=["POST"])


_enrolment_pages("/setup", "setup", service.SETUP)  # the first convener
_enrolment_pages("/join-team", "join_team", service.INVITE)  # invited team members


def _enrolment() -> tuple[dict[str, Any], Account]:
    state = session.get(ENROLMENT_KEY)
    if not isinstance(state, dict):
        raise NotAuthenticatedError()
    account = service.pending_enrolment(
        db.session, state["token"], state["purpose"], state["account_id"]
    )
    return state, account


def _totp_page(account: Account, status: int = 200, error: Any = None) -> tuple[str, int]:
    secret = service.totp_secret(account, _settings().totp_key)
    page = render_template(
        "accounts/totp.html",
        secret=secret,
        uri=credentials.totp_uri(secret, account.username),
        error=error,
    )
    return page, status


@bp.get("/enrol/totp")
@public
def enrol_totp() -> Page:
    _state, account = _enrolment()
    return _totp_page(account)


@bp.post("/enrol/totp")
@public
def enrol_totp_submit() -> Page:
    state, account = _enrolment()
    (code,) = _form_fields("code")
    key = _settings().totp_key
    try:
        service.confirm_enrolment(
            db.session, state["token"], state["purpose"], account.id, code, totp_key=key
        )
    except TotpRejectedError as error:
        db.session.rollback()
        return _totp_page(account, status=error.status, error=error.message)
    _sign_in(account)
    return redirect(url_for("accounts.home"))


def team_role_label(role: str) -> str:
    labels = {
        "convener": pgettext("team role", "Convener"),
        "facilitator": pgettext("team role", "Facilitator"),
        "interpreter": pgettext("team role", "Interpreter"),
        "rapporteur": pgettext("team role", "Rapporteur"),
        "observer": pgettext("team role", "Observer"),
    }
    return str(labels.get(role, role))
