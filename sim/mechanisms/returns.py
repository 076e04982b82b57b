"""Voluntary returns home (DESIGN §3, step 4), and the move home that deportation shares.

The monthly return hazard starts from a seasonal base (returns peak in late autumn and winter) and rises in odds
when the savings target is reached (target earners), when the migrant is jobless or earning nothing, with
hostility and the migrant's own grievance, and once on the register. An irregular migrant who leaves Russia may be
banned in absentia for overstaying, which is how the ban lists reached hundreds of thousands in 2014-2016.
"""

import math

import numpy as np
from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.population import HOME


def log_odds(probability):
    p = min(max(probability, 1e-9), 1.0 - 1e-9)
    return math.log(p / (1.0 - p))


def log_terms(v, seasonal_base) -> np.ndarray:
    """This month's base log-odds and the log odds ratios of the push factors, computed once for everyone."""
    return np.array([log_odds(seasonal_base), math.log(v.return_target_odds), math.log(v.return_jobless_odds),
                     math.log(v.return_register_odds)])


@njit(cache=True, inline="always")
def return_prob(base_log_odds, target_reached, jobless, hostility, grievance, on_register, log_target_odds,
                log_jobless_odds, hostility_coef, grievance_coef, log_register_odds, border_open):
    """Logistic hazard: base log-odds (seasonal) plus the push factors; nobody travels when borders are shut."""
    x = base_log_odds + hostility_coef * hostility + grievance_coef * grievance
    if target_reached:
        x += log_target_odds
    if jobless:
        x += log_jobless_odds
    if on_register:
        x += log_register_odds
    return border_open / (1.0 + math.exp(-x))


@njit(cache=True, inline="always")
def arrive_home(people, households, i, month, deported, kept_share):
    """Move person ``i`` home; the savings and unsent money that survive (``kept_share``) go to the household."""
    carried = (people.savings_usd[i] + people.unsent_usd[i]) * kept_share
    households.earnings_usd[people.household[i]] += carried
    people.savings_usd[i] = 0.0
    people.unsent_usd[i] = 0.0
    people.location[i] = HOME
    people.employed[i] = False
    people.wage_usd[i] = 0.0
    people.documented[i] = False
    people.on_register[i] = False
    people.spell_months[i] = 0
    people.unemployed_months[i] = 0
    people.returned_month[i] = month
    people.deported[i] = deported
    return carried


def upper_bounds(v, logs) -> np.ndarray:
    """An upper bound on the return probability by circumstance (in Russia, savings target reached, jobless, on the
    register: index 8, 4, 2, 1): ``return_prob`` at the grievance that raises it most, with a margin for rounding."""
    most_grievance = 1.0 if v.return_grievance_coef >= 0 else 0.0
    bounds = np.empty(16)
    for index in range(16):
        in_russia, target_reached, jobless, on_register = index >> 3, (index >> 2) & 1, (index >> 1) & 1, index & 1
        bounds[index] = return_prob.py_func(
            logs[0], target_reached, jobless, v.hostility if in_russia else 0.0, most_grievance, on_register,
            logs[1], logs[2], v.return_hostility_coef, v.return_grievance_coef, logs[3], v.border_open)
    return bounds * (1.0 + 1e-9)


@njit(cache=True, inline="always")
def update(people, households, i, v, in_russia, logs, bounds, month, keys, tally):
    """Returns True if the person went home. ``logs`` comes from ``log_terms`` and ``bounds`` from
    ``upper_bounds``: whoever draws above the bound for their circumstances stays, exactly as the full hazard
    would decide, without paying for its exponential."""
    target_reached = people.savings_usd[i] >= v.savings_target_usd
    jobless = not people.employed[i] or people.net_usd[i] <= 0.0
    u = rs.uniform(keys[rs.RETURN], i)
    if u >= bounds[8 * in_russia + 4 * target_reached + 2 * jobless + people.on_register[i]]:
        return False
    p = return_prob(logs[0], target_reached, jobless, v.hostility if in_russia else 0.0, people.grievance[i],
                    people.on_register[i], logs[1], logs[2], v.return_hostility_coef, v.return_grievance_coef,
                    logs[3], v.border_open)
    if u >= p:
        return False
    if in_russia and not people.documented[i] and rs.uniform(keys[rs.OVERSTAY_BAN], i) < v.overstay_ban_prob:
        people.ban_until[i] = month + int(v.entry_ban_months)
        tally[t.OVERSTAY_BANS] += 1
    arrive_home(people, households, i, month, False, 1.0)
    tally[t.RETURNS_VOLUNTARY] += 1
    return True
