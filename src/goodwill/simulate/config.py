"""The simulator's parameters: one frozen dataclass, every field documented, two presets.

Each field carries its documentation and its *role* in ``Annotated[..., P(doc, role)]``:

* ``"effect"`` — an effect size: how strongly a hidden state shows in what a supplier
  sees (quietness before churn, the effect of a visit, a broken promise, ...). The
  ``hard`` preset halves these.
* ``"noise"`` — a noise level (a standard deviation, or an inverse concentration). The
  ``hard`` preset doubles these.
* ``""`` — a plain setting (sizes, rates, shares), the same in both presets.

``docs/simulator.md`` lists every field with its default; a test keeps the two in step.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_type_hints

from goodwill.simulate.errors import SimulationConfigError

Preset = Literal["default", "hard"]
PRESETS: tuple[Preset, ...] = ("default", "hard")


@dataclass(frozen=True)
class P:
    """Documentation and role of one parameter (``role``: "effect", "noise" or "")."""

    doc: str
    role: str = ""


def _meta() -> dict[str, P]:
    hints = get_type_hints(SimConfig, include_extras=True)
    out: dict[str, P] = {}
    for name, hint in hints.items():
        for extra in getattr(hint, "__metadata__", ()):
            if isinstance(extra, P):
                out[name] = extra
    return out


@dataclass(frozen=True)
class SimConfig:
    """Everything that shapes a simulated world. Build one with :func:`make_config`."""

    # --- the run -------------------------------------------------------------------------
    accounts: Annotated[int, P("Number of accounts (customers, prospects and suppliers).")] = 2000
    years: Annotated[float, P("Length of the simulated window in years (ends on `end`).")] = 3.0
    end: Annotated[dt.date, P("Last day of the world; nothing after it is written.")] = dt.date(
        2025, 12, 31
    )
    seed: Annotated[int, P("Seed of `numpy.random.default_rng`; same seed, same bytes.")] = 0
    preset: Annotated[str, P("Name of the preset these values came from.")] = "default"

    # --- population ----------------------------------------------------------------------
    supplier_share: Annotated[float, P("Share of accounts that are suppliers (at least 3).")] = 0.04
    prospect_share: Annotated[float, P("Share of accounts that start as prospects.")] = 0.12
    new_account_share: Annotated[
        float,
        P(
            "Share of customers and prospects created during the window "
            "(the rest exist at its start)."
        ),
    ] = 0.30
    belgium_share: Annotated[
        float, P("Share of accounts in Belgium (the rest in the Netherlands).")
    ] = 0.22
    group_share: Annotated[
        float, P("Share of accounts that belong to a group (have a parent_id).")
    ] = 0.08
    employees_log_mean: Annotated[
        float, P("Mean of log(employees): median about 18 employees.")
    ] = 2.9
    employees_log_sd: Annotated[float, P("Standard deviation of log(employees): a heavy tail.")] = (
        1.3
    )
    level_fruitful_share: Annotated[
        float, P("Share of customers at level fruitful (more for big ones).")
    ] = 0.28
    level_growing_share: Annotated[float, P("Share of customers at level growing_together.")] = 0.08
    responsive_share: Annotated[
        float, P("Share of accounts whose health responds to our attention.")
    ] = 0.5
    quiet_share: Annotated[
        float,
        P("Share of accounts whose contact falls silent as health drops (the rest stay audible)."),
    ] = 0.6
    neglect_share: Annotated[float, P("Share of new small customers that we neglect.")] = 0.3
    contacts_per_account_mean: Annotated[
        float, P("Mean number of contacts per account at creation.")
    ] = 2.0
    contact_tenure_years: Annotated[float, P("Mean years a contact person stays in the job.")] = 5.0
    contact_replace_prob: Annotated[
        float, P("Probability that a leaving contact gets a successor.")
    ] = 0.8

    # --- purchasing ----------------------------------------------------------------------
    orders_per_week_mean: Annotated[
        float, P("Mean weekly rate of order lines of a median-size customer.")
    ] = 0.8
    order_rate_shape: Annotated[float, P("Gamma shape of the order rates across customers.")] = 1.5
    size_elasticity: Annotated[
        float, P("Order rate and spend grow with employees to this power.")
    ] = 0.45
    spend_per_order_mean: Annotated[
        float, P("Mean amount of an order line (EUR) of a median-size customer.")
    ] = 350.0
    spend_shape: Annotated[float, P("Gamma shape of order amounts within a customer.")] = 2.0
    spend_noise_sd: Annotated[
        float, P("Log-sd of a customer's mean spend around its size.", "noise")
    ] = 0.35
    return_share: Annotated[
        float, P("Share of order lines that are returns (negative amounts).")
    ] = 0.012
    summer_dip: Annotated[float, P("Demand drop in the summer holidays (late July to August).")] = (
        0.45
    )
    year_end_dip: Annotated[float, P("Demand drop between Christmas and New Year.")] = 0.55
    year_end_peak: Annotated[
        float, P("Extra demand in the weeks before Christmas (budgets spent).")
    ] = 0.15

    # --- hidden health -------------------------------------------------------------------
    health_initial_mean: Annotated[
        float, P("Mean initial health (0 is neutral, below 0 is bad).")
    ] = 1.0
    health_initial_sd: Annotated[float, P("Standard deviation of initial health.")] = 0.6
    health_reversion_per_week: Annotated[
        float, P("Weekly pull of health back to the account's own baseline.")
    ] = 0.02
    baseline_drift_mean_per_week: Annotated[
        float, P("Mean weekly drift of the baseline: relationships erode by nature.")
    ] = -0.003
    baseline_drift_sd_per_week: Annotated[float, P("Spread of the weekly baseline drift.")] = 0.008
    health_noise_sd: Annotated[float, P("Weekly noise on health.", "noise")] = 0.06
    level_health_bonus: Annotated[
        float, P("Baseline bonus per relationship level above transactional.")
    ] = 0.3
    churn_hazard_per_year: Annotated[float, P("Yearly churn hazard at health 1.")] = 0.04
    churn_health_slope: Annotated[
        float, P("Churn hazard multiplies by exp(slope) per unit of lost health.")
    ] = 1.6
    leaving_weeks_min: Annotated[
        int, P("Fewest weeks between deciding to leave and being gone.")
    ] = 4
    leaving_weeks_max: Annotated[int, P("Most weeks between deciding to leave and being gone.")] = (
        16
    )
    leaving_health_drop_per_week: Annotated[
        float, P("Weekly health loss while an account is on its way out.")
    ] = 0.12

    # --- what the hidden state does to what is seen (effects) ---------------------------
    quiet_coupling: Annotated[
        float,
        P(
            "For quiet accounts: inbound contacts, meetings and complaints scale by "
            "exp(c * min(h - 0.5, 0)).",
            "effect",
        ),
    ] = 1.3
    order_coupling: Annotated[
        float,
        P(
            "Maximum order-rate coupling: orders scale by exp(c_i * min(h - 0.5, 0)), "
            "c_i ~ U(0, c).",
            "effect",
        ),
    ] = 0.7
    response_effect_mean: Annotated[
        float,
        P(
            "Mean health gain of one visit for a responsive account (calls 0.4x, e-mail 0.1x, "
            "events 0.8x); unresponsive accounts gain nothing.",
            "effect",
        ),
    ] = 0.06
    response_order_lift: Annotated[
        float,
        P(
            "Order-rate lift of one visit for a typical responsive account (x its "
            "response_effect / response_effect_mean; calls 0.4x, e-mail 0.1x, events 0.8x), "
            "from the week after, fading each week by response_lift_decay.",
            "effect",
        ),
    ] = 0.5
    response_lift_decay: Annotated[
        float, P("Weekly factor by which the order-rate lift of our attention fades.")
    ] = 0.6
    contact_leave_shock: Annotated[
        float, P("Health lost when a contact leaves (x1.5 for the last).", "effect")
    ] = 0.35
    broken_promise_shock: Annotated[float, P("Health lost when a promise is broken.", "effect")] = (
        0.15
    )
    slow_response_shock: Annotated[
        float,
        P("Health lost when a complaint waits more than 24 hours for a first response.", "effect"),
    ] = 0.2
    late_delivery_shock: Annotated[float, P("Health lost per late delivery.", "effect")] = 0.05
    neglect_shock: Annotated[
        float, P("Health lost by a neglected account after its first order.", "effect")
    ] = 0.3
    neglect_response_factor: Annotated[
        float,
        P(
            "Neglected accounts wait this many times longer for a first response (and deliveries).",
            "effect",
        ),
    ] = 6.0
    level_purpose_shift: Annotated[
        float,
        P(
            "How strongly the relationship level shifts interaction purposes (1 = as documented).",
            "effect",
        ),
    ] = 1.0
    level_meeting_per_week: Annotated[
        float,
        P(
            "Weekly rate of relationship meetings of a fruitful account (transactional 0.25x, "
            "growing together 2.5x).",
            "effect",
        ),
    ] = 0.08
    purpose_noise: Annotated[
        float,
        P(
            "Inverse Dirichlet concentration of each account's purpose mix (more = noisier).",
            "noise",
        ),
    ] = 0.2
    distress_pay_delay_days_per_week: Annotated[
        float,
        P("After financial trouble starts, payments come this many days later per week.", "effect"),
    ] = 0.5
    distress_health_drift_per_week: Annotated[
        float, P("Extra weekly health drift of a financially troubled account.", "effect")
    ] = -0.01
    share_loss_per_week: Annotated[
        float, P("Weekly loss of wallet share for an account drifting to a competitor.", "effect")
    ] = 0.012
    quote_win_health: Annotated[
        float, P("Log-odds of winning a quote per unit of health.", "effect")
    ] = 0.9
    unreliable_late_days: Annotated[
        float, P("Mean extra days late of an unreliable supplier.", "effect")
    ] = 4.0
    neglect_small_factor: Annotated[
        float,
        P(
            "A supplier that neglects small customers answers small orders this many times slower.",
            "effect",
        ),
    ] = 5.0

    # --- rates of other facts ------------------------------------------------------------
    inbound_per_week: Annotated[
        float, P("Weekly rate of inbound calls and e-mails of a median account.")
    ] = 0.2
    complaint_per_order: Annotated[
        float, P("Probability that an order line leads to a complaint.")
    ] = 0.012
    complaint_response_hours_median: Annotated[
        float, P("Median hours to a first complaint response.")
    ] = 5.0
    promise_per_contact: Annotated[
        float, P("Probability that a visit, call or meeting yields a promise.")
    ] = 0.15
    promise_keep_mean: Annotated[float, P("Mean share of promises a manager keeps on time.")] = 0.8
    quote_per_week: Annotated[
        float, P("Weekly quote requests of a median customer (prospects 1.5x).")
    ] = 0.02
    quote_win_base: Annotated[float, P("Probability of winning a quote at health 0.5.")] = 0.45
    payment_late_days_mean: Annotated[float, P("Mean days an account pays after the due date.")] = (
        4.0
    )
    payment_noise_sd: Annotated[
        float, P("Standard deviation of payment days around the account's habit.", "noise")
    ] = 3.0
    distress_per_year: Annotated[
        float, P("Yearly probability that a customer gets into financial trouble.")
    ] = 0.03
    share_loss_per_year: Annotated[
        float, P("Yearly probability that a customer starts drifting to a competitor.")
    ] = 0.06
    managers: Annotated[int, P("Number of account managers (0 = 6 to 12 by portfolio size).")] = 0
    supplier_unreliable_share: Annotated[
        float, P("Share of suppliers that are truly unreliable.")
    ] = 0.2
    supplier_neglects_small_share: Annotated[
        float, P("Share of suppliers that neglect small orders.")
    ] = 0.25
    purchase_orders_per_week: Annotated[float, P("Mean weekly purchase orders per supplier.")] = 0.6
    requests_per_week_per_supplier: Annotated[
        float, P("Weekly requests for quotes per supplier.")
    ] = 0.06

    def fields_by_role(self, role: str) -> list[str]:
        """Names of the fields with the given role (``"effect"``, ``"noise"`` or ``""``)."""
        meta = _meta()
        return [f.name for f in dataclasses.fields(self) if meta[f.name].role == role]

    @property
    def start(self) -> dt.date:
        """First day of the world: the Monday on or before ``end`` minus ``years``."""
        first = self.end - dt.timedelta(days=round(self.years * 365.25))
        return first - dt.timedelta(days=first.weekday())

    @property
    def weeks(self) -> int:
        """Number of weekly steps from ``start`` that cover ``end``."""
        return (self.end - self.start).days // 7 + 1


def parameter_docs() -> list[tuple[str, object, str, str]]:
    """(name, default, role, documentation) of every parameter, in declaration order."""
    base = SimConfig()
    meta = _meta()
    return [
        (f.name, getattr(base, f.name), meta[f.name].role, meta[f.name].doc)
        for f in dataclasses.fields(SimConfig)
    ]


def make_config(preset: str = "default", **overrides: Any) -> SimConfig:
    """A validated configuration: the preset's values with ``overrides`` applied.

    ``hard`` halves every effect size and doubles every noise level of ``default``.
    """
    if preset not in PRESETS:
        raise SimulationConfigError(
            f"Unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}."
        )
    known = {f.name for f in dataclasses.fields(SimConfig)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise SimulationConfigError(
            f"Unknown simulator parameter(s): {', '.join(unknown)}; see docs/simulator.md."
        )
    cfg = SimConfig()
    if preset == "hard":
        changes: dict[str, Any] = {n: getattr(cfg, n) / 2 for n in cfg.fields_by_role("effect")}
        changes.update({n: getattr(cfg, n) * 2 for n in cfg.fields_by_role("noise")})
        cfg = dataclasses.replace(cfg, **changes)
    cfg = dataclasses.replace(cfg, preset=preset, **overrides)
    validate(cfg)
    return cfg


def validate(cfg: SimConfig) -> None:
    """Raise :class:`SimulationConfigError` with a clear message for an impossible config."""
    if not isinstance(cfg.accounts, int) or cfg.accounts < 10:
        raise SimulationConfigError(
            f"accounts must be a whole number of at least 10, got {cfg.accounts!r}."
        )
    if cfg.accounts > 5_000_000:
        raise SimulationConfigError(f"accounts must be at most 5,000,000, got {cfg.accounts}.")
    if not 0.1 <= cfg.years <= 30:
        raise SimulationConfigError(f"years must be between 0.1 and 30, got {cfg.years!r}.")
    if type(cfg.end) is not dt.date or not 1980 <= cfg.end.year <= 2200:
        raise SimulationConfigError(f"end must be a date between 1980 and 2200, got {cfg.end!r}.")
    if cfg.seed < 0:
        raise SimulationConfigError(f"seed must be zero or positive, got {cfg.seed}.")
    if cfg.managers < 0 or cfg.managers > 200:
        raise SimulationConfigError(f"managers must be between 0 and 200, got {cfg.managers}.")
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        if f.name.endswith(("_share", "_prob")) and not 0.0 <= value <= 1.0:
            raise SimulationConfigError(f"{f.name} must be between 0 and 1, got {value!r}.")
    if not 0.0 <= cfg.response_lift_decay < 1.0:
        raise SimulationConfigError(
            f"response_lift_decay must be at least 0 and below 1, got {cfg.response_lift_decay!r}."
        )
    if cfg.response_order_lift < 0:
        raise SimulationConfigError(
            f"response_order_lift must be zero or positive, got {cfg.response_order_lift!r}."
        )
    if not 1 <= cfg.leaving_weeks_min <= cfg.leaving_weeks_max:
        raise SimulationConfigError(
            "leaving_weeks_min must be at least 1 and at most leaving_weeks_max, got "
            f"{cfg.leaving_weeks_min} and {cfg.leaving_weeks_max}."
        )
    if cfg.supplier_share + cfg.prospect_share > 0.9:
        raise SimulationConfigError(
            "supplier_share + prospect_share must leave room for customers (at most 0.9)."
        )
