"""`labops bench psplib|mmlib|imopse PATH...`: the production solver on standard benchmarks."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from labops.errors import InputError, LabopsError
from labops.limits import check_time_limit, check_workers
from labops_cli.render import console, err_console

bench_app = typer.Typer(
    help="Run the production solver on standard scheduling benchmarks.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")


def _command(kind: str, title: str):
    def command(
        paths: list[Path] = typer.Argument(..., help="Instance files, or folders of them."),
        time_limit: float = typer.Option(1.0, "--time-limit", help="Seconds per instance."),
        workers: int = typer.Option(2, "--workers", help="CP-SAT workers."),
        json_out: Path | None = typer.Option(
            None, "--json", help="Write one JSON line per instance (with every task's start)."
        ),
        best_known: Path | None = typer.Option(
            None,
            "--best-known",
            help="best_known.csv to compare with (default: one beside the instances).",
        ),
    ) -> None:
        run(kind, paths, time_limit, workers, json_out, best_known)

    command.__doc__ = f"Solve {title} instances; summarise against the best known makespans."
    bench_app.command(kind)(command)


_command("psplib", "PSPLIB single-mode RCPSP (.sm)")
_command("mmlib", "PSPLIB/MMLIB multi-mode RCPSP (.mm)")
_command("imopse", "iMOPSE multi-skill RCPSP (.def)")


def run(
    kind: str,
    paths: list[Path],
    time_limit: float,
    workers: int,
    json_out: Path | None,
    best_known: Path | None,
) -> None:
    from labops import bench

    check_time_limit(time_limit)
    check_workers(workers)
    files = bench.instance_files(kind, paths)
    table = bench.load_table(best_known or bench.find_best_known(files))
    out = _open(json_out)
    columns = (
        TextColumn("[bold]bench[/]"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[status]}", markup=False),
    )
    try:
        show = err_console.is_terminal
        with Progress(*columns, console=err_console, transient=True, disable=not show) as bar:
            task = bar.add_task("bench", total=len(files), status="")

            def started(path: Path) -> None:
                bar.update(task, status=f"solving {path.stem}")

            def finished(result: bench.InstanceResult) -> None:
                bar.advance(task)
                known = f" (best known {result.best_known})" if result.best_known else ""
                console.print(
                    f"{result.name:>14}  {result.status:<10} makespan {result.makespan}"
                    f"{known}  bound {_number(result.bound)}  {result.seconds:.2f} s"
                    + (f"  INVALID: {result.violations[0]}" if result.violations else ""),
                    markup=False,
                    highlight=False,
                )
                if out is not None:
                    out.write(json.dumps(result.as_json()) + "\n")
                    out.flush()  # an interrupted run keeps the instances it finished

            results = bench.run_bench(
                kind,
                files,
                time_limit=time_limit,
                workers=workers,
                best_known=table,
                on_start=started,
                on_result=finished,
            )
    finally:
        if out is not None:
            out.close()
    summary = bench.summarise(results)
    console.print(summary.line(), markup=False, highlight=False)
    if summary.invalid:
        raise LabopsError(f"{summary.invalid} plan(s) broke a hard rule (a solver bug: report it)")


def _open(path: Path | None):
    if path is None:
        return None
    try:
        return path.open("w", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
