"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against a
running sandbox on 127.0.0.1. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_asyncio

from tests.e2e.world import shared_classifier
from tests.support.sandbox import Page, running_sandbox

CHROMIUM = Path(os.environ.get("MINHU_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 800}


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def classifier() -> object:
    return shared_classifier()


@pytest.fixture
async def chromium() -> AsyncIterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` (the CI installs it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless=new"]
        )
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def sandbox_page(db_url: str, classifier: object, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    framework = getattr(request, "param", "ptb")
    async with running_sandbox(framework=framework, database=db_url, classifier=classifier) as page:
        yield page


class Browser:
    """One browser page on the sandbox, which fails the test on a script error or on any
    request that would leave this computer."""

    def __init__(self, page: Any, sandbox: Page, name: str) -> None:
        self.page = page
        self.sandbox = sandbox
        self.name = name
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.shots = 0

    def pane(self, name: str) -> Any:
        return self.page.locator(f"#pane-{name}")

    async def say(self, pane: str, text: str) -> None:
        box = self.pane(pane).locator(".composer .text")
        await box.fill(text)
        await box.press("Enter")

    async def shot(self, what: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = ARTIFACTS / f"{self.name}-{self.shots:02d}-{what}.png"
        await self.page.screenshot(path=str(path))
        return path


async def open_browser(chromium: Any, sandbox: Page, request: pytest.FixtureRequest, viewport: dict[str, int]) -> Browser:
    context = await chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = await context.new_page()
    page.set_default_timeout(10_000)
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    for old in ARTIFACTS.glob(f"{name}-*.png"):  # a rerun's pictures replace the last run's
        old.unlink()
    browser = Browser(page, sandbox, name)

    async def only_here(route: Any) -> None:
        url = route.request.url
        if url.startswith("data:") or urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            browser.outside.append(url)
            await route.abort()

    await context.route("**/*", only_here)
    page.on("pageerror", lambda error: browser.errors.append(str(error)))
    page.on("console", lambda m: browser.errors.append(m.text) if m.type == "error" else None)
    await page.goto(sandbox.url)
    await page.locator("#pane-resident .who-select").wait_for(state="attached")
    return browser


@pytest.fixture
async def browser(chromium: Any, sandbox_page: Page, request: pytest.FixtureRequest) -> AsyncIterator[Browser]:
    b = await open_browser(chromium, sandbox_page, request, LAPTOP)
    yield b
    await b.shot("end")
    await b.page.context.close()
    assert b.outside == [], f"the page tried to reach the internet: {b.outside}"
    assert b.errors == [], f"errors in the page: {b.errors}"
