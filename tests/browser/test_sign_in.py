"""A convener signs in with a password and a TOTP code in Chromium; the Arabic page is RTL."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_convener_signs_in_with_password_and_totp(browser, live_app, make_member):
    convener = make_member("convener", username="samira")
    origin = live_app.config["LIVE_ORIGIN"]
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(origin + "/")
    assert page.url == origin + "/login"
    page.get_by_label("Username").fill("samira")
    page.get_by_label("Password").fill(convener.password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(origin + "/login/code")
    page.get_by_label("Code").fill(convener.code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(origin + "/")
    assert page.get_by_role("heading", name="Welcome, samira").is_visible()
    cookies = {c["name"]: c for c in context.cookies()}
    session = cookies["facilitator_session"]
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == "", "no cookie is readable by scripts"
    assert errors == [], errors
    context.close()


def test_login_page_in_arabic_is_laid_out_right_to_left(browser, live_app, artifacts):
    origin = live_app.config["LIVE_ORIGIN"]
    context = browser.new_context(locale="ar", viewport={"width": 1000, "height": 700})
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else None)
    page.goto(origin + "/login")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", name="تسجيل الدخول").is_visible()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # Right to left: the brand sits at the right edge of the header, the language menu at the left,
    # and each field's label starts at the right edge of the form.
    brand = page.locator(".brand").bounding_box()
    switcher = page.locator(".locale-switcher").bounding_box()
    assert brand["x"] > switcher["x"]
    assert brand["x"] + brand["width"] > 1000 - 40
    label = page.locator("label[for=username]").bounding_box()
    field = page.locator("#username").bounding_box()
    assert abs((label["x"] + label["width"]) - (field["x"] + field["width"])) < 2
    page.screenshot(path=str(artifacts / "login-ar.png"), full_page=True)
    assert violations == []
    context.close()
