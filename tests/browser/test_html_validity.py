"""Every public page type is valid HTML: the Nu HTML checker (vnu-jar, run with Java) reports
no error and no warning.

The pages are the one list in tests/browser/pages.py, rendered with the default content and
checked in one run of the checker (about ten seconds, most of it starting Java), with a page
the checker must fault.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from tests.browser.conftest import ROOT, _require
from tests.browser.pages import PUBLIC_PAGES
from tests.public_pages import PLAIN_STATIC

pytestmark = pytest.mark.browser

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_problems(pages: list[Path]) -> list[str]:
    """Errors and warnings as `page:line: message` (the checker's info notes left out)."""
    java = Path(shutil.which("java") or "/usr/bin/java")
    _require(java, "Java")
    _require(VNU, "the Nu HTML checker (vnu-jar)")
    checked = subprocess.run(
        [str(java), "-jar", str(VNU), "--format", "json", "--stdout", "--exit-zero-always"]
        + [str(page) for page in sorted(pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return [
        f"{Path(message.get('url', '?')).stem}:{message.get('lastLine', '?')}: {message['message']}"
        for message in json.loads(checked.stdout)["messages"]
        if message["type"] != "info" or message.get("subType") == "warning"
    ]


# A page with an error the checker must report: a `<time>` with microseconds.
KNOWN_ERROR = (
    '<!doctype html><html lang="en"><title>t</title>'
    '<time datetime="2026-12-01T15:16:00.123456+00:00">1 Dec</time>'
)


@pytest.fixture(scope="module")
def problems(tmp_path_factory, django_db_setup, django_db_blocker) -> list[str]:
    """The checker's problems with every public page type, rendered with the default content
    (in a transaction rolled back after), and with a page holding KNOWN_ERROR, named
    "known-error": one run of the checker for both tests (most of a run is starting Java)."""
    folder = tmp_path_factory.mktemp("pages")
    plain_static = override_settings(STORAGES=PLAIN_STATIC)
    with django_db_blocker.unblock(), plain_static, transaction.atomic():
        call_command("load_default_content", verbosity=0)
        client = Client()
        for name, path in PUBLIC_PAGES.items():
            response = client.get(path)
            if response.status_code == 302:  # a filter in another order: to its short link
                response = client.get(response["Location"])
            assert response.status_code == 200, path
            (folder / f"{name}.html").write_bytes(response.content)
        transaction.set_rollback(True)
    (folder / "known-error.html").write_text(KNOWN_ERROR)
    return nu_problems(list(folder.glob("*.html")))


def test_every_public_page_type_is_valid_html(problems):
    assert [problem for problem in problems if not problem.startswith("known-error:")] == []


def test_the_checker_reports_what_the_issue_found(problems):
    """The check above can fail: a `<time>` with microseconds is an error, and is reported."""
    [problem] = [problem for problem in problems if problem.startswith("known-error:")]
    assert "A fraction of a second must be one, two, or three digits" in problem
