"""The home labour market (DESIGN §3, step 6).

Domestic job capacity grows with GDP (``jobs_gdp_elasticity``) and with remittance-financed demand: capacity is
multiplied by ``1 + jobs_remittance_elasticity * (R / R0 - 1)``, where R is a moving average of remittances and R0
its level in the first month, so a remittance collapse destroys jobs at home. Vacancies are the capacity not filled.
Jobless people at home (returnees, deportees, new entrants and job losers) meet vacancies through a matching
function hires = m * sqrt(U * V) (elasticity 0.5, within the 0.5-0.7 range of Petrongolo & Pissarides 2001);
workers separate at ``home_separation_rate``, and when capacity falls below employment the excess is laid off.
A voluntary returnee rests for ``returnee_rest_months`` before looking for work and until then is outside the
labour force, as the ILO definition counts only those actively searching.
"""

import math

from numba import njit

from sim import random_streams as rs
from sim.population import SKILL_WAGE

# Output definition: youth unemployment covers ages 18-29 (DESIGN §3 allows 15-24 or 18-29; agents enter at 18).
YOUTH_MAX_AGE_MONTHS = 30 * 12
RETURNEE_WINDOW_MONTHS = 12


def job_capacity(base_jobs, gdp_ratio, remittance_ratio, gdp_elasticity, remittance_elasticity):
    return base_jobs * gdp_ratio ** gdp_elasticity * (1.0 + remittance_elasticity * (remittance_ratio - 1.0))


def steady_state_vacancies(employed, unemployed, separation_rate, matching_efficiency):
    """Vacancies at which hires equal separations: s*E = m*sqrt(U*V)."""
    if unemployed <= 0:
        return 0.0
    return (separation_rate * employed) ** 2 / (matching_efficiency ** 2 * unemployed)


def hires(unemployed, vacancies, matching_efficiency):
    return min(unemployed, vacancies, matching_efficiency * math.sqrt(unemployed * vacancies))


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
    return deported or returned_month <= month - rest_months


@njit(cache=True, inline="always")
def update(people, households, i, separation, find_rate, region_wage_usd, month, rest_months, keys):
    """For a person at home: separation or hiring, then wages to the household. Returns the wage paid."""
    if not people.employed[i] and not searching(people.returned_month[i], people.deported[i], month, rest_months):
        people.wage_usd[i] = 0.0
        return 0.0
    if people.employed[i]:
        if rs.uniform(keys[rs.HOME_SEPARATION], i) < separation:
            people.employed[i] = False
            people.unemployed_months[i] = 0
    elif rs.uniform(keys[rs.HOME_HIRE], i) < find_rate:
        people.employed[i] = True
    if not people.employed[i]:
        people.wage_usd[i] = 0.0
        people.unemployed_months[i] += 1
        return 0.0
    wage = region_wage_usd[people.region[i]] * SKILL_WAGE[people.skill[i]]
    people.wage_usd[i] = wage
    households.earnings_usd[people.household[i]] += wage
    people.unemployed_months[i] = 0
    return wage
