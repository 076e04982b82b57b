"""Known answers for employment abroad (sim/mechanisms/employment_abroad.py)."""

import numpy as np
import pytest

from sim import tally as t
from sim.mechanisms import employment_abroad
from sim.population import RUSSIA


def test_the_chances_follow_their_formulas():
    assert employment_abroad.job_find_prob(0.4, 0.5, 0.2, False, 0.3) == pytest.approx(0.4 * 0.5 * 0.8)
    assert employment_abroad.job_find_prob(0.4, 0.5, 0.2, True, 0.3) == pytest.approx(0.4 * 0.5 * 0.8 * 0.7)
    assert employment_abroad.job_find_prob(0.9, 2.0, 0.0, False, 0.0) == 1.0
    assert employment_abroad.job_loss_prob(0.05, 0.2, 0.5) == pytest.approx(0.15)
    assert employment_abroad.job_loss_prob(0.9, 1.0, 1.0) == 1.0


def test_jobs_are_found_and_lost_at_the_declared_rates(world, within):
    w = world(40_000, location=RUSSIA, abroad_job_find_prob=0.3, abroad_job_loss_prob=0.04, job_ban_share=0.1,
              job_ban_displacement=0.5, russia_labour_demand=0.9, irregular_job_penalty=0.5)
    p = w.people
    p.employed[: w.n // 2] = True
    p.documented[:] = True
    half = w.n // 2
    for i in range(w.n):
        employment_abroad.update(p, i, w.v, True, w.keys, w.tally)
    assert within(1 - p.employed[:half].mean(), 0.04 + 0.1 * 0.5, half)
    assert within(p.employed[half:].mean(), 0.3 * 0.9 * 0.9, half)
    assert w.tally[t.JOBS_LOST_ABROAD] == half - p.employed[:half].sum()
    assert w.tally[t.JOBS_FOUND_ABROAD] == p.employed[half:].sum()
    assert np.all(p.location == RUSSIA)
