"""Known answers for naturalisation (sim/mechanisms/naturalisation.py)."""

import numpy as np

from sim import tally as t
from sim.mechanisms import naturalisation
from sim.population import GONE, RUSSIA


def test_only_documented_migrants_long_in_russia_are_eligible():
    months = naturalisation.ELIGIBLE_AFTER_MONTHS
    assert naturalisation.eligible(True, True, months)
    assert not naturalisation.eligible(True, True, months - 1)
    assert not naturalisation.eligible(True, False, months)
    assert not naturalisation.eligible(False, True, months)


def test_the_eligible_naturalise_at_the_declared_rate_and_leave(world, within):
    w = world(40_000, location=RUSSIA, naturalisation_rate=0.05)
    p = w.people
    p.documented[:] = True
    p.experience_months[: w.n // 2] = naturalisation.ELIGIBLE_AFTER_MONTHS
    left = np.array([naturalisation.update(p, i, w.v, w.keys, w.tally) for i in range(w.n)])
    assert within(left[: w.n // 2].mean(), 0.05, w.n // 2)
    assert not left[w.n // 2:].any()
    assert (p.location[left] == GONE).all() and w.tally[t.NATURALISATIONS] == left.sum()
