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
