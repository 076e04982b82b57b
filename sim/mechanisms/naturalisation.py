"""Naturalisation: documented migrants with three or more years in Russia may take Russian citizenship, which takes
them out of the migrant stock and out of the model (docs/ODD.md §3 step 4, §7.8). 29k (2017) to 104k (2021)
Tajiks a year did so.

The naturalised keep sending money home, at a declining rate: on naturalising, a share
``naturalised_remit_share`` of the month's net earnings becomes a monthly transfer to the household, which falls by
``naturalised_remit_decay`` a month as ties loosen and families join them (the remittance-decay hypothesis). It goes
through formal channels (citizens have bank accounts) and, like a migrant's, is sent in a given month with chance
``remit_send_prob``, in amounts that keep the expected flow (a household's draw, on its own random stream).
"""

from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.population import GONE

# Russian simplified naturalisation generally needs some years of legal residence; 36 months is assumed.
ELIGIBLE_AFTER_MONTHS = 36


@njit(cache=True, inline="always")
def eligible(in_russia, documented, experience_months):
    return in_russia and documented and experience_months >= ELIGIBLE_AFTER_MONTHS


@njit(cache=True, inline="always")
def update(people, households, i, v, keys, tally):
    """For a person still in Russia; returns True if the person naturalised."""
    if eligible(True, people.documented[i], people.experience_months[i]) and \
            rs.uniform(keys[rs.NATURALISE], i) < v.naturalisation_rate:
        people.location[i] = GONE
        people.employed[i] = False
        households.naturalised_remit_usd[rs.unsigned(people.household[i])] += v.naturalised_remit_share * \
            max(people.net_usd[i], 0.0)
        tally[t.NATURALISATIONS] += 1
        return True
    return False


@njit(cache=True)
def diaspora_transfers(households, v, keys, tally):
    """This month's transfers from the naturalised to their households (formal), then their decline."""
    sent = 0.0
    keep = 1.0 - v.naturalised_remit_decay
    key = keys[rs.DIASPORA_SEND]
    for h in range(households.naturalised_remit_usd.shape[0]):
        amount = households.naturalised_remit_usd[h]
        if amount > 0.0:
            if rs.uniform(key, h) < v.remit_send_prob:
                households.remittances_usd[h] += amount / v.remit_send_prob
                households.transfers[h] += 1
                sent += amount / v.remit_send_prob
            households.naturalised_remit_usd[h] = amount * keep
    tally[t.REMITTANCES_FORMAL_USD] += t.money_units(sent)
