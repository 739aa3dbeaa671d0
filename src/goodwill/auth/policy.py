"""The ``[auth]`` settings: lock-out, session lifetimes and the shortest password."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from goodwill.settings import Settings


@dataclass(frozen=True)
class AuthPolicy:
    """How sign-in and sessions behave (documented in defaults.toml and docs/security.md)."""

    #: failed sign-ins in a row that lock a user out
    max_failed_logins: int = 5
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    #: a session ends after this long without a request ...
    session_idle: dt.timedelta = dt.timedelta(hours=2)
    #: ... and in any case this long after sign-in
    session_max: dt.timedelta = dt.timedelta(hours=12)
    min_password_length: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthPolicy:
        cfg = settings["auth"]
        return cls(
            max_failed_logins=max(1, int(cfg["max_failed_logins"])),
            lockout=dt.timedelta(minutes=float(cfg["lockout_minutes"])),
            session_idle=dt.timedelta(minutes=float(cfg["session_idle_minutes"])),
            session_max=dt.timedelta(hours=float(cfg["session_max_hours"])),
            min_password_length=int(cfg["min_password_length"]),
        )
