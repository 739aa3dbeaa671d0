"""The truth stays inside: only the simulator, the CLI shells and evaluation import it;
and the one-call helper the demo command uses."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from goodwill.simulate import default_end, generate_world

SRC = Path(__file__).resolve().parents[2] / "src" / "goodwill"
#: modules allowed to import goodwill.simulate: itself, evaluation, the CLI shells and the
#: demo that generates a world to import. Features, models, signals and the planner never.
ALLOWED = ("simulate", "evaluate", "cli", "demo")


def test_nothing_else_imports_the_simulator() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        part = path.relative_to(SRC).parts[0].removesuffix(".py")
        if part in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "goodwill.simulate" or n.startswith("goodwill.simulate.") for n in names):
                offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_default_end_is_last_day_of_last_month() -> None:
    assert default_end(dt.date(2026, 3, 15)) == dt.date(2026, 2, 28)
    assert default_end(dt.date(2026, 1, 1)) == dt.date(2025, 12, 31)


def test_generate_world_reports_progress(tmp_path: Path) -> None:
    seen: list[tuple[str, float, float]] = []
    config, rows = generate_world(
        tmp_path / "demo",
        accounts=80,
        years=0.25,
        end=dt.date(2025, 3, 31),
        seed=4,
        progress=lambda label, done, total: seen.append((label, done, total)),
    )
    assert config.end == dt.date(2025, 3, 31)
    assert (
        rows["accounts"] == len((tmp_path / "demo" / "accounts.csv").read_text().splitlines()) - 1
    )
    assert seen[0][0] == "simulating" and seen[-1][0] == "writing"
    assert seen[-2][1] == seen[-2][2] == config.weeks
