"""Known answers for the return decision (sim/mechanisms/returns.py)."""

import math

import numpy as np
import pytest

from sim import tally as t
from sim.mechanisms import returns
from sim.population import HOME, RUSSIA


def logit(p):
    return math.log(p / (1 - p))


def terms_for(v, base=0.05):
    return returns.monthly_terms(v, base)


@pytest.mark.parametrize("factor, coefficient", [("target", "return_target_odds"), ("jobless", "return_jobless_odds"),
                                                  ("register", "return_register_odds")])
def test_each_push_factor_multiplies_the_odds_by_its_declared_ratio(world, factor, coefficient):
    w = world(1, **{coefficient: 3.5})
    terms = terms_for(w.v)
    flags = {"target_reached": False, "jobless": False, "on_register": False}
    base = returns.return_prob(terms, False, grievance=0.0, **flags)
    flags[{"target": "target_reached", "jobless": "jobless", "register": "on_register"}[factor]] = True
    pushed = returns.return_prob(terms, False, grievance=0.0, **flags)
    assert math.exp(logit(pushed) - logit(base)) == pytest.approx(3.5, rel=1e-9)


def test_grievance_and_hostility_shift_the_log_odds_by_their_coefficients(world):
    w = world(1, return_grievance_coef=0.8, return_hostility_coef=1.5, hostility=0.4)
    terms = terms_for(w.v)
    calm = returns.return_prob(terms, False, False, False, 0.0, False)
    aggrieved = returns.return_prob(terms, False, False, False, 0.5, False)
    assert logit(aggrieved) - logit(calm) == pytest.approx(0.8 * 0.5, rel=1e-9)
    in_russia = returns.return_prob(terms, True, False, False, 0.0, False)
    assert logit(in_russia) - logit(calm) == pytest.approx(1.5 * 0.4, rel=1e-9)
    assert logit(calm) == pytest.approx(logit(0.05), rel=1e-9)


def test_irregular_migrants_in_russia_weigh_the_ban_they_risk_by_leaving(world):
    w = world(1, return_ban_risk_coef=4.0, overstay_ban_prob=0.25)
    terms = terms_for(w.v)
    documented = returns.return_prob(terms, True, False, False, 0.0, False, False)
    irregular = returns.return_prob(terms, True, False, False, 0.0, False, True)
    assert logit(documented) - logit(irregular) == pytest.approx(4.0 * 0.25, rel=1e-9)
    # Outside Russia there is no Russian ban to risk.
    assert returns.return_prob(terms, False, False, False, 0.0, False, True) == \
        returns.return_prob(terms, False, False, False, 0.0, False, False)
    # With no ban risk there is no lock-in.
    free = terms_for(world(1, return_ban_risk_coef=4.0, overstay_ban_prob=0.0).v)
    assert returns.return_prob(free, True, False, False, 0.0, False, True) == pytest.approx(documented)


def test_nobody_returns_when_borders_are_shut(world):
    w = world(1, border_open=0.0)
    assert returns.return_prob(terms_for(w.v), True, True, True, 1.0, True) == 0.0


def abroad(w, **columns):
    p = w.people
    p.location[:] = RUSSIA
    p.employed[:] = True
    p.net_usd[:] = 300.0
    p.documented[:] = True
    for name, value in columns.items():
        getattr(p, name)[:] = value
    return p


def decide_all(w, terms, in_russia=True):
    return np.array([returns.consider(w.people, w.households, i, w.v, terms, in_russia, w.month, w.keys, w.tally)
                     for i in range(w.n)])


def test_returns_happen_at_the_hazard_and_move_people_home_with_their_money(world, within):
    w = world(20_000, return_jobless_odds=4.0)
    p = abroad(w, employed=False, savings_usd=100.0, unsent_usd=20.0)
    terms = terms_for(w.v, base=0.1)
    expected = returns.return_prob(terms, True, False, True, 0.0, False)
    went = decide_all(w, terms)
    assert within(went.mean(), expected, w.n)
    assert w.tally[t.RETURNS_VOLUNTARY] == went.sum()
    assert (p.location[went] == HOME).all() and (p.location[~went] == RUSSIA).all()
    assert not p.employed[went].any() and (p.returned_month[went] == w.month).all()
    assert (p.savings_usd[went] == 0).all() and (p.unsent_usd[went] == 0).all()
    assert w.households.earnings_usd[0] == pytest.approx(120.0 * went.sum(), rel=1e-5)


@pytest.mark.parametrize("ban_prob", [0.0, 0.3, 1.0])
def test_irregular_migrants_leaving_russia_are_banned_at_the_declared_rate(world, within, ban_prob):
    w = world(20_000, overstay_ban_prob=ban_prob, return_base_prob=0.5, entry_ban_months=60)
    p = abroad(w, documented=False)
    went = decide_all(w, terms_for(w.v, base=0.5))
    banned = p.ban_until > w.month
    assert not banned[~went].any()
    assert within(banned[went].mean(), ban_prob, went.sum())
    assert (p.ban_until[banned] == w.month + 60).all()


def test_the_fast_engines_bound_never_keeps_abroad_someone_who_would_return(world):
    w = world(20_000, return_grievance_coef=2.0, hostility=0.7)
    p = abroad(w)
    rng = np.random.default_rng(1)
    p.grievance[:] = rng.random(w.n)
    p.employed[:] = rng.random(w.n) < 0.5
    p.on_register[:] = rng.random(w.n) < 0.3
    p.documented[:] = rng.random(w.n) < 0.5
    p.savings_usd[:] = rng.random(w.n) * 2 * w.v.savings_target_usd
    terms = terms_for(w.v, base=0.02)
    bounds = returns.upper_bounds(terms)
    skipped = np.array([returns.surely_stays(p, i, w.v, True, bounds, w.keys) for i in range(w.n)])
    went = decide_all(w, terms)
    assert skipped.mean() > 0.5  # the shortcut does skip most people
    assert not (skipped & went).any()
