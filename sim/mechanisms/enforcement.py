"""Enforcement in Russia: police checks, fines and extortion, detention and expulsion with an entry ban, and
expulsion from the 'controlled persons' register (docs/ODD.md §3 step 2, §7.4).

Each month an irregular migrant in Russia is checked with chance ``raid_intensity``, a documented one with chance
``documented_check_share`` x ``raid_intensity`` (papers in order draw fewer checks, hence less extortion). A check
aggrieves. An irregular migrant
who is checked is expelled with chance ``expulsion_given_irregular``; otherwise the check may cost a fine or a
bribe. Independently, a person on the register is expelled with chance ``register_expulsion_prob``. Expulsion
means deportation home, loss of part of one's savings and a re-entry ban of ``entry_ban_months`` (Federal Law
114-FZ art. 27).

Kazakhstan enforces too, far more lightly: a migrant there is expelled home with chance
``kazakhstan_expulsion_prob`` a month, losing part of their savings like a deportee from Russia, with no Russian ban.
"""

from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms.grievance import aggrieve
from sim.mechanisms.returns import arrive_home
from sim.mechanisms.russian_prices import at_prices_usd


@njit(cache=True, inline="always")
def check_prob(documented, raid_intensity, documented_check_share):
    return raid_intensity * documented_check_share if documented else raid_intensity


@njit(cache=True, inline="always")
def expulsion_prob(irregular, expulsion_given_irregular):
    return expulsion_given_irregular if irregular else 0.0


def deportation_risk_pct(v, irregular_share, register_share_of_irregular) -> float:
    """Expected monthly chance of deportation, in percent, for someone arriving in Russia now (used by departures)."""
    per_irregular = v.raid_intensity * v.expulsion_given_irregular + \
        register_share_of_irregular * v.register_expulsion_prob
    return 100.0 * irregular_share * per_irregular


@njit(cache=True, inline="always")
def update(people, households, i, v, month, keys, tally):
    """For a person in Russia; returns True if the person was deported."""
    expel = False
    if rs.uniform(keys[rs.CHECK], i) < check_prob(people.documented[i], v.raid_intensity, v.documented_check_share):
        tally[t.CHECKS] += 1
        people.grievance[i] = aggrieve(people.grievance[i], v.grievance_check)
        u = rs.uniform(keys[rs.CHECK_OUTCOME], i)
        p_expel = expulsion_prob(not people.documented[i], v.expulsion_given_irregular)
        if u < p_expel:
            expel = True
        elif u < p_expel + (1.0 - p_expel) * v.extortion_prob:
            tally[t.EXTORTIONS] += 1
            people.net_usd[i] -= at_prices_usd(v.extortion_rub, v)
            people.grievance[i] = aggrieve(people.grievance[i], v.grievance_extortion)
    if not expel and people.on_register[i] and rs.uniform(keys[rs.REGISTER_EXPULSION], i) < \
            v.register_expulsion_prob:
        expel = True
        tally[t.REGISTER_EXPULSIONS] += 1
    if expel:
        tally[t.DEPORTATIONS] += 1
        people.ban_until[i] = month + int(v.entry_ban_months)
        people.grievance[i] = aggrieve(people.grievance[i], v.grievance_deportation)
        arrive_home(people, households, i, month, True, 1.0 - v.deportation_savings_loss)
    return expel


@njit(cache=True, inline="always")
def update_kazakhstan(people, households, i, v, month, keys, tally):
    """For a person in Kazakhstan; returns True if the person was expelled."""
    if rs.uniform(keys[rs.EXPULSION_KAZAKHSTAN], i) >= v.kazakhstan_expulsion_prob:
        return False
    tally[t.EXPULSIONS_KAZAKHSTAN] += 1
    people.grievance[i] = aggrieve(people.grievance[i], v.grievance_deportation)
    arrive_home(people, households, i, month, True, 1.0 - v.deportation_savings_loss)
    return True
