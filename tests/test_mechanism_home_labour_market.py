"""Known answers for the home labour market (sim/mechanisms/home_labour_market.py)."""

import math

import numpy as np
import pytest

from sim import tally as t
from sim.mechanisms import home_labour_market as market
from sim.mechanisms import indicators
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
    # Expelled from Kazakhstan: left out of the stayers like deportees from Russia, and searching at once like them.
    w.tally[t.EXPULSIONS_KAZAKHSTAN] = 10
    terms = market.monthly_terms(1_000.0, w.tally, w.v, np.array([300.0]))
    assert terms.find_rate == market.monthly_rates(1_000.0, 900, 85, 0.02, 0.5)[0]


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
                               rest_months=3, plot_take_up=0.0, plot_exit=0.0, plot_income_share=0.3)
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


def test_searchers_not_hired_take_up_the_plot_and_plot_workers_leave_it_at_their_rates(world, within):
    w = world(40_000)
    p = w.people
    half = w.n // 2
    p.employed[:half] = True
    p.on_plot[:half] = True  # the first half work the plot; the second half look for work
    terms = market.MarketTerms(find_rate=0.2, separation=0.5, vacancies=0.0, region_wage_usd=np.array([1_000.0]),
                               rest_months=0, plot_take_up=0.25, plot_exit=0.05, plot_income_share=0.3)
    market.work(p, 0, w.n, terms, w.month, w.keys)
    # Plot workers leave at plot_exit, not at the wage jobs' separation rate, and then search.
    assert within(1 - p.employed[:half].mean(), 0.05, half)
    assert (p.on_plot[:half] == p.employed[:half]).all()
    # Searchers: 20% hired into wage jobs; of the rest, 25% take up the plot.
    searchers = slice(half, w.n)
    wage = p.employed[searchers] & ~p.on_plot[searchers]
    assert within(wage.mean(), 0.2, half)
    assert within(p.on_plot[searchers].mean(), 0.8 * 0.25, half)
    assert (p.unemployed_months[searchers][p.employed[searchers]] == 0).all()
    # Plot work pays plot_income_share of the regional wage; wage jobs pay the wage by skill.
    total = market.pay(p, w.households, 0, w.n, terms, 0.0, np.empty(w.n, np.int32))
    plot = p.employed & p.on_plot
    assert np.allclose(p.wage_usd[plot], 300.0)
    assert total == pytest.approx(plot.sum() * 300.0 + (p.employed & ~p.on_plot).sum() * 1_000 * SKILL_WAGE[0])
    census, risk = np.zeros(len(indicators.CENSUS)), np.zeros(len(indicators.RISK))
    indicators.count(p, w.v, 0, w.n, w.month, census, risk)
    assert census[indicators.PLOT_WORKERS] == plot.sum()  # the month-end census counts them


def test_plot_workers_are_neither_in_wage_jobs_nor_searching(world):
    from sim.mechanisms import departures

    w = world(3)
    w.people.employed[:] = [True, True, False]
    w.people.on_plot[:] = [True, False, False]
    counts = [departures.stayer(w.people, i, w.month, 0) for i in range(3)]
    assert [(bool(e), bool(j)) for e, j in counts] == [(False, False), (True, False), (False, True)]
