"""The browser tests never pass silently: without chromium they skip with a reason, or fail under CI."""

from __future__ import annotations

import pytest
import review_browser as browser_fixtures


def test_without_chromium_the_browser_tests_skip_with_a_reason(monkeypatch):
    monkeypatch.setattr(browser_fixtures.shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium on PATH"):
        browser_fixtures.chromium_or_skip()


def test_without_chromium_the_browser_tests_fail_under_ci(monkeypatch):
    monkeypatch.setattr(browser_fixtures.shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run under CI: no chromium"):
        browser_fixtures.chromium_or_skip()
