"""Golden-file helper: compare text with a stored file, or rewrite it when UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
from pathlib import Path

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def check_golden(actual: str, expected_file: Path) -> None:
    """Assert ``actual`` equals the golden file (run with UPDATE_GOLDEN=1 to accept a change)."""
    if UPDATE or not expected_file.exists():
        if not UPDATE:
            raise AssertionError(
                f"missing golden file {expected_file.name}; run with UPDATE_GOLDEN=1"
            )
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")
