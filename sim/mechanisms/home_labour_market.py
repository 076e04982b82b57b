"""The home labour market (docs/ODD.md §3 step 6, §7.10).

Domestic job capacity follows real demand for home output, from real GDP and remittance-financed spending
(``sim.mechanisms.home_economy``), so a remittance collapse destroys jobs at home. Vacancies are the capacity not
filled.
Jobless people at home (returnees, deportees, new entrants and job losers) meet vacancies through a matching
function hires = m * sqrt(U * V) (elasticity 0.5, within the 0.5-0.7 range of Petrongolo & Pissarides 2001);
workers separate at ``home_separation_rate``, and when capacity falls below employment the excess is laid off.
A voluntary returnee rests for ``returnee_rest_months`` before looking for work and until then is outside the
labour force, as the ILO definition counts only those actively searching.

Household plots and dehqan farms: a jobless searcher who is not hired in a month starts working the household's
plot with chance ``plot_take_up``, and a plot worker goes back to looking for a wage job with chance
``plot_exit_prob``. Plot work needs no vacancy (land, not demand, bounds it), earns ``plot_income_share`` of the
regional wage (own production and sales) and counts as employment in agriculture, as in the 2009 Labour Force
Survey (13th ICLS); under the 19th ICLS definitions of the 2016 survey own-use production work is outside the labour
force, which ``sim.outputs`` reports as a second rate. Either way a plot worker is not unemployed.
"""

import math
from collections import namedtuple

from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.population import HOME, SKILL_WAGE

# Output definition: youth unemployment covers ages 18-29 (docs/ODD.md §7.10; the ILO also uses 15-24, but agents
# enter at 18).
YOUTH_MAX_AGE_MONTHS = 30 * 12
RETURNEE_WINDOW_MONTHS = 12


def steady_state_vacancies(employed, unemployed, separation_rate, matching_efficiency):
    """Vacancies at which hires equal separations: s*E = m*sqrt(U*V)."""
    if unemployed <= 0:
        return 0.0
    return (separation_rate * employed) ** 2 / (matching_efficiency ** 2 * unemployed)


def hires(unemployed, vacancies, matching_efficiency):
    return min(unemployed, vacancies, matching_efficiency * math.sqrt(unemployed * vacancies))


# This month's home labour market, the same for everyone: the chances of finding a job and of separating, the
# vacancies, home wages by region (USD) and how long voluntary returnees rest before they look for work.
MarketTerms = namedtuple("MarketTerms", "find_rate separation vacancies region_wage_usd rest_months plot_take_up "
                                         "plot_exit plot_income_share")


def monthly_terms(capacity, tally, v, region_wage_usd) -> MarketTerms:
    """This month's terms, from the people at home after departures and returns (counted in ``tally``). Everyone
    arrives jobless; deportees (from Russia or Kazakhstan) look for work at once, voluntary returnees after their
    rest. ``departures.decide`` left all of them out of the stayers, so they are added here."""
    rest_months = int(v.returnee_rest_months)
    arrived = tally[t.DEPORTATIONS] + tally[t.EXPULSIONS_KAZAKHSTAN] + \
        (tally[t.RETURNS_VOLUNTARY] if rest_months == 0 else 0)
    find_rate, separation, vacancies = monthly_rates(capacity, tally[t.STAYERS_EMPLOYED],
                                                     tally[t.STAYERS_JOBLESS] + arrived, v.home_separation_rate,
                                                     v.matching_efficiency)
    return MarketTerms(find_rate=find_rate, separation=separation, vacancies=vacancies,
                       region_wage_usd=region_wage_usd, rest_months=rest_months, plot_take_up=v.plot_take_up,
                       plot_exit=v.plot_exit_prob, plot_income_share=v.plot_income_share)


def monthly_rates(capacity, employed, unemployed, separation_rate, matching_efficiency):
    """(job-finding chance, separation chance, vacancies) for this month, from the people at home after departures
    and returns."""
    vacancies = max(capacity - employed, 0.0)
    find_rate = hires(unemployed, vacancies, matching_efficiency) / unemployed if unemployed > 0 else 0.0
    layoff_rate = max(employed - capacity, 0.0) / employed if employed > 0 else 0.0
    return find_rate, min(separation_rate + layoff_rate, 1.0), vacancies


@njit(cache=True, inline="always")
def searching(returned_month, deported, month, rest_months):
    """Whether a jobless person at home is in the labour force: everyone is, except a voluntary returnee within
    ``returnee_rest_months`` of coming back."""
    return deported | (returned_month <= month - rest_months)


@njit(cache=True, inline="always")
def work(people, start, stop, market, month, keys):
    """Separation, hiring or work on the household plot for everyone at home among rows ``start`` to ``stop - 1``;
    the jobless earn nothing this month.

    Every row is written, with selects rather than branches (rows not at home get their own values back), so the
    compiler can decide several people at once (SIMD). The wages of the employed are set in ``pay``."""
    separation_key, hire_key, plot_key = keys[rs.HOME_SEPARATION], keys[rs.HOME_HIRE], keys[rs.HOME_PLOT]
    separation, find_rate, rest_months = market.separation, market.find_rate, market.rest_months
    for i in rs.rows(start, stop):
        home = people.location[i] == HOME
        was = people.employed[i]
        plot = was & people.on_plot[i]
        searches = home & (was | searching(people.returned_month[i], people.deported[i], month, rest_months))
        u = rs.uniform(separation_key if was else hire_key, i)
        hired = ~was & (u < find_rate)
        # A searcher not hired may take up the plot; a plot worker may leave it to look for a wage job.
        to_plot = ~was & ~hired & (rs.uniform(plot_key, i) < market.plot_take_up)
        now = (u >= (market.plot_exit if plot else separation)) if was else hired | to_plot
        months = people.unemployed_months[i]
        people.employed[i] = now if searches else was
        people.on_plot[i] = (now & (plot | to_plot)) if searches else people.on_plot[i]
        people.unemployed_months[i] = (0 if now else (1 if was else months + 1)) if searches else months
        wage = people.wage_usd[i]
        people.wage_usd[i] = 0.0 if home & ~(searches & now) else wage


@njit(cache=True, inline="always")
def pay(people, households, start, stop, market, total, rows):
    """This month's wage to each employed person at home among rows ``start`` to ``stop - 1`` and to their
    household, in row order; returns ``total`` plus the wages, added one by one. Shortcut (same result): the
    employed at home are first listed in ``rows`` (scratch space) in a loop the compiler can run on several people
    at once, so the paying loop visits only them."""
    count = 0
    for i in rs.rows(start, stop):
        rows[count] = i
        count += (people.location[i] == HOME) & people.employed[i]
    for k in range(count):
        i = rs.unsigned(rows[k])
        wage = market.region_wage_usd[people.region[i]] * \
            (market.plot_income_share if people.on_plot[i] else SKILL_WAGE[people.skill[i]])
        people.wage_usd[i] = wage
        households.earnings_usd[rs.unsigned(people.household[i])] += wage
        total += wage
    return total

