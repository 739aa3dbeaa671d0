"""A simulated world imports cleanly through the store's importer."""

from __future__ import annotations

from pathlib import Path

from goodwill.store import Store
from goodwill.store.schema import TABLE_ORDER


def test_world_imports_cleanly(tmp_path: Path, world_dir: Path) -> None:
    with Store.open(tmp_path / "demo.duckdb") as store:
        reports = store.import_dir(world_dir)
        by_table = {r.table: r for r in reports}
        assert set(by_table) == set(TABLE_ORDER)  # truth/ is never imported
        for name in TABLE_ORDER:
            lines = (world_dir / f"{name}.csv").read_text(encoding="utf-8").count("\n") - 1
            assert by_table[name].inserted == lines, name
            assert store.count(name) == lines, name
        # timestamps keep their time of day
        row = store.con.execute(
            "SELECT count(*) FROM complaints WHERE hour(first_response_on) <> 0"
        ).fetchone()
        assert row is not None and row[0] > 0
