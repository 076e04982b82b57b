"""Known answers for naturalisation (sim/mechanisms/naturalisation.py)."""

import numpy as np
import pytest

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
    left = np.array([naturalisation.update(p, w.households, i, w.v, w.keys, w.tally) for i in range(w.n)])
    assert within(left[: w.n // 2].mean(), 0.05, w.n // 2)
    assert not left[w.n // 2:].any()
    assert (p.location[left] == GONE).all() and w.tally[t.NATURALISATIONS] == left.sum()


def test_the_naturalised_keep_remitting_at_a_declining_rate(world):
    w = world(10, households=2, location=RUSSIA, naturalisation_rate=1.0, naturalised_remit_share=0.4,
              naturalised_remit_decay=0.1, remit_send_prob=1.0)
    p = w.people
    p.documented[:] = True
    p.experience_months[:] = naturalisation.ELIGIBLE_AFTER_MONTHS
    p.household[5:] = 1
    p.net_usd[:] = 500.0
    p.net_usd[9] = -50.0  # a loss this month sends nothing
    for i in range(w.n):
        naturalisation.update(p, w.households, i, w.v, w.keys, w.tally)
    hh = w.households
    assert hh.naturalised_remit_usd.tolist() == pytest.approx([5 * 0.4 * 500, 4 * 0.4 * 500])
    sent = []
    for _ in range(3):
        hh.remittances_usd[:] = 0
        before = w.tally[t.REMITTANCES_FORMAL_USD]
        naturalisation.diaspora_transfers(hh, w.v, w.keys, w.tally)
        sent.append(hh.remittances_usd.sum())
        assert (w.tally[t.REMITTANCES_FORMAL_USD] - before) / t.MONEY_UNITS_PER_USD == pytest.approx(sent[-1])
    assert sent == pytest.approx([1800.0, 1800.0 * 0.9, 1800.0 * 0.81], rel=1e-6)


def test_the_naturalised_send_as_often_as_migrants_and_keep_the_expected_flow(world, within):
    w = world(1, households=40_000, remit_send_prob=0.25, naturalised_remit_decay=0.0)
    hh = w.households
    hh.naturalised_remit_usd[:] = 100.0
    naturalisation.diaspora_transfers(hh, w.v, w.keys, w.tally)
    received = hh.remittances_usd > 0
    assert within(received.mean(), 0.25, hh.remittances_usd.size)
    assert (hh.remittances_usd[received] == pytest.approx(400.0)) and (hh.naturalised_remit_usd == 100.0).all()
    assert np.array_equal(hh.transfers, received)  # each counts as one transfer
