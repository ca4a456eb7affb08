"""The HTML report in a real browser: headless Chromium draws the page, charts and all.

Skipped where Debian's chromium is not installed (`apt-get install -y chromium`).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from labops.reports import Format, WeeklyReport, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TAB10_BLUE = (0x1F, 0x77, 0xB4)  # the first site's bars in the utilization chart
TAB10_ORANGE = (0xFF, 0x7F, 0x0E)  # the second site's


def screenshot(page: Path, png: Path, profile: Path, *, height: int = 2000) -> None:
    """Chromium's screenshot of ``page`` (no network, no profile left behind)."""
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size=1280,{height}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=90,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_browser_draws_the_charts(w47: WeeklyReport, tmp_path: Path) -> None:
    (page,) = write_report(w47, Format.HTML, str(tmp_path / "report.html"))
    png = tmp_path / "report.png"
    screenshot(page, png, tmp_path / "profile")
    image = Image.open(png).convert("RGB")
    assert image.size == (1280, 2000)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None
    counts = {rgb: n for n, rgb in colours}
    # Anti-aliased text and lines in many shades, and solid bars in each site's colour.
    assert len(counts) > 200
    assert counts.get(TAB10_BLUE, 0) > 1000
    assert counts.get(TAB10_ORANGE, 0) > 1000
