"""The request queue: rejecting with a reason, and the request form refusing bad values
field by field without writing anything."""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Input

from labops.db import Database
from labops.records.listings import list_records
from tests.tui.conftest import actor, drive, enter, settle, type_text
from tui.line_filter import NoControlCodes
from tui.screens.reason import ReasonScreen
from tui.screens.request_form import RequestFormScreen
from tui.screens.requests import RequestsScreen
from tui.widgets.detail_view import DetailView
from tui.widgets.form_field import FormField
from tui.widgets.listing_table import ListingTable


def requests_in(db: Database) -> dict[int, dict]:
    return {row["id"]: row for row in list_records(db, "requests", actor=actor(db, "dara")).rows}


def test_reject_needs_a_reason_and_records_it(tiny: Database, app_for) -> None:
    async def scenario(pilot: Pilot) -> None:
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RequestsScreen)
        await pilot.press("x")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ReasonScreen)
        await pilot.press("enter")  # no reason yet
        await settle(pilot)
        assert pilot.app.screen is dialog
        assert "a reason is needed" in str(dialog.query_one("#reason-error").render())
        await type_text(pilot, "no budget")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        # The open queue no longer holds it; the database says why.
        shown = screen.query_one("#requests-table", ListingTable).rows_shown
        assert [row["id"] for row in shown] == [2]

    drive(app_for(tiny, "dara"), scenario)
    assert requests_in(tiny)[1]["status"] == "rejected"
    with tiny.read() as session:
        from labops import tables as t

        assert session.get(t.Request, 1).decision_note == "no budget"


async def fill(pilot: Pilot, form: RequestFormScreen, name: str, text: str) -> None:
    enter(form, f"#field-{name} Input", text)
    await pilot.pause()


def test_request_form_shows_bad_fields_and_writes_nothing(tiny: Database, app_for) -> None:
    async def scenario(pilot: Pilot) -> None:
        await pilot.press("3", "n")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, RequestFormScreen)
        await fill(pilot, form, "title", "Cross-section of stack 7")
        form.query_one("#field-duration Input", Input).focus()
        await type_text(pilot, "2x")  # typed, key by key
        await settle(pilot)
        duration = form.query_one("#field-duration", FormField)
        assert duration.error == "duration '2x' is not like '45m', '2h' or '1h30m'"
        await fill(pilot, form, "due", "next tuesday")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form  # refused: the form stays, nothing is written
        assert form.query_one("#field-due", FormField).error.startswith("'next tuesday'")
        assert len(requests_in(tiny)) == 2

        # Every field fine on its own, but the task can never fit: 11 h on sem-1, which is
        # open 10 h a day. The service refuses; the form comes back as it was, with why.
        await fill(pilot, form, "duration", "11h")
        await fill(pilot, form, "due", "")
        form.query_one("#field-equipment Select").value = "unit:sem-1"
        await fill(pilot, form, "skill", "microscopy")
        await fill(pilot, form, "level", "2")
        await fill(pilot, form, "earliest", "2026-12-01 08:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        again = pilot.app.screen
        assert isinstance(again, RequestFormScreen) and again is not form
        refusal = str(again.query_one("#form-error").render())
        assert refusal.startswith("request refused, it can never fit"), refusal
        assert "certified" not in refusal
        assert again.query_one("#field-title Input", Input).value == "Cross-section of stack 7"
        assert len(requests_in(tiny)) == 2

        await fill(pilot, again, "duration", "2h")
        await pilot.press("ctrl+s")
        await settle(pilot)
        third = pilot.app.screen
        assert isinstance(third, RequestsScreen), third.query_one("#form-error").render()

    drive(app_for(tiny, "dara"), scenario)
    found = requests_in(tiny)
    assert len(found) == 3
    (new,) = [row for row in found.values() if row["title"] == "Cross-section of stack 7"]
    assert new["status"] == "submitted" and new["hours"] == 2.0


def test_user_text_is_shown_as_text(tiny: Database, app_for) -> None:
    """A title that looks like markup is shown as typed, never interpreted."""
    from labops.requests.form import RequestForm
    from labops.requests.service import submit_request
    from tests.conftest import NOW

    title = "[bold red]Urgent[/] [link=x]stack[/link]"
    form = RequestForm.model_validate(
        {
            "project": "tandem",
            "title": title,
            "tasks": [{"key": "scan", "duration": "1h", "equipment": [{"unit": "sem-1"}]}],
        }
    )
    submit_request(tiny, actor=actor(tiny, "ada"), form=form, now=NOW, draft=True)

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#requests-status").value = "draft"
        await settle(pilot)
        table = screen.query_one("#requests-table", ListingTable)
        assert table.get_cell("3", "title").plain == title
        assert f"Request 3: {title}" in screen.query_one("DetailView").text

    drive(app_for(tiny, "dara"), scenario)


def test_a_task_level_problem_goes_beside_the_field_it_names() -> None:
    from tui.screens.request_form import _field_of

    task = ("tasks", 0)
    assert _field_of(task, "staff_for is longer than the task") == "staff_for"
    assert _field_of(task, "due (2026-12-01T08:00:00) is not after earliest (...)") == "due"
    assert _field_of((*task, "duration"), "a duration must be at most a year") == "duration"
    assert _field_of(task, "something else entirely") == "form"
    assert _field_of(("title",), "String should have at least 1 character") == "title"


def test_control_characters_in_stored_text_never_reach_the_terminal(
    tiny: Database, app_for
) -> None:
    """A title stored with escape sequences (before they were refused) shows them as
    ``\\x1b``; no line the app draws holds a control character."""
    import sqlite3

    title = "scan \x1b]0;owned\x07 \x1b[8mhidden"
    connection = sqlite3.connect(tiny.engine.url.database)
    connection.execute("UPDATE request SET title = ? WHERE id = 1", (title,))
    connection.commit()
    connection.close()

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#requests-table", ListingTable)
        assert table.get_cell("1", "title").plain == "scan \\x1b]0;owned\\x07 \\x1b[8mhidden"
        for widget in (table, screen.query_one(DetailView)):
            for y in range(widget.size.height):
                text = widget.render_line(y).text
                assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text), widget
        pilot.app.notify(f"about {title}")  # messages quote people's text too
        await pilot.pause()
        (note,) = [n.message for n in pilot.app._notifications if n.message.startswith("about")]
        assert note == "about scan \\x1b]0;owned\\x07 \\x1b[8mhidden"
        # And whatever else is drawn goes through the app's line filter, which drops them.
        (guard,) = [f for f in pilot.app.get_line_filters() if isinstance(f, NoControlCodes)]
        segments = guard.apply([Segment("a\x1b]0;owned\x07b")], Color(0, 0, 0))
        assert [s.text for s in segments] == ["a]0;ownedb"]

    drive(app_for(tiny, "dara"), scenario)


