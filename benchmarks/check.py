"""Independent feasibility re-check of a schedule against the PSPLIB/MMLIB file itself.

Deliberately does not use solver.readers: it re-reads the file with its own small parser,
so a reader bug cannot hide a wrong schedule. Checks every job (dummies included, with
their start defaulting to 0 / the makespan), finish-to-start precedences, renewable
capacities at every time point and non-renewable totals, and the stated makespan.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path


def _sections(path: Path) -> dict[str, list[list[int]]]:
    """Integer rows of each section, keyed by the section title's first word."""
    out: dict[str, list[list[int]]] = {}
    current = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        upper = line.upper()
        if upper.startswith("PRECEDENCE RELATIONS"):
            current = "prec"
        elif upper.startswith("REQUESTS/DURATIONS"):
            current = "req"
        elif upper.startswith("RESOURCEAVAILABILITIES") or upper.startswith(
            "RESOURCE AVAILABILITIES"
        ):
            current = "avail"
        elif line.startswith("*"):
            current = None
        elif current and line and all(w.lstrip("-").isdigit() for w in line.split()):
            out.setdefault(current, []).append([int(w) for w in line.split()])
    return out


def check_psplib_schedule(
    path: str | Path,
    starts: dict[str, int],
    modes: dict[str, int] | None = None,
    makespan: int | None = None,
    renewable: int | None = None,
) -> list[str]:
    """Violations of a schedule (task id = job number -> start; modes 0-based) against the
    file; empty when feasible. ``renewable`` is the number of R columns (default: all
    columns for .sm, read from the header for .mm)."""
    path = Path(path)
    sec = _sections(path)
    text = path.read_text()
    if renewable is None:
        renewable = 0
        for line in text.splitlines():
            low = line.lower().lstrip(" -\t")
            if low.startswith("renewable"):
                renewable = int(line.split(":")[1].split()[0])
                break
    caps = sec["avail"][0]
    succ = {row[0]: row[3:] for row in sec["prec"]}
    jobs = sorted(succ)
    width = len(caps)
    mode_rows: dict[int, list[list[int]]] = {}
    job = None
    for row in sec["req"]:
        if len(row) == 3 + width:
            job = row[0]
            row = row[1:]
        mode_rows.setdefault(job, []).append(row[1:])  # duration, demands...
    problems = []
    dur, dem, start = {}, {}, {}
    for j in jobs:
        m = (modes or {}).get(str(j), 0)
        if not 0 <= m < len(mode_rows[j]):
            problems.append(f"job {j}: no mode {m}")
            m = 0
        dur[j] = mode_rows[j][m][0]
        dem[j] = mode_rows[j][m][1:]
        if str(j) in starts:
            start[j] = starts[str(j)]
        elif j == jobs[0] and dur[j] == 0:
            start[j] = 0
        elif j != jobs[-1] or dur[j]:
            problems.append(f"job {j}: no start")
            start[j] = 0
    span = max(start[j] + dur[j] for j in start)
    start.setdefault(jobs[-1], span)
    if makespan is not None and makespan != span:
        problems.append(f"stated makespan {makespan} but the schedule ends at {span}")
    for j in jobs:
        if start[j] < 0:
            problems.append(f"job {j} starts before 0")
        for k in succ[j]:
            if start[k] < start[j] + dur[j]:
                problems.append(f"precedence {j}->{k}: {k} starts {start[k]} < {start[j] + dur[j]}")
    for r in range(renewable):
        usage = [0] * (span + 1)
        for j in jobs:
            for t in range(start[j], start[j] + dur[j]):
                usage[t] += dem[j][r]
        for t, u in enumerate(usage):
            if u > caps[r]:
                problems.append(f"R{r + 1} at time {t}: usage {u} > capacity {caps[r]}")
                break
    for r in range(renewable, width):
        total = sum(dem[j][r] for j in jobs)
        if total > caps[r]:
            problems.append(f"N{r - renewable + 1}: consumption {total} > limit {caps[r]}")
    return problems


def check_imopse_schedule(
    path: str | Path, starts: dict[str, int], people: dict[str, list[str]]
) -> list[str]:
    """Violations of an MS-RCPSP schedule against the iMOPSE ``.def`` file: every task has
    one person with the required skill at the required (file) level, nobody does two tasks
    at once, precedences hold."""
    skills: dict[str, dict[str, int]] = {}
    tasks: dict[str, tuple[int, str, int, list[str]]] = {}
    section = None
    for raw in Path(path).read_text().splitlines():
        words = raw.split()
        if raw.startswith("ResourceID"):
            section = "res"
        elif raw.startswith("TaskID"):
            section = "task"
        elif raw.startswith("="):
            section = None
        elif section == "res" and words:
            pairs = words[2:]
            skills[words[0]] = {
                q.rstrip(":"): int(v) for q, v in zip(pairs[::2], pairs[1::2], strict=True)
            }
        elif section == "task" and words:
            tasks[words[0]] = (int(words[1]), words[2].rstrip(":"), int(words[3]), words[4:])
    problems = []
    busy: dict[str, list[tuple[int, int, str]]] = {}
    for tid, (dur, skill, level, preds) in tasks.items():
        if tid not in starts:
            problems.append(f"task {tid}: no start")
            continue
        who = people.get(tid, [])
        if len(who) != 1:
            problems.append(f"task {tid}: {len(who)} people")
        for person in who:
            if skills.get(person, {}).get(skill, -1) < level:
                problems.append(f"task {tid}: person {person} lacks {skill} level {level}")
            busy.setdefault(person, []).append((starts[tid], starts[tid] + dur, tid))
        for pred in preds:
            if pred in starts and starts[tid] < starts[pred] + tasks[pred][0]:
                problems.append(f"precedence {pred}->{tid} violated")
    for person, spans in busy.items():
        spans.sort()
        for (_, e1, a), (s2, _, b) in pairwise(spans):
            if s2 < e1:
                problems.append(f"person {person} does tasks {a} and {b} at once")
    return problems
