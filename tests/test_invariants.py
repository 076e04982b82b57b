"""Invariants under random parameter sets drawn from the declared plausible ranges: no NaN, money never negative,
shares within [0, 1], and per-person and per-household state within its bounds."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import MigrationModel, outputs, parameters
from sim.population import GONE, VACANT

SHARES = [o.name for o in outputs.OUTPUTS if o.unit in ("share", "share/month")]
NON_NEGATIVE = [o.name for o in outputs.OUTPUTS if o.name not in SHARES]


def parameter_sets():
    def value(p):
        if p.integer:
            return st.integers(int(p.low), int(p.high)).map(float)
        return st.floats(p.low, p.high, allow_nan=False, allow_infinity=False)
    return st.fixed_dictionaries({p.name: value(p) for p in parameters.PARAMETERS})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=parameter_sets(), seed=st.integers(0, 2**31))
def test_outputs_and_state_stay_valid_for_any_plausible_parameters(values, seed):
    model = MigrationModel(scale=4000, rng=seed, spinup_months=2, params=values)
    model.run_for(6)
    frame = model.results()
    numbers = frame[list(outputs.NAMES)]
    assert not numbers.isna().any().any()
    assert np.isfinite(numbers.to_numpy()).all()
    assert (frame[NON_NEGATIVE] >= 0).all().all()
    assert ((frame[SHARES] >= 0) & (frame[SHARES] <= 1)).all().all()

    people, households = model.engine.people, model.engine.households
    active = (people.location != GONE) & (people.location != VACANT)
    assert ((people.grievance[active] >= 0) & (people.grievance[active] <= 1)).all()
    assert (people.savings_usd[active] >= 0).all() and (people.unsent_usd[active] >= 0).all()
    assert ((households.need >= 0) & (households.need <= 1)).all()
    assert (households.income_avg_usd >= 0).all()


def test_every_parameter_at_its_hard_bounds_runs_and_gives_finite_outputs():
    """A value the registry accepts never ends in an error or a NaN: each parameter at its minimum and its maximum,
    one at a time (a capacity of zero, bans of no length, the smallest wage and matching efficiency)."""
    failures = []
    for p in parameters.PARAMETERS:
        for bound in (p.minimum, p.maximum):
            if bound is None or not np.isfinite(bound):
                continue
            try:
                model = MigrationModel(scale=15000, rng=1, spinup_months=2, params={p.name: bound})
                model.run_for(3)
                numbers = model.results()[list(outputs.NAMES)].to_numpy(dtype=float)
                if not np.isfinite(numbers).all():
                    failures.append(f"{p.name}={bound}: not finite")
            except (ArithmeticError, ValueError) as error:
                failures.append(f"{p.name}={bound}: {error}")
    assert not failures


def test_a_destination_without_capacity_is_closed_and_russia_stays_open():
    """Kazakhstan at zero capacity, emptied by expulsions: nobody goes there, and departures to Russia go on."""
    model = MigrationModel(scale=400, rng=1, shocks=[
        {"lever": "kazakhstan_capacity", "mode": "set", "value": 0.0, "start": "2025-04"},
        {"lever": "kazakhstan_expulsion_prob", "mode": "set", "value": 1.0, "start": "2025-04"}])
    model.run_for(9)
    after = model.results().iloc[4:]
    assert (after["departures_kazakhstan"] == 0).all() and (after["migrants_abroad_kazakhstan"] == 0).all()
    assert (after["departures_russia"] > 0).all()
