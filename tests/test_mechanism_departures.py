"""Known answers for the departure choice (sim/mechanisms/departures.py)."""

import numpy as np
import pytest

from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms import departures
from sim.population import HOME, KAZAKHSTAN, OTHER, RUSSIA, SKILL_WAGE


def terms_for(v, n_regions=1, utility=(-3.0, -3.5, -4.0), documented_on_arrival=0.7):
    utilities = np.zeros((4, SKILL_WAGE.size, n_regions, 2))
    for where, value in zip((RUSSIA, KAZAKHSTAN, OTHER), utility, strict=True):
        utilities[where] = value
    return departures.monthly_terms(v, utilities, np.array([0.0, 1.0, 1.0, 1.0]), documented_on_arrival)


def test_choice_frequencies_match_the_logit_shares(world, within):
    weights = (0.3, 0.2, 0.1)
    key, n = np.uint64(12345), 100_000
    choices = np.array([departures.choose(rs.uniform(key, i), *weights) for i in range(n)])
    total = 1.0 + sum(weights)
    for where, weight in zip((RUSSIA, KAZAKHSTAN, OTHER), weights, strict=True):
        assert within(np.mean(choices == where), weight / total, n)
    assert within(np.mean(choices == HOME), 1.0 / total, n)


def nested_shares(weights, nest_scale):
    """P(d) of the nested logit, written out: G / (1 + G) x w_d^(1/lambda) / sum_k w_k^(1/lambda)."""
    z = np.asarray(weights) ** (1 / nest_scale)
    g = z.sum() ** nest_scale
    return g / (1 + g) * z / z.sum()


@pytest.mark.parametrize("nest_scale", [1.0, 0.5, 0.3])
def test_a_person_decides_with_the_nested_logit_shares_of_their_utilities(world, within, nest_scale):
    w = world(30_000, entry_screening=0.0, departure_age_coef=0.0, departure_female_coef=0.0,
              departure_experience_coef=0.0, departure_need_coef=0.0, departure_nest_scale=nest_scale)
    w.people.contacts[:] = 0  # everyone's contacts are person 0, at home
    terms = terms_for(w.v)
    left = [departures.consider(w.people, w.households, i, w.v, terms, w.month, w.keys, w.tally) for i in range(1, w.n)]
    where = w.people.location[1:]
    shares = nested_shares(np.exp([-3.0, -3.5, -4.0]) * terms.network[0], nest_scale)
    for code, share in zip((RUSSIA, KAZAKHSTAN, OTHER), shares, strict=True):
        assert within(np.mean(where == code), share, w.n - 1)
    assert sum(left) == w.tally[t.DEPARTURES_RUSSIA:t.DEPARTURES_OTHER + 1].sum() == np.sum(where != HOME)


def test_the_nest_reduces_to_the_plain_logit_at_one_and_otherwise_diverts_from_russia():
    weights = (0.3, 0.02, 0.01)
    assert departures.nested(*weights, 1.0) == weights
    nested = departures.nested(*weights, 0.5)
    assert sum(nested) == pytest.approx(np.sqrt(0.09 + 0.0004 + 0.0001))  # adds up to G
    assert nested == pytest.approx(tuple(nested_shares(weights, 0.5) * (1 + sum(nested))))
    # Cut Russia's weight by 90 %: the share of those no longer going to Russia who go elsewhere instead is
    # 2.9 % with the plain logit and 5.6 % in the nest (lambda = 0.5), where Kazakhstan's chance grows tenfold.
    deterred = (0.03, 0.02, 0.01)
    diverted = {}
    for scale in (1.0, 0.5):
        before, after = nested_shares(weights, scale), nested_shares(deterred, scale)
        diverted[scale] = (after[1:] - before[1:]).sum() / (before[0] - after[0])
        assert after[1] / before[1] == pytest.approx(1.255 if scale == 1.0 else 10.08, rel=1e-3)
    assert diverted[1.0] == pytest.approx(0.029, abs=5e-4) and diverted[0.5] == pytest.approx(0.056, abs=5e-4)
    assert departures.nested(0.0, 0.0, 0.0, 0.5) == (0.0, 0.0, 0.0)


def test_the_plain_sum_of_the_weights_bounds_the_nest_so_the_shortcut_never_keeps_a_leaver_home():
    """The fast engine's proposals skip the nest's powers for whoever draws above sum_d w_d / (1 + sum_d w_d): that
    bounds the chance of leaving for every nest scale in the parameter's range (0, 1], not above it."""
    rng = np.random.default_rng(5)
    draws = rng.random(2000)
    for nest_scale in (0.05, 0.3, 0.5, 0.99, 1.0):
        for _ in range(200):
            weights = tuple(10.0 ** rng.uniform(-6, 3, 3) * (rng.random(3) < 0.9))
            bound = sum(weights) * departures.BOUND_MARGIN
            nested = departures.nested(*weights, nest_scale)
            assert sum(nested) <= bound
            for u in draws:
                if departures.choose(u, *nested) != HOME:
                    assert departures._may_leave(u, bound)
    # Above the range the nest's weight exceeds the plain sum, and the bound would be wrong.
    assert sum(departures.nested(0.3, 0.2, 0.1, 1.5)) > 0.6 * departures.BOUND_MARGIN


