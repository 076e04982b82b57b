"""Known answers of the home-currency rule (sim/mechanisms/home_currency.py, docs/ODD.md §7.10)."""

import math

import pandas as pd
import pytest

from sim import MigrationModel, outputs
from sim.conditions import Memory
from sim.mechanisms import home_currency


def run_rule(flows, depreciation, response):
    """D after each month of ``flows`` (remittances per month), advanced as Memory.update does after the start."""
    history, deviation, path = [], 0.0, []
    for flow in flows:
        history.append(flow)
        deviation = home_currency.advance(deviation, history[-home_currency.HISTORY_MONTHS:], depreciation,
                                          response)
        path.append(deviation)
    return path


def test_with_both_levers_at_zero_the_rate_is_the_lever_exactly():
    for flows in ([100.0] * 40, [100.0] * 24 + [10.0] * 16):
        assert run_rule(flows, 0.0, 0.0) == [0.0] * len(flows)
    assert home_currency.rate(4.76, 0.0) == 4.76
    lever_path = [{"lever": "home_currency_per_usd", "mode": "ramp", "value": 12.5, "start": "2025-01",
                   "end": "2025-08"}]
    model = MigrationModel(scale=4000, rng=5, spinup_months=3, shocks=lever_path)
    model.run_for(10)
    levers = model.levers()["home_currency_per_usd"].to_numpy()
    assert (model.results()["home_currency_per_usd"].to_numpy() == levers).all()


def test_a_constant_flow_gives_exactly_the_trend():
    trend = 0.06
    path = run_rule([250.0] * 48, trend, 0.8)
    # Before 24 months the pressure term is 0; with a constant flow it stays 0 afterwards.
    for month in range(1, 48):
        assert path[month] - path[month - 1] == pytest.approx(trend / 12, rel=1e-12)
    assert path[-1] == pytest.approx(48 * trend / 12, rel=1e-12)


def test_a_step_fall_of_remittances_gives_the_expected_extra_depreciation():
    """24 months at 100, then 50: k months after the step the last 12 months sum to (12 - k) x 100 + k x 50 against
    1,200 a year earlier, so the pressure is -ln(1 - k / 24); over the 12 months it adds response / 12 times the
    sum of those twelve logs, and in the 12th month the pressure is ln 2."""
    response = 0.6
    path = run_rule([100.0] * 24 + [50.0] * 12, 0.0, response)
    assert path[:24] == [0.0] * 24
    expected = response / 12 * sum(-math.log(1 - k / 24) for k in range(1, 13))
    assert path[35] == pytest.approx(expected, rel=1e-12)
    assert path[35] - path[34] == pytest.approx(response * math.log(2) / 12, rel=1e-12)
    assert expected == pytest.approx(0.6 / 12 * 4.03228, rel=1e-5)  # the twelve logs add to 4.03228


def test_a_recovery_does_not_reverse_the_depreciation():
    path = run_rule([100.0] * 24 + [50.0] * 12 + [100.0] * 30, 0.0, 0.5)
    assert all(later >= earlier for earlier, later in zip(path, path[1:], strict=False))
    after_fall = path[35]
    assert after_fall > 0.0
    # Once the last 12 months are back above the 12 months before, nothing moves: the somoni does not recover.
    assert path[-1] == path[-7] >= after_fall


def test_fewer_than_24_months_give_no_pressure():
    assert home_currency.pressure([100.0] * 12 + [10.0] * 11) == 0.0
    assert home_currency.pressure([100.0] * 12 + [50.0] * 12) == pytest.approx(math.log(2))
    assert home_currency.pressure([0.0] * 24) == 0.0


def test_memory_holds_the_rule_at_zero_during_the_spinup():
    raw = {name: 0.0 for name in ("abroad_russia", "abroad_kazakhstan", "abroad_other", "documented_abroad",
                                  "on_register", "home_job_finding_rate", "home_labour_force", "home_jobless",
                                  "remittances_informal_usd")}

    class Levers:
        home_currency_depreciation, home_currency_remittance_response, remittance_demand_lag = 0.12, 0.5, 3.0

    memory = Memory()
    for month in range(30):
        memory.update({**raw, "remittances_formal_usd": 100.0}, Levers, spinup=month < 24)
    assert len(memory.remittance_months) == home_currency.HISTORY_MONTHS
    assert memory.currency_deviation == pytest.approx(6 * 0.12 / 12, rel=1e-12)


def test_engines_agree_with_the_rule_switched_on():
    """The rule lives in sim.conditions, which both engines call: with a rouble shock that cuts dollar remittances,
    the fast and the reference engine give the same bytes, and the somoni falls by more than its trend. (The
    spin-up's first months, while remittances build up, give no pressure: they only make the year before lower.)"""
    shocks = [{"lever": "home_currency_depreciation", "mode": "set", "value": 0.0349, "start": "2025-01"},
              {"lever": "home_currency_remittance_response", "mode": "set", "value": 0.8, "start": "2025-01"},
              {"lever": "rub_per_usd", "mode": "scale", "value": 2.0, "start": "2025-02"}]

    def run(engine):
        model = MigrationModel(scale=1860, rng=3, engine=engine, shocks=shocks)
        model.run_for(12)
        return model.results()

    fast, reference = run("fast"), run("reference")
    assert list(fast.columns) == ["date", *outputs.NAMES]
    pd.testing.assert_frame_equal(fast, reference, check_exact=True)
    rate = fast["home_currency_per_usd"]
    assert rate.iloc[0] == 10.9  # the start month has the lever's rate
    trend_only = 10.9 * math.exp(11 * 0.0349 / 12)
    assert rate.iloc[-1] > trend_only * 1.005
