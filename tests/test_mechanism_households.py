"""Known answers for households (sim/mechanisms/households.py)."""

import numpy as np
import pytest

from sim.mechanisms import households


def test_a_households_income_adds_up_and_sets_its_need(world):
    w = world(1, households=3)
    hh = w.households
    hh.agents[:] = [2, 1, 0]
    hh.dependants[:] = [2, 0, 0]
    hh.remittances_usd[:] = [100.0, 0.0, 0.0]
    hh.earnings_usd[:] = [60.0, 30.0, 0.0]
    counts = households.step(hh, w.v, 50.0, True, 0, 3)
    assert np.allclose(hh.income_avg_usd, [160 / 4, 30.0, 0.0])  # every member counts, agents and dependants
    assert np.allclose(hh.need, [1 - 40 / 50, 1 - 30 / 50, 1.0])
    assert counts == (1, 3, 5, 5)  # 1 receiving, 3 poor; 5 people, all in poor households


def test_averages_move_by_their_windows(world):
    w = world(1)
    hh = w.households
    hh.agents[0] = 1
    hh.earnings_usd[0] = 120.0
    households.step(hh, w.v, 50.0, True, 0, 1)
    hh.earnings_usd[0] = 0.0
    households.step(hh, w.v, 50.0, False, 0, 1)
    assert hh.income_avg_usd[0] == pytest.approx(120 - 120 / households.LONG_AVERAGE_MONTHS)
    assert hh.income_recent_usd[0] == pytest.approx(120 - 120 / households.SHORT_AVERAGE_MONTHS)


def test_the_poverty_gap_is_bounded():
    assert households.poverty_gap(0.0, 50.0) == 1.0
    assert households.poverty_gap(25.0, 50.0) == pytest.approx(0.5)
    assert households.poverty_gap(80.0, 50.0) == 0.0
