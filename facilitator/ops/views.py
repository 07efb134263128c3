"""What a request looked like when it reached the app, as counts, for ``facilitator doctor``.

The doctor compares ``FACILITATOR_TRUSTED_PROXIES`` with the number of proxies that really sit in
front of the app. Only the app can see that number (each proxy adds one address to
``X-Forwarded-For``), so it answers one question about the request that asked: how many
forwarded addresses it carried, and whether the app takes it as HTTPS. It never echoes a header,
an address or anything about another request: a visitor learns only how many proxies relay
their own request, the shape of the deployment and nothing about anyone in it. It reads no
session and touches no database, so it is public and costs nothing.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from facilitator.core.auth import public

bp = Blueprint("ops", __name__, url_prefix="/ops")


def forwarded_for_count(header: str | None) -> int:
    """How many addresses an ``X-Forwarded-For`` value lists (empty items are not addresses)."""
    return sum(1 for item in (header or "").split(",") if item.strip())


@bp.get("/forwarded")
@public
def forwarded() -> Response:
    """The doctor's probe: forwarded hops seen on this request and whether it counts as HTTPS."""
    return jsonify(
        {
            "forwarded_for": forwarded_for_count(request.headers.get("X-Forwarded-For")),
            "https": request.scheme == "https",
        }
    )
