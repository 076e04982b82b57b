"""The elasticity tool: its arithmetic on known inputs, and its flags refused in one line."""

import subprocess
import sys

import pandas as pd
import pytest

from analysis import elasticities


def test_elasticity_is_the_relative_change_over_the_shock():
    assert elasticities.elasticity(115.0, 100.0, 0.10) == pytest.approx(1.5)
    assert elasticities.elasticity(90.0, 100.0, 0.10) == pytest.approx(-1.0)


def test_window_sums_add_the_three_months_up_to_each_horizon():
    frame = pd.DataFrame({"remittances_usd": range(1, 13), "migrants_abroad": [10] * 12})
    sums = elasticities.window_sums(frame, horizons=(3, 12))
    assert sums["remittances"] == [1 + 2 + 3, 10 + 11 + 12]
    assert sums["migrants_abroad"] == [30, 30]


def test_a_higher_rouble_wage_raises_remittances_and_a_weaker_rouble_lowers_them():
    table = elasticities.measure(scale=4000, seeds=2, months=12, horizons=(12,), progress=False)
    wage = table[table.lever == "migrant_wage_rub"]
    assert (wage.total > 0).all()
    rate = table[table.lever == "rub_per_usd"]
    assert (rate.total < 0).all()


@pytest.mark.parametrize("flags, message", [(["--months", "3"], "--months: must be at least 36"),
                                            (["--seeds", "1"], "--seeds: must be at least 2"),
                                            (["--scale", "0"], "--scale: must be a positive")])
def test_bad_flags_are_one_line_with_status_2(flags, message):
    completed = subprocess.run([sys.executable, "-m", "analysis.elasticities", *flags], capture_output=True,
                               text=True)
    assert completed.returncode == 2
    assert message in completed.stderr and "Traceback" not in completed.stderr
