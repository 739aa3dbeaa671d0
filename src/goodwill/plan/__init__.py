"""Planning our week: who gets which action, within each account manager's hours."""

from goodwill.plan.costs import action_hours, capacity_hours

__all__ = ["action_hours", "capacity_hours"]
