"""Does numba pay? One mechanism, the home labour market (step 6: separations, hires, wages to households), written
twice: in vectorised numpy, and as the compiled kernels the fast engine runs (``home_labour_market.work`` and
``pay``). Both are run on the same population state and must give identical results; then each is timed.

    .venv/bin/python benchmarks/numba_vs_numpy.py                 # 1:10 scale (~400,000 agents)
    .venv/bin/python benchmarks/numba_vs_numpy.py --scale 1       # full scale
    .venv/bin/python benchmarks/numba_vs_numpy.py --json results/numba_vs_numpy.json

The project rule is that numba is used where a benchmark here shows it pays. numpy needs a temporary array per
operation and a second walk for each; the compiled loop reads each column once and decides each person in
registers. The numpy version has to use ``np.add.at`` and ``np.cumsum`` where the model adds money up in row
order (a pairwise ``np.sum`` would round differently).
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim import MigrationModel  # noqa: E402
from sim import random_streams as rs  # noqa: E402
from sim.mechanisms import home_labour_market  # noqa: E402
from sim.population import HOME, SKILL_WAGE  # noqa: E402


def uniform_numpy(key, slots):
    """``random_streams.uniform`` for an array of slots, in numpy uint64 arithmetic (wraps like the compiled one)."""
    z = np.uint64(key) + (slots.astype(np.uint64) + np.uint64(1)) * rs._GOLDEN
    z = (z ^ (z >> rs._S30)) * rs._M1
    z = (z ^ (z >> rs._S27)) * rs._M2
    z = z ^ (z >> rs._S31)
    return (z >> rs._S11).astype(np.float64) * rs._INV_2_53


def labour_numpy(people, households, n, market, month, keys):
    """Step 6 in vectorised numpy: the same rule as the compiled kernels (separations, hires, the household plot,
    wages). Returns the wages paid."""
    rows = np.arange(n)
    location, employed, on_plot = people.location[:n], people.employed[:n], people.on_plot[:n]
    home = location == HOME
    was, was_on_plot = employed.copy(), on_plot.copy()
    plot = was & was_on_plot
    searches = home & (was | people.deported[:n] | (people.returned_month[:n] <= month - market.rest_months))
    u = np.where(was, uniform_numpy(keys[rs.HOME_SEPARATION], rows), uniform_numpy(keys[rs.HOME_HIRE], rows))
    hired = ~was & (u < market.find_rate)
    to_plot = ~was & ~hired & (uniform_numpy(keys[rs.HOME_PLOT], rows) < market.plot_take_up)
    now = np.where(was, u >= np.where(plot, market.plot_exit, market.separation), hired | to_plot)
    months = people.unemployed_months[:n]
    new_months = np.where(now, 0, np.where(was, 1, months.astype(np.int64) + 1))
    employed[:] = np.where(searches, now, was)
    on_plot[:] = np.where(searches, now & (plot | to_plot), was_on_plot)
    months[:] = np.where(searches, new_months, months)
    paid = home & employed
    wage = market.region_wage_usd[people.region[:n]] * np.where(on_plot, market.plot_income_share,
                                                                SKILL_WAGE[people.skill[:n]])
    people.wage_usd[:n] = np.where(paid, wage, np.where(home, 0.0, people.wage_usd[:n]))
    np.add.at(households.earnings_usd, people.household[:n][paid], wage[paid])
    return float(np.cumsum(wage[paid])[-1]) if paid.any() else 0.0


@njit(cache=True, _nrt=False)
def labour_numba(people, households, n, market, month, keys, scratch):
    home_labour_market.work(people, 0, n, market, month, keys)
    return home_labour_market.pay(people, households, 0, n, market, 0.0, scratch)


def _copy(columns):
    return type(columns)(*(column.copy() for column in columns))


def measure(scale: float = 10.0, repeats: int = 5, seed: int = 1) -> dict:
    model = MigrationModel(scale=scale, rng=seed)
    engine = model.engine
    people, households, n = engine.people, engine.households, engine.next_free
    keys = rs.month_keys(model.master_key, model.month)
    v = model.values
    market = home_labour_market.MarketTerms(
        find_rate=0.12, separation=0.015, vacancies=0.0,
        region_wage_usd=np.array([95.0, 110.0, 120.0, 100.0, 130.0])[:engine.n_regions], rest_months=2,
        plot_take_up=v["plot_take_up"], plot_exit=v["plot_exit_prob"], plot_income_share=v["plot_income_share"])
    arguments = (n, market, model.month, keys)
    scratch = np.empty(people.location.shape[0], dtype=np.int32)
    labour_numba(_copy(people), _copy(households), *arguments, scratch)  # load the compiled code

    outcomes, seconds = {}, {"numpy": [], "numba": []}
    for _ in range(repeats):
        for name in ("numpy", "numba"):
            p, h = _copy(people), _copy(households)
            began = time.perf_counter()
            if name == "numpy":
                total = labour_numpy(p, h, *arguments)
            else:
                total = labour_numba(p, h, *arguments, scratch)
            seconds[name].append(time.perf_counter() - began)
            outcomes[name] = (total, p, h)
    (total_np, p_np, h_np), (total_nb, p_nb, h_nb) = outcomes["numpy"], outcomes["numba"]
    identical = total_np == total_nb and all(np.array_equal(a, b) for a, b in zip(p_np, p_nb, strict=True)) and \
        all(np.array_equal(a, b) for a, b in zip(h_np, h_nb, strict=True))
    if not identical:
        raise AssertionError("numpy and numba versions of the home labour market disagree")
    best_np, best_nb = min(seconds["numpy"]), min(seconds["numba"])
    return {"mechanism": "home labour market (step 6)", "scale": scale, "agents": int(n), "identical": identical,
            "numpy_seconds": best_np, "numba_seconds": best_nb, "speedup": best_np / best_nb,
            "numpy_ns_per_agent": 1e9 * best_np / n, "numba_ns_per_agent": 1e9 * best_nb / n}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    result = measure(args.scale, args.repeats)
    print(f"{result['mechanism']}, {result['agents']:,} agents, results identical: {result['identical']}")
    print(f"numpy  {1000 * result['numpy_seconds']:8.2f} ms  ({result['numpy_ns_per_agent']:.1f} ns per agent)")
    print(f"numba  {1000 * result['numba_seconds']:8.2f} ms  ({result['numba_ns_per_agent']:.1f} ns per agent)")
    print(f"numba is {result['speedup']:.1f}x faster")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
