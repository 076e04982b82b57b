"""Remittances (docs/ODD.md §3 step 3, §7.6).

A migrant sets aside a share of positive net earnings for home and saves the rest (target earners). The share rises
with the household's need (its poverty gap) and falls with the migrant's own hardship (net earnings below
``hardship_reference_usd``). Money set aside is sent when the migrant gets round to it (``remit_send_prob`` a
month; transfers are lumpy: in July 2016 only 15% of households received one). A transfer is split between formal
channels (bank and money-transfer systems, which official statistics see) and informal ones (couriers, cash,
card-to-card), each net of its fee. A person on the register has no bank access and can only send informally.
Losses (negative net earnings) are met from savings.
"""

from numba import njit

from sim import random_streams as rs
from sim import tally as t


@njit(cache=True, inline="always")
def hardship(net_usd, hardship_reference_usd):
    return min(max(1.0 - net_usd / hardship_reference_usd, 0.0), 1.0)


@njit(cache=True, inline="always")
def remit_share(need, own_hardship, base, need_coef, hardship_coef):
    return min(max(base + need_coef * need - hardship_coef * own_hardship, 0.0), 1.0)


@njit(cache=True, inline="always")
def informal_share(on_register, base, push):
    if on_register:
        return 1.0
    return min(max(base + push, 0.0), 1.0)


@njit(cache=True, inline="always")
def update(people, households, i, v, keys, tally):
    net = people.net_usd[i]
    household = people.household[i]
    if net > 0.0:
        share = remit_share(households.need[household], hardship(net, v.hardship_reference_usd),
                            v.remit_share_base, v.remit_need_coef, v.remit_hardship_coef)
        people.unsent_usd[i] += share * net
        people.savings_usd[i] += (1.0 - share) * net
    else:
        people.savings_usd[i] = max(people.savings_usd[i] + net, 0.0)
    if people.unsent_usd[i] > 0.0 and rs.uniform(keys[rs.SEND], i) < v.remit_send_prob:
        informal = informal_share(people.on_register[i], v.informal_share_base, v.informal_channel_push)
        amount = people.unsent_usd[i]
        formal_usd = amount * (1.0 - informal) * (1.0 - v.transfer_fee_formal)
        informal_usd = amount * informal * (1.0 - v.transfer_fee_informal)
        households.remittances_usd[household] += formal_usd + informal_usd
        tally[t.REMITTANCES_FORMAL_USD] += formal_usd
        tally[t.REMITTANCES_INFORMAL_USD] += informal_usd
        tally[t.SENDERS] += 1
        people.unsent_usd[i] = 0.0
