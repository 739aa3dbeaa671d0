"""One exception base for everything goodwill refuses, with messages that say what to do.

Domain errors subclass the builtin a caller would expect (``ValueError``,
``FileNotFoundError``, ...), so ``except ValueError`` keeps working for library users.
The CLI catches :class:`GoodwillError`, prints its message and exits with code 2.
"""

from __future__ import annotations


class GoodwillError(Exception):
    """Base of every error goodwill raises on purpose; ``str(err)`` is the user message."""

    exit_code: int = 2


class StoreError(GoodwillError):
    """The store cannot be opened or used as asked."""


class NotAStoreError(StoreError, ValueError):
    """The file is not a goodwill store (or not a DuckDB database at all)."""


class StoreVersionError(StoreError):
    """The store was written by a newer goodwill."""


class StoreLockedError(StoreError):
    """Another process holds the store's file."""


class InputFileError(GoodwillError, ValueError):
    """An input file cannot be read at all (missing, empty, binary, wrong format)."""


class ImportValidationError(GoodwillError, ValueError):
    """An input file was read but some rows break the data contract.

    ``problems`` holds every problem found (or the first ones, with ``total`` the count).
    """

    def __init__(self, message: str, problems: object = None, total: int = 0) -> None:
        super().__init__(message)
        self.problems = problems
        self.total = total


class UndoError(GoodwillError):
    """An import cannot be undone (unknown, already undone, or later imports depend on it)."""


class ExportError(GoodwillError, ValueError):
    """A table cannot be exported as asked."""


class ConvergenceError(GoodwillError, ValueError):
    """A model's fit did not converge; the message says what to try."""
