"""Without the archived articles, every command stops at once with one clear message."""

from __future__ import annotations

import os
import subprocess
import sys

from analysis.paths import ROOT, missing_archive


def _env(archive):
    return {**os.environ, "ARCHIVE_DIR": str(archive)}


def test_the_message_names_the_absolute_folder_and_the_make_line(tmp_path):
    message = missing_archive(tmp_path / "nowhere")
    assert f"{tmp_path / 'nowhere'} does not exist" in message
    assert "make book ARCHIVE_DIR=/path/to/sources" in message
    assert "shared/sources" in message  # where the archive comes from
    assert missing_archive(tmp_path) is not None  # an empty folder is no archive either
    assert missing_archive() is None


def test_make_book_stops_before_installing_anything(tmp_path):
    venv = tmp_path / "venv"
    result = subprocess.run(
        ["make", "book", f"VENV={venv}", "ARCHIVE_DIR=../no-such-archive"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"{(ROOT / '../no-such-archive').resolve()} does not exist" in result.stderr
    assert not venv.exists()


def test_pytest_says_it_once(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "tests/test_units.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(tmp_path / "missing"),
        timeout=120,
    )
    assert result.returncode != 0
    assert (result.stdout + result.stderr).count("The archived articles are missing") == 1
    assert "passed" not in result.stdout and "failed" not in result.stdout
