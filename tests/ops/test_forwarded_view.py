"""``GET /ops/forwarded``: counts about the asking request only, for anyone, changing nothing."""

from __future__ import annotations

import pytest

from facilitator.ops.views import forwarded_for_count


def test_a_direct_request_has_no_forwarded_hops(client):
    response = client.get("/ops/forwarded")
    assert response.status_code == 200
    assert response.get_json() == {"forwarded_for": 0, "https": False}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_it_counts_forwarded_addresses_and_never_echoes_them(client):
    response = client.get(
        "/ops/forwarded",
        headers={"X-Forwarded-For": "203.0.113.7, 198.51.100.2", "X-Forwarded-Proto": "https"},
    )
    assert response.get_json() == {"forwarded_for": 2, "https": False}
    body = response.get_data(as_text=True)
    for secret in ("203.0.113.7", "198.51.100.2", "127.0.0.1", "localhost"):
        assert secret not in body


def test_https_is_the_scheme_the_app_sees(app):
    response = app.test_client().get("/ops/forwarded", base_url="https://localhost")
    assert response.get_json() == {"forwarded_for": 0, "https": True}


def test_a_signed_in_member_learns_nothing_more(client, sign_in, make_member):
    sign_in(make_member("convener"))
    assert client.get("/ops/forwarded").get_json() == {"forwarded_for": 0, "https": False}


@pytest.mark.parametrize(
    ("header", "count"),
    [("", 0), (" , ,,", 0), ("x", 1), ("not an address, \u00e9t\u00e9", 2), (",".join(["a"] * 500), 500)],
)
def test_malformed_forwarded_headers_are_only_counted(client, header, count):
    response = client.get("/ops/forwarded?forwarded_for=9&https=1", headers={"X-Forwarded-For": header})
    assert response.status_code == 200
    assert response.get_json() == {"forwarded_for": count, "https": False}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_refused(client, method):
    response = client.open("/ops/forwarded", method=method, data={"forwarded_for": "3"})
    assert 400 <= response.status_code < 500
    assert client.get("/ops/forwarded").get_json()["forwarded_for"] == 0


def test_count_ignores_empty_items():
    assert forwarded_for_count(None) == 0
    assert forwarded_for_count("1.2.3.4,  ,5.6.7.8") == 2
