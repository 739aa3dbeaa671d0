"""The hand-made qualification portfolio (tests/qualify/world.py), built once per worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.qualify.world import build_store


@pytest.fixture(scope="session")
def qualify_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("qualify"))
