"""Settings read from the environment: the proxy count and the public origin are checked at
start, with a message that names the setting, before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.settings import Settings, SettingsError


def from_env(tmp_path: Path, **values: str) -> Settings:
    return Settings.from_env({"FACILITATOR_INSTANCE": str(tmp_path), "SECRET_KEY": "k" * 32,
                              **values})


def test_defaults(tmp_path):
    settings = from_env(tmp_path)
    assert settings.trusted_proxies == 0
    assert settings.public_origin == "http://127.0.0.1:5000"


@pytest.mark.parametrize(("value", "expected"), [("", 0), ("0", 0), ("1", 1), (" 2 ", 2)])
def test_trusted_proxies(tmp_path, value, expected):
    assert from_env(tmp_path, FACILITATOR_TRUSTED_PROXIES=value).trusted_proxies == expected


@pytest.mark.parametrize("value", ["-1", "one", "1.5", "1,2", "0x1", "²", "١"])
def test_a_bad_proxy_count_is_refused_by_name(tmp_path, value):
    with pytest.raises(SettingsError, match="FACILITATOR_TRUSTED_PROXIES"):
        Settings.from_env({"FACILITATOR_INSTANCE": str(tmp_path),
                           "FACILITATOR_TRUSTED_PROXIES": value})
    assert list(tmp_path.iterdir()) == [], "nothing is written for a refused configuration"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://dialogue.example.org", "https://dialogue.example.org"),
        ("https://Dialogue.Example.org/", "https://dialogue.example.org"),
        ("http://dialogue.test:8080", "http://dialogue.test:8080"),
        ("http://abcdefghijklmnop.onion", "http://abcdefghijklmnop.onion"),
        # An IPv6 literal in the shortest form browsers send (and the doctor then sends too).
        ("http://[0:0:0:0:0:0:0:1]:5000", "http://[::1]:5000"),
        ("https://[2001:DB8:0::1]", "https://[2001:db8::1]"),
    ],
)
def test_public_origin(tmp_path, value, expected):
    assert from_env(tmp_path, FACILITATOR_PUBLIC_ORIGIN=value).public_origin == expected


@pytest.mark.parametrize(
    "value",
    [
        "dialogue.example.org",
        "ftp://dialogue.example.org",
        "https://dialogue.example.org/facilitator",
        "https://dialogue.example.org?x=1",
        "https://user@dialogue.example.org",
        "https://dialogue.example.org:99999",
        "https://",
        "http://[::zz]:5000",
        "https://user@[::1]",
    ],
)
def test_a_bad_public_origin_is_refused_by_name(tmp_path, value):
    with pytest.raises(SettingsError, match="FACILITATOR_PUBLIC_ORIGIN"):
        from_env(tmp_path, FACILITATOR_PUBLIC_ORIGIN=value)


def test_listening_on_every_interface_needs_the_public_origin(tmp_path):
    with pytest.raises(SettingsError, match="FACILITATOR_PUBLIC_ORIGIN"):
        from_env(tmp_path, FACILITATOR_HOST="0.0.0.0")  # noqa: S104
    settings = from_env(tmp_path, FACILITATOR_HOST="0.0.0.0",  # noqa: S104
                        FACILITATOR_PUBLIC_ORIGIN="https://dialogue.example.org")
    assert settings.public_origin == "https://dialogue.example.org"


def test_an_ipv6_loopback_listener_has_a_valid_origin(tmp_path):
    settings = from_env(tmp_path, FACILITATOR_HOST="::1", FACILITATOR_PORT="5001")
    assert settings.public_origin == "http://[::1]:5001"
