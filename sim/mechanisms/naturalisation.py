"""Naturalisation: documented migrants with three or more years in Russia may take Russian citizenship, which takes
them out of the migrant stock and out of the model (docs/ODD.md §3 step 4, §7.8). 29k (2017) to 104k (2021)
Tajiks a year did so.
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
def update(people, i, v, keys, tally):
    """For a person still in Russia; returns True if the person naturalised."""
    if eligible(True, people.documented[i], people.experience_months[i]) and \
            rs.uniform(keys[rs.NATURALISE], i) < v.naturalisation_rate:
        people.location[i] = GONE
        people.employed[i] = False
        tally[t.NATURALISATIONS] += 1
        return True
    return False
