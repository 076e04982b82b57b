"""Earnings abroad, net of living costs, the patent fee, compliance and losses (docs/ODD.md §3 step 2, §7.2).

Wages in Russia are set in roubles and converted at the month's rate, so a weaker rouble cuts USD earnings (the
2015 mechanism). Living and compliance costs in Russia follow Russian consumer prices (``russian_prices``); elsewhere
they are a share of the destination's reference wage.
Documented migrants in Russia pay the patent fee and compliance costs every month, employed or not; irregular
workers earn less, and risk not being paid at all (wage theft, which also aggrieves).
"""

import numpy as np
from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms.employment_abroad import job_find_prob, job_loss_prob
from sim.mechanisms.grievance import aggrieve
from sim.mechanisms.russian_prices import at_prices_usd
from sim.population import KAZAKHSTAN, OTHER, RUSSIA, SKILL_WAGE

# Columns of the per-destination terms, one row per location code (row 0, home, is unused).
REFERENCE_WAGE, LIVING_COST, HOSTILITY_DISCOUNT, DOCUMENTED_COST = range(4)


def destination_terms(v) -> np.ndarray:
    """This month's reference wage, living cost, hostility discount and cost of documents, in USD, by location."""
    terms = np.zeros((4, 4))
    terms[RUSSIA, REFERENCE_WAGE] = v.migrant_wage_rub / v.rub_per_usd
    terms[KAZAKHSTAN, REFERENCE_WAGE] = v.kazakhstan_wage_kzt / v.kzt_per_usd  # set in tenge, like Russia's in roubles
    terms[OTHER, REFERENCE_WAGE] = v.other_wage_usd
    terms[1:, LIVING_COST] = v.living_cost_share * terms[1:, REFERENCE_WAGE]
    terms[RUSSIA, LIVING_COST] = at_prices_usd(v.living_cost_rub, v)
    terms[RUSSIA, HOSTILITY_DISCOUNT] = v.hostility_wage_discount * v.hostility
    terms[RUSSIA, DOCUMENTED_COST] = v.patent_fee_rub / v.rub_per_usd + at_prices_usd(v.compliance_cost_rub, v)
    return terms


@njit(cache=True, inline="always")
def gross_wage_usd(reference_wage, skill_multiplier, irregular, irregular_discount, hostility_discount):
    wage = reference_wage * skill_multiplier * (1.0 - hostility_discount)
    if irregular:
        wage *= 1.0 - irregular_discount
    return wage


@njit(cache=True, inline="always")
def net_earnings_usd(wage, living_cost, documented_cost, documented):
    return wage - living_cost - (documented_cost if documented else 0.0)


def expected_net_usd(v, terms, irregular_share_russia) -> np.ndarray:
    """What a would-be migrant expects to clear per month, by destination (rows, by location code) and skill.

    Expectations use the steady-state chance of being employed, the current irregular share in Russia (a
    newcomer may end up irregular) and this month's wages, rates and fees."""
    expected = np.zeros((4, SKILL_WAGE.size))
    for where in (RUSSIA, KAZAKHSTAN, OTHER):
        demand = v.russia_labour_demand if where == RUSSIA else 1.0
        bans = v.job_ban_share if where == RUSSIA else 0.0
        q = irregular_share_russia if where == RUSSIA else 0.0
        find = (1 - q) * job_find_prob(v.abroad_job_find_prob, demand, bans, False, v.irregular_job_penalty) + \
            q * job_find_prob(v.abroad_job_find_prob, demand, bans, True, v.irregular_job_penalty)
        loss = job_loss_prob(v.abroad_job_loss_prob, bans, v.job_ban_displacement)
        employed_share = find / (find + loss) if find + loss > 0 else 0.0
        for skill, multiplier in enumerate(SKILL_WAGE):
            wage = (1 - q) * gross_wage_usd(terms[where, REFERENCE_WAGE], multiplier, False,
                                            v.irregular_wage_discount, terms[where, HOSTILITY_DISCOUNT]) + \
                q * gross_wage_usd(terms[where, REFERENCE_WAGE], multiplier, True, v.irregular_wage_discount,
                                   terms[where, HOSTILITY_DISCOUNT])
            expected[where, skill] = employed_share * wage - terms[where, LIVING_COST] - \
                (1 - q) * terms[where, DOCUMENTED_COST]
    return expected


@njit(cache=True, inline="always")
def update(people, i, v, where, terms, keys, tally):
    irregular = not people.documented[i]
    wage = 0.0
    if people.employed[i]:
        wage = gross_wage_usd(terms[where, REFERENCE_WAGE], SKILL_WAGE[people.skill[i]], irregular,
                              v.irregular_wage_discount, terms[where, HOSTILITY_DISCOUNT])
        if irregular and rs.uniform(keys[rs.WAGE_THEFT], i) < v.wage_theft_prob:
            wage = 0.0
            tally[t.WAGE_THEFTS] += 1
            people.grievance[i] = aggrieve(people.grievance[i], v.grievance_extortion)
    people.wage_usd[i] = wage
    people.net_usd[i] = net_earnings_usd(wage, terms[where, LIVING_COST], terms[where, DOCUMENTED_COST],
                                         people.documented[i])
