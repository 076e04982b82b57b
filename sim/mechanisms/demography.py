"""Demography (docs/ODD.md §3 step 7, §7.11): people age a month; at the upper working age they leave the model;
young people enter the home labour market.

Entrants follow the country profile (about 110,000 a year in Tajikistan in 2019, growing with the population at
1.94% a year). The monthly number is the whole-number part of the cumulative expected inflow, so every scenario
with the same start and scale gets the same entrants in the same rows (common random numbers). An entrant joins a
random household of a region drawn by population share; their contacts are set by the network mechanism.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.population import GONE, HOME, SKILL_SHARES, EntrantSchedule, region_index

_SKILL_CUMULATIVE = np.cumsum(SKILL_SHARES)

# The terms of ageing and entry, fixed for a run: the ages of entry and exit in months, the share of women among
# entrants, the regions' cumulative population shares and each region's households (CSR lists, rows
# ``household_order[household_starts[r]:household_starts[r + 1]]`` are in region r).
LifeTerms = namedtuple("LifeTerms", "entry_age_months exit_age_months female_share region_cumulative "
                                    "household_order household_starts")


def life_terms(profile, household_regions) -> LifeTerms:
    facts = profile.facts
    order, starts = region_index(household_regions, len(profile.region_names))
    return LifeTerms(entry_age_months=int(facts["entry_age"] * 12),
                     exit_age_months=int(facts["upper_working_age"] * 12),
                     female_share=1.0 - facts["male_share_home_labour_force"],
                     region_cumulative=np.cumsum(profile.region_population_share), household_order=order,
                     household_starts=starts)


def entrants_due(schedule: EntrantSchedule, month: int) -> int:
    """Entrants in ``month`` (whole agents) for a run whose ``schedule`` starts at its first month."""
    before = schedule.expected(month - schedule.start_month)
    through = schedule.expected(month - schedule.start_month + 1)
    return int(np.floor(through)) - int(np.floor(before))


@njit(cache=True, inline="always")
def _pick(cumulative, u):
    for index in range(cumulative.shape[0]):
        if u < cumulative[index]:
            return index
    return cumulative.shape[0] - 1


@njit(cache=True, inline="always")
def age(people, start, stop, exit_age_months, tally):
    """Everyone active among rows ``start`` to ``stop - 1`` gets a month older; at the upper working age they
    leave."""
    retired = retired_abroad = 0
    for i in rs.rows(start, stop):
        # Every row is written, with selects rather than branches, so the compiler can age several people at once.
        where = people.location[i]
        active = where < GONE  # not gone or vacant
        abroad = active & (where != HOME)
        age = people.age_months[i] + active
        people.age_months[i] = age
        people.spell_months[i] += active
        people.experience_months[i] += abroad
        leaves = active & (age >= exit_age_months)
        retired += leaves
        retired_abroad += leaves & abroad
        people.location[i] = GONE if leaves else where
        people.employed[i] = people.employed[i] & ~leaves
    tally[t.RETIREMENTS] += retired
    tally[t.RETIREMENTS_ABROAD] += retired_abroad


@njit(cache=True, inline="always")
def enter(people, start, stop, terms, keys):
    """Fill the vacant rows ``start`` to ``stop - 1`` with young people entering the labour market at home,
    jobless; their contacts are left to the network mechanism."""
    key = keys[rs.ENTRANT]
    for i in range(start, stop):
        people.location[i] = HOME
        people.age_months[i] = terms.entry_age_months
        people.female[i] = rs.uniform(key, 4 * i) < terms.female_share
        region = _pick(terms.region_cumulative, rs.uniform(key, 4 * i + 1))
        people.region[i] = region
        first, last = terms.household_starts[region], terms.household_starts[region + 1]
        people.household[i] = terms.household_order[first + int(rs.uniform(key, 4 * i + 2) * (last - first))]
        people.skill[i] = _pick(_SKILL_CUMULATIVE, rs.uniform(key, 4 * i + 3))
        people.contacts[i, :] = -1
