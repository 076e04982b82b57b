"""Aggregate risk conditions (DESIGN §3, "responsible design"; docs/ethics.md).

This counts how many people live in conditions that the literature associates with vulnerability to
radicalisation. It never scores a person, and nothing here is stored per person: the kernel returns counts only.

* Abroad precarity: young men abroad who are irregular, isolated (at most ``risk_isolation_max_contacts`` of their
  contacts in the same country) and aggrieved (RUSI, Elshimi et al. 2018: isolation, discrimination, precarious
  legal status).
* Home idleness: young people at home who returned from abroad within two years, have been jobless for
  ``long_unemployed_months`` or more, are aggrieved and live in a household whose income fell (ICG 2015 on jobless
  deportees; doi:10.1353/apr.2022.0019 on grievances at home). Deportees weigh ``risk_deportee_weight``.

The index combines them with ``risk_weight_abroad`` and ``risk_weight_home`` and is normalised to 100 in the first
reported month. The same pass takes the month-end census of stocks, including the home labour force and
its unemployment (so this month's entrants, who start jobless, count).
"""

from numba import njit

from sim.mechanisms.home_labour_market import RETURNEE_WINDOW_MONTHS, YOUTH_MAX_AGE_MONTHS, searching
from sim.population import HOME

# A "returnee" in the home-idleness condition came back within two years (the unemployment output uses one year).
RISK_RETURNEE_WINDOW_MONTHS = 24


# Slots of the census and of the risk counts.
(POPULATION, IN_RUSSIA, IN_KAZAKHSTAN, IN_OTHER, DOCUMENTED_ABROAD, ON_REGISTER, BANNED, LABOUR_FORCE, JOBLESS,
 YOUTH, YOUTH_JOBLESS, RETURNEES, RETURNEES_JOBLESS, RESTING) = range(14)
ABROAD_PRECARITY, HOME_IDLENESS, HOME_IDLENESS_WEIGHTED, GRIEVANCE_TOTAL = range(4)


@njit(cache=True, inline="always")
def update(people, households, i, v, month, census, risk):
    """Count an active person into the month-end census and, where they apply, the risk conditions."""
    where = people.location[i]
    census[POPULATION] += 1
    census[BANNED] += people.ban_until[i] > month
    if where != HOME:
        census[where] += 1  # IN_RUSSIA, IN_KAZAKHSTAN and IN_OTHER share the location codes 1-3
        census[DOCUMENTED_ABROAD] += people.documented[i]
        census[ON_REGISTER] += people.on_register[i]
    elif not people.employed[i] and not searching(people.returned_month[i], people.deported[i], month,
                                                  int(v.returnee_rest_months)):
        census[RESTING] += 1
    else:
        jobless = not people.employed[i]
        census[LABOUR_FORCE] += 1
        census[JOBLESS] += jobless
        if people.age_months[i] < YOUTH_MAX_AGE_MONTHS:
            census[YOUTH] += 1
            census[YOUTH_JOBLESS] += jobless
        if people.returned_month[i] > month - RETURNEE_WINDOW_MONTHS:
            census[RETURNEES] += 1
            census[RETURNEES_JOBLESS] += jobless
    grievance = people.grievance[i]
    risk[GRIEVANCE_TOTAL] += grievance
    if people.age_months[i] >= (int(v.risk_young_max_age) + 1) * 12 or grievance < v.risk_grievance_threshold:
        return
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
