"""Legal status in Russia: documented migrants fall out of status, irregular ones regularise, and irregular
migrants are listed on the 'controlled persons' register (docs/ODD.md §3 step 2, §7.3).

A documented migrant keeps a patent and a valid registration. Status lapses when a registration problem hits and is
not resolved (``registration_burden``: the 90-days-a-year rule, biometrics, RuID), when the patent fee is heavy
against the wage, and above all when the migrant is jobless and stops paying. Regularising needs a job and is
deterred by the fee. The same deterrent decides how many newcomers take out a patent on arrival. Status is worth
more when checks expel the irregular: the chance of regularising rises, and that of an employed migrant letting
status lapse falls, by the factor 1 + ``status_enforcement_coef`` x the monthly chance (in %) that an irregular
migrant is expelled after a check. A patent fee of zero means no patent is needed: nobody is irregular for want of
one (the irregular regularise at once, jobless or not), and status lapses only through registration problems.
Citizens of a country whose profile names the month its treaty took effect (``treaty.patent_free_from``: the
Eurasian Economic Union lets members' citizens work in Russia without a patent, Treaty of 29 May 2014 art. 97), or
for which a scenario sets one (``patent_free_from`` in its [scenario] table), pay no patent from that month,
whatever fee a scenario sets for everyone else (``patent_fee_due``).
Since February 2025 irregular migrants are put on the register; a listed person loses banking and driving rights
(so remits informally, see remittances) and may be expelled (see enforcement).
"""

from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms.grievance import aggrieve


def patent_fee_due(patent_fee_rub, month, patent_free_from):
    """The monthly patent fee a migrant from this country pays in ``month`` (absolute): the lever's fee, or nothing
    from the month the country's citizens need no patent (None: they always need one)."""
    if patent_free_from is not None and month >= patent_free_from:
        return 0.0
    return patent_fee_rub


@njit(cache=True, inline="always")
def fee_share(patent_fee_rub, migrant_wage_rub):
    return patent_fee_rub / migrant_wage_rub


@njit(cache=True, inline="always")
def lapse_prob(employed, fee_to_wage, registration_burden, burden_resolve_share, fee_lapse_coef,
               jobless_lapse_prob):
    if employed:
        p = registration_burden * (1.0 - burden_resolve_share) + fee_lapse_coef * fee_to_wage
    else:
        p = registration_burden + jobless_lapse_prob
    return min(max(p, 0.0), 1.0)


@njit(cache=True, inline="always")
def regularise_prob(employed, fee_to_wage, base, fee_coef, enforcement=1.0):
    if not employed:
        return 0.0
    return min(max(base * (1.0 - fee_coef * fee_to_wage) * enforcement, 0.0), 1.0)


@njit(cache=True, inline="always")
def enforcement_pull(raid_intensity, expulsion_given_irregular, status_enforcement_coef):
    """1 + coef x the monthly chance, in %, that an irregular migrant is checked and expelled: how much more status
    is worth under enforcement."""
    return 1.0 + status_enforcement_coef * 100.0 * raid_intensity * expulsion_given_irregular


@njit(cache=True, inline="always")
def no_patent_lapse_prob(employed, registration_burden, burden_resolve_share):
    """With no patent needed, status lapses only through registration problems."""
    p = registration_burden * (1.0 - burden_resolve_share) if employed else registration_burden
    return min(max(p, 0.0), 1.0)


@njit(cache=True, inline="always")
def documented_on_arrival_prob(fee_to_wage, fee_coef):
    return min(max(1.0 - fee_coef * fee_to_wage, 0.0), 1.0)


@njit(cache=True, inline="always")
def update(people, i, v, fee_to_wage, keys, tally):
    """For a person in Russia."""
    u = rs.uniform(keys[rs.STATUS], i)
    employed = people.employed[i]
    no_patent = v.patent_fee_rub <= 0.0
    pull = enforcement_pull(v.raid_intensity, v.expulsion_given_irregular, v.status_enforcement_coef)
    if people.documented[i]:
        if no_patent:
            p_lapse = no_patent_lapse_prob(employed, v.registration_burden, v.burden_resolve_share)
        else:
            p_lapse = lapse_prob(employed, fee_to_wage, v.registration_burden, v.burden_resolve_share,
                                 v.fee_lapse_coef, v.jobless_lapse_prob)
            if employed:
                p_lapse /= pull
        if u < p_lapse:
            people.documented[i] = False
            tally[t.LAPSES] += 1
    elif no_patent or u < regularise_prob(employed, fee_to_wage, v.regularise_prob, v.fee_regularise_coef, pull):
        people.documented[i] = True
        people.on_register[i] = False
        tally[t.REGULARISATIONS] += 1
    if not people.documented[i] and not people.on_register[i] and \
            rs.uniform(keys[rs.REGISTER], i) < v.register_listing_prob:
        people.on_register[i] = True
        people.grievance[i] = aggrieve(people.grievance[i], v.grievance_register)
        tally[t.LISTINGS] += 1
