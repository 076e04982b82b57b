"""Remittances (docs/ODD.md §3 step 3, §7.6): how much a migrant sends home, and through which channel.

The model is the one the migration literature calls tempered altruism with a savings buffer (Lucas and Stark 1985;
Rapoport and Docquier 2006). A migrant sends a share ``remit_share_base`` of the net earnings they expect to make
in a month in work (their "permanent" earnings: a moving average of the net of paid months, with time constant
``remit_smoothing_months``; a newcomer starts from the expectation that made them go), plus a share
``remit_need_coef`` of the household's monthly shortfall below the poverty line: remittances compensate for income
lost at home (Yang and Choi 2007: about 60% of an income fall is replaced). Savings are the buffer: a month's
transfer is paid from the month's net and, when that falls short (a month without work, a fine), from savings, so a
fall in earnings reaches the household less than proportionally in the short run and fully only as the expectation
adjusts. What is not sent is saved (target earners). Money set aside is sent when the migrant gets round to it
(``remit_send_prob`` a month; transfers are lumpy: in July 2016 only 15% of households received one), split between
channels by ``channels``, each net of its fee.
"""

from numba import njit

from sim import random_streams as rs
from sim import tally as t


@njit(cache=True, inline="always")
def household_need_usd(households, household, poverty_line_usd):
    """The household's monthly shortfall below the poverty line, in USD: the poverty gap ratio of its 12-month average
    income per member (``households.need``) times the line times its members. This is the one place that turns the
    household's need into money a migrant can send."""
    members = households.agents[household] + households.dependants[household]
    return households.need[household] * poverty_line_usd * max(members, 1)


@njit(cache=True, inline="always")
def expected_net_usd(previous, net, smoothing_months):
    """The migrant's expected monthly net earnings, a moving average of the months' net with time constant
    ``smoothing_months``. A newcomer starts from the expectation that made them go (``conditions``)."""
    return previous + (net - previous) / smoothing_months


@njit(cache=True, inline="always")
def desired_usd(expected_net, need_usd, share, need_coef):
    return share * max(expected_net, 0.0) + need_coef * need_usd


@njit(cache=True, inline="always")
def set_aside_usd(desired, net, savings):
    """What goes home this month: the desired amount, paid from this month's net and savings (never below zero)."""
    return min(desired, max(savings + net, 0.0))


@njit(cache=True, inline="always")
def update(people, households, i, v, expected_abroad, formal_shares, poverty_line_usd, keys, tally):
    """``expected_abroad``: what a would-be migrant expects to clear per month, by destination and skill;
    ``formal_shares``: the month's formal share of a transfer by [documented, on the register]
    (``channels.formal_shares``)."""
    net = people.net_usd[i]
    household = rs.unsigned(people.household[i])
    previous = people.expected_net_usd[i]
    if people.spell_months[i] <= 1:  # the first month of a spell abroad
        previous = expected_abroad[people.location[i], people.skill[i]]
    # Expectations are of what a month in work clears; months without pay are met from savings (the buffer).
    expected = expected_net_usd(previous, net, v.remit_smoothing_months) if people.wage_usd[i] > 0.0 else previous
    people.expected_net_usd[i] = expected
    desired = desired_usd(expected, household_need_usd(households, household, poverty_line_usd),
                          v.remit_share_base, v.remit_need_coef)
    savings = people.savings_usd[i]
    amount = set_aside_usd(desired, net, savings)
    people.unsent_usd[i] += amount
    people.savings_usd[i] = max(savings + net - amount, 0.0)
    if people.unsent_usd[i] > 0.0 and rs.uniform(keys[rs.SEND], i) < v.remit_send_prob:
        formal = formal_shares[1 if people.documented[i] else 0, 1 if people.on_register[i] else 0]
        amount = people.unsent_usd[i]
        formal_usd = amount * formal * (1.0 - v.transfer_fee_formal)
        informal_usd = amount * (1.0 - formal) * (1.0 - v.transfer_fee_informal)
        households.remittances_usd[household] += formal_usd + informal_usd
        households.transfers[household] += 1
        tally[t.REMITTANCES_FORMAL_USD] += t.money_units(formal_usd)
        tally[t.REMITTANCES_INFORMAL_USD] += t.money_units(informal_usd)
        tally[t.SENDERS] += 1
        people.unsent_usd[i] = 0.0
