"""Known answers for legal status and the register (sim/mechanisms/legal_status.py)."""

import pytest

from sim import tally as t
from sim.mechanisms import legal_status
from sim.population import RUSSIA


def test_the_chances_follow_their_formulas():
    fee = legal_status.fee_share(6_000.0, 60_000.0)
    assert fee == pytest.approx(0.1)
    assert legal_status.lapse_prob(True, fee, 0.05, 0.6, 0.2, 0.3) == pytest.approx(0.05 * 0.4 + 0.2 * 0.1)
    assert legal_status.lapse_prob(False, fee, 0.05, 0.6, 0.2, 0.3) == pytest.approx(0.35)
    assert legal_status.regularise_prob(False, fee, 0.5, 2.0) == 0.0
    assert legal_status.regularise_prob(True, fee, 0.5, 2.0) == pytest.approx(0.5 * 0.8)
    assert legal_status.documented_on_arrival_prob(fee, 2.0) == pytest.approx(0.8)


def test_lapses_regularisations_and_listings_happen_at_their_declared_rates(world, within):
    w = world(60_000, location=RUSSIA, registration_burden=0.05, burden_resolve_share=0.5, fee_lapse_coef=0.3,
              jobless_lapse_prob=0.2, regularise_prob=0.1, fee_regularise_coef=1.0, register_listing_prob=0.25,
              grievance_register=0.4, status_enforcement_coef=0.0)
    p = w.people
    p.employed[:] = True
    third = w.n // 3
    p.documented[:third] = True  # documented, employed
    p.documented[third:2 * third] = True
    p.employed[third:2 * third] = False  # documented, jobless
    fee = 0.1
    for i in range(w.n):
        legal_status.update(p, i, w.v, fee, w.keys, w.tally)
    assert within(1 - p.documented[:third].mean(), 0.05 * 0.5 + 0.3 * fee, third)
    assert within(1 - p.documented[third:2 * third].mean(), 0.05 + 0.2, third)
    irregular = slice(2 * third, w.n)
    regularised = p.documented[irregular]
    assert within(regularised.mean(), 0.1 * (1 - fee), w.n - 2 * third)
    still_irregular = ~p.documented
    assert within(p.on_register[still_irregular].mean(), 0.25, still_irregular.sum())
    assert not p.on_register[p.documented].any()
    assert w.tally[t.LISTINGS] == p.on_register.sum()
    assert w.tally[t.REGULARISATIONS] == regularised.sum()


def test_enforcement_makes_status_worth_more(world, within):
    """Checks that expel 2 % of the irregular a month triple (1 + 1.0 x 2) the chance of regularising and cut that of
    an employed migrant letting status lapse to a third."""
    w = world(60_000, location=RUSSIA, raid_intensity=0.1, expulsion_given_irregular=0.2, status_enforcement_coef=1.0,
              registration_burden=0.05, burden_resolve_share=0.5, fee_lapse_coef=0.3, regularise_prob=0.05,
              fee_regularise_coef=1.0, register_listing_prob=0.0)
    assert legal_status.enforcement_pull(0.1, 0.2, 1.0) == pytest.approx(3.0)
    p = w.people
    p.employed[:] = True
    half = w.n // 2
    p.documented[:half] = True
    fee = 0.1
    for i in range(w.n):
        legal_status.update(p, i, w.v, fee, w.keys, w.tally)
    assert within(1 - p.documented[:half].mean(), (0.05 * 0.5 + 0.3 * fee) / 3, half)
    assert within(p.documented[half:].mean(), 0.05 * (1 - fee) * 3, w.n - half)


def test_a_patent_fee_of_zero_means_no_patent_is_needed(world, within):
    w = world(60_000, location=RUSSIA, patent_fee_rub=0.0, registration_burden=0.05, burden_resolve_share=0.5,
              jobless_lapse_prob=0.3, fee_lapse_coef=0.3, register_listing_prob=0.0)
    p = w.people
    third = w.n // 3
    p.documented[:2 * third] = True
    p.employed[:third] = True  # documented employed, documented jobless, then irregular and jobless
    fee = legal_status.fee_share(0.0, 60_000.0)
    assert legal_status.documented_on_arrival_prob(fee, 2.0) == 1.0
    for i in range(w.n):
        legal_status.update(p, i, w.v, fee, w.keys, w.tally)
    assert within(1 - p.documented[:third].mean(), 0.05 * 0.5, third)  # registration problems only
    assert within(1 - p.documented[third:2 * third].mean(), 0.05, third)  # jobless: no patent to stop paying
    assert p.documented[2 * third:].all()  # the irregular need no patent, jobless or not


def test_a_treaty_country_pays_no_patent_from_its_month():
    august_2015 = 2015 * 12 + 7
    assert legal_status.patent_fee_due(4000.0, august_2015 - 1, august_2015) == 4000.0
    assert legal_status.patent_fee_due(4000.0, august_2015, august_2015) == 0.0
    assert legal_status.patent_fee_due(4000.0, august_2015 + 120, august_2015) == 0.0
    assert legal_status.patent_fee_due(4000.0, august_2015 + 120, None) == 4000.0
