"""docs/scale.md runs as written (its ```python blocks; the ```py ones need a cluster)."""

from __future__ import annotations

import contextlib
import io
import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "scale.md"


@pytest.mark.spark
def test_scale_doc_runs_and_prints_what_it_says(
    spark: SparkSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert blocks
    namespace: dict[str, object] = {}
    for block in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(DOC), "exec"), namespace)
        lines = block.splitlines()
        expected = [b[2:] for a, b in itertools.pairwise(lines) if "print(" in a and b[:2] == "# "]
        assert expected and all(e in out.getvalue().splitlines() for e in expected)


def test_the_scale_doc_names_every_setting_the_factory_sets() -> None:
    from goodwill.features.spark import DEFAULT_CONFIG

    text = DOC.read_text(encoding="utf-8")
    assert all(key in text for key in DEFAULT_CONFIG), "document the defaults in docs/scale.md"
