"""A relative --db or $LABOPS_DB that names no database is refused with the full path
looked at, so that a user in another folder sees why, and nothing is created."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_a_missing_relative_database_names_its_full_path(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LABOPS_DB", "demo.db")
    result = cli("--as", "aylin-demir", "list", "requests", db=None)
    assert result.code == 1
    assert result.err.strip().startswith(f"no labops database at {tmp_path / 'demo.db'}: ")
    assert not (tmp_path / "demo.db").exists()
