"""Departure decisions at home: a random-utility (nested logit) choice between staying and going abroad, and abroad
among Russia, Kazakhstan and other destinations (docs/ODD.md §3 step 5, §7.9; Klabunde & Willekens 2016; Klabunde
2014; McFadden 1978).

Utility of destination d relative to staying (0):

    V_d = asc_d + b_earn * (expected net earnings at d - expected earnings at home) / 100 USD
          - b_risk * expected monthly expulsion risk at d (%) - b_hostility * hostility at d
          + b_network * share of one's contacts at d
          - b_age * |age in whole years - 25| - b_female * female + b_need * household need
          + b_experience * been abroad before
          + log(seasonal factor)

With weights w_d = open_d * exp(V_d), where open_d (0..1) is how open the destination is, and the nest scale
lambda (``departure_nest_scale``), the weight of going abroad is G = (sum_k w_k^(1/lambda))^lambda and

    P(d) = G / (1 + G) * w_d^(1/lambda) / sum_k w_k^(1/lambda).

With lambda = 1 this is the plain multinomial logit w_d / (1 + sum_k w_k). With lambda < 1 the destinations are
closer substitutes for one another than for staying: when Russia's weight falls, part of those who would have gone
there go to Kazakhstan or elsewhere instead of staying home. The personal part of V_d is the same for every
destination, so it factors out of G; the weight is a group part, a personal part and a network part, and a person
costs one exponential (and, with lambda < 1, three powers). Expected earnings at home are the home wage for the
employed and the
home job-finding chance times the home wage for the jobless (the home labour market). A banned person cannot
choose Russia; a person choosing Russia may be refused at the border (``entry_screening``); Kazakhstan and the
other destinations take people only while they have room (capacity). Nobody travels when borders are closed.

``consider`` owns the whole rule (who may leave, the draw, what follows) and both engines call it. The fast engine
reaches the same ``choose_destination`` and ``leave`` through shortcuts of its own (``update``): a bound checked
before the contacts are looked up, a block of rows at a time.
"""

import math
from collections import namedtuple

import numpy as np
from numba import njit

from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms.grievance import aggrieve
from sim.mechanisms.home_labour_market import searching
from sim.population import HOME, KAZAKHSTAN, OTHER, RUSSIA, SKILL_WAGE

# Assumed: the age at which the propensity to migrate peaks.
PEAK_AGE_YEARS = 25.0
MAX_AGE_YEARS = 100

# This month's factors of the choice weights, the same for everyone: ``weights`` by (destination, skill, region,
# employed), ``all_weights`` their sum over destinations, ``personal`` by (female, been abroad, age in years),
# ``network`` by the number of contacts at the destination, and the chance of arriving in Russia documented.
DepartureTerms = namedtuple("DepartureTerms", "weights all_weights personal network documented_on_arrival "
                                              "nest_scale")


def destination_utilities(v, expected_abroad, home_wage_region, home_job_find_rate, risk_pct, season):
    """The part of V_d shared by everyone with the same destination, skill, region and job status.

    Shape (4 locations, skills, regions, 2 for jobless/employed); row 0 (home) is unused."""
    n_regions = home_wage_region.size
    base = np.zeros((4, SKILL_WAGE.size, n_regions, 2))
    asc = {RUSSIA: v.departure_asc_russia, KAZAKHSTAN: v.departure_asc_kazakhstan, OTHER: v.departure_asc_other}
    deterrents = {RUSSIA: v.departure_risk_coef * risk_pct + v.departure_hostility_coef * v.hostility,
                  KAZAKHSTAN: v.departure_risk_coef * 100.0 * v.kazakhstan_expulsion_prob, OTHER: 0.0}
    home_wage = SKILL_WAGE[:, None] * home_wage_region[None, :]  # (skills, regions)
    home_expected = np.stack([home_job_find_rate * home_wage, home_wage], axis=-1)  # jobless, employed
    log_season = math.log(max(season, 1e-9))
    for where in (RUSSIA, KAZAKHSTAN, OTHER):
        gap = (expected_abroad[where, :, None, None] - home_expected) / 100.0
        base[where] = asc[where] + v.departure_earnings_coef * gap - deterrents[where] + log_season
    return base


