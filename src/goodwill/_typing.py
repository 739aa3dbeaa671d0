"""String options as Literal aliases, defined once."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "nl"]
TableName = Literal[
    "accounts",
    "contacts",
    "orders",
    "invoices",
    "interactions",
    "complaints",
    "promises",
    "quotes",
]
ColumnType = Literal["id", "text", "timestamp", "money", "number", "integer", "boolean", "enum"]
AccountKind = Literal["customer", "prospect", "supplier"]
Channel = Literal["visit", "call", "email", "event", "meeting", "portal"]
Direction = Literal["inbound", "outbound"]
Purpose = Literal[
    "sales",
    "service",
    "relationship",
    "reference",
    "event",
    "product_preview",
    "joint_project",
    "complaint",
    "other",
]
QuoteStatus = Literal["requested", "declined", "open", "won", "lost"]
Severity = Literal["low", "medium", "high", "critical"]
ExportFormat = Literal["csv", "parquet", "xlsx"]
Period = Literal["D", "W"]
Engine = Literal["duckdb", "spark"]
#: who can be forgotten: a contact person (by ``contact_id``) or one of our employees
#: (by the name or code in ``owner``, ``employee``, ``made_by``)
PersonKind = Literal["contact", "employee"]
