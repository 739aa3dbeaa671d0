"""The running dashboard's hold on its store: the single writer.

DuckDB lets one process hold a store file, so while ``goodwill serve`` runs it is the
only writer: imports and scoring go through it. One :class:`~goodwill.store.Store` is
opened for the life of the app; writes take a lock, so they run one at a time, and
reads run beside them on cursors of the same database (DuckDB's snapshots keep a read
from seeing half a write).
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from goodwill._typing import Lang
from goodwill.dashboard.status import latest_as_of
from goodwill.qualify.profile import StrategyProfile
from goodwill.settings import Settings
from goodwill.store import Store

_MISSING = object()
#: values :meth:`WebState.recent` keeps
RECENT = 64


@dataclass
class WebState:
    """The app's store, settings, strategy profile and default language, and the
    writer's lock."""

    store: Store
    settings: Settings
    lang: Lang = "en"
    #: what prospects and new accounts are qualified against (``goodwill serve --strategy``)
    strategy: StrategyProfile = field(default_factory=StrategyProfile)
    #: made per run: commands on this machine (backup, restore) present it as the admin
    control_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    _write_lock: threading.Lock = field(default_factory=threading.Lock)
    #: bumped by every write, so cached page data can tell it is stale
    version: int = 0
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    #: one lock per key being made, so concurrent requests make it once
    _making: dict[tuple[Any, ...], threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    #: the most recently used values of :meth:`recent`, oldest first
    _recent: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    #: the values the pages keep have been made once since the start (``/health``'s
    #: ``ready``: until then the first requests wait while they are made)
    ready: bool = False
    #: run after every write (outside the lock; they must not raise): the web makes the
    #: values its pages keep again before requests ask for them (goodwill.web.kept)
    after_write: list[Callable[[], None]] = field(default_factory=list)

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """A store on its own cursor, for one request's reads."""
        cursor = self.store.con.cursor()
        try:
            yield Store(cursor, self.store.path, self.store.schema_version)
        finally:
            cursor.close()

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """The store itself, one writer at a time; cached page data is dropped after, and
        :attr:`after_write` runs in the writer's thread once the lock is free."""
        try:
            with self._write_lock:
                try:
                    yield self.store
                finally:
                    self.version += 1
                    self._cache.clear()
                    with self._guard:
                        self._recent.clear()
        finally:
            for hook in self.after_write:
                hook()

    @contextmanager
    def recording(self) -> Iterator[Store]:
        """The store for a write that no page shows (a login, a session, the access
        log): one writer at a time like :meth:`writing`, but the cached page data stays."""
        with self._write_lock:
            yield self.store

    @contextmanager
    def try_recording(self) -> Iterator[Store | None]:
        """Like :meth:`recording`, but never waits: ``None`` while another write (an
        import, a score) holds the lock — the caller keeps its records and tries later."""
        if not self._write_lock.acquire(blocking=False):
            yield None
            return
        try:
            yield self.store
        finally:
            self._write_lock.release()

    def cached(self, key: tuple[Any, ...], make: Any) -> Any:
        """``make()`` once per ``key`` until the next write; requests that ask while it
        is being made wait for it instead of making it again."""
        full = (self.version, *key)
        found = self._cache.get(full, _MISSING)
        if found is not _MISSING:
            return found
        with self._guard:
            lock = self._making.setdefault(full, threading.Lock())
        with lock:
            found = self._cache.get(full, _MISSING)
            if found is _MISSING:
                found = make()
                if full[0] == self.version:  # a write meanwhile: keep it for this request
                    self._cache[full] = found
        with self._guard:
            self._making.pop(full, None)
        return found

    def recent(self, key: tuple[Any, ...], make: Any, keep: int = RECENT) -> Any:
        """``make()`` for ``key``, kept among the ``keep`` most recently used until the
        next write (an account's page, then its chart data or its timeline filtered)."""
        full = (self.version, *key)
        with self._guard:
            if full in self._recent:
                self._recent.move_to_end(full)
                return self._recent[full]
            lock = self._making.setdefault(("recent", *full), threading.Lock())
        try:
            with lock:  # a request asking while it is being made waits for it
                with self._guard:
                    if full in self._recent:
                        self._recent.move_to_end(full)
                        return self._recent[full]
                found = make()
                with self._guard:
                    if full[0] == self.version:
                        self._recent[full] = found
                        while len(self._recent) > keep:
                            self._recent.popitem(last=False)
            return found
        finally:
            with self._guard:
                self._making.pop(("recent", *full), None)

    def latest_as_of(self, store: Store) -> dt.date | None:
        """The latest snapshot's date, read once per write."""
        found: dt.date | None = self.cached(("latest_as_of",), lambda: latest_as_of(store))
        return found

    def close(self) -> None:
        self.store.close()

    @property
    def path(self) -> Path:
        return self.store.path