def room_left(stock, capacity):
    """The share of a destination's capacity still free, 0..1; a capacity of zero has no room at all."""
    if capacity <= 0:
        return 0.0
    return min(max(1 - stock / capacity, 0.0), 1.0)


def availability(v, stock_by_destination, scale):
    """How open each destination is, by location code (row 0 unused): 0 closed, 1 fully open. It multiplies the
    option's weight exp(V_d) in the choice; Kazakhstan and the other destinations close as they fill up."""
    open_share = np.zeros(4)
    open_share[RUSSIA] = v.border_open
    open_share[KAZAKHSTAN] = v.border_open * room_left(stock_by_destination[KAZAKHSTAN] * scale, v.kazakhstan_capacity)
    open_share[OTHER] = v.border_open * room_left(stock_by_destination[OTHER] * scale, v.other_capacity)
    return open_share


def choice_weights(utilities, open_share, border_open, nest_scale):
    """The group factor of each destination's weight w_d: exp(shared part of V_d) times how open it is
    (``availability``: the border times the room left). The border scales the weight of going abroad as a whole (G)
    and enters as it is; the room left scales the destination's own term w_d^(1/lambda) in the nest, so it enters
    as room^lambda. With lambda = 1 both are plain factors, as in the multinomial logit."""
    if nest_scale == 1.0 or border_open <= 0.0:
        return open_share[:, None, None, None] * np.exp(utilities)
    factor = border_open * (open_share / border_open) ** nest_scale
    return factor[:, None, None, None] * np.exp(utilities)


def network_weights(v, contacts):
    """exp(b_network * n / k) for n = 0..k contacts at a destination."""
    return np.exp(v.departure_network_coef * np.arange(contacts + 1) / contacts)


def nest_weight(weights, nest_scale):
    """G = (sum_d w_d^(1/lambda))^lambda over the destinations (axis 0): the weight of going abroad at all."""
    if nest_scale == 1.0:
        return weights.sum(axis=0)
    return (weights ** (1.0 / nest_scale)).sum(axis=0) ** nest_scale


def monthly_terms(v, utilities, open_share, documented_on_arrival) -> DepartureTerms:
    weights = choice_weights(utilities, open_share, v.border_open, v.departure_nest_scale)
    # An upper bound for the fast engine: G is largest with every contact at every destination (the network
    # factor is then the same for all and factors out), with a margin for rounding.
    return DepartureTerms(weights=weights, all_weights=nest_weight(weights[1:], v.departure_nest_scale) * BOUND_MARGIN,
                          personal=personal_weights(v), network=network_weights(v, int(v.network_contacts)),
                          documented_on_arrival=documented_on_arrival, nest_scale=v.departure_nest_scale)


def personal_weights(v):
    """exp(personal part of V_d) by (female, been abroad, age in whole years), need excluded."""
    ages = np.arange(MAX_AGE_YEARS)
    return np.exp(-v.departure_female_coef * np.arange(2)[:, None, None]
                  + v.departure_experience_coef * np.arange(2)[None, :, None]
                  - v.departure_age_coef * np.abs(ages - PEAK_AGE_YEARS)[None, None, :])


@njit(cache=True, inline="always")
def need_weight(need, need_coef):
    """exp(b_need * need); most households have no need, so the exponential is mostly skipped."""
    return 1.0 if need <= 0.0 else math.exp(need_coef * need)


@njit(cache=True, inline="always")
def nested(w_russia, w_kazakhstan, w_other, nest_scale):
    """The nested-logit weights G * w_d^(1/lambda) / sum_k w_k^(1/lambda), which add up to G: ``choose`` with them
    draws from the nested logit. With lambda = 1 they are the plain weights."""
    if nest_scale == 1.0:
        return w_russia, w_kazakhstan, w_other
    inverse = 1.0 / nest_scale
    z_russia, z_kazakhstan, z_other = w_russia ** inverse, w_kazakhstan ** inverse, w_other ** inverse
    within = z_russia + z_kazakhstan + z_other
    if within <= 0.0:
        return 0.0, 0.0, 0.0
    per = within ** nest_scale / within  # G / sum_k w_k^(1/lambda)
    return z_russia * per, z_kazakhstan * per, z_other * per


