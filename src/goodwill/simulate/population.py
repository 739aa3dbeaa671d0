"""Who is in the world: accounts with their visible attributes and hidden traits, managers.

Everything here is drawn once, before the first week, from its own random stream (so the
weekly steps never shift it). Arrays are indexed by account position ``0..N-1``; account
ids are strings derived from the position.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from goodwill.simulate import catalog
from goodwill.simulate.config import SimConfig

FloatArr = NDArray[np.float64]
IntArr = NDArray[np.int64]
BoolArr = NDArray[np.bool_]

CUSTOMER, PROSPECT, SUPPLIER = 0, 1, 2
KINDS = ("customer", "prospect", "supplier")
LEVELS = ("transactional", "fruitful", "growing_together")
PURPOSES = (
    "sales",
    "service",
    "relationship",
    "reference",
    "event",
    "product_preview",
    "joint_project",
    "complaint",
    "other",
)
#: The documented purpose mix of outbound contact moments per level (complaint excluded;
#: complaints come from complaint tickets). Level-typical purposes: relationship,
#: reference, event, product_preview, joint_project.
LEVEL_PURPOSE_MIX: dict[str, tuple[float, ...]] = {
    "transactional": (0.56, 0.22, 0.10, 0.02, 0.03, 0.03, 0.00, 0.0, 0.04),
    "fruitful": (0.45, 0.16, 0.18, 0.05, 0.04, 0.07, 0.01, 0.0, 0.04),
    "growing_together": (0.33, 0.12, 0.20, 0.07, 0.04, 0.10, 0.10, 0.0, 0.04),
}
RELATIONSHIP_PURPOSES = ("relationship", "reference", "event", "product_preview", "joint_project")
MEDIAN_EMPLOYEES = 18.0
CONTACT_SLOTS = 6
EPOCH = dt.date(1970, 1, 1)


def day_number(d: dt.date) -> int:
    """Days since 1970-01-01 (the unit of every date inside the simulator)."""
    return (d - EPOCH).days


@dataclass
class Managers:
    """Our account managers (owner codes) and their hidden habits."""

    codes: list[str]
    names: list[str]
    keep_prob: FloatArr  # share of promises kept on time
    response_factor: FloatArr  # multiplies complaint response hours


@dataclass
class Population:
    """Static facts about every account: visible attributes and hidden traits."""

    n: int
    account_id: list[str]
    kind: NDArray[np.int8]
    name: list[str]
    domain: list[str]
    owner: IntArr  # manager index (customers, prospects) or buyer index (suppliers)
    segment: IntArr
    country: list[str]
    region: list[str]
    postcode: list[str]
    employees: IntArr
    parent: IntArr  # -1 for none
    created_day: IntArr
    payment_terms: IntArr
    credit_limit: FloatArr  # nan for suppliers
    insured_limit: FloatArr
    # hidden traits
    level: IntArr
    responsive: BoolArr
    response_effect: FloatArr
    quiet: BoolArr
    order_coupling: FloatArr
    neglected: BoolArr
    order_rate: FloatArr  # orders per week before season and health
    spend_mean: FloatArr
    category_cum: FloatArr  # [n, categories] cumulative probabilities
    purpose_cum: FloatArr  # [n, purposes] cumulative probabilities of outbound purposes
    health0: FloatArr
    baseline0: FloatArr
    drift: FloatArr
    pay_late_mean: FloatArr
    competitor: IntArr
    unreliable: BoolArr
    neglects_small: BoolArr
    tier: IntArr  # 0 = key account, 1 = middle, 2 = small (the managers' view of size)
    phase: IntArr  # the week offset of the managers' habit for this account
    managers: Managers
    n_contacts0: IntArr


def _choice(rng: np.random.Generator, n: int, weights: list[float]) -> IntArr:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int64)


def _slug(name: str) -> str:
    keep = "".join(ch.lower() for ch in name if ch.isalnum())
    return keep[:24] or "bedrijf"


def _n_managers(cfg: SimConfig) -> int:
    if cfg.managers:
        return cfg.managers
    return int(np.clip(round(5 + cfg.accounts / 1000), 6, 12))


def make_managers(cfg: SimConfig, rng: np.random.Generator) -> Managers:
    """6 to 12 managers with initials as owner codes, each keeping promises to a degree."""
    m = _n_managers(cfg)
    codes: list[str] = []
    names: list[str] = []
    first = rng.permutation(len(catalog.FIRST_NAMES))
    last = rng.permutation(len(catalog.SURNAMES))
    for i in range(m):
        fn = catalog.FIRST_NAMES[int(first[i % len(first)])]
        ln = catalog.SURNAMES[int(last[i % len(last)])]
        initials = "".join(w[0] for w in ln.split()).upper()
        code = f"{fn[0]}{initials}".upper()
        while code in codes:
            code = code + str(i)
        codes.append(code)
        names.append(f"{fn} {ln}")
    keep = np.clip(cfg.promise_keep_mean + rng.normal(0, 0.08, m), 0.4, 0.98)
    speed = np.exp(rng.normal(0, 0.4, m))
    return Managers(codes, names, keep, speed)


def make_population(cfg: SimConfig, rng: np.random.Generator) -> Population:
    """Draw every account of the world (including those created later in the window)."""
    n = cfg.accounts
    n_sup = max(3, round(n * cfg.supplier_share))
    n_pro = round(n * cfg.prospect_share)
    n_cus = n - n_sup - n_pro
    if n_cus < 1:
        n_cus, n_pro = 1, n - n_sup - 1
    kind = np.concatenate(
        [np.full(n_cus, CUSTOMER), np.full(n_pro, PROSPECT), np.full(n_sup, SUPPLIER)]
    ).astype(np.int8)
    kind = kind[rng.permutation(n)]
    is_sup = kind == SUPPLIER
    managers = make_managers(cfg, rng)

    # ids: debtor numbers for customers and prospects, creditor numbers for suppliers
    account_id = [
        (f"L{70001 + i}" if s else f"K{100001 + i}") for i, s in enumerate(is_sup.tolist())
    ]

    # size, segment, place
    employees = np.maximum(
        1, np.round(np.exp(rng.normal(cfg.employees_log_mean, cfg.employees_log_sd, n)))
    ).astype(np.int64)
    employees = np.minimum(employees, 40_000)
    seg_w = [s[1] for s in catalog.SEGMENTS]
    segment = _choice(rng, n, seg_w)
    is_be = rng.random(n) < cfg.belgium_share
    nl_r = _choice(rng, n, [r[1] for r in catalog.NL_REGIONS])
    be_r = _choice(rng, n, [r[1] for r in catalog.BE_REGIONS])
    country: list[str] = []
    region: list[str] = []
    postcode: list[str] = []
    pc_num = rng.random(n)
    letters = rng.integers(0, 26, (n, 2))
    for i in range(n):
        if is_be[i]:
            name_, _, lo, hi = catalog.BE_REGIONS[int(be_r[i])]
            country.append("BE")
            region.append(name_)
            postcode.append(str(lo * 100 + int(pc_num[i] * ((hi - lo + 1) * 100))))
        else:
            name_, _, lo, hi = catalog.NL_REGIONS[int(nl_r[i])]
            country.append("NL")
            region.append(name_)
            num = lo * 100 + int(pc_num[i] * ((hi - lo + 1) * 100))
            postcode.append(f"{num} {chr(65 + int(letters[i, 0]))}{chr(65 + int(letters[i, 1]))}")

    # names
    names: list[str] = []
    domains: list[str] = []
    style = rng.random(n)
    sur = rng.integers(0, len(catalog.SURNAMES), n)
    place = rng.integers(0, len(catalog.PLACES), n)
    word = rng.integers(0, 4, n)
    sword = rng.integers(0, len(catalog.SUPPLIER_WORDS), n)
    form_u = rng.random(n)
    seen: dict[str, int] = {}
    for i in range(n):
        seg_words = catalog.SEGMENTS[int(segment[i])][2]
        w = seg_words[int(word[i]) % len(seg_words)]
        s = catalog.SURNAMES[int(sur[i])]
        p = catalog.PLACES[int(place[i])]
        if is_sup[i]:
            base = f"{s} {catalog.SUPPLIER_WORDS[int(sword[i])]}"
        elif style[i] < 0.45:
            base = f"{s} {w}"
        elif style[i] < 0.75:
            base = f"{w} {p}"
        else:
            base = f"{w} {s}"
        forms = catalog.BE_FORMS if is_be[i] else catalog.NL_FORMS
        form = forms[int(form_u[i] * len(forms))]
        k = seen.get(base, 0)
        seen[base] = k + 1
        if p in base:  # "Machinebouw Kempen" gets a neighbouring place, not "Kempen Kempen"
            p = catalog.PLACES[(int(place[i]) + 1) % len(catalog.PLACES)]
        full = f"{base} {form}" if k == 0 else f"{base} {p if k == 1 else k} {form}"
        names.append(full)
        domains.append(_slug(full.rsplit(" ", 1)[0]) + (".be" if is_be[i] else ".nl"))

    # created on: before the window, or inside it for new accounts
    start = day_number(cfg.start)
    end = day_number(cfg.end)
    is_new = (rng.random(n) < cfg.new_account_share) & ~is_sup
    is_new |= is_sup & (rng.random(n) < 0.25)
    created_before = start - np.round(rng.exponential(6 * 365.0, n) + 30).astype(np.int64)
    created_inside = start + np.floor(rng.random(n) * (end - start + 1)).astype(np.int64)
    created_day = np.where(is_new, created_inside, created_before).astype(np.int64)

    # size-driven purchasing
    size = (employees / MEDIAN_EMPLOYEES) ** cfg.size_elasticity
    seg_rate = np.array([s[3] for s in catalog.SEGMENTS])[segment]
    seg_spend = np.array([s[4] for s in catalog.SEGMENTS])[segment]
    heter = rng.gamma(cfg.order_rate_shape, 1.0 / cfg.order_rate_shape, n)
    order_rate = np.minimum(cfg.orders_per_week_mean * size * seg_rate * heter, 25.0)
    spend_mean = (
        cfg.spend_per_order_mean
        * size
        * seg_spend
        * np.exp(rng.normal(-0.5 * cfg.spend_noise_sd**2, cfg.spend_noise_sd, n))
    )
    cat_p = np.array([c[1] for c in catalog.CATEGORIES])
    cat_mix = rng.dirichlet(cat_p * 6.0, n)
    category_cum = np.cumsum(cat_mix, axis=1)
    category_cum[:, -1] = 1.0

    # the managers' view of size: expected weekly value
    value = order_rate * spend_mean
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-value, kind="stable")] = np.arange(n)
    tier = np.where(rank < 0.1 * n, 0, np.where(rank < 0.4 * n, 1, 2)).astype(np.int64)

    # relationship level: bigger accounts more often beyond transactional
    z = 0.6 * (np.log(employees) - cfg.employees_log_mean) / cfg.employees_log_sd + rng.normal(
        0, 1, n
    )
    q_grow = np.quantile(z, 1 - cfg.level_growing_share)
    q_fruit = np.quantile(z, 1 - cfg.level_growing_share - cfg.level_fruitful_share)
    level = np.where(z > q_grow, 2, np.where(z > q_fruit, 1, 0)).astype(np.int64)
    level[is_sup] = 0

    base_mix = np.array(LEVEL_PURPOSE_MIX["transactional"])
    mixes = np.array([LEVEL_PURPOSE_MIX[lv] for lv in LEVELS])
    shifted = base_mix + cfg.level_purpose_shift * (mixes - base_mix)
    shifted = np.clip(shifted, 1e-4, None)
    shifted /= shifted.sum(axis=1, keepdims=True)
    conc = 1.0 / max(cfg.purpose_noise, 1e-6)
    alpha = shifted[level] * conc + 1e-3
    purpose_mix = rng.gamma(alpha)
    purpose_mix[:, PURPOSES.index("complaint")] = 0.0
    purpose_mix /= purpose_mix.sum(axis=1, keepdims=True)
    purpose_cum = np.cumsum(purpose_mix, axis=1)
    purpose_cum[:, -1] = 1.0

    responsive = rng.random(n) < cfg.responsive_share
    response_effect = np.where(
        responsive,
        cfg.response_effect_mean * rng.gamma(4.0, 0.25, n),
        0.0,
    )
    quiet = rng.random(n) < cfg.quiet_share
    order_coupling = rng.random(n) * cfg.order_coupling
    small = employees < MEDIAN_EMPLOYEES
    neglected = (kind == CUSTOMER) & is_new & small & (rng.random(n) < cfg.neglect_share)

    baseline0 = (
        cfg.health_initial_mean
        + cfg.level_health_bonus * level
        + rng.normal(0, cfg.health_initial_sd, n)
    )
    health0 = baseline0 + rng.normal(0, cfg.health_initial_sd / 2, n)
    drift = rng.normal(cfg.baseline_drift_mean_per_week, cfg.baseline_drift_sd_per_week, n)
    pay_late_mean = rng.exponential(cfg.payment_late_days_mean, n) - 1.0
    competitor = rng.integers(0, len(catalog.COMPETITORS), n).astype(np.int64)

    unreliable = is_sup & (rng.random(n) < cfg.supplier_unreliable_share)
    neglects_small = is_sup & (rng.random(n) < cfg.supplier_neglects_small_share)

    # owners: managers by region (a manager covers a few regions), buyers for suppliers
    n_man = len(managers.codes)
    region_key = np.where(is_be, 100 + be_r, nl_r)
    keys = np.unique(region_key)
    region_owner = np.empty(keys.size, dtype=np.int64)
    region_owner[rng.permutation(keys.size)] = np.arange(keys.size) % n_man
    owner = region_owner[np.searchsorted(keys, region_key)]
    # a share of accounts sits with a colleague (history, personal ties)
    owner = np.where(rng.random(n) < 0.15, (owner + 1) % n_man, owner)
    owner = np.where(is_sup, rng.integers(0, len(catalog.BUYERS), n), owner).astype(np.int64)

    # account groups: a few big existing customers are parents
    parent = np.full(n, -1, dtype=np.int64)
    candidates = np.flatnonzero((kind == CUSTOMER) & ~is_new & (tier == 0))
    n_children = round(n * cfg.group_share)
    if candidates.size and n_children:
        n_groups = max(1, min(candidates.size, n_children // 4))
        parents = rng.choice(candidates, size=n_groups, replace=False)
        pool = np.flatnonzero(~is_sup & ~np.isin(np.arange(n), parents))
        children = rng.choice(pool, size=min(n_children, pool.size), replace=False)
        parent[children] = rng.choice(parents, size=children.size)

    terms = np.array([14, 30, 60])[_choice(rng, n, [0.2, 0.65, 0.15])]
    terms = np.where((segment == 7) | (tier == 0), np.maximum(terms, 30), terms).astype(np.int64)
    weekly_value = order_rate * spend_mean
    credit = np.maximum(2500.0, np.round(weekly_value * 8 / 500.0) * 500.0)
    coverage = np.where(rng.random(n) < 0.1, 0.0, rng.uniform(0.5, 1.0, n))
    insured = np.round(credit * coverage / 500.0) * 500.0
    credit = np.where(is_sup, np.nan, credit)
    insured = np.where(is_sup, np.nan, insured)

    n_contacts0 = np.clip(
        1
        + rng.poisson(
            np.maximum(cfg.contacts_per_account_mean - 1, 0) * (0.6 + 0.25 * np.log10(employees))
        ),
        1,
        CONTACT_SLOTS - 1,
    ).astype(np.int64)
    phase = rng.integers(0, 52, n).astype(np.int64)

    return Population(
        n=n,
        account_id=account_id,
        kind=kind,
        name=names,
        domain=domains,
        owner=owner,
        segment=segment,
        country=country,
        region=region,
        postcode=postcode,
        employees=employees,
        parent=parent,
        created_day=created_day,
        payment_terms=terms,
        credit_limit=credit,
        insured_limit=insured,
        level=level,
        responsive=responsive,
        response_effect=response_effect,
        quiet=quiet,
        order_coupling=order_coupling,
        neglected=neglected,
        order_rate=order_rate,
        spend_mean=spend_mean,
        category_cum=category_cum,
        purpose_cum=purpose_cum,
        health0=health0,
        baseline0=baseline0,
        drift=drift,
        pay_late_mean=pay_late_mean,
        competitor=competitor,
        unreliable=unreliable,
        neglects_small=neglects_small,
        tier=tier,
        phase=phase,
        managers=managers,
        n_contacts0=n_contacts0,
    )
