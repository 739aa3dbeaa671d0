"""What every API route shares: who is asking (the role it declares), the bearer token
scheme OpenAPI announces, paging, the language of reasons, and the choices of its
filters as ``Literal`` aliases."""

from __future__ import annotations

import contextlib
import math
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from fastapi import Depends, Query, Request
from fastapi.security import HTTPBearer

from goodwill._typing import Lang
from goodwill.api.errors import api_lang
from goodwill.web.access import Principal, Role, require

__all__ = [
    "MAX_LIMIT",
    "AccountKind",
    "Advice",
    "HealthStatus",
    "LangQuery",
    "Level",
    "Limit",
    "Manager",
    "Offset",
    "Order",
    "Reader",
    "Text",
    "bearer",
    "clean",
    "lang_of",
    "next_link",
]

#: most items one page of a list holds
MAX_LIMIT = 500
#: the largest offset asked for (beyond any real list; keeps the number a 64-bit integer)
MAX_OFFSET = 1_000_000_000

#: announces ``Authorization: Bearer <token>`` in OpenAPI; the token itself is checked by
#: the app's authenticate hook behind :func:`~goodwill.web.access.require`
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A personal API token: `Authorization: Bearer <token>` (docs/api.md).",
)

#: the principal of a request that reads (an account manager or more; scoped to an owner)
Reader = Annotated[Principal, Depends(require(Role.ACCOUNT_MANAGER))]
#: the principal of a request that imports or reads the import log (a manager or more)
Manager = Annotated[Principal, Depends(require(Role.MANAGER))]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"items per page, 1 to {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
Text = Annotated[str | None, Query(min_length=1, max_length=200)]
Order = Literal["asc", "desc"]
LangQuery = Annotated[
    Literal["en", "nl"] | None,
    Query(description="language of the reasons' texts (default: the server's)"),
]

Level = Literal["transactional", "fruitful", "growing_together"]
HealthStatus = Literal["at_risk", "watch", "healthy"]
Advice = Literal["prepayment", "tighten", "keep"]
AccountKind = Literal["customer", "prospect", "supplier"]


def lang_of(request: Request, lang: str | None) -> Lang:
    """The language asked for (``lang``, the route's own ``?lang=``), else the server's
    default (an API client keeps no cookie: each request says its language or gets the
    default)."""
    if lang == "nl":
        return "nl"
    if lang == "en":
        return "en"
    return api_lang(request)


def next_link(request: Request, offset: int, limit: int, total: int) -> str | None:
    """The path and query of the next page, or None on the last."""
    if offset + limit >= total:
        return None
    url = request.url.include_query_params(offset=offset + limit)
    return f"{url.path}?{url.query}"


def clean(value: Any) -> Any:
    """``value`` made JSON-safe: NaN, infinities, NaT and missing values as None, numpy
    scalars as Python ones, inside lists and dicts too."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, TypeError):
            value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    return value
