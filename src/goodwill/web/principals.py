"""The principal a route needs, as parameter types: ``principal: AccountManager`` both
declares the least role (read by the authorisation tests) and hands the route the
principal whose :attr:`~goodwill.web.access.Principal.scope` limits its queries."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from goodwill.i18n import N_
from goodwill.web.access import Principal, Role, require

__all__ = ["ROLE_LABELS", "AccountManager", "Admin", "Manager"]

#: each role as the pages name it
ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("administrator"),
    Role.MANAGER: N_("sales manager"),
    Role.ACCOUNT_MANAGER: N_("account manager"),
}

AccountManager = Annotated[Principal, Depends(require(Role.ACCOUNT_MANAGER))]
Manager = Annotated[Principal, Depends(require(Role.MANAGER))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
