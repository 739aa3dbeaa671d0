"""Read a report page back with the standard library's HTML parser: its tables (cells as
text and exact value), its headline figures, its links and scripts."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Cell:
    text: str
    value: float | None


@dataclass
class Page(HTMLParser):
    #: data-table key -> rows (tables with the same key, e.g. per owner, are joined)
    tables: dict[str, list[list[Cell]]] = field(default_factory=dict)
    #: data-table key -> column keys of the first such table
    heads: dict[str, list[str]] = field(default_factory=dict)
    #: data-figure key -> (text, value)
    figures: dict[str, Cell] = field(default_factory=dict)
    #: every (tag, attribute, value) that points somewhere: src, href
    links: list[tuple[str, str, str]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    lang: str = ""
    owners: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()
        self._table: str | None = None
        self._row: list[Cell] | None = None
        self._cell: Cell | None = None
        self._in_head = False
        self._figure: str | None = None
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for name in ("src", "href"):
            if name in a:
                self.links.append((tag, name, a[name]))
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "table" and "data-table" in a:
            self._table = a["data-table"]
            self.tables.setdefault(self._table, [])
            if "data-owner" in a:
                self.owners.append(a["data-owner"])
        elif tag == "thead":
            self._in_head = True
        elif tag == "th" and self._in_head and self._table:
            if len(self.tables[self._table]) == 0:
                heads = self.heads.setdefault(self._table, [])
                if a.get("data-key") not in heads:
                    heads.append(a.get("data-key", ""))
        elif tag == "tr" and self._table and not self._in_head:
            self._row = []
        elif tag == "td" and self._row is not None:
            raw = a.get("data-value")
            self._cell = Cell("", float(raw) if raw else None)
        elif tag == "div" and "data-figure" in a:
            self._figure = a["data-figure"]
        elif tag == "dd" and self._figure:
            raw = a.get("data-value")
            self._cell = Cell("", float(raw) if raw else None)
        elif tag == "script":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag == "td" and self._row is not None and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "dd" and self._figure and self._cell is not None:
            self.figures[self._figure] = self._cell
            self._cell, self._figure = None, None
        elif tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data
        if self._script is not None:
            self._script.append(data)

    def column(self, table: str, key: str) -> list[Cell]:
        at = self.heads[table].index(key)
        return [row[at] for row in self.tables[table]]


def read_page(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


#: the report's headline figures and the column of the per-owner table that holds the
#: same number (the scoped-report tests check one against the other)
SAME_AS_OWNER_COLUMN = {
    "customers": "accounts",
    "active": "active",
    "at_risk": "at_risk",
    "watch": "watch",
    "revenue": "revenue_12m",
    "margin": "margin_12m",
    "clv": "clv_12m",
    "net_value": "net_value",
}
