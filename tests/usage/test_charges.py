"""Charges from recorded use on the demo platform (fixtures/demo.toml, loaded as written:
its anchor week is the week of Mon 30 Nov 2026), worked out by hand.

The demo's [charges]: tiers internal (a unit's hourly_rate), academic, industry; platform
architects' time 60/h; time billed in whole quarter hours, rounded up; at least 25 a
session; a no-show 50. Monday 30 Nov (Berlin), as the operators record it:

| booking | unit (tier, rate)              | planned     | recorded            | billed | amount |
|---------|--------------------------------|-------------|---------------------|--------|--------|
| 104 seal | glovebox-1 (internal, 35)     | 08:00-09:00 | 08:05-09:20 (late)  | 75 min | 43.75  |
| 105 xrd  | xrd-1 (internal, 90)          | 09:00-11:00 | 09:25-10:40 (early) | 75 min | 112.50 |
| 106 inoculate | bsc-1 (academic)         | 09:00-11:00 | no-show             | fee    | 50.00  |
| 107 sputter | sputter-1 (internal, 95)   | 10:00-13:00 | 10:00-12:10 (early) | 135 min | 213.75 |
| 108 culture | bioreactor-1 (academic)    | 13:00-Fri   | in 13:05, running   | -      | -      |
| 109 anneal | furnace-1 (internal, 15)    | 14:00-18:00 | 14:10-18:40 (late)  | 270 min | 67.50 |

The day's charges: 487.50 (venture 43.75 + 112.50 = 156.25; product-dev 50 + 213.75 +
67.50 = 331.25). Before anything was recorded, the day held only the two bookings marked
done, charged at their planned hours: seal 35.00 and xrd 180.00, 215.00 in all.
None of the six has platform staff on it, so there is no staff line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest

from labops import clock
from tests.conftest import FIXTURES
from tests.postgres import outside

OPERATOR = ("--as", "aylin-demir")
ADMIN = ("--as", "katrin-vogel")
MONDAY_EVENING = dt.datetime(2026, 11, 30, 19, 0, tzinfo=dt.UTC)  # 20:00 Berlin
THE_DAY = [
    ("checkin", "104", "2026-11-30 08:05"), ("checkout", "104", "2026-11-30 09:20"),
    ("checkin", "105", "2026-11-30 09:25"), ("checkout", "105", "2026-11-30 10:40"),
    ("checkin", "107", "2026-11-30 10:00"), ("checkout", "107", "2026-11-30 12:10"),
    ("checkin", "108", "2026-11-30 13:05"),
    ("checkin", "109", "2026-11-30 14:10"), ("checkout", "109", "2026-11-30 18:40"),
]  # fmt: skip


@pytest.fixture
def demo(cli):
    assert cli("load", str(FIXTURES / "demo.toml")).code == 0
    return cli


def _lines_of(cli, day: str) -> dict[str, tuple[str, str, str]]:
    """The CSV statement's lines of ``day``: booking -> (item, basis, hours, amount)."""
    result = cli(*OPERATOR, "charges", "--month", "2026-11", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    return {
        r["booking"]: (r["item"], r["basis"], r["hours"], r["amount"])
        for r in rows
        if r["date"] == day
    }


def _record_the_day(cli) -> None:
    with clock.fixed(MONDAY_EVENING):
        for verb, booking, at in THE_DAY:
            result = cli(*OPERATOR, "booking", verb, booking, "--at", at)
            assert result.code == 0, result.err
        swept = cli(*OPERATOR, "usage", "no-shows")
    assert "1 no-show(s): booking 106" in swept.out


def test_a_recorded_day_is_charged_as_worked_out_by_hand(demo) -> None:
    before = _lines_of(demo, "2026-11-30")
    assert before == {
        "104": ("unit", "planned", "1.00", "35.00"),
        "105": ("unit", "planned", "2.00", "180.00"),
    }
    _record_the_day(demo)
    after = _lines_of(demo, "2026-11-30")
    assert after == {
        "104": ("unit", "actual", "1.25", "43.75"),
        "105": ("unit", "actual", "1.25", "112.50"),
        "106": ("no-show", "fee", "0.00", "50.00"),
        "107": ("unit", "actual", "2.25", "213.75"),
        "109": ("unit", "actual", "4.50", "67.50"),
    }
    assert sum(Decimal(line[3]) for line in after.values()) == Decimal("487.50")
    day = json.loads(demo(*OPERATOR, "charges", "--month", "2026-11", "--format", "json").out)
    by_pool = {}
    for line in day["lines"]:
        if line["date"] == "2026-11-30":
            by_pool[line["pool"]] = by_pool.get(line["pool"], 0) + Decimal(line["amount"])
    assert by_pool == {"venture": Decimal("156.25"), "product-dev": Decimal("331.25")}


def test_staff_time_is_charged_by_role_at_the_projects_tier(demo) -> None:
    # Booking 113: Kappa Ceramics' SEM, project platform-services (industry: sem-1 at twice
    # 140 = 280/h), run by Jonas Becker, a platform architect (60/h). Used 08:30-11:50,
    # 200 minutes, billed 210: the unit 280 x 3.5 = 980.00, his time 60 x 3.5 = 210.00.
    with clock.fixed(dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)):
        assert demo(*OPERATOR, "booking", "checkin", "113", "--at", "2026-12-03 08:30").code == 0
        assert demo(*OPERATOR, "booking", "checkout", "113", "--at", "2026-12-03 11:50").code == 0
        result = demo(
            *OPERATOR, "charges", "--month", "2026-12", "--format", "csv",
            "--project", "platform-services",
        )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [(r["booking"], r["item"], r["person"], r["hours"], r["rate"], r["amount"],
             r["cost centre"]) for r in rows[:-1]] == [
        ("113", "unit", "jonas-becker", "3.50", "280.00", "980.00", "KST-4110"),
        ("113", "staff", "jonas-becker", "3.50", "60.00", "210.00", "KST-4110"),
    ]  # fmt: skip
    assert rows[-1]["date"] == "total" and rows[-1]["amount"] == "1190.00"


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_every_format_totals_its_lines_and_matches_funds_for_the_month(demo) -> None:
    _record_the_day(demo)
    month = ("charges", "--month", "2026-11", "--format")
    rows = list(csv.DictReader(io.StringIO(demo(*OPERATOR, *month, "csv").out)))
    total = _money(rows[-1]["amount"])
    assert rows[-1]["date"] == "total"
    assert sum(_money(r["amount"]) for r in rows[:-1]) == total
    assert total > 0

    as_json = json.loads(demo(*OPERATOR, *month, "json").out)
    assert sum(_money(line["amount"]) for line in as_json["lines"]) == _money(as_json["total"])
    assert _money(as_json["total"]) == total
    assert sum(map(_money, as_json["pools"].values())) == total

    for fmt in ("md", "html"):
        text = demo(*OPERATOR, *month, fmt).out
        [shown] = re.findall(r"Total: ([\d,]+\.\d\d)", text)
        assert _money(shown) == total, fmt
        # Each line's amount is the last cell of its row.
        cells = (
            re.findall(r"<td>([\d,]+\.\d\d)</td></tr>", text)
            if fmt == "html"
            else [
                row.rsplit("|", 2)[1].strip() for row in text.splitlines() if row.startswith("| 20")
            ]
        )
        assert sum(map(_money, cells)) == total, fmt

    funds = json.loads(demo(*OPERATOR, "funds", "--month", "2026-11", "--json").out)
    assert sum(_money(pool["spent"]) for pool in funds["pools"]) == total
    assert {p["pool"]: _money(p["spent"]) for p in funds["pools"] if p["spent"] != "0.00"} == {
        pool: _money(amount) for pool, amount in as_json["pools"].items()
    }


