"""Known answers for entry bans and their amnesty (sim/mechanisms/bans.py)."""

import numpy as np
import pytest

from sim import tally as t
from sim.mechanisms import bans
from sim.population import GONE, HOME, KAZAKHSTAN, NO_MONTH


@pytest.mark.parametrize("share", [0.0, 0.4, 1.0])
def test_an_amnesty_lifts_its_share_of_the_bans_in_force_and_no_other(world, within, share):
    w = world(40_000, ban_amnesty_share=share)
    p = w.people
    p.ban_until[: w.n // 2] = w.month + 30          # in force
    p.ban_until[w.n // 2: 3 * w.n // 4] = w.month   # ran out this month
    p.ban_until[3 * w.n // 4:] = NO_MONTH           # never banned
    bans.amnesty(p, w.v, 0, w.n, w.month, w.keys, w.tally)
    in_force = p.ban_until[: w.n // 2]
    lifted = in_force == w.month
    assert ((in_force == w.month + 30) | lifted).all()
    assert within(lifted.mean(), share, w.n // 2)
    assert w.tally[t.BANS_LIFTED] == lifted.sum()
    assert (p.ban_until[w.n // 2: 3 * w.n // 4] == w.month).all() and (p.ban_until[3 * w.n // 4:] == NO_MONTH).all()
    assert not bans.banned(p.ban_until[: w.n // 2][lifted], w.month).any()  # a lifted ban is over now


def test_an_amnesty_is_the_same_whichever_rows_are_walked_first(world):
    whole, parts = world(1_000, ban_amnesty_share=0.5), world(1_000, ban_amnesty_share=0.5)
    for w in (whole, parts):
        w.people.ban_until[:] = w.month + 12
    bans.amnesty(whole.people, whole.v, 0, 1_000, whole.month, whole.keys, whole.tally)
    bans.amnesty(parts.people, parts.v, 500, 1_000, parts.month, parts.keys, parts.tally)
    bans.amnesty(parts.people, parts.v, 0, 500, parts.month, parts.keys, parts.tally)
    np.testing.assert_array_equal(whole.people.ban_until, parts.people.ban_until)


def test_an_amnesty_leaves_the_bans_of_people_who_left_the_model_alone(world):
    # bans_lifted is the fall of banned_stock, which counts only people still in the model: a retired or
    # naturalised person's ban is not in the stock, so an amnesty of every ban lifts (and counts) only the stock.
    w = world(4, ban_amnesty_share=1.0)
    p = w.people
    p.location[:] = [HOME, KAZAKHSTAN, GONE, GONE]
    p.ban_until[:] = w.month + 30
    bans.amnesty(p, w.v, 0, w.n, w.month, w.keys, w.tally)
    assert list(p.ban_until) == [w.month, w.month, w.month + 30, w.month + 30]
    assert w.tally[t.BANS_LIFTED] == 2