def demote(db: Database, person: str, access: str) -> None:
    """An admin changes ``person``'s access, as the resources screen or another TUI would."""
    from labops.records import edit as resources
    from tests.conftest import NOW

    values = resources.record_values(db, kind="person", record_id=person)
    resources.save_record(
        db, actor=actor(db, "eve"), now=NOW, kind="person",
        values={**values, "access": access}, new=False,
    )  # fmt: skip


def test_rights_taken_away_reach_an_open_app(tiny: Database, app_for) -> None:
    """dara's app opened while she was an operator; an admin makes her a viewer: the
    approval she then tries is refused, and nothing is written."""

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("3")
        await settle(pilot)
        demote(tiny, "dara", "viewer")
        await pilot.press("a")  # approve the selected request (1)
        await settle(pilot)
        shown = [n.message for n in pilot.app._notifications]
        assert any("permission denied: viewer 'dara' cannot approve requests" in m for m in shown)

    drive(app_for(tiny, "dara"), scenario)
    assert requests_in(tiny)[1]["status"] == "submitted"


def test_the_form_asks_for_a_task_in_shifts(tiny: Database, app_for) -> None:
    from sqlmodel import select

    from labops import tables as t

    async def scenario(pilot: Pilot) -> None:
        await pilot.press("3", "n")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, RequestFormScreen)
        await fill(pilot, form, "title", "Long sputter run")
        await fill(pilot, form, "duration", "6h")
        form.query_one("#field-equipment Select").value = "unit:sputter-1"
        await fill(pilot, form, "skill", "coating")
        await fill(pilot, form, "level", "2")
        form.query_one("#field-shifts Checkbox").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RequestsScreen)

    drive(app_for(tiny, "dara"), scenario)
    with tiny.read() as session:
        task = session.exec(select(t.Task).where(t.Task.request_id == 3)).one()
    assert task.shifts
