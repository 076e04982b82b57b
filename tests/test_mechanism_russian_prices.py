"""Known answers for prices and wages in Russia (sim/mechanisms/russian_prices.py)."""

import numpy as np
import pytest

from sim import parameters
from sim.calendar import parse_month
from sim.mechanisms import russian_prices
from sim.timeline import Shock, Timeline


def test_compound_is_one_up_to_the_start_then_grows_by_the_monthly_root():
    index = russian_prices.compound(np.full(30, 0.12), start_offset=5)
    assert np.all(index[:6] == 1.0)
    assert index[6] == pytest.approx(1.12 ** (1 / 12))
    assert index[17] == pytest.approx(1.12)
    assert index[29] == pytest.approx(1.12 ** 2)


def test_januaries_hold_the_index_from_each_january():
    first = parse_month("2025-01")
    index = np.arange(1.0, 25.0)
    held = russian_prices.januaries(index, first)
    assert np.all(held[:12] == 1.0) and np.all(held[12:24] == 13.0)


def trend(shocks=(), start="2025-01", **overrides):
    base = parameters.resolve(overrides)
    first = parse_month(start) - 24
    return russian_prices.Trend(Timeline(base, shocks, first_month=first), parse_month(start)), base


def test_a_year_of_trend_moves_wages_prices_the_rouble_and_next_year_s_patent():
    t, base = trend(russia_inflation=0.10, russia_real_wage_growth=0.02, rouble_depreciation=0.05)
    start = parse_month("2025-01")
    at_start = t.apply(dict(base), start)
    assert at_start["migrant_wage_rub"] == pytest.approx(base["migrant_wage_rub"])
    december = t.apply(dict(base), start + 11)
    assert december["patent_fee_rub"] == base["patent_fee_rub"]  # re-indexed only in January
    a_year_on = t.apply(dict(base), start + 12)
    assert a_year_on["russia_price_level"] == pytest.approx(1.10)
    assert a_year_on["migrant_wage_rub"] == pytest.approx(base["migrant_wage_rub"] * 1.10 * 1.02)
    assert a_year_on["rub_per_usd"] == pytest.approx(base["rub_per_usd"] * 1.05)
    assert a_year_on["patent_fee_rub"] == pytest.approx(base["patent_fee_rub"] * 1.10)
    # Before the start (the spin-up) nothing moves.
    assert t.apply(dict(base), start - 6)["migrant_wage_rub"] == base["migrant_wage_rub"]


def test_zero_rates_leave_data_paths_untouched_and_a_later_trend_starts_from_them():
    shocks = (Shock("russia_inflation", "set", "2026-01", 0.12),)
    t, base = trend(shocks, russia_inflation=0.0, russia_real_wage_growth=0.0, rouble_depreciation=0.0)
    start = parse_month("2025-01")
    assert t.apply(dict(base), start + 11)["migrant_wage_rub"] == base["migrant_wage_rub"]
    assert t.apply(dict(base), start + 23)["russia_price_level"] == pytest.approx(1.12)


def test_rouble_amounts_at_2025_prices_convert_at_this_month_s_prices_and_rate():
    v = parameters.Values(**parameters.resolve({"russia_price_level": 0.5, "rub_per_usd": 50.0}))
    assert russian_prices.at_prices_usd(10_000.0, v) == pytest.approx(100.0)