def test_the_border_scales_going_abroad_and_room_scales_each_destination(world):
    w = world(1, departure_nest_scale=0.5, border_open=0.5)
    utilities = np.zeros((4, SKILL_WAGE.size, 1, 2))
    open_share = np.array([0.0, 0.5, 0.5 * 0.25, 0.0])  # Kazakhstan has a quarter of its room left
    weights = departures.choice_weights(utilities, open_share, 0.5, 0.5)[:, 0, 0, 0]
    assert weights[RUSSIA] ** 2 / 0.5 ** 2 == pytest.approx(1.0)
    assert (weights[KAZAKHSTAN] / 0.5) ** 2 == pytest.approx(0.25)  # w^(1/lambda) carries the room once
    assert departures.nest_weight(weights[1:, None], 0.5)[0] == pytest.approx(0.5 * np.sqrt(1.25))
    terms = departures.monthly_terms(w.v, utilities, open_share, 0.7)
    assert terms.all_weights[0, 0, 0] >= departures.nest_weight(weights[1:, None], 0.5)[0]


def test_contacts_abroad_pull_by_the_network_coefficient(world):
    w = world(3, departure_network_coef=1.2, network_contacts=3)
    w.people.contacts[0] = [1, 2, 2]
    w.people.location[1], w.people.location[2] = RUSSIA, KAZAKHSTAN
    assert departures.contacts_abroad(w.people, 0) == (1, 2, 0)
    network = departures.network_weights(w.v, 3)
    assert np.log(network[2] / network[0]) == pytest.approx(1.2 * 2 / 3)


def test_who_may_leave_and_what_follows(world, within):
    w = world(40_000, entry_screening=0.25, grievance_refusal=0.5)
    p = w.people
    p.ban_until[: w.n // 2] = w.month + 1  # the first half is banned from Russia
    p.spell_months[:100] = 0  # back this month: may not leave yet
    p.employed[:] = True
    terms = terms_for(w.v, utility=(0.0, -1.0, -9.0))
    for i in range(w.n):
        departures.consider(p, w.households, i, w.v, terms, w.month, w.keys, w.tally)
    assert (p.location[:100] == HOME).all()
    assert not (p.location[: w.n // 2] == RUSSIA).any()
    gone = p.location != HOME
    assert not p.employed[gone].any() and (p.spell_months[gone] == 0).all()
    refused = w.tally[t.ENTRY_REFUSALS]
    russia = w.tally[t.DEPARTURES_RUSSIA]
    assert within(refused / (refused + russia), 0.25, refused + russia)
    assert np.isclose(p.grievance, 0.5).sum() == refused
    in_russia = p.location == RUSSIA
    assert within(p.documented[in_russia].mean(), 0.7, in_russia.sum())
    assert p.documented[p.location == KAZAKHSTAN].all()


def test_the_fast_engines_walk_decides_exactly_as_the_plain_rule(world):
    """The fast engine's walk (bounds, blocks, proposals corrected for earlier departures) and ``consider`` person by
    person give the same fates and counts."""
    from sim import engine_fast

    fast, plain = world(40_000), world(40_000)
    for w in (fast, plain):
        rng = np.random.default_rng(3)
        # Contacts mostly nearby, so that many candidates have a contact who left before them in the walk.
        w.people.contacts[:] = np.clip(np.arange(w.n)[:, None] + rng.integers(-40, 40, w.people.contacts.shape), 0,
                                       w.n - 1)
        w.people.location[:] = np.where(rng.random(w.n) < 0.3, RUSSIA, HOME)
        w.people.employed[:] = rng.random(w.n) < 0.6
        w.people.age_months[:] = rng.integers(18 * 12, 60 * 12, w.n)
    terms = terms_for(fast.v, utility=(-1.0, -1.5, -2.0))
    blocks = -(-fast.n // departures.BLOCK_ROWS)
    rows, found = np.empty(fast.n, np.int32), np.zeros((blocks, 3), np.int64)
    proposals, contact_at = np.empty(fast.n, np.uint8), np.empty((fast.n, 3), np.uint8)
    engine_fast.departure_proposals(fast.people, fast.households, fast.v, fast.n, terms, fast.month, 0,
                                    fast.keys[rs.DEPART], rows, found, proposals, contact_at, 0, blocks)
    engine_fast.departure_decisions(fast.people, fast.households, fast.v, fast.n, terms, fast.month, 0, fast.keys,
                                    fast.tally, rows, found, proposals, np.zeros(fast.n // 64 + 1, np.uint64))
    employed = jobless = 0
    for i in np.flatnonzero(plain.people.location == HOME):
        stays_employed, stays_jobless = departures.stayer(plain.people, i, plain.month, 0)
        if not departures.consider(plain.people, plain.households, i, plain.v, terms, plain.month, plain.keys,
                                   plain.tally):
            employed, jobless = employed + stays_employed, jobless + stays_jobless
    np.testing.assert_array_equal(fast.people.location, plain.people.location)
    assert fast.tally[t.DEPARTURES_RUSSIA] > 0
    # The walk had to correct proposals: some candidates went elsewhere than proposed, or left when the proposal was
    # to stay, because a contact had left before them.
    candidates = np.concatenate([np.arange(b * departures.BLOCK_ROWS, b * departures.BLOCK_ROWS + found[b, 0])
                                 for b in range(blocks)])
    went = fast.people.location[rows[candidates]]
    assert ((went != HOME) & (went != proposals[candidates])).sum() > 0
    assert fast.tally[t.STAYERS_EMPLOYED] == employed and fast.tally[t.STAYERS_JOBLESS] == jobless