def test_a_closed_month_never_changes(demo, db_path) -> None:
    _record_the_day(demo)
    with clock.fixed(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)):
        early = demo(*ADMIN, "charges", "close", "--month", "2026-12")
        assert early.code != 0 and "2026-12 is not over yet" in early.err
        refused = demo(*OPERATOR, "charges", "close", "--month", "2026-11")
        assert refused.code == 4
        before = demo(*OPERATOR, "charges", "--month", "2026-11", "--format", "csv").out
        closed = demo(*ADMIN, "charges", "close", "--month", "2026-11")
        assert closed.code == 0, closed.err
        # A correction after closing changes the record, not the closed statement.
        fixed = demo(
            *OPERATOR, "usage", "correct", "107", "--end", "2026-11-30 13:00",
            "--note", "ran to the end",
        )  # fmt: skip
        assert fixed.code == 0, fixed.err
        after = demo(*OPERATOR, "charges", "--month", "2026-11", "--format", "csv").out
        again = demo(*ADMIN, "charges", "close", "--month", "2026-11")
    assert after == before
    assert again.code != 0 and "2026-11 was closed on 2026-12-01 by katrin-vogel" in again.err
    [event] = outside(
        db_path, "SELECT actor, summary FROM audit_event WHERE action = 'charges.close'"
    )
    assert event[0] == "katrin-vogel" and event[1].endswith(" lines")


