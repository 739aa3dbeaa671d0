"""The README's Python examples run as written (against a small demo store)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from goodwill.demo import build_demo

ROOT = Path(__file__).resolve().parents[1]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_readme_has_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")


BLOCKS = [
    pytest.param(block, id=f"{doc}-{i}")
    for doc in ("README.md", "docs/health.md", "docs/responsiveness.md")
    for i, block in enumerate(python_blocks(ROOT / doc))
]


@pytest.mark.parametrize("block", BLOCKS)
def test_docs_python_runs(block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # the demo's own size: the README shows what `make demo` gives
    build_demo(Path("goodwill-demo.duckdb"), end=dt.date(2026, 10, 31))
    exec(compile(block, "README.md", "exec"), {"print": lambda *a, **k: None})
