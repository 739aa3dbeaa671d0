"""One exception base for everything goodwill refuses, with messages that say what to do.

Domain errors subclass the builtin a caller would expect (``ValueError``,
``FileNotFoundError``, ...), so ``except ValueError`` keeps working for library users.
The CLI catches :class:`GoodwillError`, prints its message and exits with code 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from goodwill._typing import Lang

if TYPE_CHECKING:
    from goodwill.ingest.problems import Problem


class GoodwillError(Exception):
    """Base of every error goodwill raises on purpose.

    The message is an English template with ``{name}`` placeholders and the values to
    fill in, so that it can be shown in Dutch too: ``str(err)`` is English,
    ``err.message("nl")`` Dutch (when the catalog has the template).
    """

    exit_code: int = 2

    def __init__(self, template: str, /, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "en") -> str:
        """The message in ``lang``."""
        from goodwill.i18n import gettext

        return gettext(self.template, lang, **self.params)


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

    def __init__(self, problems: list[Problem], total: int) -> None:
        self.problems = problems
        self.total = total
        super().__init__("{first} (and {more} more)" if total > 1 else "{first}")

    def message(self, lang: Lang = "en") -> str:
        from goodwill.i18n import gettext

        first = self.problems[0].render(lang) if self.problems else ""
        if self.total > 1:
            return gettext("{first} (and {more} more)", lang, first=first, more=self.total - 1)
        return first


class Interrupted(GoodwillError):
    """The user interrupted a command (Ctrl-C); the store was left as it was."""

    exit_code = 130


class UndoError(GoodwillError):
    """An import cannot be undone (unknown, already undone, or later imports depend on it)."""


class ExportError(GoodwillError, ValueError):
    """A table cannot be exported as asked."""


class ConvergenceError(GoodwillError, ValueError):
    """A model's fit did not converge; the message says what to try."""
