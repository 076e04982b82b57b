"""Shared fixtures: a small hand-made world for the known-answer tests of the mechanisms (``test_mechanism_*``)."""

from types import SimpleNamespace

import numpy as np
import pytest

from sim import parameters, population
from sim import random_streams as rs
from sim import tally as t

MONTH = 24_300  # an absolute month (2025-01) far from NO_MONTH


@pytest.fixture
def world():
    """``world(n, households=1, contacts=3, location=HOME, **parameter_overrides)``: n people in ``location``, in
    household 0, region 0, aged 30, low skill, jobless; households with no dependants; this month's random keys and
    an empty tally."""

    def make(n, households=1, contacts=3, seed=7, location=population.HOME, **overrides):
        people = population.allocate_people(n, contacts)
        people.location[:] = location
        people.age_months[:] = 30 * 12
        people.spell_months[:] = 12
        hh = population.allocate_households(households)
        hh.agents[0] = n
        return SimpleNamespace(people=people, households=hh, v=parameters.Values(**parameters.resolve(overrides)),
                               keys=rs.month_keys(np.uint64(seed), MONTH), tally=np.zeros(len(t.NAMES)),
                               month=MONTH, n=n)

    return make


@pytest.fixture
def within():
    """``within(observed, expected, n)``: whether a share observed in n independent draws lies within five binomial
    standard deviations of the expected share (a false alarm about once in 1.7 million)."""

    def check(observed, expected, n, sds=5.0):
        return abs(observed - expected) <= sds * np.sqrt(max(expected * (1 - expected), 1e-12) / n)

    return check