@njit(cache=True, inline="always")
def choose(u, exp_russia, exp_kazakhstan, exp_other):
    """Multinomial logit draw with one uniform: returns a location code, HOME for staying."""
    total = 1.0 + exp_russia + exp_kazakhstan + exp_other
    threshold = exp_russia / total
    if u < threshold:
        return RUSSIA
    threshold += exp_kazakhstan / total
    if u < threshold:
        return KAZAKHSTAN
    threshold += exp_other / total
    if u < threshold:
        return OTHER
    return HOME


@njit(cache=True, inline="always")
def _group(people, i, personal):
    """exp(personal part of V_d) without need: by sex, experience abroad and age in whole years."""
    return personal[1 if people.female[i] else 0, 1 if people.experience_months[i] > 0 else 0,
                    people.age_months[i] // 12]


@njit(cache=True, inline="always")
def destination_weights(people, households, i, v, terms, in_russia, in_kazakhstan, in_other, month):
    """The weights w_d = open_d * exp(V_d) of Russia, Kazakhstan and the other destinations for a person who may
    leave, given how many contacts are at each. A banned person cannot choose Russia (weight 0)."""
    weights, network = terms.weights, terms.network
    skill, region, employed = people.skill[i], people.region[i], 1 if people.employed[i] else 0
    person = _group(people, i, terms.personal) * need_weight(households.need[rs.unsigned(people.household[i])],
                                                             v.departure_need_coef)
    e_ru = 0.0
    if people.ban_until[i] <= month:
        e_ru = weights[RUSSIA, skill, region, employed] * person * network[in_russia]
    e_kz = weights[KAZAKHSTAN, skill, region, employed] * person * network[in_kazakhstan]
    e_ot = weights[OTHER, skill, region, employed] * person * network[in_other]
    return e_ru, e_kz, e_ot


@njit(cache=True, inline="always")
def choose_destination(people, households, i, v, terms, in_russia, in_kazakhstan, in_other, month, u):
    """The nested logit choice of a person who may leave, given how many contacts are at each destination:
    a location code, HOME for staying."""
    e_ru, e_kz, e_ot = destination_weights(people, households, i, v, terms, in_russia, in_kazakhstan, in_other,
                                           month)
    e_ru, e_kz, e_ot = nested(e_ru, e_kz, e_ot, terms.nest_scale)
    return choose(u, e_ru, e_kz, e_ot)


@njit(cache=True, inline="always")
def leave(people, i, v, terms, choice, keys, tally):
    """A person who chose a destination goes there, jobless, unless refused at the Russian border (which
    aggrieves); in Russia they arrive documented with chance ``terms.documented_on_arrival``. Returns True if the
    person left."""
    if choice == RUSSIA and rs.uniform(keys[rs.SCREENING], i) < v.entry_screening:
        tally[t.ENTRY_REFUSALS] += 1
        people.grievance[i] = aggrieve(people.grievance[i], v.grievance_refusal)
        return False
    people.location[i] = choice
    people.employed[i] = False
    people.wage_usd[i] = 0.0
    people.spell_months[i] = 0
    people.unemployed_months[i] = 0
    people.documented[i] = choice != RUSSIA or rs.uniform(keys[rs.ARRIVAL_STATUS], i) < terms.documented_on_arrival
    tally[t.DEPARTURES_RUSSIA + choice - RUSSIA] += 1
    return True


@njit(cache=True, inline="always")
def may_consider(people, i):
    """Who may leave: a person at home who has been home for at least a month (not this month's returnees)."""
    return (people.location[i] == HOME) & (people.spell_months[i] >= 1)


@njit(cache=True, inline="always")
def contacts_abroad(people, i):
    """How many of the person's contacts are in Russia, Kazakhstan and the other destinations now."""
    in_russia = in_kazakhstan = in_other = 0
    for j in range(people.contacts.shape[1]):
        at = people.location[rs.unsigned(people.contacts[i, j])]
        in_russia += at == RUSSIA
        in_kazakhstan += at == KAZAKHSTAN
        in_other += at == OTHER
    return in_russia, in_kazakhstan, in_other


@njit(cache=True, inline="always")
def consider(people, households, i, v, terms, month, keys, tally):
    """A person home for at least a month chooses among staying and the destinations by the logit shares, pulled by
    where their contacts are, and leaves unless refused at the border. Returns True if the person left."""
    if not may_consider(people, i):
        return False
    in_russia, in_kazakhstan, in_other = contacts_abroad(people, i)
    choice = choose_destination(people, households, i, v, terms, in_russia, in_kazakhstan, in_other, month,
                                rs.uniform(keys[rs.DEPART], i))
    return choice != HOME and leave(people, i, v, terms, choice, keys, tally)


@njit(cache=True, inline="always")
def stayer(people, i, month, rest_months):
    """How a person at home who did not leave counts in the wage labour market: (in a wage job, jobless and looking
    for work); a voluntary returnee still resting and a worker on the household plot are neither."""
    employed = people.employed[i]
    return employed & ~people.on_plot[i], ~employed & searching(people.returned_month[i], people.deported[i], month,
                                                                rest_months)


# Fast-engine shortcuts from here on: bounds on the chance of leaving, checked before the contacts are looked up
# and before the nest's powers are taken. A bound is raised by a margin far above rounding, so that whoever fails it
# surely stays.
BOUND_MARGIN = 1 + 1e-9

@njit(cache=True, inline="always")
def _bound(people, i, terms):
    """The weight of going abroad with every contact at every destination and no need: the need factor and the
    contacts can only lower it (G grows with each w_d)."""
    employed = 1 if people.employed[i] else 0
    return terms.all_weights[people.skill[i], people.region[i], employed] * _group(people, i, terms.personal) * \
        terms.network[-1]


@njit(cache=True, inline="always")
def _may_leave(u, weight):
    """Whether a person whose weights of leaving add up to at most ``weight`` can leave with the draw ``u``:
    whoever fails this stays, exactly as the full choice would decide."""
    return u * (1.0 + weight) < weight


# Rows are scanned a block at a time. A multiple of 64 (one word of the candidate bit set). The blocks are fixed
# whatever the number of threads, so the scan gives the same lists on one thread or several.
BLOCK_ROWS = 16384
# A row's word and bit in the bit set of who left (unsigned, as the rows are: see ``rs.unsigned``).
_S6, _LOW6 = np.uint64(6), np.uint64(63)


@njit(cache=True, inline="always")
def scan(people, households, v, n, terms, month, rest_months, key, rows, found, first_block, last_block):
    """The first part of the fast engine's walk of step 5 over the first ``n`` rows: for each block from
    ``first_block`` to ``last_block - 1``, lists in
    ``rows`` (from the block's first row on) who may leave this month, and counts in ``found[block]`` how many
    (column 0) and how many stay in a wage job (1) or looking for work (2) if none of them leaves.

    Shortcut (same result as the full choice): the uniform is drawn first and compared with upper bounds on the
    chance of leaving (every contact at the destination and the most need, then the actual need): whoever draws
    above them stays, exactly as the full choice would decide, without paying for the network lookups. The first
    bound is tested for 64 people at a time into a word of bits, in a loop the compiler can run on several people
    at once (SIMD); the second narrows the few who pass. A person's bounds read only their own state and their
    household's need, which this step does not change, so the blocks can be scanned in any order, or at once on
    several threads."""
    need_most = need_weight(1.0, v.departure_need_coef)
    for block_index in range(first_block, last_block):
        block = block_index * BLOCK_ROWS
        count = employed_stayers = jobless_stayers = 0
        for start in range(block, min(block + BLOCK_ROWS, n), 64):
            word = np.uint64(0)
            first = np.uint64(start)
            for i in rs.rows(start, min(start + 64, n)):
                home = people.location[i] == HOME
                employed, jobless = stayer(people, i, month, rest_months)
                employed_stayers += home & employed
                jobless_stayers += home & jobless
                may = may_consider(people, i) & \
                    _may_leave(rs.uniform(key, i), need_most * _bound(people, i, terms))
                word |= np.uint64(may) << (i - first)
            while word:
                i = start + rs.lowest_bit(word)
                word &= word - np.uint64(1)
                bound = _bound(people, i, terms) * need_weight(households.need[rs.unsigned(people.household[i])],
                                                               v.departure_need_coef)
                rows[block + count] = i
                count += _may_leave(rs.uniform(key, i), bound)
        found[block_index, 0] = count
        found[block_index, 1] = employed_stayers
        found[block_index, 2] = jobless_stayers


@njit(cache=True, inline="always")
def propose(people, households, v, terms, month, key, rows, found, proposals, contact_at, first_block, last_block):
    """The second part of the walk, for the candidates ``scan`` listed in blocks ``first_block`` to
    ``last_block - 1``: each one's choice (``choose_destination``, in ``proposals`` at the candidate's place in
    ``rows``) with their contacts where they were at the start of the step. The choice reads only the person's own
    state, the household's need and the contacts' locations, so the blocks can be done in any order, or at once on
    several threads; ``decide`` then corrects the few choices an earlier departure changes. The contacts' locations
    are first gathered in a tight loop (into ``contact_at``, scratch space with a row per row of the population),
    where the processor can overlap the cache misses."""
    k_contacts = people.contacts.shape[1]
    for block_index in range(first_block, last_block):
        block = block_index * BLOCK_ROWS
        stop = block + found[block_index, 0]
        for k in range(block, stop):
            i = rs.unsigned(rows[k])
            for j in range(k_contacts):
                contact_at[k, j] = people.location[rs.unsigned(people.contacts[i, j])]
        for k in range(block, stop):
            i = rs.unsigned(rows[k])
            in_russia = in_kazakhstan = in_other = 0
            for j in range(k_contacts):
                at = contact_at[k, j]
                in_russia += at == RUSSIA
                in_kazakhstan += at == KAZAKHSTAN
                in_other += at == OTHER
            e_ru, e_kz, e_ot = destination_weights(people, households, i, v, terms, in_russia, in_kazakhstan,
                                                   in_other, month)
            u = rs.uniform(key, i)
            # Shortcut (same result as ``choose_destination``): with lambda <= 1 (the parameter's range) the weight of
            # going abroad, G = (sum_d w_d^(1/lambda))^lambda, is at most sum_d w_d, so whoever draws above that
            # bound stays without paying for the nest's powers.
            proposals[k] = HOME
            if _may_leave(u, (e_ru + e_kz + e_ot) * BOUND_MARGIN):
                n_ru, n_kz, n_ot = nested(e_ru, e_kz, e_ot, terms.nest_scale)
                proposals[k] = choose(u, n_ru, n_kz, n_ot)


@njit(cache=True, inline="always")
def decide(people, households, v, n, terms, month, rest_months, keys, tally, rows, found, proposals, departed):
    """The last part of the walk, on one thread in row order: each candidate makes the choice ``consider`` would
    make and leaves unless refused; everyone who stays counts as a stayer, employed or looking for work.

    The person-by-person walk sees a contact who left earlier in the walk at their destination. Everyone who leaves
    is marked in the bit set ``departed`` (scratch space), and a candidate with a marked contact chooses again with
    the contacts where they are now; every other candidate's proposal is already the choice the walk would make."""
    key = keys[rs.DEPART]
    employed_stayers = jobless_stayers = 0
    departed[:] = 0
    for block_index in range((n + BLOCK_ROWS - 1) // BLOCK_ROWS):
        block = block_index * BLOCK_ROWS
        employed_stayers += found[block_index, 1]
        jobless_stayers += found[block_index, 2]
        for k in range(block, block + found[block_index, 0]):
            i = rs.unsigned(rows[k])
            choice = proposals[k]
            for j in range(people.contacts.shape[1]):
                contact = rs.unsigned(people.contacts[i, j])
                if departed[contact >> _S6] & (np.uint64(1) << (contact & _LOW6)):
                    in_russia, in_kazakhstan, in_other = contacts_abroad(people, i)
                    choice = choose_destination(people, households, i, v, terms, in_russia, in_kazakhstan,
                                                in_other, month, rs.uniform(key, i))
                    break
            if choice == HOME:
                continue
            employed, jobless = stayer(people, i, month, rest_months)  # before ``leave`` changes them
            if not leave(people, i, v, terms, choice, keys, tally):
                continue
            employed_stayers -= employed
            jobless_stayers -= jobless
            departed[i >> _S6] |= np.uint64(1) << (i & _LOW6)
    # This month's returnees were counted at home but did not stay: they all arrived jobless; deportees (from Russia
    # or Kazakhstan) look for work at once, voluntary returnees after their rest.
    jobless_stayers -= tally[t.DEPORTATIONS] + tally[t.EXPULSIONS_KAZAKHSTAN]
    if searching(month, False, month, rest_months):
        jobless_stayers -= tally[t.RETURNS_VOLUNTARY]
    tally[t.STAYERS_EMPLOYED] += employed_stayers
    tally[t.STAYERS_JOBLESS] += jobless_stayers
