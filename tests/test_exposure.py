"""The exposure components (sim/outputs.py, sim/mechanisms/indicators.py, analysis/exposure.py): rates per 100,000
that do not depend on the scale, a precision warning for coarse scales, and their defining parameters in the
sensitivity analysis's default set."""

import subprocess
import sys

import numpy as np
import pytest

from analysis import exposure, sweep
from sim import MigrationModel, outputs


def test_every_exposure_is_declared_per_100000_and_named_in_the_precision_table():
    assert outputs.EXPOSURES == tuple(exposure.COARSEST_SCALE)
    assert all(outputs.BY_NAME[name].unit == "per 100,000" for name in outputs.EXPOSURES)
    assert not any(name.startswith("risk_") for name in outputs.NAMES)


def test_a_rate_per_100000_is_zero_for_an_empty_group_and_never_adds_an_agent():
    assert outputs.per_100k(0, 0) == 0.0
    assert outputs.per_100k(3, 12) == pytest.approx(25_000.0)
    assert outputs.per_100k(0, 12) == 0.0


def mean_and_band(scale, replicates=6, months=6):
    """Per component: the mean over replicates of each run's average, and the 90 % band of those averages."""
    runs = []
    for seed in range(replicates):
        model = MigrationModel(scale=scale, rng=seed)
        model.run_for(months)
        runs.append(model.results()[list(outputs.EXPOSURES)].mean().to_numpy())
    runs = np.array(runs)
    return runs.mean(axis=0), 1.645 * runs.std(axis=0, ddof=1)


def test_each_component_is_independent_of_the_scale_in_expectation():
    """At 1:300 and 1:1200 the components agree within the combined 90 % band of a replicate's average; a level
    that depended on the scale (a count not divided by its group, or an agent added to keep a ratio defined) would
    move by a factor of four."""
    fine, fine_band = mean_and_band(300)
    coarse, coarse_band = mean_and_band(1200)
    combined = np.sqrt(fine_band ** 2 + coarse_band ** 2)
    for k, name in enumerate(outputs.EXPOSURES):
        assert fine[k] > 0, name
        assert abs(coarse[k] - fine[k]) < combined[k], (name, fine[k], coarse[k], combined[k])


def test_the_precision_warning_names_the_components_too_noisy_at_a_scale():
    assert exposure.warning(min(exposure.COARSEST_SCALE.values())) is None
    message = exposure.warning(40)
    assert message.startswith("warning: --scale 40:") and "exposure_jobless_returnees_per_100k" in message
    assert "exposure_irregular_per_100k" not in message and "--scale 20 or finer" in message
    assert "\n" not in message
    assert set(exposure.too_coarse(1e6)) == set(outputs.EXPOSURES)


def test_run_warns_on_one_line_when_the_scale_is_too_coarse(tmp_path):
    result = subprocess.run([sys.executable, "run.py", "run", "scenarios/baseline.toml", "--scale", "4000",
                             "--replicates", "1", "--months", "1", "--workers", "1", "--no-plots",
                             "--out", str(tmp_path / "run")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "--scale 4000" in warnings[0]


def test_the_defining_parameters_are_in_the_sensitivity_analysis_default_set():
    defaults = sweep.default_parameters()
    assert set(exposure.DEFINING_PARAMETERS) <= set(defaults)
    assert all(set(components) <= set(outputs.EXPOSURES) for components in exposure.DEFINING_PARAMETERS.values())


def test_stability_measures_a_known_trend_and_season_in_bands():
    """A component with a linear trend, a known season and replicate noise: the fitted drift and the seasonal range
    come back in its own units and in bands; a flat, season-free one stays near zero."""
    rng = np.random.default_rng(0)
    replicates, months = 40, 120
    t = np.arange(months)
    trend = 1000 + 2.0 * t
    season = 50 * np.cos(2 * np.pi * t / 12)  # peak in January, trough in July: a range of 100
    x = np.empty((replicates, months, 2))
    x[:, :, 0] = trend + season + rng.normal(0, 10, (replicates, months))
    x[:, :, 1] = 500 + rng.normal(0, 10, (replicates, months))
    table = exposure.stability_table(x).set_index("component")
    moving, flat = table.index[0], table.index[1]
    assert table.loc[moving, "drift"] == pytest.approx(2.0 * (months - 1), rel=0.02)
    assert table.loc[moving, "seasonal_range"] == pytest.approx(100, rel=0.05)
    assert table.loc[moving, "band"] == pytest.approx(2 * 1.645 * 10, rel=0.1)
    assert table.loc[moving, "drift_in_bands"] == pytest.approx(table.loc[moving, "drift"] / table.loc[moving, "band"])
    assert abs(table.loc[flat, "drift_in_bands"]) < 0.1 and table.loc[flat, "seasonal_in_bands"] < 0.2
