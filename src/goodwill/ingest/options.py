"""How a file is to be read, when the defaults (detection) are not enough."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

DateOrder = Literal["dmy", "mdy"]


@dataclass(frozen=True)
class ImportOptions:
    """Options for one import; every field has a detecting default.

    - ``mapping``: file header -> goodwill column, for headers goodwill does not know
      (``{"Klant Nr": "account_id"}``); matched regardless of case and spaces.
    - ``ignore_extra``: leave out columns that match nothing instead of refusing the file.
    - ``separator``: ``","``, ``";"`` or ``"\\t"``; detected from the header line if None.
    - ``decimal``: ``","`` or ``"."``; detected per column if None.
    - ``encoding``: a Python codec name; detected (BOM, UTF-8, else Windows-1252) if None.
    - ``date_order``: ``"dmy"`` (default, as Dutch and most European tools export) or
      ``"mdy"`` for month-first dates such as ``12/31/2024``.
    - ``sheet``: the XLSX sheet to read (default: the first).
    """

    mapping: Mapping[str, str] = field(default_factory=dict)
    ignore_extra: bool = False
    separator: str | None = None
    decimal: str | None = None
    encoding: str | None = None
    date_order: DateOrder = "dmy"
    sheet: str | None = None

    def __post_init__(self) -> None:
        from goodwill.errors import InputFileError

        if self.separator not in (None, ",", ";", "\t", "|"):
            raise InputFileError(
                "separator '{value}' is not supported; use ',', ';', '|' or a tab",
                value=self.separator,
            )
        if self.decimal not in (None, ",", "."):
            raise InputFileError(
                "decimal mark '{value}' is not supported; use ',' or '.'", value=self.decimal
            )
        if self.date_order not in ("dmy", "mdy"):
            raise InputFileError(
                "date order '{value}' is not supported; use dmy or mdy", value=self.date_order
            )
