"""The home side: households, the home labour market, demography and the aggregate risk conditions."""

import dataclasses

import numpy as np
import pytest

from sim import MigrationModel
from sim.population import HOUSEHOLD_COLUMNS, PERSON_COLUMNS, People
from sim.reference import MigrantWorker

DEPORTATION_DRIVE = [
    {"lever": "raid_intensity", "mode": "set", "value": 0.2, "start": "2025-01", "end": "2025-12"},
    {"lever": "expulsion_given_irregular", "mode": "set", "value": 0.6, "start": "2025-01", "end": "2025-12"},
]


def run(shocks=(), months=18, scale=300, seed=4, **overrides):
    model = MigrationModel(scale=scale, rng=seed, shocks=shocks, **overrides)
    model.run_for(months)
    return model.results()


def test_a_deportation_drive_raises_unemployment_returnee_unemployment_and_exposure_at_home():
    calm, drive = run(), run(DEPORTATION_DRIVE)
    assert drive.deportations.sum() > 2 * calm.deportations.sum()
    for metric in ("unemployment_rate", "returnee_unemployment_rate", "exposure_expelled_per_100k",
                   "exposure_banned_idle_per_100k"):
        assert drive[metric].iloc[3:].mean() > calm[metric].iloc[3:].mean(), metric


def test_a_remittance_collapse_destroys_jobs_at_home():
    collapse = [{"lever": "rub_per_usd", "mode": "scale", "value": 2.0, "start": "2025-01"}]
    calm, shock = run(), run(collapse)
    assert shock.remittances_usd.sum() < 0.8 * calm.remittances_usd.sum()
    assert (shock.home_job_capacity.iloc[6:] < calm.home_job_capacity.iloc[6:]).all()
    assert shock.household_poverty_rate.iloc[-1] > calm.household_poverty_rate.iloc[-1]


def test_youth_unemployment_is_above_overall_unemployment_at_the_defaults():
    frame = run(months=12)
    assert (frame.youth_unemployment_rate > frame.unemployment_rate).all()


def test_unemployment_starts_at_the_documented_rate_and_is_not_steered_afterwards():
    """The starting state is anchored to the documented ILO rate (facts.md; not the 1.8% registered rate); from
    then on unemployment is what the home economy makes it: a different start rate is not pulled back."""
    frame = run(months=1, scale=100, spinup_months=0)
    assert frame.unemployment_rate.iloc[0] == pytest.approx(0.09, abs=0.01)
    low, high = (run(months=24, scale=300, initial_unemployment_rate=rate) for rate in (0.07, 0.11))
    assert high.unemployment_rate.mean() > low.unemployment_rate.mean() + 0.01


def test_households_average_six_to_seven_members_and_about_42_percent_send_migrants():
    model = MigrationModel(scale=200, rng=2, spinup_months=0)
    model.step()
    hh, people = model.engine.households, model.engine.people
    members = hh.agents.astype(float) + hh.dependants
    assert 6.0 <= members.mean() <= 7.0
    n = model.engine.next_free
    abroad = (people.location[:n] >= 1) & (people.location[:n] <= 3)
    sending = np.zeros(hh.region.shape[0], dtype=bool)
    sending[people.household[:n][abroad]] = True
    assert 0.35 <= sending.mean() <= 0.5


def test_entrants_follow_the_profile_and_grow():
    frame = run(months=24, scale=100)
    yearly = frame.labour_force_entrants.to_numpy().reshape(2, 12).sum(axis=1)
    assert 100_000 < yearly[0] < 140_000  # ~110k (2019) growing 1.94% a year
    assert yearly[1] > yearly[0]


def test_no_risk_value_is_kept_per_person():
    """The indicator counts conditions; no person carries a risk score in either engine."""
    for word in ("risk", "expos"):
        assert not any(word in name for name in PERSON_COLUMNS)
        assert not any(word in name for name in HOUSEHOLD_COLUMNS)
        assert not any(word in name for name in People._fields)
    model = MigrationModel(scale=3000, rng=1, engine="reference", spinup_months=0)
    model.run_for(2)
    agent = next(iter(model.agents))
    assert isinstance(agent, MigrantWorker)
    assert not any(word in name for name in vars(agent) for word in ("risk", "expos"))
    assert not any("risk" in f.name for f in dataclasses.fields(model.profile))
