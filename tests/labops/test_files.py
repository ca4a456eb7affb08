"""Files written for people (exports, reports, calendars): whole, and readable as usual."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from labops.files import write_atomically


def test_a_written_file_gets_the_mode_the_umask_gives(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomically(tmp_path / "week.md", "# week\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "week.md").stat().st_mode) == 0o644
    assert (tmp_path / "week.md").read_text() == "# week\n"
    assert [p.name for p in tmp_path.iterdir()] == ["week.md"]  # no temporary file left
