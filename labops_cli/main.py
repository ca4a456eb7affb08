"""The `labops` command: global options, sub-commands, and one-line errors."""

from __future__ import annotations

import os
import sys

import typer
from typer.exceptions import TyperException

from labops.controls import printable
from labops.errors import LabopsError
from labops_cli import (
    admin,
    bench,
    bookings,
    browse,
    calendar,
    charges,
    money,
    notify,
    platform,
    report,
    requests,
    schedule,
    tui,
    usage,
    whatif,
)
from labops_cli.render import err_console
from labops_cli.state import CliState

app = typer.Typer(
    name="labops",
    help="Operations manager for experimental platforms: equipment, people and time.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion for bash, zsh, fish and PowerShell
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


GLOBAL_OPTIONS = ("--db", "--as", "--read-only")


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        typer.echo(f"labops {version('labops')}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None, "--db", help="Database file or URL (default: $LABOPS_DB, else your data directory)."
    ),
    as_: str | None = typer.Option(
        None, "--as", help="Act as this person (default: $LABOPS_USER)."
    ),
    read_only: bool = typer.Option(
        False,
        "--read-only",
        help="Open the database for reading only (also done when it cannot be written).",
    ),
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        callback=_print_version,
        help="Print labops' version and exit.",
    ),
) -> None:
    ctx.obj = CliState(db_arg=db, as_arg=as_, command=ctx.invoked_subcommand, read_only=read_only)
    ctx.call_on_close(ctx.obj.close)


platform.register(app)
browse.register(app)
requests.register(app)
schedule.register(app)
bookings.register(app)
usage.register(app)
money.register(app)
charges.register(app)
calendar.register(app)
notify.register(app)
report.register(app)
admin.register(app)
tui.register(app)
bench.register(app)
whatif.register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a LabopsError becomes its message on stderr and a non-zero exit."""
    try:
        code = app(args=argv, prog_name="labops", standalone_mode=False)
    except LabopsError as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            err_console.print(printable(line), markup=False, style="red")
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted", style="red")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except TyperException as exc:  # usage errors: bad options or arguments
        misplaced = getattr(exc, "option_name", None)  # typer's own click: NoSuchOption
        if misplaced in GLOBAL_OPTIONS:
            command = getattr(getattr(exc, "ctx", None), "command_path", "labops COMMAND")
            err_console.print(
                f"{misplaced} goes before the command: labops {misplaced} ... "
                f"{' '.join(command.split()[1:])} ...",
                markup=False,
                style="red",
            )
            sys.exit(2)
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            err_console.print(str(exc), markup=False, style="red")
        sys.exit(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        err_console.print("interrupted", style="red")
        sys.exit(130)
    except MemoryError:  # every write is one transaction: nothing was half written
        err_console.print("not enough memory to finish: nothing was written", style="red")
        sys.exit(1)
    except OSError as exc:  # the environment: a full disk, a folder that cannot be written
        where = f" {exc.filename}" if exc.filename else ""
        err_console.print(
            printable(f"cannot use{where}: {exc.strerror or exc}"), markup=False, style="red"
        )
        sys.exit(1)
    except Exception as exc:  # a bug: say so in one line; the traceback on request
        if os.environ.get("LABOPS_DEBUG"):
            raise
        first_line = printable((str(exc).splitlines() or [""])[0][:200])
        err_console.print(
            f"internal error ({type(exc).__name__}: {first_line}) - set LABOPS_DEBUG=1 for details",
            markup=False,
            style="red",
        )
        sys.exit(70)
    sys.exit(code if isinstance(code, int) else 0)
