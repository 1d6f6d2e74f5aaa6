"""The console's vendored libraries are node_modules' files (pinned by package-lock.json),
and the browser tests fail, never skip, without a browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from agentplatform_sandbox.console.assets import VENDORED, static_files

from . import conftest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "sandbox" / "agentplatform_sandbox" / "console" / "static" / "vendor"


def test_vendored_files_are_identical_to_node_modules() -> None:
    for name, source in VENDORED.items():
        assert (VENDOR / name).read_bytes() == (ROOT / "node_modules" / source).read_bytes(), (
            f"{name} differs from node_modules/{source}: run scripts/vendor_console_assets.py"
        )
    assert {path.name for path in VENDOR.iterdir()} == set(VENDORED)


def test_the_libraries_are_pinned_exactly() -> None:
    wanted = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for package in ("chart.js", "cytoscape", "playwright-core"):
        assert wanted[package][0].isdigit(), f"{package} is not pinned to one version"
        assert locked[f"node_modules/{package}"]["version"] == wanted[package]


def test_every_page_refers_only_to_shipped_files() -> None:
    files = static_files()
    for page in ("index.html", "login.html"):
        text = files[page][0].decode()
        for part in text.split('"/console/static/')[1:]:
            assert part.split('"')[0] in files, part.split('"')[0]
    assert "http://" not in files["index.html"][0].decode()


def test_a_missing_browser_fails_the_tests_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "CHROMIUM", Path("/nonexistent/chromium"))
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install chromium"):
        conftest._require_browser()
