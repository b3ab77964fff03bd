"""The layout's promises, checked on the source: each rule has one home, and only one copy."""

import ast
import re
from pathlib import Path

import pytest

from messaging import policy as messaging_policy
from metrics import selectors as metrics_selectors
from returns import policy as returns_policy

ROOT = Path(__file__).resolve().parents[1]
APPS = ["commerce", "messaging", "returns", "metrics", "sellercentral", "integrations"]
MAX_MODULE_LINES = 360  # "about 350"
DECLARATIVE = {"models.py", "settings.py"}  # tables and configuration, read as lists


def app_modules() -> list[Path]:
    return sorted(
        path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts
    )


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_module_is_longer_than_a_newcomer_reads_at_once():
    too_long = {
        relative(path): lines
        for path in app_modules()
        if path.name not in DECLARATIVE and (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


def test_row_locks_are_taken_only_in_the_apps_locks_modules():
    locking = [relative(path) for path in app_modules() if "select_for_update" in path.read_text()]
    assert locking and all(path.endswith("/locks.py") for path in locking), locking


def test_metrics_reads_the_rules_of_the_apps_that_own_them():
    assert metrics_selectors.LATE_RESPONSE_AFTER is returns_policy.LATE_RESPONSE_AFTER
    assert metrics_selectors.counts_for_response_time is messaging_policy.counts_for_response_time
    # The 24-hour window reaches metrics only through each message's stored deadline.
    assert "RESPONSE_WINDOW" not in vars(metrics_selectors)


@pytest.mark.parametrize(
    "pattern",
    [
        r"timedelta\(hours=24\)",  # the response window, the return reminder
        r"timedelta\(hours=48\)",  # a late response to a return request
        r"timedelta\(days=50\)",  # a stale return request
        r"max_value=30\b",  # the longest return window
    ],
)
def test_each_number_of_a_rule_is_written_once_in_a_policy_module(pattern):
    places = [
        relative(path)
        for path in app_modules()
        if re.search(pattern, path.read_text()) and not path.name.startswith("bench")
    ]
    assert all(place.endswith("/policy.py") or "/policy/" in place for place in places), places


def test_the_foundation_depends_on_no_other_app():
    imported = set()
    for path in (ROOT / "commerce").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
    assert imported.isdisjoint({"messaging", "returns", "metrics"}), imported


def test_the_code_and_its_documentation_cite_no_brief_outside_the_repository():
    files = [
        *app_modules(),
        *(ROOT / "tests").rglob("*.py"),
        *(ROOT / "templates").rglob("*.html"),
        *(ROOT / "docs").glob("*.md"),
    ]
    citing = [
        relative(path) for path in [*files, ROOT / "README.md"] if re.search(r"\bSPEC\b", path.read_text())
    ]
    assert citing == []
