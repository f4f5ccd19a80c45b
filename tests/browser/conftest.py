"""Browser tests: Playwright drives Debian's Chromium against gunicorn serving the test database."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return  # under CI a missing Chromium must fail loudly, not skip
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def new_page():
    """Opens Chromium pages. Call it after the test's rows exist: Playwright's event loop must
    not be running while the ORM writes, or the writes land on a connection of its own."""
    from playwright.sync_api import sync_playwright

    started = []

    def open_page(**options):
        if not started:
            playwright = sync_playwright().start()
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            started.append((playwright, browser))
        browser = started[0][1]
        return browser.new_page(locale="zh-CN", timezone_id="Asia/Shanghai", **options)

    yield open_page
    for playwright, browser in started:
        browser.close()
        playwright.stop()


def in_thread(fn):
    """Run an ORM read while Playwright's loop holds this thread: a worker thread with its own
    connection, closed afterwards (the rows are committed: these tests are transactional)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def call():
        try:
            return fn()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result(timeout=30)


AXE_DIRS = [
    Path(os.environ["AXE_CORE_DIR"]) if os.environ.get("AXE_CORE_DIR") else None,
    ROOT / ".cache" / "axe" / "node_modules" / "axe-core",
]


@pytest.fixture(scope="session")
def axe_source() -> Path:
    """axe-core's axe.min.js, installed from the npm registry by .ci/run (or by hand:
    npm install --prefix .cache/axe axe-core@4). Missing: skipped, except under CI."""
    for folder in AXE_DIRS:
        if folder and (folder / "axe.min.js").exists():
            return folder / "axe.min.js"
    if os.environ.get("CI"):
        pytest.fail("axe-core is missing: .ci/run installs it with npm into .cache/axe")
    pytest.skip("no axe-core: npm install --prefix .cache/axe axe-core@4")


def log_in(page, base: str, username: str, password: str) -> None:
    """Sign in to the admin on this page, as a person types it."""
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")


def artifact(name: str) -> str:
    """A path in test-artifacts/ for a screenshot."""
    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / name)


def watch_policy_violations(page) -> list[str]:
    """Every Content Security Policy violation and script error the page reports."""
    seen: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen
