"""Russian entry bans in force, and their amnesty (docs/ODD.md §3 step 5, §7.15).

Bans are given by expulsion (``enforcement``) and in absentia to irregular migrants leaving Russia (``returns``);
each runs to a fixed month. An amnesty lifts a share ``ban_amnesty_share`` of the bans in force in the month it is
set, whoever and wherever the banned person is, as the 2016 partial amnesty did (~400k banned before, 151k after,
analysis/data/facts.md). A person who has left the model (retired or naturalised) is no longer in the ban stock the
share applies to (the census counts only people still in the model), so their ban is neither lifted nor counted.
Both engines call ``amnesty`` over all rows after the departures of the month, only in months with an amnesty.
"""

from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.population import GONE


@njit(cache=True, inline="always")
def banned(ban_until, month):
    return ban_until > month


@njit(cache=True)
def amnesty(people, v, start, stop, month, keys, tally):
    """Lift each ban in force among rows ``start``..``stop`` of people still in the model with chance
    ``ban_amnesty_share``: the ban ends now."""
    key = keys[rs.AMNESTY]
    lifted = 0
    for i in range(start, stop):
        if people.location[i] < GONE and banned(people.ban_until[i], month) and \
                rs.uniform(key, i) < v.ban_amnesty_share:
            people.ban_until[i] = month
            lifted += 1
    tally[t.BANS_LIFTED] += lifted
