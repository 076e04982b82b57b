"""Aggregate risk conditions (docs/ODD.md §3 step 9, §7.14; docs/ethics.md).

This counts how many people live in conditions that the literature associates with vulnerability to
radicalisation. It never scores a person and stores nothing per person: ``condition`` adds to counts only. (The
fast engine keeps, within a month, a scratch list of the rows that pass ``young_and_aggrieved``, so that it need
not walk everyone again once the households' incomes are known; it is overwritten every month and never output.)

* Abroad precarity: young men abroad who are irregular, isolated (at most ``risk_isolation_max_contacts`` of their
  contacts in the same country) and aggrieved (RUSI, Elshimi et al. 2018: isolation, discrimination, precarious
  legal status).
* Home idleness: young people at home who returned from abroad within two years, have been jobless for
  ``long_unemployed_months`` or more, are aggrieved and live in a household whose income fell (ICG 2015 on jobless
  deportees; doi:10.1353/apr.2022.0019 on grievances at home). Deportees weigh ``risk_deportee_weight``.

The index combines them with ``risk_weight_abroad`` and ``risk_weight_home`` and is normalised to 100 in the first
reported month. The month-end census of stocks, including the home labour force and its unemployment (so this
month's entrants, who start jobless, count), is taken here too.
"""

from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms.home_labour_market import RETURNEE_WINDOW_MONTHS, YOUTH_MAX_AGE_MONTHS, searching
from sim.population import GONE, HOME, KAZAKHSTAN, OTHER, RUSSIA

# A "returnee" in the home-idleness condition came back within two years (the unemployment output uses one year).
RISK_RETURNEE_WINDOW_MONTHS = 24


# Slots of the census and of the risk counts, in the order of their names in ``sim.tally``.
CENSUS, RISK = t.CENSUS_NAMES, t.RISK_NAMES
(POPULATION, IN_RUSSIA, IN_KAZAKHSTAN, IN_OTHER, DOCUMENTED_ABROAD, ON_REGISTER, BANNED, LABOUR_FORCE, JOBLESS,
 YOUTH, YOUTH_JOBLESS, RETURNEES, RETURNEES_JOBLESS, RESTING) = range(len(CENSUS))
ABROAD_PRECARITY, HOME_IDLENESS, HOME_IDLENESS_WEIGHTED, GRIEVANCE_TOTAL = range(len(RISK))


@njit(cache=True, inline="always")
def young_and_aggrieved(people, i, v):
    """The first two tests of every risk condition: active, young and aggrieved; ``condition`` looks only at these."""
    return (people.location[i] < GONE) & (people.age_months[i] < (int(v.risk_young_max_age) + 1) * 12) & \
        (people.grievance[i] >= v.risk_grievance_threshold)


@njit(cache=True, inline="always")
def count(people, v, start, stop, month, census):
    """The month-end census of everyone active among rows ``start`` to ``stop - 1``: stocks abroad, the banned, and
    the home labour force with its unemployment. Counted with selects rather than branches, so the compiler can count
    several people at once (SIMD)."""
    rest_months = int(v.returnee_rest_months)
    population = banned = russia = kazakhstan = other = documented = listed = 0
    resting = labour_force = jobless = youth = youth_jobless = returnees = returnees_jobless = 0
    for i in rs.rows(start, stop):
        where = people.location[i]
        active = where < GONE  # not gone or vacant
        home = where == HOME
        abroad = active & ~home
        employed = people.employed[i]
        population += active
        banned += active & (people.ban_until[i] > month)
        russia += where == RUSSIA
        kazakhstan += where == KAZAKHSTAN
        other += where == OTHER
        documented += abroad & people.documented[i]
        listed += abroad & people.on_register[i]
        rests = home & ~employed & ~searching(people.returned_month[i], people.deported[i], month, rest_months)
        in_force = home & (not rests)
        out_of_work = in_force & (not employed)
        young = people.age_months[i] < YOUTH_MAX_AGE_MONTHS
        recent = people.returned_month[i] > month - RETURNEE_WINDOW_MONTHS
        resting += rests
        labour_force += in_force
        jobless += out_of_work
        youth += in_force & young
        youth_jobless += out_of_work & young
        returnees += in_force & recent
        returnees_jobless += out_of_work & recent
    census[POPULATION] += population
    census[IN_RUSSIA] += russia
    census[IN_KAZAKHSTAN] += kazakhstan
    census[IN_OTHER] += other
    census[DOCUMENTED_ABROAD] += documented
    census[ON_REGISTER] += listed
    census[BANNED] += banned
    census[LABOUR_FORCE] += labour_force
    census[JOBLESS] += jobless
    census[YOUTH] += youth
    census[YOUTH_JOBLESS] += youth_jobless
    census[RETURNEES] += returnees
    census[RETURNEES_JOBLESS] += returnees_jobless
    census[RESTING] += resting


@njit(cache=True, inline="always")
def condition(people, households, i, v, month, risk):
    """For a young, aggrieved person (``young_and_aggrieved``), once the households' incomes and everyone's location
    are final: counts them if idle at home (a recent returnee, long jobless, in a household whose income fell) or
    isolated abroad (an irregular man with few contacts in the same country)."""
    where = people.location[i]
    if where == HOME:
        if not people.employed[i] and people.unemployed_months[i] >= v.long_unemployed_months and \
                people.returned_month[i] > month - RISK_RETURNEE_WINDOW_MONTHS and \
                households.income_fell[people.household[i]]:
            risk[HOME_IDLENESS] += 1
            risk[HOME_IDLENESS_WEIGHTED] += v.risk_deportee_weight if people.deported[i] else 1.0
    elif not people.female[i] and not people.documented[i]:
        same_place = 0
        for j in range(people.contacts.shape[1]):
            same_place += people.location[people.contacts[i, j]] == where
        if same_place <= int(v.risk_isolation_max_contacts):
            risk[ABROAD_PRECARITY] += 1
