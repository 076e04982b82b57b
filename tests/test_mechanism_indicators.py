"""Known answers for the census and the aggregate exposure counts (sim/mechanisms/indicators.py)."""

import numpy as np

from sim.mechanisms import indicators as ind
from sim.population import GONE, HOME, KAZAKHSTAN, RUSSIA


def test_the_census_counts_stocks_and_the_home_labour_force(world):
    w = world(6, returnee_rest_months=3)
    p = w.people
    p.location[:] = [HOME, HOME, HOME, RUSSIA, KAZAKHSTAN, GONE]
    p.employed[:] = [True, False, False, True, True, False]
    p.returned_month[2] = w.month  # a voluntary returnee still resting
    p.documented[3:5] = [False, True]
    p.on_register[3] = True
    p.ban_until[1] = w.month + 5
    p.age_months[:] = [20 * 12, 25 * 12, 40 * 12, 30 * 12, 30 * 12, 30 * 12]
    census = np.zeros(len(ind.CENSUS))
    ind.count(p, w.v, 0, 6, w.month, census, np.zeros(len(ind.RISK)))
    expected = {ind.POPULATION: 5, ind.IN_RUSSIA: 1, ind.IN_KAZAKHSTAN: 1, ind.DOCUMENTED_ABROAD: 1,
                ind.ON_REGISTER: 1, ind.BANNED: 1, ind.LABOUR_FORCE: 2, ind.JOBLESS: 1, ind.YOUTH: 2,
                ind.YOUTH_JOBLESS: 1, ind.RESTING: 1, ind.RETURNEES: 0}
    for slot, value in expected.items():
        assert census[slot] == value, slot


def test_the_exposure_counts_young_men_in_each_condition_without_any_grievance_threshold(world):
    w = world(9, risk_young_max_age=29, risk_returnee_window_months=24, long_unemployed_months=6)
    p, month = w.people, w.month
    p.age_months[:] = 25 * 12
    p.location[:] = [RUSSIA, RUSSIA, RUSSIA, HOME, HOME, HOME, HOME, RUSSIA, KAZAKHSTAN]
    p.documented[:] = [False, True, True, False, False, False, False, False, False]
    p.on_register[:] = [True, True, False, False, False, False, False, False, False]
    p.grievance[:] = 0.0  # grievance plays no part
    # 3: expelled 10 months ago, banned, jobless for 8 months: in all three home conditions.
    p.returned_month[3], p.deported[3], p.ban_until[3], p.unemployed_months[3] = month - 10, True, month + 50, 8
    # 4: came back voluntarily 30 months ago (outside the window), jobless for 40 months: in none.
    p.returned_month[4], p.unemployed_months[4] = month - 30, 40
    # 5: came back 3 months ago, jobless for 3 months (not yet long): in none; 6: at home, employed, never abroad.
    p.returned_month[5], p.unemployed_months[5] = month - 3, 3
    p.employed[6] = True
    p.female[7] = True  # an irregular young woman: not counted
    p.age_months[8] = 30 * 12  # 30: past risk_young_max_age
    census, risk = np.zeros(len(ind.CENSUS)), np.zeros(len(ind.RISK))
    ind.count(p, w.v, 0, 9, month, census, risk)
    expected = {ind.YOUNG_MEN: 7, ind.YOUNG_MEN_RUSSIA: 3, ind.IRREGULAR: 1, ind.LISTED: 2, ind.YOUNG_MEN_HOME: 4,
                ind.EXPELLED: 1, ind.BANNED_IDLE: 1, ind.JOBLESS_RETURNEES: 1, ind.EXPOSED: 3}
    assert {slot: risk[slot] for slot in expected} == expected


def test_the_exposure_windows_and_thresholds_are_the_parameters(world):
    w = world(1, location=HOME, risk_returnee_window_months=12, long_unemployed_months=9)
    p = w.people
    p.age_months[0], p.deported[0] = 25 * 12, True
    p.returned_month[0], p.unemployed_months[0] = w.month - 12, 9  # exactly at the window's edge: outside
    risk = np.zeros(len(ind.RISK))
    ind.count(p, w.v, 0, 1, w.month, np.zeros(len(ind.CENSUS)), risk)
    assert risk[ind.EXPELLED] == risk[ind.JOBLESS_RETURNEES] == 0
    p.returned_month[0] = w.month - 11
    risk[:] = 0
    ind.count(p, w.v, 0, 1, w.month, np.zeros(len(ind.CENSUS)), risk)
    assert risk[ind.EXPELLED] == risk[ind.JOBLESS_RETURNEES] == risk[ind.EXPOSED] == 1


def test_a_household_income_fell_when_it_is_well_below_the_same_months_a_year_earlier(world):
    w = world(1, households=3, risk_income_drop=0.2)
    hh = w.households
    history = ind.income_history(3)
    hh.income_recent_usd[:] = [100.0, 100.0, 100.0]
    assert ind.income_fell(hh, history, w.v, w.month, 50.0, 0, 3) == 0  # no history yet: nothing fell
    for later in range(1, 12):  # eleven months later, other slots: the first month's values stay
        ind.income_fell(hh, history, w.v, w.month + later, 50.0, 0, 3)
    hh.income_recent_usd[:] = [79.0, 81.0, 60.0]  # a year later: 21 % and 40 % down count, 19 % does not
    assert ind.income_fell(hh, history, w.v, w.month + 12, 50.0, 0, 3) == 2
    assert np.allclose(history[(w.month + 12) % 12], [79.0 / 50, 81.0 / 50, 60.0 / 50])  # in poverty lines


def test_income_that_falls_in_dollars_only_as_the_poverty_line_does_has_not_fallen(world):
    # A devaluation of a quarter: the dollar value of home incomes and of the poverty line (the local line at the
    # new rate) both fall by a quarter, and what the income buys at home is unchanged.
    w = world(1, households=2, risk_income_drop=0.1)
    hh = w.households
    history = ind.income_history(2)
    hh.income_recent_usd[:] = [100.0, 100.0]
    ind.income_fell(hh, history, w.v, w.month, 40.0, 0, 2)
    hh.income_recent_usd[:] = [75.0, 65.0]  # the second also lost 13 % of what it buys at home
    assert ind.income_fell(hh, history, w.v, w.month + 12, 30.0, 0, 2) == 1
