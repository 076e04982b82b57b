"""Known answers for the home economy in local currency (sim/mechanisms/home_economy.py) and the profile's somoni
terms (real output, prices, the local wage and poverty line) that feed it."""

import pytest

from sim import country
from sim.calendar import fractional_year
from sim.mechanisms import home_economy as economy


def test_remittances_are_valued_in_constant_somoni():
    # 100 USD at 5 TJS/USD with prices at 1.25 buys what 400 TJS bought at the base prices.
    assert economy.real_remittances(100.0, 5.0, 1.25) == pytest.approx(400.0)
    # A devaluation from 4.76 to 7.84 TJS/USD with 19% inflation: a 55% fall in dollars is a 26% fall in real terms.
    before = economy.real_remittances(100.0, 4.76, 1.0)
    after = economy.real_remittances(45.0, 7.84, 1.19)
    assert after / before == pytest.approx(0.45 * 7.84 / 4.76 / 1.19)


def test_demand_adds_the_multiplied_change_in_remittance_spending_to_real_output():
    # Output up 10%; remittances 40% of output fall by half; each unit spent makes 0.8 units of output.
    assert economy.demand_ratio(1.1, 0.5, 0.4, 0.8) == pytest.approx(1.1 - 0.8 * 0.4 * 0.5)
    assert economy.demand_ratio(1.0, 1.0, 0.4, 0.8) == 1.0  # remittances at their start level add nothing
    assert economy.demand_ratio(0.1, 0.0, 1.0, 2.0) == 0.0  # never below zero
    assert economy.demand_ratio(1.0, 2.0, 0.4, 0.0) == 1.0  # no multiplier, no spending channel


def test_jobs_follow_demand_with_the_employment_elasticity():
    assert economy.job_capacity(1_000.0, 1.21, 0.5) == pytest.approx(1_100.0)
    assert economy.job_capacity(1_000.0, 1.0, 0.5) == 1_000.0


def test_the_remittance_share_of_output_is_a_same_month_ratio():
    profile = country.load("tajikistan")
    month = 2013 * 12 + 6
    gdp = profile.at("gdp_usd_bn", fractional_year(month)) * 1e9
    assert economy.remittance_output_share(gdp / 24, profile, month) == pytest.approx(0.5)


def test_the_poverty_line_is_indexed_to_prices_and_converted_at_the_lever():
    profile = country.load("tajikistan")
    base = profile.facts["poverty_line_local"]
    # In its own year the line is the published somoni amount.
    assert profile.poverty_line_usd(profile.facts["poverty_line_local_year"] + 0.5, 5.0) == pytest.approx(base / 5)
    # Prices up, the somoni line rises with them; a weaker somoni makes it fewer dollars.
    ratio = profile.price_level(2016.5) / profile.price_level(2013.5)
    assert ratio > 1.1
    assert profile.poverty_line_usd(2016.5, 7.84) == pytest.approx(base * ratio / 7.84)


def test_the_home_wage_in_dollars_is_derived_from_the_somoni_wage():
    profile = country.load("tajikistan")
    assert profile.home_wage_usd(2014.5, 4.94) == pytest.approx(726 / 4.94)
    assert profile.home_wage_usd(2014.5, 9.88) == pytest.approx(profile.home_wage_usd(2014.5, 4.94) / 2)


def test_profiles_without_local_series_keep_real_output_prices_and_the_dollar_line_flat():
    profile = country.load("kyrgyzstan")
    assert profile.real_output(2015) == profile.real_output(2024) == 1.0
    assert profile.price_level(2015) == 1.0
    assert profile.poverty_line_usd(2020, 123.0) == profile.facts["poverty_line_usd"]
