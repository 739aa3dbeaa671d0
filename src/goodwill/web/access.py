"""Who is asking: the principal of a request and the role each route declares.

Every route states the least role it needs with ``Depends(require(Role.X))`` (or
``Depends(public)`` for the login page, static files and ``/health``); the dependency
gives the route the :class:`Principal`, whose :attr:`Principal.owner` scopes every
query an account manager makes. The authorisation tests read these declarations from
the app's route table, so a new route is covered by them as soon as it exists.

This module is the contract between the routes and authentication (users, sessions,
tokens): authentication sets ``app.state.authenticate(request, role) -> Principal``,
which raises :class:`Unauthenticated` or :class:`Forbidden`; without it every request
is the local administrator. It accepts ``Authorization: Bearer <control token>`` — the
token :class:`~goodwill.web.state.WebState` makes per run, which ``goodwill serve``
hands to commands on the same machine (backup, restore) — as that administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from fastapi import Request

__all__ = [
    "LOCAL",
    "Forbidden",
    "Principal",
    "Role",
    "Unauthenticated",
    "public",
    "require",
    "required_role",
]


class Unauthenticated(Exception):
    """No valid session or token: a page answers with the login page, the API with 401."""


class Forbidden(Exception):
    """Signed in, but the route needs a higher role: 403 (an account another owner has
    is not forbidden but not found, 404, so its existence is not given away)."""


class Role(IntEnum):
    """Roles in increasing rights: each one may do what the ones below it may."""

    ACCOUNT_MANAGER = 1
    MANAGER = 2
    ADMIN = 3

    @property
    def code(self) -> str:
        """The role as written on the command line and in the store."""
        return self.name.lower().replace("_", "-")

    @classmethod
    def parse(cls, text: str) -> Role:
        """``admin``, ``manager`` or ``account-manager`` (also with ``_``)."""
        key = text.strip().lower().replace("-", "_").upper()
        if key not in cls.__members__:
            choices = ", ".join(r.code for r in cls)
            raise ValueError(f"unknown role {text!r}; choose one of {choices}")
        return cls[key]


@dataclass(frozen=True)
class Principal:
    """The user behind a request: name, role and, for an account manager, the ``owner``
    code of the accounts they may see (``None``: every account)."""

    name: str
    role: Role
    owner: str | None = None

    @property
    def sees_all(self) -> bool:
        return self.role >= Role.MANAGER

    @property
    def scope(self) -> str | None:
        """The owner every query of this principal is limited to; ``None`` for all."""
        return None if self.sees_all else self.owner

    def may(self, role: Role) -> bool:
        return self.role >= role


#: the principal of a store without users (the single-user dashboard on one's own machine)
LOCAL = Principal(name="local", role=Role.ADMIN, owner=None)

#: the attribute a dependency made by :func:`require` carries (read by the route tests)
_ROLE_ATTR = "goodwill_role"


def require(role: Role) -> Callable[[Request], Principal]:
    """A FastAPI dependency: the request's principal when it has at least ``role``."""

    def dependency(request: Request) -> Principal:
        resolve: Callable[[Request, Role], Principal] | None = getattr(
            request.app.state, "authenticate", None
        )
        return LOCAL if resolve is None else resolve(request, role)

    setattr(dependency, _ROLE_ATTR, role)
    dependency.__name__ = f"require_{role.code.replace('-', '_')}"
    return dependency


def public() -> None:
    """The dependency of a route anyone may open (login, static files, ``/health``)."""


def required_role(dependency: object) -> Role | None:
    """The role a dependency made by :func:`require` declares, else ``None``."""
    found = getattr(dependency, _ROLE_ATTR, None)
    return found if isinstance(found, Role) else None
