"""How remittances respond to Russian wages and the rouble: elasticities of the model, measured with paired runs.

A permanent shock of ``SHOCK`` (10 %) to a lever from the first simulated month, against the same seeds without it
(common random numbers, so the difference is the shock's and not the noise's). The response at a horizon is the
USD remittance flow summed over the three months up to it; the elasticity is its relative change over the lever's
relative change, and its per-migrant part the same for remittances per migrant abroad (the rest is the stock's).
The README's table comes from:

    python -m analysis.elasticities --scale 100 --seeds 4 --months 36
"""

import argparse
import sys

import pandas as pd

from analysis import cli

SHOCK = 0.10
START = "2025-01"  # the baseline's start; the shocks act from it
LEVERS = ("migrant_wage_rub", "rub_per_usd")
HORIZONS = (3, 12, 36)
WINDOW = 3


def window_sums(frame: pd.DataFrame, horizons=HORIZONS) -> dict[str, list[float]]:
    """Remittances and migrants abroad summed over the ``WINDOW`` months up to each horizon."""
    remittances = frame["remittances_usd"].to_numpy(dtype=float)
    abroad = frame["migrants_abroad"].to_numpy(dtype=float)
    return {"remittances": [remittances[h - WINDOW:h].sum() for h in horizons],
            "migrants_abroad": [abroad[h - WINDOW:h].sum() for h in horizons]}


def elasticity(shocked: float, base: float, shock: float = SHOCK) -> float:
    """Relative change of the response over the relative change of the lever."""
    return (shocked / base - 1.0) / shock


def _run(scale: float, seed: int, months: int, shocks=()) -> pd.DataFrame:
    from sim import MigrationModel

    model = MigrationModel(scale=scale, start=START, rng=seed, shocks=shocks)
    model.run_for(months)
    return model.results()


def measure(scale: float = 100.0, seeds: int = 4, months: int = 36, seed: int = 2025, horizons=HORIZONS,
            progress: bool = True) -> pd.DataFrame:
    """One row per lever, horizon and seed: the total elasticity and its per-migrant part."""
    from tqdm import tqdm

    rows = []
    bar = tqdm(total=seeds * (1 + len(LEVERS)), desc="paired runs", unit="run", disable=not progress)
    for s in range(seeds):
        base = window_sums(_run(scale, seed + s, months), horizons)
        bar.update()
        for lever in LEVERS:
            shock = {"lever": lever, "mode": "scale", "value": 1.0 + SHOCK, "start": START}
            shocked = window_sums(_run(scale, seed + s, months, (shock,)), horizons)
            bar.update()
            for k, horizon in enumerate(horizons):
                total = elasticity(shocked["remittances"][k], base["remittances"][k])
                per_migrant = elasticity(shocked["remittances"][k] / shocked["migrants_abroad"][k],
                                         base["remittances"][k] / base["migrants_abroad"][k])
                rows.append({"lever": lever, "horizon_months": horizon, "seed": seed + s, "total": total,
                             "per_migrant": per_migrant})
    bar.close()
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation across seeds, per lever and horizon."""
    grouped = table.groupby(["lever", "horizon_months"], sort=False)
    return grouped.agg(total=("total", "mean"), total_sd=("total", "std"),
                       per_migrant=("per_migrant", "mean")).reset_index()



def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.elasticities",
        description="Elasticities of USD remittances to a permanent 10 % rise of the rouble wage and of the rouble's "
                    "price of a dollar, from paired baseline runs (common random numbers).")
    parser.add_argument("--scale", type=cli.positive_float, default=100.0, help="persons per agent (default 100)")
    parser.add_argument("--seeds", type=cli.at_least(2), default=4,
                        help="paired seeds (default 4; at least 2 for a spread)")
    parser.add_argument("--months", type=cli.at_least(max(HORIZONS)), default=max(HORIZONS),
                        help=f"months to run (default and minimum {max(HORIZONS)}, the last horizon)")
    parser.add_argument("--seed", type=cli.non_negative_int, default=2025, help="first seed (default 2025)")
    args = parser.parse_args(argv)
    table = summary(measure(args.scale, args.seeds, args.months, args.seed))
    print(table.to_string(index=False, float_format=lambda v: f"{v:+.2f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
