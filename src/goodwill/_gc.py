"""Pausing Python's cyclic garbage collector while a step builds many lasting objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off, and switch it back on after
    (if it was on). Reference counting still frees memory as usual; what is skipped is
    the collector walking, again and again, the hundreds of thousands of objects a
    scoring builds and keeps (its reasons), none of which it could free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
