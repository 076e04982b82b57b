"""Known answers for the census and the aggregate risk conditions (sim/mechanisms/indicators.py)."""

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
    census = np.zeros(14)
    ind.count(p, w.v, 0, 6, w.month, census)
    expected = {ind.POPULATION: 5, ind.IN_RUSSIA: 1, ind.IN_KAZAKHSTAN: 1, ind.DOCUMENTED_ABROAD: 1,
                ind.ON_REGISTER: 1, ind.BANNED: 1, ind.LABOUR_FORCE: 2, ind.JOBLESS: 1, ind.YOUTH: 2,
                ind.YOUTH_JOBLESS: 1, ind.RESTING: 1, ind.RETURNEES: 0}
    for slot, value in expected.items():
        assert census[slot] == value, slot


def test_the_risk_conditions_count_idle_returnees_and_isolated_irregular_men(world):
    w = world(4, households=2, risk_young_max_age=34, risk_grievance_threshold=0.3, long_unemployed_months=6,
              risk_isolation_max_contacts=0, risk_deportee_weight=2.0)
    p, hh = w.people, w.households
    p.grievance[:] = 0.5
    p.age_months[:] = 25 * 12
    p.location[:] = [HOME, RUSSIA, RUSSIA, HOME]
    p.unemployed_months[0], p.returned_month[0], p.deported[0] = 8, w.month - 10, True
    hh.income_fell[0] = True
    p.contacts[1] = [0, 3, 0]  # nobody in Russia: isolated
    p.contacts[2] = [1, 0, 0]  # one contact in Russia: not isolated
    p.age_months[3] = 50 * 12  # too old to count
    assert [bool(ind.young_and_aggrieved(p, i, w.v)) for i in range(4)] == [True, True, True, False]
    risk = np.zeros(4)
    for i in range(3):
        ind.condition(p, hh, i, w.v, w.month, risk)
    assert risk[ind.HOME_IDLENESS] == 1 and risk[ind.HOME_IDLENESS_WEIGHTED] == 2.0
    assert risk[ind.ABROAD_PRECARITY] == 1
