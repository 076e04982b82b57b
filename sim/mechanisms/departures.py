"""Departure decisions at home: a random-utility (multinomial logit) choice among staying, Russia, Kazakhstan and
other destinations (DESIGN §3, step 5; Klabunde & Willekens 2016; Klabunde 2014).

Utility of destination d relative to staying (0):

    V_d = asc_d + b_earn * (expected net earnings at d - expected earnings at home) / 100 USD
          - b_risk * expected monthly deportation risk at d (%) - b_hostility * hostility at d
          + b_network * share of one's contacts at d
          - b_age * |age in whole years - 25| - b_female * female + b_need * household need
          + b_experience * been abroad before
          + log(seasonal factor)

and P(d) = w_d / (1 + sum_k w_k) with weights w_d = open_d * exp(V_d), where open_d (0..1) is how open the
destination is. The weight factorises into a group part, a personal part and a network part, so a person costs
one exponential. Expected earnings at home are the home wage for the employed and the
home job-finding chance times the home wage for the jobless (the home labour market). A banned person cannot
choose Russia; a person choosing Russia may be refused at the border (``entry_screening``); Kazakhstan and the
other destinations take people only while they have room (capacity). Nobody travels when borders are closed.
"""

import math

import numpy as np
from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms.grievance import aggrieve
from sim.population import HOME, KAZAKHSTAN, OTHER, RUSSIA, SKILL_WAGE

# Assumed: the age at which the propensity to migrate peaks.
PEAK_AGE_YEARS = 25.0
MAX_AGE_YEARS = 100


def destination_utilities(v, expected_abroad, home_wage_region, home_job_find_rate, risk_pct, season):
    """The part of V_d shared by everyone with the same destination, skill, region and job status.

    Shape (4 locations, skills, regions, 2 for jobless/employed); row 0 (home) is unused."""
    n_regions = home_wage_region.size
    base = np.zeros((4, SKILL_WAGE.size, n_regions, 2))
    asc = {RUSSIA: v.departure_asc_russia, KAZAKHSTAN: v.departure_asc_kazakhstan, OTHER: v.departure_asc_other}
    for where in (RUSSIA, KAZAKHSTAN, OTHER):
        deterrent = v.departure_risk_coef * risk_pct + v.departure_hostility_coef * v.hostility \
            if where == RUSSIA else 0.0
        for skill, multiplier in enumerate(SKILL_WAGE):
            home_wage = home_wage_region * multiplier
            for employed in (0, 1):
                home_expected = home_wage if employed else home_job_find_rate * home_wage
                gap = (expected_abroad[where, skill] - home_expected) / 100.0
                base[where, skill, :, employed] = asc[where] + v.departure_earnings_coef * gap - deterrent + \
                    math.log(max(season, 1e-9))
    return base


def availability(v, stock_by_destination, scale):
    """How open each destination is, by location code (row 0 unused): 0 closed, 1 fully open. It multiplies the
    option's weight exp(V_d) in the choice; Kazakhstan and the other destinations close as they fill up."""
    open_share = np.zeros(4)
    open_share[RUSSIA] = v.border_open
    open_share[KAZAKHSTAN] = v.border_open * min(max(1 - stock_by_destination[KAZAKHSTAN] * scale
                                                     / v.kazakhstan_capacity, 0.0), 1.0)
    open_share[OTHER] = v.border_open * min(max(1 - stock_by_destination[OTHER] * scale / v.other_capacity,
                                                0.0), 1.0)
    return open_share


def choice_weights(utilities, open_share):
    """open_share[d] * exp(shared part of V_d): the group factor of each option's weight in the logit."""
    return open_share[:, None, None, None] * np.exp(utilities)


def network_weights(v, contacts):
    """exp(b_network * n / k) for n = 0..k contacts at a destination."""
    return np.exp(v.departure_network_coef * np.arange(contacts + 1) / contacts)


def personal_weights(v):
    """exp(personal part of V_d) by (female, been abroad, age in whole years), need excluded."""
    ages = np.arange(MAX_AGE_YEARS)
    return np.exp(-v.departure_female_coef * np.arange(2)[:, None, None]
                  + v.departure_experience_coef * np.arange(2)[None, :, None]
                  - v.departure_age_coef * np.abs(ages - PEAK_AGE_YEARS)[None, None, :])


@njit(cache=True, inline="always")
def need_weight(need, need_coef):
    """exp(b_need * need); most households have no need, so the exponential is mostly skipped."""
    return 1.0 if need <= 0.0 else math.exp(need_coef * need)


@njit(cache=True, inline="always")
def choose(u, exp_russia, exp_kazakhstan, exp_other):
    """Multinomial logit draw with one uniform: returns a location code, HOME for staying."""
    total = 1.0 + exp_russia + exp_kazakhstan + exp_other
    threshold = exp_russia / total
    if u < threshold:
        return RUSSIA
    threshold += exp_kazakhstan / total
    if u < threshold:
        return KAZAKHSTAN
    threshold += exp_other / total
    if u < threshold:
        return OTHER
    return HOME


@njit(cache=True, inline="always")
def update(people, households, i, v, weights, all_weights, personal, network, p_documented, month, keys, tally):
    """For a person at home who has been home at least a month. Returns the location chosen (HOME to stay).

    The uniform is drawn first and compared with an upper bound on the chance of leaving (every contact at the
    destination, then the actual need): whoever draws above it stays, exactly as the full choice would decide, and
    never pays for the network lookups that dominate the cost."""
    skill, region, employed = people.skill[i], people.region[i], 1 if people.employed[i] else 0
    u = rs.uniform(keys[rs.DEPART], i)
    group = personal[1 if people.female[i] else 0, 1 if people.experience_months[i] > 0 else 0,
                     people.age_months[i] // 12]
    bound = all_weights[skill, region, employed] * group * network[-1]
    ceiling = need_weight(1.0, v.departure_need_coef) * bound
    if u * (1.0 + ceiling) >= ceiling:
        return HOME
    bound *= need_weight(households.need[people.household[i]], v.departure_need_coef)
    if u * (1.0 + bound) >= bound:
        return HOME
    in_russia = in_kazakhstan = in_other = 0
    for j in range(people.contacts.shape[1]):
        contact_at = people.location[people.contacts[i, j]]
        in_russia += contact_at == RUSSIA
        in_kazakhstan += contact_at == KAZAKHSTAN
        in_other += contact_at == OTHER
    person = group * need_weight(households.need[people.household[i]], v.departure_need_coef)
    e_ru = 0.0
    if people.ban_until[i] <= month:
        e_ru = weights[RUSSIA, skill, region, employed] * person * network[in_russia]
    e_kz = weights[KAZAKHSTAN, skill, region, employed] * person * network[in_kazakhstan]
    e_ot = weights[OTHER, skill, region, employed] * person * network[in_other]
    choice = choose(u, e_ru, e_kz, e_ot)
    if choice == HOME:
        return HOME
    if choice == RUSSIA and rs.uniform(keys[rs.SCREENING], i) < v.entry_screening:
        tally[t.ENTRY_REFUSALS] += 1
        people.grievance[i] = aggrieve(people.grievance[i], v.grievance_refusal)
        return HOME
    people.location[i] = choice
    people.employed[i] = False
    people.wage_usd[i] = 0.0
    people.spell_months[i] = 0
    people.unemployed_months[i] = 0
    people.documented[i] = choice != RUSSIA or rs.uniform(keys[rs.ARRIVAL_STATUS], i) < p_documented
    tally[t.DEPARTURES_RUSSIA + choice - RUSSIA] += 1
    return choice