def test_a_lead_sees_only_their_projects_charges(demo) -> None:
    _record_the_day(demo)
    rows = list(
        csv.DictReader(
            io.StringIO(
                demo("--as", "elena-marchetti", "charges", "--month", "2026-11", "--format",
                     "csv").out
            )
        )
    )  # fmt: skip
    assert {r["project"] for r in rows[:-1]} == {"perovskite-tandem"}
    member = demo("--as", "lena-fischer", "charges", "--month", "2026-11")
    assert member.code == 4


def test_a_late_cancellation_costs_its_fee_and_an_early_one_nothing(demo) -> None:
    # Booking 113 (Thu 3 Dec 08:30) cancelled on Wed 2 Dec 13:00, within 24 hours: 30.00;
    # booking 115 (Thu 3 Dec 13:00) cancelled on Tue 1 Dec 13:00, two days ahead: free.
    with clock.fixed(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)):
        assert demo(*OPERATOR, "booking", "cancel", "115").code == 0
    with clock.fixed(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)):
        assert demo(*OPERATOR, "booking", "cancel", "113").code == 0
        result = demo(
            *OPERATOR, "charges", "--month", "2026-12", "--format", "csv",
            "--project", "platform-services",
        )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [(r["booking"], r["item"], r["amount"]) for r in rows[:-1]] == [
        ("113", "late cancellation", "30.00")
    ]


def _unit_hours(cli) -> dict[str, tuple[float, float, float]]:
    result = cli(*OPERATOR, "report", "weekly", "--week", "2026-W49", "--format", "json")
    assert result.code == 0, result.err
    return {
        u["unit"]: (u["booked_h"], u["actual_h"], u["no_show_h"])
        for u in json.loads(result.out)["units"]
        if u["unit"] in ("glovebox-1", "xrd-1", "sputter-1", "furnace-1", "bsc-1")
    }


def test_the_recorded_day_changes_the_weekly_report_as_worked_out_by_hand(demo) -> None:
    # Booked hours include setup and cleanup, around the planned span or, once recorded,
    # around check-in to check-out (setup/cleanup in minutes: glovebox-1 0/30, xrd-1 15/15,
    # sputter-1 30/15, furnace-1 0/30, bsc-1 15/15). xrd-1 also holds Thursday's locked
    # Kappa XRD, 12:45-16:15 with setup and cleanup: 3.5 h, as planned.
    assert _unit_hours(demo) == {
        "glovebox-1": (1.5, 0, 0),  # 08:00-09:30
        "xrd-1": (6.0, 0, 0),  # 08:45-11:15 and 3.5
        "bsc-1": (2.5, 0, 0),  # 08:45-11:15
        "sputter-1": (3.75, 0, 0),  # 09:30-13:15
        "furnace-1": (4.5, 0, 0),  # 14:00-18:30
    }
    _record_the_day(demo)
    assert _unit_hours(demo) == {
        "glovebox-1": (1.75, 1.75, 0),  # 08:05-09:50
        "xrd-1": (5.25, 1.75, 0),  # 09:10-10:55 and Thursday's 3.5 as planned
        "bsc-1": (0, 0, 2.5),  # nobody came
        "sputter-1": (2.92, 2.92, 0),  # 09:30-12:25, 2 h 55
        "furnace-1": (5.0, 5.0, 0),  # 14:10-19:10: ran 40 minutes over
    }
