"""The production engine: the population as a structure of arrays, walked in a few compiled passes.

Each mechanism keeps its rules and its per-person update in its own file; this engine strings the updates together
in the documented monthly order (DESIGN §3). Steps 2-4 touch only each migrant's own state and additive household
totals, so doing them person by person in one pass gives the same result as doing them mechanism by mechanism in
separate passes, with a fraction of the memory traffic. Passes walk compact lists of rows (people abroad, people
at home) built at the end of the previous month, so they do not branch on every row of the population.
"""

import numpy as np
from numba import njit

from sim import conditions, population
from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms import (
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
from sim.population import GONE, HOME, RUSSIA, VACANT

# The passes allocate nothing, so they run without Numba's reference counting: with it, every call into a
# mechanism's per-person update increfs and decrefs each array of the population (about 200 ns a call, measured).
PASS = {"cache": True, "_nrt": False}


@njit(**PASS)
def abroad_pass(people, hh, v, rows, terms, fee_to_wage, return_logs, month, keys, tally):
    """Steps 2-4 for everyone abroad at the start of the month."""
    for i in rows:
        where = people.location[i]
        in_russia = where == RUSSIA
        employment_abroad.update(people, i, v, in_russia, keys, tally)
        earnings.update(people, i, v, where, terms, keys, tally)
        if in_russia:
            legal_status.update(people, i, v, fee_to_wage, keys, tally)
            if enforcement.update(people, hh, i, v, month, keys, tally):
                continue
        remittances.update(people, hh, i, v, keys, tally)
        if returns.update(people, hh, i, v, in_russia, return_logs, month, keys, tally):
            continue
        if in_russia:
            naturalisation.update(people, i, v, keys, tally)


@njit(**PASS)
def departure_pass(people, hh, v, rows, c, p_documented, month, keys, tally):
    """Step 5 for everyone at home at the start of the month; counts who stays, employed or looking for work."""
    for i in rows:
        if people.spell_months[i] >= 1 and departures.update(
                people, hh, i, v, c.departure_weights, c.all_departure_weights, c.personal_weights, c.network_weights,
                p_documented, month, keys, tally) != HOME:
            continue
        if people.employed[i]:
            tally[t.STAYERS_EMPLOYED] += 1
        elif home_labour_market.searching(people.returned_month[i], people.deported[i], month,
                                          int(v.returnee_rest_months)):
            tally[t.STAYERS_JOBLESS] += 1


@njit(**PASS)
def labour_pass(people, hh, n, separation, find_rate, region_wage_usd, month, rest_months, keys):
    """Step 6 for everyone at home now (including this month's returnees); returns the wages paid."""
    earnings = 0.0
    for i in range(n):
        if people.location[i] == HOME:
            earnings += home_labour_market.update(people, hh, i, separation, find_rate, region_wage_usd, month,
                                                  rest_months, keys)
    return earnings


@njit(**PASS)
def active_pass(people, hh, v, n, n_entrants, exit_age_months, entry_age_months, female_share, region_cumulative,
                household_order, household_starts, contact_order, contact_starts, month, keys, tally):
    """Step 7 (ageing, exits, entrants, ties) and the monthly grievance drift, counting household members."""
    hh.agents[:] = 0
    for i in range(n + n_entrants):
        if i >= n:
            demography.enter(people, i, entry_age_months, female_share, region_cumulative, household_order,
                             household_starts, keys)
        elif people.location[i] == GONE or people.location[i] == VACANT:
            continue
        else:
            demography.age(people, i, exit_age_months, tally)
            if people.location[i] == GONE:
                continue
        where = people.location[i]
        grievance.update(people, i, v, where == RUSSIA,
                         where == HOME and not people.employed[i]
                         and people.unemployed_months[i] >= v.long_unemployed_months)
        network.update(people, i, v, contact_order, contact_starts, keys, tally)
        hh.agents[people.household[i]] += 1


@njit(**PASS)
def census_pass(people, hh, v, n, month, census, risk, abroad_rows, home_rows):
    """Step 9: census and risk conditions; lists who is abroad and who is at home for next month."""
    n_abroad = n_home = 0
    for i in range(n):
        where = people.location[i]
        if where == GONE or where == VACANT:
            continue
        indicators.update(people, hh, i, v, month, census, risk)
        if where == HOME:
            home_rows[n_home] = i
            n_home += 1
        else:
            abroad_rows[n_abroad] = i
            n_abroad += 1
    return n_abroad, n_home


class FastEngine:
    name = "fast"

    def __init__(self, model, capacity_months: int):
        self.model = model
        profile = model.profile
        self.people, self.households, self.next_free = population.synthesise(
            profile, model.values, model.scale, model.first_month, model.population_rng, capacity_months)
        self.n_regions = len(profile.region_names)
        self.household_order, self.household_starts = population.region_index(self.households.region,
                                                                               self.n_regions)
        self.region_cumulative = np.cumsum(profile.region_population_share)
        self.memory = conditions.initial_memory(self.people, profile, model.values, model.first_month,
                                                self.next_free, model.scale)
        self.months_done = 0
        self.contact_lists = None
        self._allocate_rows()
        location = self.people.location[:self.next_free]
        self.abroad_rows = np.flatnonzero((location != HOME) & (location < GONE)).astype(np.int32)
        self.home_rows = np.flatnonzero(location == HOME).astype(np.int32)

    @property
    def agents(self) -> int:
        return self.next_free

    def _allocate_rows(self):
        capacity = self.people.location.shape[0]
        self._abroad_buffer = np.empty(capacity, dtype=np.int32)
        self._home_buffer = np.empty(capacity, dtype=np.int32)

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

        fee_to_wage = legal_status.fee_share(v.patent_fee_rub, v.migrant_wage_rub)
        abroad_pass(people, hh, v, self.abroad_rows, c.terms, fee_to_wage, c.return_logs, month, keys, tally)
        p_documented = legal_status.documented_on_arrival_prob(fee_to_wage, v.fee_regularise_coef)
        departure_pass(people, hh, v, self.home_rows, c, p_documented, month, keys, tally)

        # Everyone arrives jobless; deportees look for work at once, voluntary returnees after their rest.
        arrived_home = tally[t.DEPORTATIONS] + (tally[t.RETURNS_VOLUNTARY] if v.returnee_rest_months == 0 else 0)
        find_rate, separation, vacancies = home_labour_market.monthly_rates(
            c.capacity, tally[t.STAYERS_EMPLOYED], tally[t.STAYERS_JOBLESS] + arrived_home,
            v.home_separation_rate, v.matching_efficiency)
        home_earnings = labour_pass(people, hh, n, separation, find_rate, c.region_wage_usd, month,
                                    int(v.returnee_rest_months), keys)

        if self.contact_lists is None or month % 12 == 0:
            self.contact_lists = network.region_lists(people, n, self.n_regions)
        active_pass(people, hh, v, n, n_entrants, int(profile.facts["upper_working_age"] * 12),
                    int(profile.facts["entry_age"] * 12), 1.0 - profile.facts["male_share_home_labour_force"],
                    self.region_cumulative, self.household_order, self.household_starts, *self.contact_lists,
                    month, keys, tally)
        self.next_free = n = n + n_entrants

        receiving, poor, fell = households.step(hh, v, profile.facts["poverty_line_usd"], self.months_done == 0)
        census, risk = np.zeros(14), np.zeros(4)
        n_abroad, n_home = census_pass(people, hh, v, n, month, census, risk, self._abroad_buffer,
                                       self._home_buffer)
        self.abroad_rows = self._abroad_buffer[:n_abroad].copy()
        self.home_rows = self._home_buffer[:n_home].copy()

        raw = dict(zip(t.NAMES, tally.tolist(), strict=True))
        C = R = indicators
        raw.update(
            home_labour_force=census[C.LABOUR_FORCE], home_jobless=census[C.JOBLESS], youth=census[C.YOUTH],
            youth_jobless=census[C.YOUTH_JOBLESS], returnees=census[C.RETURNEES],
            returnees_jobless=census[C.RETURNEES_JOBLESS], resting=census[C.RESTING], home_earnings_usd=home_earnings,
            home_job_finding_rate=find_rate, home_job_capacity=c.capacity, vacancies=vacancies,
            entrants=n_entrants, households=hh.region.shape[0], households_receiving=receiving,
            households_poor=poor, households_income_fell=fell,
            population=census[C.POPULATION], abroad_russia=census[C.IN_RUSSIA],
            abroad_kazakhstan=census[C.IN_KAZAKHSTAN], abroad_other=census[C.IN_OTHER],
            documented_abroad=census[C.DOCUMENTED_ABROAD], on_register=census[C.ON_REGISTER],
            banned=census[C.BANNED], abroad_precarity=risk[R.ABROAD_PRECARITY],
            home_idleness=risk[R.HOME_IDLENESS], home_idleness_weighted=risk[R.HOME_IDLENESS_WEIGHTED],
            grievance_total=risk[R.GRIEVANCE_TOTAL], gdp_usd_bn=c.gdp_usd_bn)
        self.memory.update(raw, v)
        self.months_done += 1
        return raw
