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
    hh.transfers[:] = [1, 0, 0]
    hh.earnings_usd[:] = [60.0, 30.0, 0.0]
    counts = households.step(hh, w.v, 50.0, True, 0, 3)
    assert np.allclose(hh.income_avg_usd, [160 / 4, 30.0, 0.0])  # every member counts, agents and dependants
    assert np.allclose(hh.need, [1 - 40 / 50, 1 - 30 / 50, 1.0])
    # 1 receiving in the month, 10/30.44 of a household in a 10-day window, 3 poor; 5 people, all in poor households
    assert counts == pytest.approx((1, 10 / 30.4375, 3, 5, 5))


def test_a_10_day_window_catches_a_transfer_by_its_share_of_the_month(world):
    """Each transfer's day is spread evenly over the month, independently: k transfers miss a 10-day window with
    chance (1 - 10/30.4375)^k."""
    miss = 1 - 10 / 30.4375
    assert households.chance_in_window(0) == 0.0
    assert households.chance_in_window(1) == pytest.approx(1 - miss)
    assert households.chance_in_window(3) == pytest.approx(1 - miss ** 3)
    assert households.chance_in_window(1000) == pytest.approx(1.0)
    w = world(1, households=4)
    hh = w.households
    hh.agents[:] = 1
    hh.transfers[:] = [0, 1, 2, 30]
    hh.remittances_usd[:] = [0.0, 50.0, 80.0, 300.0]
    receiving, in_window, *_ = households.step(hh, w.v, 50.0, True, 0, 4)
    assert receiving == 3
    assert in_window == pytest.approx((1 - miss) + (1 - miss ** 2) + (1 - miss ** 30))
    assert in_window < receiving  # a window shorter than the month never catches more
    households.new_month(hh)
    assert not hh.transfers.any() and not hh.remittances_usd.any() and not hh.earnings_usd.any()


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
