"""Browser tests skip on a machine without Chromium, and fail instead under CI."""

import pytest

from tests.browser import conftest as browser_setup


def test_it_skips_with_how_to_enable_when_chromium_is_missing(monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(browser_setup, "_skipped_because", set())

    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium && npm ci"):
        browser_setup._require(tmp_path / "chromium", "Chromium")
    assert browser_setup._skipped_because, "the end of the run says how to enable them"


def test_it_fails_under_ci_when_chromium_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="CI: browser tests need Chromium"):
        browser_setup._require(tmp_path / "chromium", "Chromium")


def test_it_goes_ahead_when_the_tool_is_there(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    (tmp_path / "chromium").touch()

    browser_setup._require(tmp_path / "chromium", "Chromium")
