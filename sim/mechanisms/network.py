"""Social network: each person has a few contacts (one in the household where possible, the rest in the region).
Ties outside the household decay: each month, with chance ``tie_rewire_prob``, a person replaces one of their
contacts outside the household, chosen at random, by a new person from the region (decaying ties, Klabunde 2014).
The lists of people by region that new contacts are drawn from are rebuilt every January, so recent entrants
become reachable within a year. New entrants get their contacts here. The network feeds the
departure choice (share of contacts at each destination) and the isolation condition of the risk indicator.
"""

import numpy as np
from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.population import GONE, VACANT


@njit(cache=True, inline="always")
def _region_lists(people, n, n_regions):
    """Counting sort of active rows by region; returns (order, starts) CSR lists."""
    counts = np.zeros(n_regions + 1, dtype=np.int64)
    for i in range(n):
        if people.location[i] != GONE and people.location[i] != VACANT:
            counts[people.region[i] + 1] += 1
    starts = np.cumsum(counts)
    fill = starts[:-1].copy()
    order = np.empty(starts[-1], dtype=np.int32)
    for i in range(n):
        if people.location[i] != GONE and people.location[i] != VACANT:
            order[fill[people.region[i]]] = i
            fill[people.region[i]] += 1
    return order, starts


def region_lists(people, n, n_regions):
    return _region_lists(people, n, n_regions)


@njit(cache=True, inline="always")
def _draw(order, starts, region, u):
    return order[starts[region] + int(u * (starts[region + 1] - starts[region]))]


@njit(cache=True, inline="always")
def update(people, i, v, order, starts, keys, tally):
    """For an active person: first contacts for a newcomer, else perhaps one tie replaced."""
    key = keys[rs.REWIRE]
    region = people.region[i]
    k = people.contacts.shape[1]
    if people.contacts[i, 0] < 0:
        for j in range(k):
            people.contacts[i, j] = _draw(order, starts, region, rs.uniform(key, 16 * i + j))
    elif k > 1 and rs.uniform(key, 16 * i) < v.tie_rewire_prob:
        j = 1 + int(rs.uniform(key, 16 * i + 1) * (k - 1))
        people.contacts[i, j] = _draw(order, starts, region, rs.uniform(key, 16 * i + 2))
        tally[t.REWIRED] += 1
