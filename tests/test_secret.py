"""This user's secret (coursebook/secret.py), which names cache entries in a course folder."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from coursebook.pdf import Book, Chapter
from coursebook.pdf import cache as pdf_cache

ASK = "from coursebook.secret import local_secret; print(local_secret().hex())"


def secret_in(home: Path) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-c", ASK], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_one_secret_per_user_kept_for_them_alone(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    # several processes making it at once all end up with the same one
    makers = [
        subprocess.Popen([sys.executable, "-c", ASK], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    made = {maker.communicate()[0].strip() for maker in makers}
    assert len(made) == 1 and len(made.pop()) == 64
    kept = tmp_path / "coursebook" / "cache-secret"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert secret_in(tmp_path) == kept.read_bytes().hex()  # and later ones read it
    assert [p.name for p in kept.parent.iterdir()] == ["cache-secret"]  # no leftovers


def test_a_damaged_or_unwritable_secret_means_a_fresh_one_each_time(tmp_path: Path) -> None:
    kept = tmp_path / "coursebook" / "cache-secret"
    kept.parent.mkdir()
    kept.write_bytes(b"short")
    first, second = secret_in(tmp_path), secret_in(tmp_path)
    assert len(first) == 64 and first != second  # nothing reused, nothing wrong
    assert kept.read_bytes() == b"short"  # and the user's file is left as it is
    blocked = tmp_path / "a-file"  # a cache folder that cannot be made
    blocked.write_text("")
    one, two = secret_in(blocked), secret_in(blocked)
    assert len(one) == 64 and one != two


def test_a_pdf_cache_name_needs_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """What an outsider can work out (the same hash without the secret) names no entry."""
    book = Book(title="T", chapters=(Chapter("One", "", "<p>Text</p>"),))
    ours = pdf_cache.fingerprint(book, "print")
    monkeypatch.setattr("coursebook.keyed.local_secret", lambda: b"")
    assert pdf_cache.fingerprint(book, "print") != ours
