"""goodwill's own planner as a policy of a simulated world.

Each week the world so far is written as the eight tables, imported into one store (the
importer replaces rows by key, so re-importing a folder is an update), scored as of the
world's last complete day, and planned with ``goodwill.plan.plan_week``; the plan's
actions are the week's actions. Only the tables are read, never the truth.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from goodwill.plan import plan_week, week_name
from goodwill.settings import Settings
from goodwill.simulate import World
from goodwill.simulate.writer import write_tables
from goodwill.store import Store


class GoodwillPolicy:
    """``World -> {account_id: action}`` by goodwill's score and weekly plan.

    Keeps one store in a temporary folder for the life of the policy; ``seconds`` holds
    the time each week took (export, import, score, plan) and ``close()`` removes the
    folder.
    """

    def __init__(self, settings: Settings, workdir: str | Path | None = None) -> None:
        self.settings = settings
        self._own = workdir is None
        self.folder = Path(workdir or tempfile.mkdtemp(prefix="goodwill-plans-"))
        self.tables = self.folder / "tables"
        self.store = Store.open(self.folder / "goodwill.duckdb")
        self.seconds: list[dict[str, float]] = []
        self.seed = 0

    def export(self, world: World) -> None:
        """Write the eight tables of the world so far (no truth: the planner never reads it)."""
        write_tables(world, self.tables)

    def __call__(self, world: World) -> dict[str, str]:
        from goodwill.score import score

        t0 = time.perf_counter()
        self.export(world)
        t1 = time.perf_counter()
        self.store.import_dir(self.tables)
        t2 = time.perf_counter()
        snapshot = score(self.store, world.as_of, settings=self.settings, save=False)
        t3 = time.perf_counter()
        self.seed += 1
        plan = plan_week(self.store, week_name(world.week_start), self.settings,
                         snapshot=snapshot, seed=self.seed)  # fmt: skip
        t4 = time.perf_counter()
        self.seconds.append(
            {"export": t1 - t0, "import": t2 - t1, "score": t3 - t2, "plan": t4 - t3}
        )
        actions = plan.actions
        existing = set(world.account_ids())
        return {
            str(a): str(b)
            for a, b in zip(actions["account_id"], actions["action"], strict=True)
            if str(a) in existing
        }

    def close(self) -> None:
        self.store.close()
        if self._own:
            shutil.rmtree(self.folder, ignore_errors=True)
