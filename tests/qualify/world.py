"""A hand-made portfolio for qualification, as of 2025-06-30.

Established customers (first order 2023-01-10 of €1,000; one order in the last year whose
margin is the yearly value), by segment / employees / region:

- food / 20 / Noord: E1..E5 worth 1,000, 2,000, 3,000 (an order of 12,000 without margin:
  25 % default), 4,000, 5,000
- food / 20 / Zuid: E6, E7 worth 10,000 and 20,000
- food / 300 / Noord: E8 worth 50,000
- bouw / 5 / Noord: E9, E10 worth 600 and 800

Not established: D1 (food / 20 / Noord, no order in the last year), R1 (first order 200
days before), and an order of E1 after the as-of date (€90,000 margin) that must not count.

Prospects and new customers are qualified against :data:`PROFILE` (food; NL; Noord,
Zuid; 5 to 500 employees; at least €3,200 a year); :data:`CANDIDATES` says what each one
is, :data:`EXPECTED` the advice it should get.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from goodwill.qualify.profile import StrategyProfile
from goodwill.store import Store

AS_OF = dt.date(2025, 6, 30)
PROFILE = StrategyProfile.from_mapping(
    {
        "segments": ["Food"],
        "countries": ["NL"],
        "regions": ["Noord", "Zuid"],
        "employees_min": 5,
        "employees_max": 500,
        "min_yearly_value_eur": 3200,
    },
    "strategy.toml",
)

ESTABLISHED = {
    # id: (segment, employees, region, value, margin recorded)
    "E1": ("food", 20, "Noord", 1000, True),
    "E2": ("food", 20, "Noord", 2000, True),
    "E3": ("food", 20, "Noord", 3000, False),
    "E4": ("food", 20, "Noord", 4000, True),
    "E5": ("food", 20, "Noord", 5000, True),
    "E6": ("food", 20, "Zuid", 10000, True),
    "E7": ("food", 20, "Zuid", 20000, True),
    "E8": ("food", 300, "Noord", 50000, True),
    "E9": ("bouw", 5, "Noord", 600, True),
    "E10": ("bouw", 5, "Noord", 800, True),
}

#: id: (kind, segment, country, region, employees, first order amount or None), the
#: advice expected, and why
CANDIDATES = {
    "P_PURSUE": ("prospect", "food", "NL", "Zuid", 20, None),  # 4,000 high, fits
    "P_SERVE_LOW": ("prospect", "food", "NL", "Noord", 20, None),  # 3,000 low, fits
    "P_SERVE_MISFIT": ("prospect", "bouw", "NL", "Noord", 5, None),  # 3,500 (all), bouw
    "P_PURSUE_QUOTES": ("prospect", "food", "NL", "Noord", 300, None),  # 4,500, 4 quotes
    "P_DECLINE_MISFIT": ("prospect", "food", "DE", "Noord", 20, None),  # low, DE
    "P_DECLINE_EFFORT": ("prospect", "food", "NL", "Noord", 20, None),  # low, 3 quotes
    "P_UNKNOWN": ("prospect", "", "NL", "Noord", 20, None),  # segment unknown, 3,500
    "P_FAR": ("prospect", "food", "NL", "West", 20, None),  # 4,000 high, region West
    "N_TEST": ("customer", "food", "NL", "Zuid", 20, 50),  # buyer's test
    "N_SMALL": ("customer", "food", "NL", "Noord", 20, 60),  # small, low potential
    "N_BIG": ("customer", "food", "NL", "Zuid", 20, 5000),  # pursue, no test
}
EXPECTED = {
    "P_PURSUE": "pursue",
    "P_SERVE_LOW": "serve_efficiently",
    "P_SERVE_MISFIT": "serve_efficiently",
    "P_PURSUE_QUOTES": "pursue",
    "P_DECLINE_MISFIT": "decline_politely",
    "P_DECLINE_EFFORT": "decline_politely",
    "P_UNKNOWN": "serve_efficiently",
    "P_FAR": "serve_efficiently",
    "N_TEST": "pursue",
    "N_SMALL": "serve_efficiently",
    "N_BIG": "pursue",
}

QUOTES = [
    # quote_id, account_id, issued_on, amount, status, decided_on, lost_to
    ("Q1", "E1", "2025-01-20", 1000, "won", "2025-02-10", ""),
    ("Q2", "E2", "2025-01-25", 2000, "lost", "2025-02-20", "Concurrent A"),
    ("Q3", "E8", "2025-03-15", 5000, "lost", "2025-04-10", "Concurrent B"),
    ("Q4", "E9", "2025-04-01", 500, "lost", "2025-05-01", "Concurrent A"),
    ("Q5", "E6", "2025-06-01", 3000, "won", "2025-07-10", ""),  # decided after AS_OF
    ("Q6", "E3", "2025-03-01", 700, "lost", "2025-03-20", ""),  # competitor not named
    ("Q7", "E4", "2025-06-01", 400, "open", "", ""),
    ("Q8", "S1", "2025-02-01", 9999, "lost", "2025-02-15", "Concurrent C"),  # a supplier
    ("Q9", "E6", "2025-05-01", 1500, "won", "2025-05-20", ""),
    # quotes asked of us by two prospects, none accepted
    *[
        (f"QE{i}", "P_PURSUE_QUOTES", f"2025-0{i + 1}-10", 100, "declined", "", "")
        for i in range(4)
    ],
    *[
        (f"QD{i}", "P_DECLINE_EFFORT", f"2025-0{i + 1}-10", 100, "requested", "", "")
        for i in range(3)
    ],
]


def _write(folder: Path, name: str, header: str, rows: list[str]) -> None:
    (folder / f"{name}.csv").write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def write_world(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    accounts, orders = [], []
    for acc, (seg, emp, region, value, recorded) in ESTABLISHED.items():
        accounts.append(f"{acc},Klant {acc},customer,{seg},NL,{region},{emp},2022-12-01")
        orders.append(f"O{acc}-0,{acc},2023-01-10,1000,0")
        amount, margin = (value * 4, value) if recorded else (value * 4, "")
        orders.append(f"O{acc}-1,{acc},2025-01-15,{amount},{margin}")
    orders.append("OE1-future,E1,2025-07-05,360000,90000")
    accounts.append("D1,Slapend BV,customer,food,NL,Noord,20,2022-12-01")
    orders.append("OD1-0,D1,2023-01-10,1000,0")
    accounts.append("R1,Recent BV,customer,food,NL,Noord,20,2024-12-01")
    orders.append(f"OR1-0,R1,{AS_OF - dt.timedelta(days=200)},1000,100")
    for acc, (kind, seg, country, region, emp, first) in CANDIDATES.items():
        accounts.append(f"{acc},Kandidaat {acc},{kind},{seg},{country},{region},{emp},2025-01-01")
        if first is not None:
            orders.append(f"O{acc}-0,{acc},2025-05-01,{first},{first / 4}")
    accounts.append("LATER,Later BV,prospect,food,NL,Noord,20,2025-08-01")
    accounts.append("S1,Leverancier BV,supplier,staal,NL,Noord,50,2020-01-01")
    header = "account_id,name,kind,segment,country,region,employees,created_on"
    _write(folder, "accounts", header, accounts)
    _write(folder, "orders", "order_id,account_id,ordered_on,amount,margin", orders)
    header = "quote_id,account_id,issued_on,amount,status,decided_on,lost_to"
    _write(folder, "quotes", header, [",".join(map(str, q)) for q in QUOTES])
    return folder


def build_store(folder: Path) -> Path:
    path = folder / "store.duckdb"
    with Store.open(path) as store:
        store.import_dir(write_world(folder / "data"))
    return path
