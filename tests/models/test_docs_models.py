"""docs/models.md runs as written, and prints what it says it prints."""

from __future__ import annotations

import contextlib
import io
import itertools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "models.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def _expected_outputs(block: str) -> list[str]:
    lines = block.splitlines()
    return [
        nxt[2:]
        for line, nxt in itertools.pairwise(lines)
        if "print(" in line and nxt.startswith("# ")
    ]


def test_docs_examples_run_and_print_what_they_say(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    blocks = _blocks()
    assert len(blocks) >= 5
    for block in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(DOC), "exec"), namespace)
        printed = out.getvalue().splitlines()
        for expected in _expected_outputs(block):
            assert expected in printed, (expected, printed)


def test_docstring_examples() -> None:
    import doctest

    import goodwill.models.bgnbd

    result = doctest.testmod(goodwill.models.bgnbd)
    assert result.attempted > 0 and result.failed == 0
