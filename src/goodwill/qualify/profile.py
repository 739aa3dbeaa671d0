"""The strategy profile: which accounts we want (segments, countries, regions, size), the
least a new account must be worth to us a year, and how many new accounts we can take on
per quarter. Read from a TOML file (see ``docs/strategy.example.toml``); without one,
every account fits.

Each key is optional; a list left out (or empty) means "any". Values are matched without
regard to case or surrounding spaces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goodwill.errors import GoodwillError
from goodwill.i18n import N_
from goodwill.settings import read_toml

#: the keys of a strategy file, and what each takes
LIST_KEYS = ("segments", "countries", "regions")
COUNT_KEYS = ("employees_min", "employees_max", "new_accounts_per_quarter")
MONEY_KEYS = ("min_yearly_value_eur",)
KEYS = LIST_KEYS + COUNT_KEYS + MONEY_KEYS


def _names(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _money(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v >= 0


#: per key: the check of its value, and the error when it fails
_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    **{
        k: (
            _names,
            N_('{file}: \'{key}\' must be a list of names, like {key} = ["a", "b"], not {value!r}'),
        )
        for k in LIST_KEYS
    },
    **{
        k: (
            _count,
            N_(
                "{file}: '{key}' must be a whole number of at least 0, like "
                "{key} = 10, not {value!r}"
            ),
        )
        for k in COUNT_KEYS
    },
    **{
        k: (
            _money,
            N_(
                "{file}: '{key}' must be an amount in euros of at least 0, like "
                "{key} = 5000, not {value!r}"
            ),
        )
        for k in MONEY_KEYS
    },
}
_CONVERT: dict[str, Callable[[Any], Any]] = {
    **{k: frozenset for k in LIST_KEYS},
    **{k: int for k in COUNT_KEYS},
    **{k: float for k in MONEY_KEYS},
}


class StrategyError(GoodwillError, ValueError):
    """A strategy profile cannot be used."""


def _norm(value: object) -> str:
    return str(value).strip().casefold()


@dataclass(frozen=True)
class StrategyProfile:
    """What fits our strategy. Empty sets and ``None`` bounds accept everything."""

    segments: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    employees_min: int | None = None
    employees_max: int | None = None
    #: the least yearly margin (EUR) a new account must be expected to bring
    min_yearly_value_eur: float = 0.0
    #: new accounts we can give full attention per quarter (``None``: no limit)
    new_accounts_per_quarter: int | None = None
    #: where the profile came from (a file name, or ``default``)
    source: str = "default"

    def __post_init__(self) -> None:
        for key in LIST_KEYS:
            object.__setattr__(self, key, frozenset(_norm(v) for v in getattr(self, key)))

    @classmethod
    def load(cls, path: str | Path | None = None) -> StrategyProfile:
        """The profile in ``path``; without a path, the default (everything fits)."""
        if path is None:
            return cls()
        file = Path(path)
        if not file.exists():
            raise StrategyError(
                "the strategy file {file} does not exist; copy docs/strategy.example.toml "
                "and adapt it",
                file=file,
            )
        return cls.from_mapping(read_toml(file, StrategyError), file.name)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], file: str = "strategy") -> StrategyProfile:
        """A profile from parsed TOML (``file`` names it in errors)."""
        unknown = sorted(set(data) - set(KEYS))
        if unknown:
            raise StrategyError(
                "{file}: unknown key '{key}'; a strategy file knows {known}",
                file=file,
                key=unknown[0],
                known=", ".join(KEYS),
            )
        kw: dict[str, Any] = {}
        for key, value in data.items():
            ok, message = _KINDS[key]
            if not ok(value):
                raise StrategyError(
                    message,
                    file=file,
                    key=key,
                    value=value,
                )
            kw[key] = _CONVERT[key](value)
        low, high = kw.get("employees_min"), kw.get("employees_max")
        if low is not None and high is not None and low > high:
            raise StrategyError(
                "{file}: employees_min ({low}) is above employees_max ({high}); swap them",
                file=file,
                low=low,
                high=high,
            )
        return cls(**kw, source=file)

    def to_dict(self) -> dict[str, Any]:
        """The profile as plain data (lists sorted), e.g. to record beside a result."""
        return {
            "segments": sorted(self.segments),
            "countries": sorted(self.countries),
            "regions": sorted(self.regions),
            "employees_min": self.employees_min,
            "employees_max": self.employees_max,
            "min_yearly_value_eur": self.min_yearly_value_eur,
            "new_accounts_per_quarter": self.new_accounts_per_quarter,
            "source": self.source,
        }
