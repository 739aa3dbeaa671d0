"""The Python example in docs/simulator.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from goodwill.simulate import World

DOCS = Path(__file__).resolve().parents[2] / "docs" / "simulator.md"


def test_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], str(DOCS), "exec"), namespace)
    assert (tmp_path / "world" / "truth" / "accounts.csv").exists()
    world = namespace["world"]
    assert isinstance(world, World)
    assert world.week == world.weeks + 1  # continued one week past its end
