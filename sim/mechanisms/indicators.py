"""Aggregate exposure to conditions linked to radicalisation (docs/ODD.md §3 step 9, §7.14; docs/ethics.md).

This counts how many young men live in conditions that the literature on Central Asian labour migrants associates
with recruitment; it never scores a person and stores nothing per person: ``count`` adds to counts only. Each
condition is an exposure, a state a person is in at the end of the month, so a month's count is person-months of
exposure; ``sim.outputs`` reports each per 100,000 of the group it is drawn from. There is no grievance threshold
and no weighting: the components are reported separately, with an unweighted count of the young men exposed to at
least one of them.

Young men (under ``risk_young_max_age`` + 1 years) in Russia who are irregular, or on the controlled-persons
register (ICG 2015; Lemon 2015; Elshimi et al. 2018: recruitment happened mostly among migrants in Russia, in
precarious status). Young
men at home who were expelled from Russia (or from Kazakhstan, whose expellees come home as deportees too) within
``risk_returnee_window_months``; who are banned from re-entry and
without work; or who came back within the window and have been jobless for ``long_unemployed_months`` or more (ICG
2015 on jobless returnees and deportees). Households whose income fell are counted against the same months a year
earlier (``income_fell``), so the seasonal cycle of remittances is not counted as a fall; police checks come from
the month's event counts (``sim.outputs``).

The month-end census of stocks, including the home labour force, its unemployment and the plot workers (so this
month's entrants, who start jobless, count), is taken here too.
"""

import numpy as np
from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms.home_labour_market import RETURNEE_WINDOW_MONTHS, YOUTH_MAX_AGE_MONTHS, searching
from sim.population import GONE, HOME, KAZAKHSTAN, OTHER, RUSSIA

# Slots of the census and of the exposure counts (with the total grievance), in the order of their names in
# ``sim.tally``.
CENSUS, RISK = t.CENSUS_NAMES, t.RISK_NAMES
(POPULATION, IN_RUSSIA, IN_KAZAKHSTAN, IN_OTHER, DOCUMENTED_ABROAD, ON_REGISTER, BANNED, LABOUR_FORCE, JOBLESS,
 YOUTH, YOUTH_JOBLESS, RETURNEES, RETURNEES_JOBLESS, RESTING, PLOT_WORKERS) = range(len(CENSUS))
(YOUNG_MEN, YOUNG_MEN_RUSSIA, IRREGULAR, LISTED, YOUNG_MEN_HOME, EXPELLED, BANNED_IDLE, JOBLESS_RETURNEES, EXPOSED,
 GRIEVANCE_TOTAL, INCOME_FELL) = range(len(RISK))
INCOME_HISTORY_MONTHS = 12


def income_history(n_households: int):
    """The households' 3-month average real incomes (in poverty lines) of the last twelve months (row
    ``month % 12``), NaN until a household has a year of history; ``income_fell`` reads and updates it."""
    return np.full((INCOME_HISTORY_MONTHS, n_households), np.nan, dtype=np.float32)


@njit(cache=True, inline="always")
def count(people, v, start, stop, month, census, risk):
    """The month-end census of everyone active among rows ``start`` to ``stop - 1``: stocks abroad, the banned, and
    the home labour force with its unemployment; the young men exposed to each condition (``risk``); and the total
    grievance, in the whole units of ``sim.tally.grievance_units``. Counted with selects rather than branches, so
    the compiler can count several people at once (SIMD)."""
    rest_months = int(v.returnee_rest_months)
    young_max_months = (int(v.risk_young_max_age) + 1) * 12
    window = int(v.risk_returnee_window_months)
    long_jobless = int(v.long_unemployed_months)
    young_men = young_men_russia = irregular = young_listed = young_men_home = expelled = banned_idle = 0
    jobless_returnees = exposed = grievance_units = 0
    population = banned = russia = kazakhstan = other = documented = listed = 0
    resting = labour_force = jobless = youth = youth_jobless = returnees = returnees_jobless = plot_workers = 0
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
        plot_workers += home & employed & people.on_plot[i]
        young_man = active & ~people.female[i] & (people.age_months[i] < young_max_months)
        in_russia = young_man & (where == RUSSIA)
        is_irregular = in_russia & ~people.documented[i]
        is_listed = in_russia & people.on_register[i]
        at_home = young_man & home
        idle = at_home & ~employed
        came_back = people.returned_month[i] > month - window
        was_expelled = at_home & came_back & people.deported[i]
        is_banned_idle = idle & (people.ban_until[i] > month)
        is_jobless_returnee = idle & came_back & (people.unemployed_months[i] >= long_jobless)
        young_men += young_man
        young_men_russia += in_russia
        irregular += is_irregular
        young_listed += is_listed
        young_men_home += at_home
        expelled += was_expelled
        banned_idle += is_banned_idle
        jobless_returnees += is_jobless_returnee
        exposed += is_irregular | is_listed | was_expelled | is_banned_idle | is_jobless_returnee
        grievance_units += t.grievance_units(people.grievance[i]) if active else 0
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
    census[PLOT_WORKERS] += plot_workers
    risk[YOUNG_MEN] += young_men
    risk[YOUNG_MEN_RUSSIA] += young_men_russia
    risk[IRREGULAR] += irregular
    risk[LISTED] += young_listed
    risk[YOUNG_MEN_HOME] += young_men_home
    risk[EXPELLED] += expelled
    risk[BANNED_IDLE] += banned_idle
    risk[JOBLESS_RETURNEES] += jobless_returnees
    risk[EXPOSED] += exposed
    risk[GRIEVANCE_TOTAL] += grievance_units


@njit(cache=True, inline="always")
def income_fell(households, history, v, month, poverty_line_usd, start, stop):
    """How many households among ``start`` to ``stop - 1`` have a 3-month average real income per member more than
    ``risk_income_drop`` below the same average a year earlier; then stores this month's averages in ``history``
    for next year. Needs this month's ``households.income_recent_usd`` (``households.step``).

    Income is counted in poverty lines, as poverty is: the line follows home prices and the home currency, so a
    devaluation that lowers a household's income in dollars but not what it buys at home is not a fall."""
    slot = month % INCOME_HISTORY_MONTHS
    kept_share = 1.0 - v.risk_income_drop
    fell = 0
    for h in rs.rows(start, stop):
        recent = households.income_recent_usd[h] / poverty_line_usd
        fell += recent < kept_share * history[slot, h]  # False while the year-old value is NaN
        history[slot, h] = recent
    return fell
