"""Known answers for enforcement in Russia (sim/mechanisms/enforcement.py)."""

import numpy as np
import pytest

from sim import tally as t
from sim.mechanisms import enforcement
from sim.population import HOME, KAZAKHSTAN, NO_MONTH, RUSSIA


def run(w):
    return np.array([enforcement.update(w.people, w.households, i, w.v, w.month, w.keys, w.tally)
                     for i in range(w.n)])


def test_checks_and_expulsions_happen_at_their_declared_rates(world, within):
    w = world(60_000, location=RUSSIA, raid_intensity=0.2, expulsion_given_irregular=0.3, extortion_prob=0.5,
              register_expulsion_prob=0.0, entry_ban_months=60, deportation_savings_loss=0.25,
              documented_check_share=1.0)
    p = w.people
    p.documented[: w.n // 2] = True
    p.savings_usd[:] = 100.0
    deported = run(w)
    checks = w.tally[t.CHECKS]
    assert within(checks / w.n, 0.2, w.n)
    assert not deported[: w.n // 2].any()  # a check never expels the documented
    irregular_checked = checks / 2
    assert within(deported.sum() / irregular_checked, 0.3, irregular_checked, sds=6)
    assert within(w.tally[t.EXTORTIONS] / (checks - deported.sum()), 0.5, checks - deported.sum(), sds=6)
    assert (p.location[deported] == HOME).all() and p.deported[deported].all()
    assert (p.ban_until[deported] == w.month + 60).all()
    assert w.households.earnings_usd[0] == pytest.approx(75.0 * deported.sum(), rel=1e-5)
    assert w.tally[t.DEPORTATIONS] == deported.sum()


def test_the_register_expels_at_its_declared_rate(world, within):
    w = world(40_000, location=RUSSIA, raid_intensity=0.0, register_expulsion_prob=0.1)
    p = w.people
    p.on_register[: w.n // 2] = True
    deported = run(w)
    assert within(deported[: w.n // 2].mean(), 0.1, w.n // 2)
    assert not deported[w.n // 2:].any()
    assert w.tally[t.REGISTER_EXPULSIONS] == deported.sum()


def test_the_deportation_risk_a_newcomer_expects():
    from types import SimpleNamespace

    v = SimpleNamespace(raid_intensity=0.1, expulsion_given_irregular=0.2, register_expulsion_prob=0.05)
    assert enforcement.deportation_risk_pct(v, 0.5, 0.4) == pytest.approx(100 * 0.5 * (0.02 + 0.02))


def test_kazakhstan_expels_at_its_own_rate_without_a_russian_ban(world, within):
    w = world(40_000, location=KAZAKHSTAN, kazakhstan_expulsion_prob=0.05, deportation_savings_loss=0.5)
    p = w.people
    p.savings_usd[:] = 100.0
    expelled = np.array([enforcement.update_kazakhstan(p, w.households, i, w.v, w.month, w.keys, w.tally)
                         for i in range(w.n)])
    assert within(expelled.mean(), 0.05, w.n)
    assert w.tally[t.EXPULSIONS_KAZAKHSTAN] == expelled.sum() and w.tally[t.DEPORTATIONS] == 0
    assert (p.location[expelled] == HOME).all() and (p.location[~expelled] == KAZAKHSTAN).all()
    assert p.deported[expelled].all() and (p.ban_until == NO_MONTH).all()
    assert w.households.earnings_usd[0] == pytest.approx(50.0 * expelled.sum(), rel=1e-5)


def test_documented_migrants_are_checked_less(world, within):
    w = world(60_000, location=RUSSIA, raid_intensity=0.2, documented_check_share=0.25, register_expulsion_prob=0.0)
    w.people.documented[: w.n // 2] = True
    before = w.people.grievance.copy()
    run(w)
    checked = w.people.grievance > before  # a check aggrieves
    assert within(checked[: w.n // 2].mean(), 0.2 * 0.25, w.n // 2)
    assert within(checked[w.n // 2:].mean(), 0.2, w.n // 2)
    assert enforcement.check_prob(True, 0.2, 0.25) == pytest.approx(0.05)
    assert enforcement.check_prob(False, 0.2, 0.25) == 0.2
