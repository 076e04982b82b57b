"""Known answers for remittances (sim/mechanisms/remittances.py)."""

import numpy as np
import pytest

from sim import tally as t
from sim.mechanisms import channels, remittances
from sim.population import RUSSIA

POVERTY_LINE = 40.0


def expected_abroad(value=0.0):
    """The expectation a newcomer arrives with, by destination and skill."""
    return np.full((4, 3), value)


def test_the_rules_follow_their_formulas(world):
    assert remittances.expected_net_usd(300.0, 420.0, 6.0) == pytest.approx(300 + 120 / 6)
    assert remittances.desired_usd(400.0, 100.0, 0.5, 0.6) == pytest.approx(200 + 60)
    assert remittances.desired_usd(-50.0, 100.0, 0.5, 0.6) == pytest.approx(60)
    assert remittances.set_aside_usd(260.0, 100.0, 500.0) == 260.0  # savings top up a thin month
    assert remittances.set_aside_usd(260.0, -100.0, 150.0) == 50.0  # never more than there is
    assert remittances.set_aside_usd(260.0, -100.0, 50.0) == 0.0
    w = world(2)
    w.households.dependants[0], w.households.need[0] = 5, 0.25
    # A quarter of the line short, for 2 agents and 5 dependants.
    assert remittances.household_need_usd(w.households, 0, POVERTY_LINE) == pytest.approx(0.25 * 40 * 7)


def test_money_adds_up_and_is_sent_at_the_declared_rate(world, within):
    w = world(30_000, location=RUSSIA, households=30_000, remit_send_prob=0.4, remit_share_base=0.5,
              remit_need_coef=0.0, transfer_fee_formal=0.02, transfer_fee_informal=0.05, informal_channel_push=0.0)
    p = w.people
    p.household[:] = np.arange(w.n)
    p.net_usd[:], p.wage_usd[:], p.expected_net_usd[:] = 200.0, 500.0, 200.0
    p.on_register[: w.n // 2] = True
    p.documented[w.n // 2:] = True
    for i in range(w.n):
        remittances.update(p, w.households, i, w.v, expected_abroad(), channels.formal_shares(w.v), POVERTY_LINE,
                           w.keys, w.tally)
    sent = p.unsent_usd == 0
    assert within(sent.mean(), 0.4, w.n)
    assert np.allclose(p.savings_usd, 100.0) and np.allclose(p.unsent_usd[~sent], 100.0)
    formal = channels.formal_share(True, False, w.v)
    listed_senders = sent[: w.n // 2].sum()
    others = sent[w.n // 2:].sum()
    expected_informal = listed_senders * 100 * 0.95 + others * 100 * (1 - formal) * 0.95
    expected_formal = others * 100 * formal * 0.98
    # Tallied in whole units of 2**-20 dollars (sim.tally.money_units).
    assert w.tally[t.REMITTANCES_INFORMAL_USD] / t.MONEY_UNITS_PER_USD == pytest.approx(expected_informal, rel=1e-5)
    assert w.tally[t.REMITTANCES_FORMAL_USD] / t.MONEY_UNITS_PER_USD == pytest.approx(expected_formal, rel=1e-5)
    received = w.households.remittances_usd
    assert received.sum(dtype=np.float64) == pytest.approx(expected_formal + expected_informal, rel=1e-5)
    assert np.array_equal(received > 0, sent)
    assert np.array_equal(w.households.transfers, sent)  # one transfer per sender, counted for the 10-day window
    assert w.tally[t.SENDERS] == sent.sum()


def run_months(w, nets, expected=300.0, need=0.0):
    """One migrant in Russia through a run of monthly nets; returns the money set aside each month."""
    p = w.people
    p.expected_net_usd[0], p.spell_months[0] = expected, 12
    w.households.need[0] = need
    amounts = []
    for net in nets:
        p.net_usd[0], p.wage_usd[0] = net, max(net, 0.0) + 1.0
        before = p.unsent_usd[0]
        remittances.update(p, w.households, 0, w.v, expected_abroad(), channels.formal_shares(w.v), POVERTY_LINE,
                           w.keys, w.tally)
        amounts.append(p.unsent_usd[0] - before)
    return np.array(amounts)


def test_a_fall_in_earnings_reaches_home_less_than_proportionally_at_first(world):
    w = world(1, location=RUSSIA, remit_send_prob=0.01, remit_share_base=0.6, remit_need_coef=0.0,
              remit_smoothing_months=6.0)
    w.people.savings_usd[0] = 5_000.0
    amounts = run_months(w, [300.0] * 3 + [200.0] * 36)
    assert amounts[2] == pytest.approx(0.6 * 300, rel=1e-5)
    first_month_change = amounts[3] / amounts[2] - 1
    assert -1 / 3 < first_month_change < 0  # earnings fell by a third, transfers by much less
    assert amounts[-1] == pytest.approx(0.6 * 200, rel=1e-3)  # and fully once the expectation has adjusted


def test_remittances_rise_when_the_household_falls_short(world):
    w = world(1, location=RUSSIA, remit_send_prob=0.01, remit_share_base=0.6, remit_need_coef=0.5)
    w.households.dependants[0] = 6
    comfortable = run_months(w, [300.0], need=0.0)[0]
    w2 = world(1, location=RUSSIA, remit_send_prob=0.01, remit_share_base=0.6, remit_need_coef=0.5)
    w2.households.dependants[0] = 6
    short = run_months(w2, [300.0], need=0.5)[0]
    assert short - comfortable == pytest.approx(0.5 * 0.5 * POVERTY_LINE * 7, rel=1e-5)


def test_a_newcomer_starts_from_the_expectation_that_made_them_go_and_unpaid_months_keep_it(world):
    w = world(1, location=RUSSIA, remit_send_prob=0.01, remit_share_base=0.5, remit_need_coef=0.0,
              remit_smoothing_months=4.0)
    p = w.people
    p.spell_months[0], p.net_usd[0], p.wage_usd[0], p.savings_usd[0] = 1, 600.0, 800.0, 1_000.0
    remittances.update(p, w.households, 0, w.v, expected_abroad(400.0), channels.formal_shares(w.v), POVERTY_LINE,
                       w.keys, w.tally)
    assert p.expected_net_usd[0] == pytest.approx(400 + 200 / 4)
    p.spell_months[0], p.net_usd[0], p.wage_usd[0] = 5, -200.0, 0.0  # a month without pay
    remittances.update(p, w.households, 0, w.v, expected_abroad(400.0), channels.formal_shares(w.v), POVERTY_LINE,
                       w.keys, w.tally)
    assert p.expected_net_usd[0] == pytest.approx(450)


def test_losses_are_met_from_savings(world):
    w = world(1)
    p = w.people
    p.location[0], p.net_usd[0], p.savings_usd[0], p.spell_months[0] = RUSSIA, -150.0, 100.0, 12
    remittances.update(p, w.households, 0, w.v, expected_abroad(), channels.formal_shares(w.v), POVERTY_LINE,
                       w.keys, w.tally)
    assert p.savings_usd[0] == 0.0 and p.unsent_usd[0] == 0.0
