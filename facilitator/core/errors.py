"""Typed domain errors, mapped once for HTTP (JSON 4xx bodies) and once for Socket.IO.

Services raise these; they never import Flask. Each error carries a stable ``code`` that clients
switch on and a translatable ``message`` for people. Live payloads send only the code and
parameters (a room mixes locales); HTTP bodies add the message in the requester's locale.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """The base of every error a service raises.

    A subclass declares its wire identity in its class line,
    ``class NotFoundError(DomainError, status=404, code="not_found")``, and its message in the
    body; the status is inherited from the error it refines when not given. The code is required
    so that no two errors can answer with the same one by forgetting to set it.
    """

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    default_message: ClassVar[Any] = _l("The request could not be processed.")

    def __init_subclass__(cls, *, code: str, status: int | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = code
        if status is not None:
            cls.status = status

    def __init__(self, message: Any = None, **params: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.params = params
        super().__init__(str(self.code))

    def to_dict(self, with_message: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code}
        if self.params:
            body["params"] = self.params
        if with_message:
            body["message"] = str(self.message)
        return body


class InvalidInputError(DomainError, status=400, code="invalid_input"):
    default_message = _l("Some of the information sent is missing or not valid.")


class NotAuthenticatedError(DomainError, status=401, code="not_authenticated"):
    default_message = _l("Please sign in first.")


class PermissionDeniedError(DomainError, status=403, code="permission_denied"):
    default_message = _l("You are not allowed to do that.")


class OriginRejectedError(DomainError, status=403, code="origin_rejected"):
    default_message = _l("This request came from another site and was refused.")


class HostRejectedError(DomainError, status=400, code="host_rejected"):
    default_message = _l(
        "This request was sent to an address this site does not answer to. "
        "Open the address the organisers gave you."
    )


class NotFoundError(DomainError, status=404, code="not_found"):
    default_message = _l("Nothing was found here.")


class ConflictError(DomainError, status=409, code="conflict"):
    default_message = _l("This conflicts with the current state; reload and try again.")


class RateLimitedError(DomainError, status=429, code="rate_limited"):
    default_message = _l("Too many attempts. Wait a few minutes and try again.")
