"""The single-run function: what every command runs is exactly the model's own results, and a refused set-up is
told apart from a bug."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import runner
from sim import outputs
from sim import scenario as scenarios

ROOT = Path(__file__).resolve().parent.parent
BASELINE = scenarios.load(ROOT / "scenarios" / "baseline.toml")


def test_a_run_holds_exactly_the_models_own_results():
    overrides = {"raid_intensity": 0.12}
    result = runner.simulate(BASELINE, 7, 4000, 4, overrides=overrides)
    model = BASELINE.model(scale=4000, rng=7, months=4, **overrides)
    model.run_for(4)
    expected = model.results()
    assert result.values.shape == (4, len(outputs.NAMES)) and result.values.dtype == np.float64
    pd.testing.assert_frame_equal(result.frame(), expected, check_exact=True)
    assert 0 < result.setup_seconds < result.seconds


def test_calibrated_false_starts_from_the_registry_defaults():
    calibrated = runner.simulate(BASELINE, 7, 4000, 3)
    defaults = runner.simulate(BASELINE, 7, 4000, 3, calibrated=False)
    model = BASELINE.model(scale=4000, rng=7, months=3, calibrated=False)
    model.run_for(3)
    assert np.array_equal(defaults.values, model.results()[list(outputs.NAMES)].to_numpy())
    assert not np.array_equal(defaults.values, calibrated.values)


def test_months_default_to_the_scenarios_own_and_dates_follow_its_start():
    short = scenarios.with_months(BASELINE, 2)
    result = runner.simulate(short, 1, 4000)
    assert result.frame()["date"].tolist() == ["2025-01", "2025-02"]
    assert runner.dates("2024-11", 3) == ["2024-11", "2024-12", "2025-01"]


def test_a_refused_set_up_is_a_setup_error():
    with pytest.raises(runner.SetupError, match="scale"):
        runner.simulate(BASELINE, 1, 1e7, 1)


def test_replicate_seeds_are_distinct_and_depend_only_on_seed_and_replicate():
    seeds = [runner.replicate_seed(1, i) for i in range(100)]
    assert len(set(seeds)) == 100 and all(0 <= s < 2 ** 63 for s in seeds)
    assert runner.replicate_seed(1, 5) == runner.replicate_seed(1, 5) != runner.replicate_seed(2, 5)
