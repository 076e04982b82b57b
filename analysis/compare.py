"""Scenario comparison: ALT - BASE, paired replicate by replicate.

Replicate ``i`` of every scenario runs with the same seed (``analysis.runner.replicate_seed(seed, i)``) and the
model's random draws are counter-based per agent slot, so the two runs of a pair face the same luck and their
difference is mostly the policy. The statistics of a difference are those of ``analysis.ensemble.describe``: the
mean with its 95 % t confidence interval (the Monte Carlo uncertainty of the mean effect), and the median, 5th and
95th percentiles over replicates (the spread of the effect).

    from analysis import compare, ensemble
    series = ensemble.run_many([base, alt], replicates=10, seed=1, scale=50)
    diffs = compare.differences(series[base.name], series[alt.name], alt.name)
    compare.comparison(diffs)
"""

import numpy as np
import pandas as pd

from analysis.ensemble import STATISTICS, describe
from analysis.formatting import format_signed, format_value
from sim import outputs

DIFF_STATISTICS = ("diff_mean", "diff_ci_low", "diff_ci_high", "diff_median", "diff_p05", "diff_p95")
_FROM = {"diff_mean": "mean", "diff_ci_low": "mean_ci_low", "diff_ci_high": "mean_ci_high",
         "diff_median": "median", "diff_p05": "p05", "diff_p95": "p95"}
COMPARISON_COLUMNS = ("alternative", "metric", "unit", "horizon_date", *DIFF_STATISTICS, "m12_date",
                      *(f"m12_{c}" for c in DIFF_STATISTICS))


def differences(base: pd.DataFrame, alternative: pd.DataFrame, name: str, metrics=outputs.NAMES) -> pd.DataFrame:
    """Per replicate and month, ALT - BASE for every metric: columns ``alternative, replicate, date`` and the
    metrics. The two timeseries must hold the same replicates, seeds and months."""
    keys = ["replicate", "date"]
    left = base.sort_values(keys).reset_index(drop=True)
    right = alternative.sort_values(keys).reset_index(drop=True)
    if not left[keys].equals(right[keys]):
        raise ValueError("the two timeseries do not cover the same replicates and months")
    if "seed" in left and "seed" in right and not np.array_equal(left["seed"], right["seed"]):
        raise ValueError("the two timeseries were not run with the same seeds, so they cannot be paired")
    diff = right[list(metrics)].to_numpy(dtype=float) - left[list(metrics)].to_numpy(dtype=float)
    frame = pd.DataFrame(diff, columns=list(metrics))
    frame.insert(0, "date", left["date"])
    frame.insert(0, "replicate", left["replicate"])
    frame.insert(0, "alternative", name)
    return frame


def comparison(diffs: pd.DataFrame, metrics=outputs.NAMES, at_month: int = 12) -> pd.DataFrame:
    """One row per alternative and metric: statistics of ALT - BASE at the horizon and (prefixed ``m12_``) at
    month ``at_month`` (NaN when the run is shorter)."""
    rows = []
    for name, frame in diffs.groupby("alternative", sort=False):
        dates = sorted(frame["date"].unique())
        last = dates[-1]
        twelfth = dates[at_month - 1] if len(dates) >= at_month else None
        at_last = frame[frame["date"] == last]
        at_twelfth = frame[frame["date"] == twelfth] if twelfth else None
        for metric in metrics:
            row = {"alternative": name, "metric": metric, "unit": outputs.BY_NAME[metric].unit,
                   "horizon_date": last}
            horizon = describe(at_last[metric])
            row.update({k: horizon[v] for k, v in _FROM.items()})
            row[f"m{at_month}_date"] = twelfth
            early = describe(at_twelfth[metric]) if twelfth else dict.fromkeys(STATISTICS, np.nan)
            row.update({f"m{at_month}_{k}": early[v] for k, v in _FROM.items()})
            rows.append(row)
    return pd.DataFrame(rows)


def comparison_text(table: pd.DataFrame, base_summary: pd.DataFrame, metrics) -> str:
    """Fixed-width table per alternative: the base's mean at the horizon, then ALT - BASE means with 95 % CIs at
    month 12 and at the horizon."""
    base = base_summary.set_index("metric")
    blocks = []
    for name, frame in table.groupby("alternative", sort=False):
        frame = frame.set_index("metric")
        horizon = frame["horizon_date"].iloc[0]
        m12 = frame["m12_date"].iloc[0]
        show_m12 = isinstance(m12, str) and m12 != horizon  # a 12-month run's month 12 is its horizon
        head = (f"{'metric':28} {'base ' + horizon:>12}  "
                + (f"{'ALT - BASE at ' + m12 + ' [95% CI]':>36}  " if show_m12 else "")
                + f"{'ALT - BASE at ' + horizon + ' [95% CI]':>36}")
        lines = [f"{name} - base", head, "-" * len(head)]

        def cell(row, prefix):
            if not np.isfinite(row[prefix + "diff_mean"]):
                return "n/a"
            unit = row["unit"]
            return (f"{format_signed(row[prefix + 'diff_mean'], unit)} "
                    f"[{format_signed(row[prefix + 'diff_ci_low'], unit)}, "
                    f"{format_signed(row[prefix + 'diff_ci_high'], unit)}]")

        for metric in metrics:
            if metric not in frame.index:
                continue
            row = frame.loc[metric]
            lines.append(f"{metric:28} {format_value(base.loc[metric, 'mean'], row['unit']):>12}  "
                         + (f"{cell(row, 'm12_'):>36}  " if show_m12 else "") + f"{cell(row, ''):>36}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)

