"""Forms and detail views derive from a kind's model fields: a new field needs no form code."""

from __future__ import annotations

from sqlmodel import Field

from labops.columns import reference
from labops.equipment.model import EquipmentFields
from labops.fields import Count, Minutes, Money, Slug
from labops.records.edit import record_form
from labops.records.forms import detail_lines, form_fields
from labops.vocabulary import DowntimeKind
from tests.conftest import FIXTURES


def test_equipment_form_has_each_field_with_its_type_bounds_and_references():
    fields = {f.name: f for f in record_form("equipment")}
    assert list(fields) == [
        "name",
        "site",
        "kind",
        "capacity",
        "hourly_rate",
        "setup",
        "cleanup",
        "certified_operator",
        "unattended",
        "room",
        "notes",
    ]
    assert fields["site"].input == "pick" and fields["site"].records == "site"
    assert fields["kind"].records == "kind" and fields["kind"].required
    assert (fields["capacity"].input, fields["capacity"].low, fields["capacity"].high) == (
        "whole",
        1,
        10_000,
    )
    assert (fields["hourly_rate"].input, fields["hourly_rate"].default) == ("money", "0")
    assert (fields["setup"].input, fields["setup"].default) == ("duration", "0m")
    assert fields["unattended"].input == "check" and fields["unattended"].default is False
    assert fields["name"].required and not fields["notes"].required


def test_a_new_field_gets_its_form_input_and_detail_line_from_its_type():
    class Extended(EquipmentFields):
        slot: Minutes = Field(default=30, title="Booking slot", description="bookable steps")
        deposit: Money = Field(default=12_050, title="Deposit")
        spares: Count = Field(default=2, title="Spare parts")
        backup_site: Slug | None = reference("site", title="Backup site", nullable=True)
        last_fault: DowntimeKind = Field(default=DowntimeKind.BREAKDOWN, title="Last fault")

    added = {f.name: f for f in form_fields(Extended)}
    assert (added["slot"].input, added["slot"].default, added["slot"].help) == (
        "duration",
        "30m",
        "bookable steps",
    )
    assert (added["deposit"].input, added["deposit"].default) == ("money", "120.50")
    assert (added["spares"].input, added["spares"].low) == ("whole", 1)
    assert added["backup_site"].records == "site"
    assert added["last_fault"].options == tuple(k.value for k in DowntimeKind)
    assert added["last_fault"].default == DowntimeKind.BREAKDOWN.value

    row = Extended(
        id="sem-9", name="SEM 9", site="lab", kind="sem", hourly_rate="1234.56", setup=90
    )
    lines = dict(detail_lines(row, Extended))
    assert lines["rate per hour"] == "1,234.56"
    assert lines["setup"] == "1h30m"
    assert lines["booking slot"] == "30m"


def test_a_units_room_goes_from_the_file_to_show_the_form_and_back(cli, tmp_path) -> None:
    # The room was added to equipment as the example of a new field: the model, a
    # migration, the docs and this test, and nothing else.
    text = (FIXTURES / "tiny.toml").read_text(encoding="utf-8")
    text = text.replace('id = "sem-1"\n', 'id = "sem-1"\nroom = "B2 0.14"\n', 1)
    platform = tmp_path / "rooms.toml"
    platform.write_text(text, encoding="utf-8")
    assert cli("load", str(platform)).code == 0
    assert "room" in cli("show", "equipment", "sem-1").out
    assert "B2 0.14" in cli("show", "equipment", "sem-1").out
    assert any(f.name == "room" and f.input == "text" for f in record_form("equipment"))
    exported = tmp_path / "out.toml"
    assert cli("--as", "dara", "export", str(exported)).code == 0
    assert 'room = "B2 0.14"' in exported.read_text(encoding="utf-8")
