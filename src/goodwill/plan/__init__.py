"""The weekly plan: where sales time pays off this week, where it does not, and whether
it worked (docs/plan.md)."""

from goodwill.plan.week import Plan, plan_week, week_name, week_start

__all__ = ["Plan", "plan_week", "week_name", "week_start"]
