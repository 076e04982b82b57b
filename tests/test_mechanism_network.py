"""Known answers for the social network (sim/mechanisms/network.py)."""

import numpy as np

from sim import tally as t
from sim.mechanisms import network
from sim.population import GONE


def scratch(n):
    return np.empty(n, np.bool_), np.empty(n, np.int32), np.empty(n, np.int32)


def test_region_lists_hold_the_active_people_of_each_region(world):
    w = world(6)
    p = w.people
    p.region[:] = [0, 1, 0, 1, 0, 1]
    p.location[2] = GONE
    order, starts = network.region_lists(p, 6, 2)
    assert list(order[starts[0]:starts[1]]) == [0, 4]
    assert list(order[starts[1]:starts[2]]) == [1, 3, 5]


def test_ties_outside_the_household_are_replaced_at_the_declared_rate(world, within):
    w = world(30_000, tie_rewire_prob=0.2)
    p = w.people
    p.contacts[:] = -5  # a marker no draw can give
    order, starts = network.region_lists(p, w.n, 1)
    network.update(p, w.v, 0, w.n, w.n, order, starts, w.keys, w.tally, *scratch(w.n))
    replaced = (p.contacts != -5).any(axis=1)
    assert within(replaced.mean(), 0.2, w.n)
    assert (p.contacts[:, 0] == -5).all()  # the household tie stays
    assert ((p.contacts != -5).sum(axis=1) <= 1).all()
    assert w.tally[t.REWIRED] == replaced.sum()


def test_newcomers_draw_all_their_contacts_from_their_region(world):
    w = world(1_000, tie_rewire_prob=0.0)
    p = w.people
    p.region[:] = np.arange(w.n) % 2
    p.contacts[900:] = -1
    order, starts = network.region_lists(p, 900, 2)
    network.update(p, w.v, 0, w.n, 900, order, starts, w.keys, w.tally, *scratch(w.n))
    newcomers = p.contacts[900:]
    assert (newcomers >= 0).all() and (newcomers < 900).all()
    assert (p.region[newcomers] == p.region[900:, None]).all()
