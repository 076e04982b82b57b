"""Legal status in Russia: documented migrants fall out of status, irregular ones regularise, and irregular
migrants are listed on the 'controlled persons' register (docs/ODD.md §3 step 2, §7.3).

A documented migrant keeps a patent and a valid registration. Status lapses when a registration problem hits and is
not resolved (``registration_burden``: the 90-days-a-year rule, biometrics, RuID), when the patent fee is heavy
against the wage, and above all when the migrant is jobless and stops paying. Regularising needs a job and is
deterred by the fee. The same deterrent decides how many newcomers take out a patent on arrival. Since February
2025 irregular migrants are put on the register; a listed person loses banking and driving rights (so remits
informally, see remittances) and may be expelled (see enforcement).
"""

from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms.grievance import aggrieve


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
def regularise_prob(employed, fee_to_wage, base, fee_coef):
    if not employed:
        return 0.0
    return min(max(base * (1.0 - fee_coef * fee_to_wage), 0.0), 1.0)


@njit(cache=True, inline="always")
def documented_on_arrival_prob(fee_to_wage, fee_coef):
    return min(max(1.0 - fee_coef * fee_to_wage, 0.0), 1.0)


@njit(cache=True, inline="always")
def update(people, i, v, fee_to_wage, keys, tally):
    """For a person in Russia."""
    u = rs.uniform(keys[rs.STATUS], i)
    if people.documented[i]:
        if u < lapse_prob(people.employed[i], fee_to_wage, v.registration_burden, v.burden_resolve_share,
                          v.fee_lapse_coef, v.jobless_lapse_prob):
            people.documented[i] = False
            tally[t.LAPSES] += 1
    elif u < regularise_prob(people.employed[i], fee_to_wage, v.regularise_prob, v.fee_regularise_coef):
        people.documented[i] = True
        people.on_register[i] = False
        tally[t.REGULARISATIONS] += 1
    if not people.documented[i] and not people.on_register[i] and \
            rs.uniform(keys[rs.REGISTER], i) < v.register_listing_prob:
        people.on_register[i] = True
        people.grievance[i] = aggrieve(people.grievance[i], v.grievance_register)
        tally[t.LISTINGS] += 1
