"""Browser tests: Playwright's sync API driving Debian's Chromium against `live_server`.

On a machine without Chromium or axe-core they skip and say how to enable them; with `CI`
set, anything missing fails the run instead (see README, "Browser tests").
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test.utils import modify_settings
from pytest_django.live_server_helper import LiveServer

from comparisons.roles import sync_editor_group

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (creating data, reading it back) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.getenv("CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_ENABLE = "to run them: apt-get install -y chromium && npm ci"

_skipped_because: set[str] = set()


def _require(path: Path, what: str) -> None:
    """Skip (fail under CI) when a tool the browser tests need is not installed."""
    if path.exists():
        return
    message = f"browser tests need {what} at {path}; {HOW_TO_ENABLE}"
    if os.getenv("CI"):
        pytest.fail(f"CI: {message}", pytrace=False)
    _skipped_because.add(message)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter):
    for message in sorted(_skipped_because):
        terminalreporter.write_line(f"Browser tests skipped: {message}", yellow=True)


@pytest.fixture(scope="session")
def browser():
    _require(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The live site with the default content, as a reader first sees it: loaded once for the
    module, whose tests only read it (a module whose tests change content overrides `site`
    with `fresh_site`). Emptied after the module, as `fresh_site` is after each test."""
    with django_db_blocker.unblock():
        call_command("load_default_content", verbosity=0)
        server = LiveServer("localhost")
        try:
            with modify_settings(ALLOWED_HOSTS={"append": "localhost"}):
                yield server
        finally:
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            sync_editor_group()  # made by a migration, which a flush does not run again


@pytest.fixture
def fresh_site(live_server):
    """The live site with the default content, loaded for one test that changes it (emptied
    after the test: tests of `live_server` are transactional)."""
    call_command("load_default_content", verbosity=0)
    return live_server


@pytest.fixture
def open_page(browser, site):
    """Open a page of the live site in a fresh context (no cookies), closed after the test.

    CSP is bypassed so that the test can inject axe-core; the pages themselves never
    need it.
    """
    contexts = []

    def open_page(path="/", width=1280, height=900, color_scheme="light", **options):
        context = browser.new_context(
            base_url=site.url,
            viewport={"width": width, "height": height},
            color_scheme=color_scheme,
            bypass_csp=True,
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def axe():
    """Run axe-core in a page; returns its serious and critical violations."""
    _require(AXE, "axe-core")

    def serious_violations(page) -> list[dict]:
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [
            {
                "rule": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "where": [node["target"] for node in violation["nodes"]][:5],
            }
            for violation in results["violations"]
            if violation["impact"] in ("serious", "critical")
        ]

    return serious_violations
