"""Settings: packaged defaults overlaid by a user's TOML file, checked on load.

Every number a score depends on (hourly rates, weights, thresholds) lives here, with
its documented default in ``goodwill/defaults.toml``. A user file only needs the keys it
changes. Unknown keys and values of the wrong type are refused with the file, the key
and what was expected.
"""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from goodwill.errors import GoodwillError


class SettingsError(GoodwillError, ValueError):
    """A settings file cannot be used."""


def defaults() -> dict[str, Any]:
    """The packaged default settings."""
    text = resources.files("goodwill").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], user: Mapping[str, Any], file: str, prefix: str = "") -> None:
    open_table = not base  # an empty table of defaults takes any key (owners, regions)
    for key, value in user.items():
        where = f"{prefix}{key}"
        if open_table and key not in base:
            base[key] = 0.0  # a number: checked as every number below
        if key not in base:
            raise SettingsError(
                "{file}: unknown setting '{key}' (known here: {known})",
                file=file,
                key=where,
                known=", ".join(sorted(base)),
            )
        current = base[key]
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise SettingsError(
                    "{file}: '{key}' must be a table of settings", file=file, key=where
                )
            _merge(current, value, file, where + ".")
        elif isinstance(current, float | int) and not isinstance(current, bool):
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise SettingsError(
                    "{file}: '{key}' must be a number, not {value!r}",
                    file=file,
                    key=where,
                    value=value,
                )
            if value < 0:
                raise SettingsError(
                    "{file}: '{key}' cannot be negative ({value})",
                    file=file,
                    key=where,
                    value=value,
                )
            base[key] = float(value)
        else:
            base[key] = value


def read_toml(file: Path, error: type[GoodwillError]) -> dict[str, Any]:
    """The TOML file ``file`` parsed; ``error`` (naming the file and why) when it is not
    valid TOML or not UTF-8 text."""
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error("{file} is not valid TOML: {reason}", file=file.name, reason=str(exc)) from exc


@dataclass(frozen=True)
class Settings:
    """Loaded settings; ``data`` is the nested dictionary, ``source`` where it came from."""

    data: Mapping[str, Any]
    source: str = "defaults"

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def to_json(self) -> str:
        return json.dumps(self.data, sort_keys=True)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Settings:
        """Defaults, overlaid by ``path`` when given."""
        data = copy.deepcopy(defaults())
        if path is None:
            return cls(data)
        file = Path(path)
        if not file.exists():
            raise SettingsError("the settings file {file} does not exist", file=file)
        user = read_toml(file, SettingsError)
        _merge(data, user, file.name)
        return cls(data, str(file))

    @classmethod
    def for_store(cls, store_path: Path, explicit: str | Path | None = None) -> Settings:
        """``explicit`` if given, else ``goodwill.toml`` beside the store, else defaults."""
        if explicit is not None:
            return cls.load(explicit)
        beside = store_path.parent / "goodwill.toml"
        return cls.load(beside if beside.exists() else None)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value))
    return json.dumps(str(value))


def dump_toml(data: Mapping[str, Any]) -> str:
    """Settings (nested tables of numbers and strings) as TOML text."""
    lines: list[str] = []

    def table(prefix: str, node: Mapping[str, Any]) -> None:
        scalars = {k: v for k, v in node.items() if not isinstance(v, Mapping)}
        if scalars and prefix:
            lines.append(f"[{prefix}]")
        for key, value in scalars.items():
            lines.append(f"{key} = {_toml_value(value)}")
        if scalars:
            lines.append("")
        for key, value in node.items():
            if isinstance(value, Mapping):
                table(f"{prefix}.{key}" if prefix else key, value)

    table("", data)
    return "\n".join(lines).rstrip() + "\n"


def write_overrides(path: Path, overrides: Mapping[str, Any]) -> None:
    """Merge ``overrides`` into the user settings file at ``path`` (created if missing)."""
    current: dict[str, Any] = {}
    if path.exists():
        current = tomllib.loads(path.read_text(encoding="utf-8"))

    def merge(into: dict[str, Any], new: Mapping[str, Any]) -> None:
        for key, value in new.items():
            if isinstance(value, Mapping):
                merge(into.setdefault(key, {}), value)
            else:
                into[key] = value

    merge(current, overrides)
    _merge(copy.deepcopy(defaults()), current, path.name)  # refuse what would not load
    path.write_text(
        "# goodwill settings; only what differs from the defaults (goodwill/defaults.toml)\n"
        + dump_toml(current),
        encoding="utf-8",
    )
