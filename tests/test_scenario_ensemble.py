"""Ensemble statistics and paired comparisons (analysis.ensemble, analysis.compare) on small hand-made series, where
every number can be checked by hand, plus one small real ensemble."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import compare, ensemble
from analysis.formatting import format_duration, format_ids, format_signed, format_value
from analysis.runner import replicate_seed
from sim import outputs, scenario

ROOT = Path(__file__).resolve().parent.parent
SUMMARY_COLUMNS = ["metric", "unit", "median", "p05", "p95", "mean", "mean_ci_low", "mean_ci_high",
                   "m12_median", "m12_p05", "m12_p95", "m12_mean", "m12_mean_ci_low", "m12_mean_ci_high",
                   "start_mean", "change_from_start_mean", "change_12m_mean", "change_12m_ci_low",
                   "change_12m_ci_high"]
COMPARISON_COLUMNS = ["alternative", "metric", "unit", "horizon_date", "diff_mean", "diff_ci_low", "diff_ci_high",
                      "diff_median", "diff_p05", "diff_p95", "m12_date", "m12_diff_mean", "m12_diff_ci_low",
                      "m12_diff_ci_high", "m12_diff_median", "m12_diff_p05", "m12_diff_p95"]


def series(values_by_replicate, months, metric="deportations", seeds=None):
    """A timeseries with one metric: value(replicate, month) given as a function."""
    rows = []
    for r in range(len(values_by_replicate)):
        for m in range(months):
            rows.append({"replicate": r, "seed": (seeds or list(range(100, 200)))[r],
                         "date": f"{2025 + m // 12}-{m % 12 + 1:02d}", metric: values_by_replicate[r](m)})
    return pd.DataFrame(rows)


def test_describe_matches_numpy_and_student_t():
    values = [1.0, 2.0, 4.0, 8.0, 16.0]
    d = ensemble.describe(values)
    half = stats.t.ppf(0.975, 4) * np.std(values, ddof=1) / np.sqrt(5)
    assert d["median"] == 4.0
    assert d["p05"] == pytest.approx(np.percentile(values, 5))
    assert d["p95"] == pytest.approx(np.percentile(values, 95))
    assert d["mean"] == pytest.approx(6.2)
    assert (d["mean_ci_low"], d["mean_ci_high"]) == pytest.approx((6.2 - half, 6.2 + half))


def test_describe_of_one_replicate_has_no_interval():
    d = ensemble.describe([3.0])
    assert d["mean"] == d["median"] == 3.0
    assert np.isnan(d["mean_ci_low"]) and np.isnan(d["mean_ci_high"])


def test_summary_reads_the_horizon_month_twelve_and_the_change_from_start():
    ts = series([lambda m: 10.0 + m, lambda m: 20.0 + 2 * m, lambda m: 30.0], months=18)
    summary = ensemble.summarise(ts, metrics=["deportations"])
    assert list(summary.columns) == SUMMARY_COLUMNS
    row = summary.iloc[0]
    assert row["unit"] == outputs.BY_NAME["deportations"].unit
    assert row["median"] == 30.0  # month 18: 27, 54, 30
    assert row["mean"] == pytest.approx((27 + 54 + 30) / 3)
    assert row["m12_mean"] == pytest.approx((21 + 42 + 30) / 3)  # month 12 is index 11
    assert row["start_mean"] == pytest.approx(20.0)
    assert row["change_from_start_mean"] == pytest.approx((17 + 34 + 0) / 3)
    # Against the same month a year earlier (month 6), paired by replicate: 27 - 15, 54 - 30, 30 - 30.
    assert row["change_12m_mean"] == pytest.approx((12 + 24 + 0) / 3)
    assert row["change_12m_ci_low"] < row["change_12m_mean"] < row["change_12m_ci_high"]


def test_summary_of_a_run_shorter_than_twelve_months_has_no_month_twelve():
    summary = ensemble.summarise(series([lambda m: 1.0, lambda m: 2.0], months=3), metrics=["deportations"])
    assert summary[[c for c in SUMMARY_COLUMNS if c.startswith("m12_")]].isna().all().all()
    assert summary[[c for c in SUMMARY_COLUMNS if c.startswith("change_12m_")]].isna().all().all()


def test_differences_are_paired_by_replicate_and_month():
    base = series([lambda m: 1.0 * m, lambda m: 10.0 * m], months=13)
    alt = series([lambda m: 1.0 * m + 5, lambda m: 10.0 * m + 1], months=13)
    diffs = compare.differences(base, alt.sample(frac=1, random_state=1), "alt", metrics=["deportations"])
    assert list(diffs.columns) == ["alternative", "replicate", "date", "deportations"]
    assert list(diffs["deportations"]) == [5.0] * 13 + [1.0] * 13
    table = compare.comparison(diffs, metrics=["deportations"])
    assert list(table.columns) == COMPARISON_COLUMNS
    row = table.iloc[0]
    assert (row["horizon_date"], row["m12_date"]) == ("2026-01", "2025-12")
    assert row["diff_mean"] == 3.0 and row["m12_diff_mean"] == 3.0


def test_differences_refuse_unpaired_series():
    base = series([lambda m: 1.0], months=2, seeds=[1])
    with pytest.raises(ValueError, match="same seeds"):
        compare.differences(base, series([lambda m: 1.0], months=2, seeds=[2]), "alt", metrics=["deportations"])
    with pytest.raises(ValueError, match="same replicates and months"):
        compare.differences(base, series([lambda m: 1.0], months=3, seeds=[1]), "alt", metrics=["deportations"])


def test_a_real_ensemble_has_the_contract_columns_and_the_replicate_seeds():
    s = scenario.with_months(scenario.load(ROOT / "scenarios" / "baseline.toml"), 2)
    ts = ensemble.run(s, replicates=2, seed=5, scale=2000, description=None)
    assert list(ts.columns) == ["replicate", "seed", "date", *outputs.NAMES]
    assert list(ts["replicate"]) == [0, 0, 1, 1]
    assert list(ts["seed"]) == [replicate_seed(5, 0)] * 2 + [replicate_seed(5, 1)] * 2


def test_values_are_formatted_for_readers():
    assert format_value(0.1234, "share") == "12.3%"
    assert format_value(351_162_009.6, "USD/month") == "$351.16M"
    assert format_value(1_098_840, "persons") == "1.10M"
    assert format_value(3600, "persons/month") == "3,600"
    assert format_value(float("nan"), "persons") == "n/a"
    assert format_value(None, "persons") == "n/a"
    assert format_value(-12_345, "USD") == "-$12.3k"
    assert format_value(0.4567, "jobs") == "0"
    assert format_value(0.4567, "ratio") == "0.457"
    assert format_value(12.34, "% of GDP") == "12.3%"


def test_differences_of_rates_are_in_percentage_points_and_signed():
    assert format_value(0.012, "share", difference=True) == "1.2pp"
    assert format_signed(0.012, "share") == "+1.2pp"
    assert format_signed(-2.5, "% of GDP") == "-2.5pp"
    assert format_signed(-351_162_009.6, "USD/month") == "-$351.16M"
    assert format_signed(0, "persons") == "0"
    assert format_signed(float("nan"), "persons") == "n/a"


def test_ids_and_durations_read_briefly():
    assert format_ids([3, 5, 8]) == "3, 5, 8"
    assert format_ids(range(13)) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 3 more"
    assert [format_duration(s) for s in (8.49, 42, 200, 1500, 3725)] == \
        ["8.5 s", "42 s", "3 min 20 s", "25 min", "1 h 2 min"]
