"""The production engine: the population as a structure of arrays, walked in a few compiled passes.

Each mechanism keeps its rules and its per-person update in its own file; this engine strings the updates together
in the documented monthly order (docs/ODD.md §3). Steps 2-4 touch only each migrant's own state and additive household
totals, so doing them person by person in one pass gives the same result as doing them mechanism by mechanism in
separate passes, with a fraction of the memory traffic. Passes walk compact lists of rows (people abroad, people
at home) built at the end of the previous month, so they do not branch on every row of the population.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from sim import conditions, population
from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms import (
    bans,
    demography,
    departures,
    earnings,
    employment_abroad,
    enforcement,
    grievance,
    home_labour_market,
    households,
    indicators,
    legal_status,
    naturalisation,
    network,
    remittances,
    returns,
)
from sim.population import GONE, HOME, KAZAKHSTAN, RUSSIA

# The passes allocate nothing, so they run without Numba's reference counting: with it, every call into a
# mechanism's per-person update increfs and decrefs each array of the population (about 200 ns a call, measured).
PASS = {"cache": True, "_nrt": False}


@njit(**PASS)
def abroad_pass(people, hh, v, rows, c, return_bounds, month, keys, tally):
    """Steps 2-4 for everyone abroad at the start of the month."""
    terms, fee_to_wage, return_terms = c.destination_terms, c.fee_to_wage, c.returns
    for row in rows:
        i = np.uint64(row)  # an unsigned index spares a test for negative indices on every access
        where = people.location[i]
        in_russia = where == RUSSIA
        employment_abroad.update(people, i, v, in_russia, keys, tally)
        earnings.update(people, i, v, where, terms, keys, tally)
        if in_russia:
            legal_status.update(people, i, v, fee_to_wage, keys, tally)
            if enforcement.update(people, hh, i, v, month, keys, tally):
                continue
        elif where == KAZAKHSTAN and enforcement.update_kazakhstan(people, hh, i, v, month, keys, tally):
            continue
        remittances.update(people, hh, i, v, c.expected_abroad, c.poverty_line_usd, keys, tally)
        # Shortcut: whoever draws above a bound on their return hazard stays, without paying for its exponential.
        if not returns.surely_stays(people, i, v, in_russia, return_bounds, keys) and \
                returns.consider(people, hh, i, v, return_terms, in_russia, month, keys, tally):
            continue
        if in_russia:
            naturalisation.update(people, hh, i, v, keys, tally)


@njit(**PASS)
def departure_pass(people, hh, v, n, terms, month, rest_months, keys, tally, rows, contact_at, departed):
    """Step 5 for everyone at home at the start of the month; counts who stays, employed or looking for work."""
    departures.update(people, hh, v, n, terms, month, rest_months, keys, tally, rows, contact_at, departed)


@njit(**PASS)
def month_end_pass(people, hh, v, n, n_entrants, market, life, contact_lists, month, keys, tally, census, risk,
                   scratch):
    """Steps 6 and 7 and the counts of step 9: the home labour market, ageing and exits, entrants, ties, the
    grievance drift, the census and the exposure counts. Returns (home wages paid, people abroad) and lists who is
    abroad for next month in ``scratch.abroad_rows``.

    Shortcut (fused, vectorised passes): each step runs over the whole population before the next, in kernels simple
    enough for the compiler to run on several people at once. This gives the same result as walking person by
    person through all the steps because in these steps a person's update reads only their own state, household
    totals that nothing reads before step 8, and the contact lists built before the pass; sums of money run in row
    order."""
    total = n + n_entrants
    abroad_rows = scratch.abroad_rows
    home_labour_market.work(people, 0, n, market, month, keys)
    wages = home_labour_market.pay(people, hh, 0, n, market, 0.0, scratch.rows)
    demography.age(people, 0, n, life.exit_age_months, tally)
    demography.enter(people, n, total, life, keys)
    grievance.update(people, v, 0, total)
    order, starts = contact_lists
    network.update(people, v, 0, total, n, order, starts, keys, tally, scratch.flags, scratch.rows, scratch.picks)
    indicators.count(people, v, 0, total, month, census, risk)
    hh.agents[:] = 0
    grievance_total = 0.0
    n_abroad = 0
    for i in rs.rows(0, total):
        where = people.location[i]
        active = where < GONE  # not gone or vacant
        hh.agents[people.household[i]] += active
        grievance_total += np.float64(people.grievance[i]) if active else 0.0
        abroad_rows[n_abroad] = i
        n_abroad += active & (where != HOME)
    risk[indicators.GRIEVANCE_TOTAL] += grievance_total
    return wages, n_abroad


# Scratch space the passes overwrite every month and never output: a flag and three row lists with a place for
# every row of the population (the list of who is abroad is read back after the pass), the contacts' locations for
# a block of departures and a bit set of who left in it.
Scratch = namedtuple("Scratch", "flags rows picks abroad_rows contact_at departed")


class FastEngine:
    name = "fast"

    def __init__(self, model, capacity_months: int):
        self.model = model
        profile = model.profile
        self.people, self.households, self.next_free = population.synthesise(
            profile, model.values, model.scale, model.first_month, model.population_rng, capacity_months)
        self.n_regions = len(profile.region_names)
        self.life = demography.life_terms(profile, self.households.region)
        self.memory = conditions.initial_memory(self.people, profile, model.values, model.first_month,
                                                self.next_free, model.scale)
        self.months_done = 0
        self.contact_lists = None
        self._allocate_rows()
        location = self.people.location[:self.next_free]
        self.abroad_rows = np.flatnonzero((location != HOME) & (location < GONE)).astype(np.int32)
        self.income_history = indicators.income_history(self.households.region.shape[0])

    @property
    def agents(self) -> int:
        return self.next_free

    def _allocate_rows(self):
        capacity = self.people.location.shape[0]
        self.scratch = Scratch(
            flags=np.empty(capacity, dtype=np.bool_), rows=np.empty(capacity, dtype=np.int32),
            picks=np.empty(capacity, dtype=np.int32), abroad_rows=np.empty(capacity, dtype=np.int32),
            contact_at=np.empty((departures.BLOCK_ROWS, self.people.contacts.shape[1]), dtype=np.uint8),
            departed=np.zeros(capacity // 64 + 1, dtype=np.uint64))

    def step(self, month: int, v) -> dict:
        model, profile = self.model, self.model.profile
        n_entrants = demography.entrants_due(profile, model.scale, model.first_month, month)
        if self.next_free + n_entrants > self.people.location.shape[0]:
            self.people = population.grow(self.people, int((self.next_free + n_entrants) * 1.25) + 16)
            self._allocate_rows()
        people, hh, n = self.people, self.households, self.next_free
        keys = rs.month_keys(model.master_key, month)
        tally = np.zeros(len(t.NAMES))
        c = conditions.monthly(v, self.memory, profile, model.scale, month, spinup=month < model.start_month)
        hh.remittances_usd[:] = 0
        hh.earnings_usd[:] = 0

        scratch = self.scratch
        abroad_pass(people, hh, v, self.abroad_rows, c, returns.upper_bounds(c.returns), month, keys, tally)
        naturalisation.diaspora_transfers(hh, v, keys, tally)
        departure_pass(people, hh, v, n, c.departure, month, int(v.returnee_rest_months), keys, tally, scratch.rows,
                       scratch.contact_at, scratch.departed)
        if v.ban_amnesty_share > 0:
            bans.amnesty(people, v, 0, n, month, keys, tally)

        market = home_labour_market.monthly_terms(c.capacity, tally, v, c.region_wage_usd)
        if self.contact_lists is None or month % 12 == 0:
            self.contact_lists = network.region_lists(people, n, self.n_regions)
        census, risk = np.zeros(len(indicators.CENSUS)), np.zeros(len(indicators.RISK))
        # This month's row lists have been walked, so their buffers can take next month's.
        home_earnings, n_abroad = month_end_pass(people, hh, v, n, n_entrants, market, self.life,
                                                  self.contact_lists, month, keys, tally, census, risk, scratch)
        self.next_free = n = n + n_entrants
        self.abroad_rows = scratch.abroad_rows[:n_abroad]

        household_counts = households.step(hh, v, c.poverty_line_usd, self.months_done == 0, 0,
                                           hh.region.shape[0])
        risk[indicators.INCOME_FELL] = indicators.income_fell(hh, self.income_history, v, month, 0,
                                                              hh.region.shape[0])
        raw = t.month_record(tally, census, risk, market, c, n_entrants, hh.region.shape[0], household_counts,
                             home_earnings)
        self.memory.update(raw, v)
        self.months_done += 1
        return raw
