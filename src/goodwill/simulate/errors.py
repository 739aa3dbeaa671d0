"""Errors of the simulator, under goodwill's one exception base."""

from __future__ import annotations

from goodwill.errors import GoodwillError


class SimulationError(GoodwillError):
    """The simulator cannot do what was asked."""


class SimulationConfigError(SimulationError, ValueError):
    """A simulator parameter or argument is out of range; the message names it."""


class UnknownActionError(SimulationError, ValueError):
    """An action for :meth:`World.step` names an unknown account or action."""
