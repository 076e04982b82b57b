"""Social network: each person has a few contacts (one in the household where possible, the rest in the region).
Ties outside the household decay: each month, with chance ``tie_rewire_prob``, a person replaces one of their
contacts outside the household, chosen at random, by a new person from the region (decaying ties, Klabunde 2014).
The lists of people by region that new contacts are drawn from are rebuilt every January, so recent entrants
become reachable within a year. New entrants get their contacts here. The network feeds the
departure choice (share of contacts at each destination).
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
def update(people, v, start, stop, newcomers, order, starts, keys, tally, drawn, rows, picks):
    """For everyone active among rows ``start`` to ``stop - 1``: newcomers (rows from ``newcomers`` on) get their
    first contacts; everyone else may replace one tie.

    Shortcut (same result as deciding person by person): every row below ``newcomers`` has contacts (synthesis
    gives everyone contacts, entrants get theirs in their first month), so the draws that decide who replaces a
    tie are taken for everyone at once (SIMD) into ``drawn``; the few who do are then listed in ``rows`` and their
    new contacts looked up in a tight loop into ``picks``, where the processor can overlap the cache misses.
    ``drawn``, ``rows`` and ``picks`` are scratch space."""
    key = keys[rs.REWIRE]
    k = people.contacts.shape[1]
    for i in range(max(start, newcomers), stop):
        for j in range(k):
            people.contacts[i, j] = _draw(order, starts, people.region[i], rs.uniform(key, 16 * i + j))
    stop = min(stop, newcomers)
    if k <= 1:
        return
    p = v.tie_rewire_prob
    for i in rs.rows(start, stop):
        drawn[i] = (people.location[i] < GONE) & (rs.uniform(key, np.uint64(16) * i) < p)
    count = 0
    for i in rs.rows(start, stop):
        rows[count] = i
        count += drawn[i]
    for c in range(count):
        i = rows[c]
        picks[c] = _draw(order, starts, people.region[i], rs.uniform(key, 16 * i + 2))
    for c in range(count):
        i = rows[c]
        people.contacts[i, 1 + int(rs.uniform(key, 16 * i + 1) * (k - 1))] = picks[c]
    tally[t.REWIRED] += count
