"""A cohort of clients for the default course: answers files, and one batch ``coursebook pdf`` timed.

``python benchmarks/cohort.py OUT --clients 30 --broken`` writes 30 clients' answers files
(every field type, varied: long and multi-line text, unicode names, lists and tables of
different lengths, some worksheets left out) and one broken file into OUT.

``python benchmarks/cohort.py --runs 3 --write`` measures, interleaved: a cold
``mkdocs build`` of the default course, ``coursebook pdf --answers`` for 1 client, and one
batch ``coursebook pdf --answers FOLDER`` for 30; it stores the figures under ``cohort`` in
``results.json`` and regenerates RESULTS.md from it (the other parts' figures are kept).
``run.py`` runs the same part (``--skip cohort`` leaves it out).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from course import ROOT, copy_default_course
from measure import Sample, machine, mkdocs_build, rmtree, run, summary

FIRST = ["Amara", "Björn", "Chidi", "Dolores", "Émile", "Farah", "Goran", "Hana", "Ínes", "Jun",
         "Kwame", "Léa", "Mateus", "Nadia", "Oğuz", "Priya", "Quentin", "Rosa", "Søren", "Tamsin"]  # fmt: skip
LAST = ["Okafor", "Lindqvist", "Núñez", "Wiśniewska", "Tanaka", "O'Brien", "Haddad", "Ferreira",
        "Kowalczyk", "Nguyễn", "Mbeki", "Dubois", "Rossi", "Al-Sayed", "Park"]  # fmt: skip
WORDS = ["conversation", "network", "referral", "mentor", "product", "health", "energy",
         "research", "design", "data", "teaching", "nursing", "logistics", "policy", "climate",
         "community", "finance", "startup", "hospital", "school", "museum", "library",
         "software", "transport", "retail"]  # fmt: skip
BROKEN = '{"format": "coursebook-answers", "version": 1, "worksheets": {"Not An Id": {}}}\n'


def client_name(index: int) -> str:
    """A distinct, mostly non-ASCII name for client ``index``."""
    return f"{FIRST[index % len(FIRST)]} {LAST[(index * 7) % len(LAST)]} {index + 1}"


def _phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _text(rng: random.Random, long: bool = False) -> str:
    text = _phrase(rng, rng.randint(2, 7)).capitalize()
    return text + " — " + _phrase(rng, 25) if long else text


def _textarea(rng: random.Random) -> str:
    lines = [_text(rng, long=rng.random() < 0.5) + "." for _ in range(rng.randint(1, 4))]
    return "\n".join(lines)


def _date(rng: random.Random) -> str:
    return (date(2025, 1, 1) + timedelta(days=rng.randint(0, 400))).isoformat()


def field_value(f: Any, rng: random.Random) -> Any:
    """A plausible answer for field ``f`` (a ``coursebook.model.Field``), as an export holds it."""
    if f.type == "text":
        return _text(rng, long=rng.random() < 0.2)
    if f.type == "textarea":
        return _textarea(rng)
    if f.type == "date":
        return _date(rng)
    if f.type == "scale":
        return rng.choice(list(f.scale_values))
    if f.type == "choice":
        return rng.choice(f.options).value
    if f.type == "checklist":
        picked = [o.value for o in f.options if rng.random() < 0.5] or [f.options[0].value]
        return picked
    if f.type == "list":
        top = f.max or 8
        return [_text(rng) for _ in range(rng.randint(1, top))]
    if f.type == "table":
        rows = []
        for _ in range(rng.randint(1, min(f.max_rows or 6, 6))):
            row: dict[str, Any] = {}
            for c in f.columns:
                row[c.id] = {
                    "checkbox": rng.random() < 0.5,
                    "date": _date(rng) if rng.random() < 0.7 else "",
                    "textarea": _textarea(rng),
                }.get(c.type, _text(rng))
            rows.append(row)
        return rows
    raise ValueError(f"no generator for field type {f.type!r}")


def client_answers(
    worksheets: Sequence[Any], course: str, index: int, seed: int = 7
) -> dict[str, Any]:
    """Client ``index``'s answers file: most worksheets, most fields answered, all of them typed
    as the site exports them (so ``coursebook answers extract`` gives the same values back)."""
    rng = random.Random(seed * 1000 + index)
    stored: dict[str, Any] = {}
    for n, ws in enumerate(worksheets):
        if index > 0 and rng.random() < 0.15:  # a worksheet not started yet (client 0 has all)
            continue
        values = {f.id: field_value(f, rng) for f in ws.fields if index == 0 or rng.random() < 0.85}
        day = date(2025, 3, 1) + timedelta(days=index + n)
        stored[ws.id] = {
            "version": ws.version,
            "updated": f"{day.isoformat()}T{9 + n:02d}:{index % 60:02d}:00.000Z",
            "values": values,
        }
    return {
        "format": "coursebook-answers",
        "version": 1,
        "course": course,
        "exported": "2025-06-01T12:00:00.000Z",
        "client": client_name(index),
        "worksheets": stored,
    }


def write_cohort(folder: Path, clients: int, broken: bool = False) -> list[Path]:
    """``clients`` answers files for the default course in ``folder`` (plus a broken one)."""
    from coursebook.cli.common import load_course

    course = load_course(str(ROOT / "mkdocs.yml"))
    worksheets, namespace = course.ordered, course.namespace
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(clients):
        path = folder / f"client-{index + 1:02d}.json"
        data = client_answers(worksheets, namespace, index)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    if broken:
        (folder / "zz-broken.json").write_text(BROKEN, encoding="utf-8")
    return paths


# ---- the benchmark -----------------------------------------------------------------------


@dataclass(frozen=True)
class CohortRuns:
    """Samples of each command, measured interleaved in one session."""

    clients: int
    cold: list[Sample]
    one: list[Sample]
    many: list[Sample]


def coursebook(*args: str | Path) -> list[str | Path]:
    """The ``coursebook`` command of this Python environment."""
    return [sys.executable, "-m", "coursebook.cli", *args]


def measure_cohort(work: Path, runs: int, clients: int = 30, warm_up: bool = True) -> CohortRuns:
    """Cold build, 1 client, ``clients`` clients: ``runs`` times each, interleaved, every one
    on an empty ``.cache`` (so each lays the workbook out, as a first build would)."""
    course = work / "cohort-course"
    copy_default_course(course)
    shutil.copy(ROOT / "mkdocs.yml", course / "mkdocs.yml")
    answers = work / "cohort-answers"
    files = write_cohort(answers, clients)
    site, out = work / "cohort-site", work / "cohort-out"
    config = course / "mkdocs.yml"
    one = coursebook("pdf", "--answers", files[0], "-o", out / "one.pdf", "--force", "-f", config)
    many = coursebook("pdf", "--answers", answers, "-o", out / "many", "--force", "-f", config)
    out.mkdir(parents=True, exist_ok=True)
    if warm_up:  # one untimed run of each: Python's own caches and the OS page cache warm up
        run(one, cwd=work)
        run(many, cwd=work)
        mkdocs_build(config, site)
    result = CohortRuns(clients, [], [], [])
    for _ in range(runs):
        rmtree(course / ".cache")
        result.cold.append(mkdocs_build(config, site))
        rmtree(course / ".cache")
        result.one.append(run(one, cwd=work))
        rmtree(course / ".cache")
        result.many.append(run(many, cwd=work))
    made = sorted((out / "many").glob("*.pdf"))
    if len(made) != clients:
        raise RuntimeError(f"the batch wrote {len(made)} workbooks, not {clients}")
    return result


def summarize_cohort(c: CohortRuns) -> dict[str, Any]:
    """Medians, ranges and the derived figures: clients/s, marginal cost, ratio to a cold build."""
    cold, one, many = summary(c.cold), summary(c.one), summary(c.many)
    n = c.clients
    return {
        "clients": n,
        "runs": len(c.cold),
        "cold": cold,
        "one": one,
        "many": many,
        "clients_per_s": n / many["median"],
        "marginal": (many["median"] - one["median"]) / (n - 1),
        "marginal_cpu": (many["cpu"] - one["cpu"]) / (n - 1),
        "ratio": many["median"] / cold["median"],
        "ratio_cpu": many["cpu"] / cold["cpu"],
        "raw": {
            k: [(s.seconds, s.cpu) for s in v]
            for k, v in (("cold", c.cold), ("one", c.one), ("many", c.many))
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, help="write a cohort's answers files here")
    parser.add_argument("--clients", type=int, default=30, help="how many clients (default 30)")
    parser.add_argument("--broken", action="store_true", help="add one broken answers file")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (default 3)")
    parser.add_argument("--write", action="store_true", help="update results.json and RESULTS.md")
    args = parser.parse_args(argv)
    if args.out is not None:
        paths = write_cohort(args.out, args.clients, args.broken)
        print(f"wrote {len(paths)} answers files{' and a broken one' if args.broken else ''}")
        return 0
    from report import render, write
    from run import RESULTS_JSON, RESULTS_MD, targets

    facts = {k: v for k, v in machine("", ROOT).items() if k != "Chromium"}  # load before
    work = Path(tempfile.mkdtemp(prefix="coursebook-cohort-"))
    try:
        figures = summarize_cohort(measure_cohort(work, args.runs, args.clients))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures["machine"] = facts
    figures["command"] = "`python benchmarks/cohort.py" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:])
    )
    figures["command"] += "`"
    results = json.loads(RESULTS_JSON.read_text(encoding="utf-8")) if RESULTS_JSON.exists() else {}
    results["cohort"] = figures
    if results.get("machine"):
        results["targets"] = targets(results)
    if args.write and results.get("machine"):
        write(RESULTS_MD, results)
        RESULTS_JSON.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS_MD.name} and {RESULTS_JSON.name}")
    else:
        print(render(results) if results.get("machine") else figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
