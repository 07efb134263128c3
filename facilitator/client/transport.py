"""How the client reaches the server: over HTTP, or through a Flask test client."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Protocol


class ApiError(Exception):
    """A 4xx/5xx answer: ``status`` and the JSON body's ``error`` code."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        self.code = body.get("error") if isinstance(body, dict) else None
        super().__init__(f"{status} {self.code or body!r}")


class Transport(Protocol):
    origin: str

    def request(
        self, method: str, path: str, json_body: Any = None, form: dict[str, str] | None = None
    ) -> tuple[int, Any, dict[str, str]]: ...


class FlaskTransport:
    """Drives an app's test client; sends ``Origin`` as a browser on that origin would."""

    def __init__(self, test_client: Any, origin: str = "http://localhost") -> None:
        self.client = test_client
        self.origin = origin

    def request(
        self, method: str, path: str, json_body: Any = None, form: dict[str, str] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        headers = {"Origin": self.origin, "X-CSRFToken": _csrf(self, path, method)}
        response = self.client.open(path, method=method, json=json_body, data=form, headers=headers)
        body = response.get_json(silent=True)
        text = response.get_data(as_text=True) if body is None else ""
        return response.status_code, body if body is not None else text, dict(response.headers)


class HttpTransport:
    """A real server over HTTP(S), with a cookie jar like a browser's."""

    def __init__(self, origin: str) -> None:
        self.origin = origin.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(
        self, method: str, path: str, json_body: Any = None, form: dict[str, str] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        headers = {"Origin": self.origin, "Accept": "application/json"}
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method not in {"GET", "HEAD"}:
            headers["X-CSRFToken"] = _csrf(self, path, method)
        request = urllib.request.Request(  # noqa: S310 - the origin is the operator's server
            self.origin + path, data=data, method=method, headers=headers
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return _decode(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return _decode(error.code, error.read(), dict(error.headers))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _decode(status: int, raw: bytes, headers: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
    try:
        return status, json.loads(raw), headers
    except ValueError:
        return status, raw.decode("utf-8", "replace"), headers


def _csrf(transport: Transport, path: str, method: str) -> str:
    """The CSRF token of the current session, fetched as a page would hand it out."""
    if method in {"GET", "HEAD"} or path == "/api/v1/csrf":
        return ""
    status, body, _headers = transport.request("GET", "/api/v1/csrf")
    if status != 200 or not isinstance(body, dict):
        raise ApiError(status, body)
    return str(body["csrf_token"])
