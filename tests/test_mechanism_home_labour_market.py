"""Known answers for the home labour market (sim/mechanisms/home_labour_market.py)."""

import math

import numpy as np
import pytest

from sim import tally as t
from sim.mechanisms import home_labour_market as market
from sim.population import HOME, RUSSIA, SKILL_WAGE


def test_hires_follow_the_matching_function_and_capacity():
    assert market.hires(400.0, 100.0, 0.5) == pytest.approx(0.5 * math.sqrt(400 * 100))
    assert market.hires(4.0, 100.0, 5.0) == 4.0  # never more than the unemployed
    find, separation, vacancies = market.monthly_rates(1_000.0, 900.0, 100.0, 0.02, 0.5)
    assert vacancies == 100.0
    assert find == pytest.approx(0.5 * math.sqrt(100 * 100) / 100)
    assert separation == pytest.approx(0.02)
    _, separation, vacancies = market.monthly_rates(800.0, 1_000.0, 100.0, 0.02, 0.5)
    assert vacancies == 0 and separation == pytest.approx(0.02 + 0.2)  # the excess over capacity is laid off


def test_the_steady_state_vacancies_balance_hires_and_separations():
    employed, unemployed, s, m = 900.0, 100.0, 0.02, 0.4
    vacancies = market.steady_state_vacancies(employed, unemployed, s, m)
    assert market.hires(unemployed, vacancies, m) == pytest.approx(s * employed)


def test_the_months_terms_count_arrivals_as_jobless_and_resting_returnees_out(world):
    w = world(1, returnee_rest_months=0, home_separation_rate=0.02, matching_efficiency=0.5)
    w.tally[[t.STAYERS_EMPLOYED, t.STAYERS_JOBLESS, t.DEPORTATIONS, t.RETURNS_VOLUNTARY]] = [900, 60, 15, 25]
    terms = market.monthly_terms(1_000.0, w.tally, w.v, np.array([300.0]))
    assert (terms.find_rate, terms.separation, terms.vacancies) == market.monthly_rates(1_000.0, 900, 100, 0.02, 0.5)
    w = world(1, returnee_rest_months=3, home_separation_rate=0.02, matching_efficiency=0.5)
    w.tally[[t.STAYERS_EMPLOYED, t.STAYERS_JOBLESS, t.DEPORTATIONS, t.RETURNS_VOLUNTARY]] = [900, 60, 15, 25]
    terms = market.monthly_terms(1_000.0, w.tally, w.v, np.array([300.0]))
    assert terms.find_rate == market.monthly_rates(1_000.0, 900, 75, 0.02, 0.5)[0]


def test_voluntary_returnees_rest_before_searching():
    assert not market.searching(100, False, 101, 3)
    assert market.searching(100, False, 103, 3)
    assert market.searching(100, True, 101, 3)


def test_hiring_and_separation_happen_at_the_months_rates_and_wages_are_paid(world, within):
    w = world(40_000, households=2)
    p = w.people
    p.employed[: w.n // 2] = True
    p.household[w.n // 2:] = 1
    p.location[-100:] = RUSSIA  # people abroad are left alone
    p.returned_month[-200:-100] = w.month  # resting returnees do not search
    terms = market.MarketTerms(find_rate=0.3, separation=0.1, vacancies=0.0, region_wage_usd=np.array([1_000.0]),
                               rest_months=3)
    market.work(p, 0, w.n, terms, w.month, w.keys)
    half = w.n // 2
    assert within(1 - p.employed[:half].mean(), 0.1, half)
    searchers = slice(half, w.n - 200)
    assert within(p.employed[searchers].mean(), 0.3, w.n - 200 - half)
    assert not p.employed[-200:].any()
    assert (p.unemployed_months[:half][~p.employed[:half]] == 1).all()
    total = market.pay(p, w.households, 0, w.n, terms, 0.0, np.empty(w.n, np.int32))
    paid = p.employed & (p.location == HOME)
    assert total == pytest.approx(paid.sum() * 1_000 * SKILL_WAGE[0])
    assert w.households.earnings_usd.sum(dtype=np.float64) == pytest.approx(total, rel=1e-6)
    assert (p.wage_usd[~paid & (p.location == HOME)] == 0).all()
