"""Known answers for demography (sim/mechanisms/demography.py)."""

import numpy as np

from sim import country
from sim import tally as t
from sim.mechanisms import demography
from sim.population import GONE, HOME, RUSSIA, VACANT, EntrantSchedule, expected_entrants


def test_everyone_ages_a_month_and_leaves_at_the_upper_working_age(world):
    w = world(4)
    p = w.people
    p.location[:] = [HOME, RUSSIA, RUSSIA, GONE]
    p.age_months[:] = [100, 200, 779, 300]
    demography.age(p, 0, 4, 780, w.tally)
    assert list(p.age_months) == [101, 201, 780, 300]
    assert list(p.location) == [HOME, RUSSIA, GONE, GONE]
    assert list(p.experience_months) == [0, 1, 1, 0]
    assert w.tally[t.RETIREMENTS] == 1 and w.tally[t.RETIREMENTS_ABROAD] == 1


def test_entrants_add_up_to_the_expected_inflow():
    profile = country.load("tajikistan")
    first, months, scale = 24_300, 60, 100.0
    schedule = EntrantSchedule(profile, scale, first)
    total = sum(demography.entrants_due(schedule, first + m) for m in range(months))
    assert total == int(np.floor(expected_entrants(profile, scale, first, months)))


def test_entrants_fill_vacant_rows_young_at_home_and_jobless(world, within):
    w = world(20_000, households=4)
    p = w.people
    p.location[:] = VACANT
    terms = demography.LifeTerms(entry_age_months=216, exit_age_months=780, female_share=0.4,
                                 region_cumulative=np.array([0.25, 1.0]), household_order=np.arange(4, dtype=np.int32),
                                 household_starts=np.array([0, 2, 4]))
    demography.enter(p, 0, w.n, terms, w.keys)
    assert (p.location == HOME).all() and (p.age_months == 216).all() and not p.employed.any()
    assert within(p.female.mean(), 0.4, w.n)
    assert within((p.region == 0).mean(), 0.25, w.n)
    assert ((p.region == 0) == (p.household < 2)).all()  # households of their own region
    assert (p.contacts == -1).all()  # left to the network mechanism
