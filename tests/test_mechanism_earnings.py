"""Known answers for earnings abroad (sim/mechanisms/earnings.py)."""

import numpy as np
import pytest

from sim import tally as t
from sim.mechanisms import earnings
from sim.population import KAZAKHSTAN, RUSSIA, SKILL_WAGE


def test_destination_terms_convert_roubles_and_price_documents(world):
    w = world(1, location=RUSSIA, migrant_wage_rub=60_000, rub_per_usd=90.0, living_cost_share=0.4, hostility=0.5,
              hostility_wage_discount=0.1, patent_fee_rub=8_000, compliance_cost_rub=1_000,
              kazakhstan_wage_kzt=200_000, kzt_per_usd=500.0, living_cost_rub=20_000, russia_price_level=0.5)
    terms = earnings.destination_terms(w.v)
    assert terms[RUSSIA, earnings.REFERENCE_WAGE] == pytest.approx(60_000 / 90)
    # Living and compliance costs are set at 2025 prices and follow the price level; the patent fee is nominal.
    assert terms[RUSSIA, earnings.LIVING_COST] == pytest.approx(20_000 * 0.5 / 90)
    assert terms[RUSSIA, earnings.HOSTILITY_DISCOUNT] == pytest.approx(0.05)
    assert terms[RUSSIA, earnings.DOCUMENTED_COST] == pytest.approx((8_000 + 1_000 * 0.5) / 90)
    assert terms[KAZAKHSTAN, earnings.REFERENCE_WAGE] == pytest.approx(400)  # tenge at the tenge rate
    assert terms[KAZAKHSTAN, earnings.LIVING_COST] == pytest.approx(0.4 * 400)
    assert terms[KAZAKHSTAN, earnings.DOCUMENTED_COST] == 0


def test_wage_and_net_follow_their_formulas():
    assert earnings.gross_wage_usd(600.0, 1.5, False, 0.2, 0.1) == pytest.approx(600 * 1.5 * 0.9)
    assert earnings.gross_wage_usd(600.0, 1.5, True, 0.2, 0.1) == pytest.approx(600 * 1.5 * 0.9 * 0.8)
    assert earnings.net_earnings_usd(500.0, 200.0, 100.0, True) == 200.0
    assert earnings.net_earnings_usd(500.0, 200.0, 100.0, False) == 300.0


def test_irregular_workers_are_robbed_at_the_declared_rate_and_everyone_else_is_paid(world, within):
    w = world(30_000, location=RUSSIA, wage_theft_prob=0.2, grievance_extortion=0.3)
    p = w.people
    p.employed[:], p.skill[:] = True, 1
    p.documented[: w.n // 2] = True
    terms = earnings.destination_terms(w.v)
    for i in range(w.n):
        earnings.update(p, i, w.v, RUSSIA, terms, w.keys, w.tally)
    documented, irregular = slice(0, w.n // 2), slice(w.n // 2, w.n)
    wage = earnings.gross_wage_usd(terms[RUSSIA, earnings.REFERENCE_WAGE], SKILL_WAGE[1], False,
                                   w.v.irregular_wage_discount, terms[RUSSIA, earnings.HOSTILITY_DISCOUNT])
    assert np.allclose(p.wage_usd[documented], wage, rtol=1e-6)
    robbed = p.wage_usd[irregular] == 0
    assert within(robbed.mean(), 0.2, w.n // 2)
    assert w.tally[t.WAGE_THEFTS] == robbed.sum()
    assert np.allclose(p.grievance[irregular][robbed], 0.3)
    assert np.allclose(p.net_usd[documented], wage - terms[RUSSIA, 1] - terms[RUSSIA, 3], rtol=1e-6)
