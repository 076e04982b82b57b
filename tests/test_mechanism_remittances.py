"""Known answers for remittances (sim/mechanisms/remittances.py)."""

import numpy as np
import pytest

from sim import tally as t
from sim.mechanisms import remittances
from sim.population import RUSSIA


def test_the_shares_follow_their_formulas():
    assert remittances.hardship(50.0, 200.0) == pytest.approx(0.75)
    assert remittances.hardship(500.0, 200.0) == 0.0
    assert remittances.remit_share(0.5, 0.25, 0.5, 0.2, 0.4) == pytest.approx(0.5 + 0.1 - 0.1)
    assert remittances.informal_share(True, 0.2, 0.1) == 1.0
    assert remittances.informal_share(False, 0.2, 0.1) == pytest.approx(0.3)


def test_money_adds_up_and_is_sent_at_the_declared_rate(world, within):
    w = world(30_000, location=RUSSIA, households=30_000, remit_send_prob=0.4, remit_share_base=0.5,
              remit_need_coef=0.0, remit_hardship_coef=0.0, transfer_fee_formal=0.02, transfer_fee_informal=0.05,
              informal_share_base=0.3, informal_channel_push=0.0)
    p = w.people
    p.household[:] = np.arange(w.n)
    p.net_usd[:] = 200.0
    p.on_register[: w.n // 2] = True
    for i in range(w.n):
        remittances.update(p, w.households, i, w.v, w.keys, w.tally)
    sent = p.unsent_usd == 0
    assert within(sent.mean(), 0.4, w.n)
    assert np.allclose(p.savings_usd, 100.0) and np.allclose(p.unsent_usd[~sent], 100.0)
    listed_senders = sent[: w.n // 2].sum()
    others = sent[w.n // 2:].sum()
    expected_informal = listed_senders * 100 * 0.95 + others * 100 * 0.3 * 0.95
    expected_formal = others * 100 * 0.7 * 0.98
    assert w.tally[t.REMITTANCES_INFORMAL_USD] == pytest.approx(expected_informal, rel=1e-6)
    assert w.tally[t.REMITTANCES_FORMAL_USD] == pytest.approx(expected_formal, rel=1e-6)
    received = w.households.remittances_usd
    assert received.sum(dtype=np.float64) == pytest.approx(expected_formal + expected_informal, rel=1e-6)
    assert np.array_equal(received > 0, sent)
    assert w.tally[t.SENDERS] == sent.sum()


def test_losses_are_met_from_savings(world):
    w = world(1)
    p = w.people
    p.location[0], p.net_usd[0], p.savings_usd[0] = RUSSIA, -150.0, 100.0
    remittances.update(p, w.households, 0, w.v, w.keys, w.tally)
    assert p.savings_usd[0] == 0.0 and p.unsent_usd[0] == 0.0
