"""Use case: a trust administrator logs in for the first time and sets up their app.

Run in Chromium, which enforces the CSP: the QR code is inline SVG, so any inline
style or data: URL in it would be reported on the console.
"""

from __future__ import annotations

import os
import re
from base64 import b32decode
from pathlib import Path

import pytest
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from wellled.accounts.tests.support import totp_code
from wellled.core.testing import PASSWORD, add_personas, build_trust

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.getenv("WELLLED_REQUIRE_BROWSER"),
        reason="needs /usr/bin/chromium",
    ),
]


@pytest.mark.django_db(transaction=True)
@override_settings(WELLLED_REQUIRE_2FA=True)
def test_first_login_sets_up_an_app_under_the_csp(live_server) -> None:
    from playwright.sync_api import sync_playwright

    add_personas(build_trust())
    messages: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
            page.goto(f"{live_server.url}/account/login/")
            page.get_by_label("Username").fill("trust_admin")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/account/two-factor/setup/**")
            qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
            box = qr.bounding_box()
            key = re.sub(r"\s", "", page.locator("#setup-key").inner_text())
            if os.getenv("WELLLED_SCREENSHOTS"):
                page.screenshot(path=os.environ["WELLLED_SCREENSHOTS"], full_page=True)
            page.get_by_label("Code from your app").fill(totp_code(b32decode(key).hex()))
            page.get_by_role("button", name="Turn on two-factor login").click()
            page.wait_for_url("**/account/two-factor/backup-codes/**")
            codes = page.locator("ol[aria-label='Backup codes'] li").all_inner_texts()
            page.get_by_role("link", name="I have saved my backup codes").click()
            page.wait_for_url(f"{live_server.url}/")
            heading = page.locator("h1").inner_text()
        finally:
            browser.close()
    assert box is not None and box["width"] >= 150
    assert len(codes) == 10
    assert heading == "My work"
    assert TOTPDevice.objects.filter(user__username="trust_admin", confirmed=True).exists()
    problems = [
        m
        for m in messages
        if ("Content Security Policy" in m or m.startswith(("error", "pageerror")))
        # The NHS.UK stylesheet's own web fonts, refused on every page: not this page's.
        and "Loading the font" not in m
    ]
    assert not problems, problems
