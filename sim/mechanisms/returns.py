"""Voluntary returns home (docs/ODD.md §3 step 4, §7.7), and the move home that deportation shares.

The rule: each month a migrant goes home with a logistic hazard. It starts from a seasonal base (returns peak in
late autumn and winter) and rises in odds when the savings target is reached (target earners), when the migrant is
jobless or earning nothing, with hostility (in Russia) and the migrant's own grievance, and once on the register.
An irregular migrant who leaves Russia may be banned in absentia for overstaying, which is how the ban lists
reached hundreds of thousands in 2014-2016; so an irregular migrant in Russia weighs that risk and is less likely to
go home the likelier a ban is (lock-in). Savings and unsent money go to the household.

``consider`` owns the whole rule (who, the draw, what follows) and both engines call it. ``upper_bounds`` and
``surely_stays`` are a shortcut only the fast engine takes: it skips ``consider`` for whoever draws above a bound
on their hazard, which ``consider`` would have sent nowhere either.
"""

import math
from collections import namedtuple

import numpy as np
from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.population import HOME

# This month's base log-odds, the log odds ratios of the push factors and the coefficients, the same for everyone.
ReturnTerms = namedtuple("ReturnTerms", "base_log_odds log_target_odds log_jobless_odds log_register_odds "
                                        "hostility_coef grievance_coef hostility border_open ban_risk")


def log_odds(probability):
    p = min(max(probability, 1e-9), 1.0 - 1e-9)
    return math.log(p / (1.0 - p))


def monthly_terms(v, seasonal_base) -> ReturnTerms:
    """This month's terms of the return hazard, computed once for everyone."""
    return ReturnTerms(base_log_odds=log_odds(seasonal_base), log_target_odds=math.log(v.return_target_odds),
                       log_jobless_odds=math.log(v.return_jobless_odds),
                       log_register_odds=math.log(v.return_register_odds), hostility_coef=v.return_hostility_coef,
                       grievance_coef=v.return_grievance_coef, hostility=v.hostility, border_open=v.border_open,
                       ban_risk=v.return_ban_risk_coef * v.overstay_ban_prob)


@njit(cache=True, inline="always")
def return_prob(terms, in_russia, target_reached, jobless, grievance, on_register, irregular=False):
    """Logistic hazard: base log-odds (seasonal) plus the push factors, less the ban an irregular migrant in Russia
    risks by leaving; nobody travels when borders are shut."""
    hostility = terms.hostility if in_russia else 0.0  # only Russia is hostile
    x = terms.base_log_odds + terms.hostility_coef * hostility + terms.grievance_coef * grievance
    if in_russia and irregular:
        x -= terms.ban_risk
    if target_reached:
        x += terms.log_target_odds
    if jobless:
        x += terms.log_jobless_odds
    if on_register:
        x += terms.log_register_odds
    return terms.border_open / (1.0 + math.exp(-x))


@njit(cache=True, inline="always")
def push_factors(people, i, savings_target_usd):
    """(savings target reached, jobless or earning nothing, on the register): the yes-or-no push factors."""
    return (people.savings_usd[i] >= savings_target_usd, not people.employed[i] or people.net_usd[i] <= 0.0,
            people.on_register[i])


@njit(cache=True, inline="always")
def arrive_home(people, households, i, month, deported, kept_share):
    """Move person ``i`` home; the savings and unsent money that survive (``kept_share``) go to the household."""
    carried = (people.savings_usd[i] + people.unsent_usd[i]) * kept_share
    households.earnings_usd[rs.unsigned(people.household[i])] += carried
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


@njit(cache=True, inline="always")
def consider(people, households, i, v, terms, in_russia, month, keys, tally):
    """A migrant abroad goes home with the return hazard; leaving Russia irregular risks a ban in absentia.
    Returns True if the person went home."""
    target_reached, jobless, on_register = push_factors(people, i, v.savings_target_usd)
    p = return_prob(terms, in_russia, target_reached, jobless, people.grievance[i], on_register,
                    not people.documented[i])
    if rs.uniform(keys[rs.RETURN], i) >= p:
        return False
    if in_russia and not people.documented[i] and rs.uniform(keys[rs.OVERSTAY_BAN], i) < v.overstay_ban_prob:
        people.ban_until[i] = month + int(v.entry_ban_months)
        tally[t.OVERSTAY_BANS] += 1
    arrive_home(people, households, i, month, False, 1.0)
    tally[t.RETURNS_VOLUNTARY] += 1
    return True


@njit(cache=True)
def upper_bounds(terms: ReturnTerms) -> np.ndarray:
    """Fast-engine shortcut: an upper bound on the return hazard by circumstance (in Russia, savings target reached,
    jobless, on the register: index 8, 4, 2, 1), ``return_prob`` at the grievance that raises it most and for a
    documented migrant (the ban risk can only lower it), with a margin for rounding."""
    most_grievance = 1.0 if terms.grievance_coef >= 0 else 0.0
    bounds = np.empty(16)
    for index in range(16):
        in_russia, target_reached, jobless, on_register = index >> 3, (index >> 2) & 1, (index >> 1) & 1, index & 1
        bounds[index] = return_prob(terms, in_russia == 1, target_reached == 1, jobless == 1, most_grievance,
                                    on_register == 1)
    return bounds * (1.0 + 1e-9)


@njit(cache=True, inline="always")
def surely_stays(people, i, v, in_russia, bounds, keys):
    """Fast-engine shortcut: whether the person's return draw lies above the bound for their circumstances, so
    that ``consider`` would keep them abroad, known without paying for the hazard's exponential."""
    target_reached, jobless, on_register = push_factors(people, i, v.savings_target_usd)
    return rs.uniform(keys[rs.RETURN], i) >= bounds[8 * in_russia + 4 * target_reached + 2 * jobless + on_register]
