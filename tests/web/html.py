"""A small DOM from the standard library's HTML parser: enough to find elements by id,
tag and attribute and to read tables as rows of cell texts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"meta", "link", "br", "img", "input", "hr", "source", "col", "area", "base", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return re.sub(r"[ \t\n\r\f]+", " ", "".join(parts)).strip()  # keeps no-break spaces

    def iter(self, tag: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    found.append(child)
                found.extend(child.iter(tag))
        return found

    def by_id(self, ident: str) -> Node:
        for node in self.iter():
            if node.attrs.get("id") == ident:
                return node
        raise KeyError(f"no element with id {ident!r}")

    def has_id(self, ident: str) -> bool:
        return any(n.attrs.get("id") == ident for n in self.iter())

    def rows(self) -> list[Node]:
        """The body rows of a table."""
        return [tr for body in self.iter("tbody") for tr in body.iter("tr")]

    def headers(self) -> list[str]:
        return [th.text() for th in self.iter("thead")[0].iter("th")]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(text: str) -> Node:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


def cells(row: Node) -> list[Node]:
    return [c for c in row.children if isinstance(c, Node) and c.tag in ("td", "th")]


def column(table: Node, name: str) -> list[Node]:
    """The cells of a table's body whose ``data-col`` is ``name``."""
    return [td for tr in table.rows() for td in cells(tr) if td.attrs.get("data-col") == name]
