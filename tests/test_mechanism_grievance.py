"""Known answers for grievance (sim/mechanisms/grievance.py)."""

import numpy as np
import pytest

from sim.mechanisms import grievance
from sim.population import GONE, HOME, RUSSIA


def test_an_event_closes_its_share_of_the_gap_to_one():
    assert grievance.aggrieve(0.0, 0.3) == pytest.approx(0.3)
    assert grievance.aggrieve(0.5, 0.3) == pytest.approx(0.65)
    g = 0.0
    for _ in range(200):
        g = grievance.aggrieve(g, 0.5)
    assert g <= 1.0


def test_the_monthly_drift_decays_and_grows_with_hostility_and_long_unemployment():
    assert grievance.drift(0.5, 0.1, False, 0.2, 0.5, False, 0.3) == pytest.approx(0.45)
    assert grievance.drift(0.5, 0.1, True, 0.2, 0.5, False, 0.3) == pytest.approx(0.45 + 0.1 * 0.55)
    assert grievance.drift(0.5, 0.1, False, 0.2, 0.5, True, 0.3) == pytest.approx(0.45 + 0.3 * 0.55)


def test_update_applies_the_drift_by_where_people_are(world):
    w = world(4, grievance_decay=0.1, grievance_hostility_rate=0.2, hostility=0.5, long_unemployed_months=6,
              grievance_job_loss_home=0.3)
    p = w.people
    p.grievance[:] = 0.5
    p.location[:] = [HOME, HOME, RUSSIA, GONE]
    p.unemployed_months[:] = [0, 6, 0, 0]
    grievance.update(p, w.v, 0, 4)
    assert np.allclose(p.grievance, [0.45, 0.45 + 0.3 * 0.55, 0.45 + 0.1 * 0.55, 0.5])
