"""Each policy lever moves the outputs in its documented direction, all else equal (same seed, so the only
difference between the two runs is the lever: common random numbers)."""

import numpy as np
import pytest

from sim import MigrationModel, parameters
from sim.population import RUSSIA

MONTHS = 12


def horizon(frame, name):
    return frame[name].iloc[-1]


def total(frame, name):
    return frame[name].sum()


def irregular_share(frame, _):
    return (frame.migrants_irregular / frame.migrants_abroad).iloc[-1]


def informal_share(frame, _):
    return frame.remittances_informal_usd.sum() / frame.remittances_usd.sum()


# lever, low value, high value, statistic, metric, sign of (high - low)
DIRECTIONS = [
    ("raid_intensity", 0.01, 0.12, total, "deportations", +1),
    ("raid_intensity", 0.01, 0.12, horizon, "migrants_abroad", -1),
    ("expulsion_given_irregular", 0.05, 0.5, total, "deportations", +1),
    ("entry_ban_months", 36, 120, horizon, "banned_stock", +1),
    ("overstay_ban_prob", 0.0, 0.6, total, "new_bans", +1),
    ("register_listing_prob", 0.0, 0.1, horizon, "register_stock", +1),
    ("register_listing_prob", 0.0, 0.1, informal_share, None, +1),
    ("register_expulsion_prob", 0.0, 0.05, total, "register_expulsions", +1),
    ("patent_fee_rub", 4000, 15000, irregular_share, None, +1),
    ("registration_burden", 0.0, 0.08, irregular_share, None, +1),
    ("entry_screening", 0.0, 0.05, total, "entry_refusals", +1),
    ("job_ban_share", 0.0, 0.3, total, "remittances_usd", -1),
    ("hostility", 0.0, 1.0, total, "returns_voluntary", +1),
    ("hostility", 0.0, 1.0, horizon, "mean_grievance", +1),
    ("rub_per_usd", 70, 120, total, "remittances_usd", -1),
    # A weaker somoni buys more with each dollar sent, and makes the somoni wage fewer dollars.
    ("home_currency_per_usd", 8.0, 16.0, horizon, "household_poverty_rate", -1),
    ("home_currency_per_usd", 8.0, 16.0, total, "departures", +1),
    # The home-currency rule (docs/ODD.md §7.10): a trend, and a response to falling remittances (EXTRA).
    ("home_currency_depreciation", 0.0, 0.5, horizon, "home_currency_per_usd", +1),
    ("home_currency_remittance_response", 0.2, 0.8, horizon, "home_currency_per_usd", +1),
    ("migrant_wage_rub", 55000, 100000, total, "remittances_usd", +1),
    ("russia_price_level", 0.8, 1.2, total, "remittances_usd", -1),
    ("russia_inflation", 0.0, 0.3, total, "remittances_usd", +1),
    ("russia_real_wage_growth", 0.0, 0.3, total, "remittances_usd", +1),
    ("rouble_depreciation", 0.0, 0.5, total, "remittances_usd", -1),
    ("russia_labour_demand", 0.6, 1.4, total, "remittances_usd", +1),
    ("transfer_fee_formal", 0.01, 0.05, total, "remittances_formal_usd", -1),
    ("informal_channel_push", 0.0, 0.4, informal_share, None, +1),
    ("formal_exchange_spread", 0.0, 0.1, informal_share, None, +1),
    ("naturalisation_rate", 0.0, 0.01, total, "naturalisations", +1),
    ("kazakhstan_capacity", 10000, 150000, horizon, "migrants_abroad_kazakhstan", +1),
    ("other_capacity", 5000, 100000, horizon, "migrants_abroad_other", +1),
    ("border_open", 0.2, 1.0, total, "departures", +1),
    ("kzt_per_usd", 400, 650, total, "departures_kazakhstan", -1),
    ("kazakhstan_wage_kzt", 150_000, 330_000, total, "departures_kazakhstan", +1),
    ("kazakhstan_expulsion_prob", 0.0, 0.02, total, "expulsions_kazakhstan", +1),
    ("ban_amnesty_share", 0.0, 0.5, horizon, "banned_stock", -1),
]

# Levers that act only in some conditions, with what the run needs: the response needs 24 months of remittances
# (a full spin-up) and a fall of dollar remittances (a falling rouble).
EXTRA = {"home_currency_remittance_response": {"spinup_months": 24, "rouble_depreciation": 3.0}}


def test_every_lever_has_a_documented_direction():
    assert {row[0] for row in DIRECTIONS} == set(parameters.LEVERS)


@pytest.mark.parametrize(("lever", "low", "high", "statistic", "metric", "sign"), DIRECTIONS,
                         ids=[f"{row[0]}-{row[4] or row[3].__name__}" for row in DIRECTIONS])
def test_lever_direction(lever, low, high, statistic, metric, sign):
    def run(value):
        model = MigrationModel(scale=400, rng=11, **{"spinup_months": 3, **EXTRA.get(lever, {}), lever: value})
        model.run_for(MONTHS)
        return statistic(model.results(), metric)

    assert np.sign(run(high) - run(low)) == sign


def test_border_closure_stops_all_travel():
    closed = {"lever": "border_open", "mode": "set", "value": 0.0, "start": "2025-01"}
    model = MigrationModel(scale=1000, rng=3, spinup_months=0, shocks=[closed])
    model.run_for(6)
    frame = model.results()
    assert frame.departures.sum() == 0 and frame.returns_voluntary.sum() == 0


def test_a_ban_blocks_reentry_to_russia_until_it_expires():
    model = MigrationModel(scale=1000, rng=9, spinup_months=0, raid_intensity=0.3, expulsion_given_irregular=0.8,
                           entry_ban_months=4)
    people = model.engine.people
    banned_seen = {}
    reentered_after_expiry = 0
    for _ in range(24):
        model.step()
        month = model.month - 1
        n = model.engine.next_free
        in_russia = people.location[:n] == RUSSIA
        assert not (in_russia & (people.ban_until[:n] > month)).any(), "a banned person is in Russia"
        for slot in np.flatnonzero(people.ban_until[:n] > month):
            banned_seen.setdefault(int(slot), int(people.ban_until[slot]))
        reentered_after_expiry += sum(1 for slot, until in banned_seen.items() if in_russia[slot] and month >= until)
    assert banned_seen and reentered_after_expiry > 0
