"""best_known.csv loader."""

from __future__ import annotations

import pytest

from solver.readers import BestKnown, ReaderError, load_best_known

from .test_psplib import DATA, needs_data


@needs_data
def test_psplib_and_mmlib_tables():
    table = load_best_known(DATA / "psplib/best_known.csv", DATA / "mmlib/best_known.csv")
    assert len(table) == 1560 + 1080
    assert table["j301_1"] == BestKnown(makespan=43, optimal=True, lower_bound=43)
    assert table["J501_1"] == (31, True, 31)
    open_j120 = [v for k, v in table.items() if k.startswith("j120") and not v.optimal]
    assert len(open_j120) == 600 - 310
    assert all(v.lower_bound < v.makespan for v in open_j120)


def test_malformed_rows(tmp_path):
    path = tmp_path / "bk.csv"
    path.write_text("set,instance,best_known_makespan,optimal,lower_bound\nj30,a,4x,true,4\n")
    with pytest.raises(ReaderError, match=f"{path}:2:"):
        load_best_known(path)
    path.write_text("set,instance,optimal\n")
    with pytest.raises(ReaderError, match="missing columns"):
        load_best_known(path)
