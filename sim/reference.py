"""The per-agent reference engine: one ``mesa.Agent`` per person, walked one at a time, the textbook way.

It is the oracle the fast engine is tested against. Every rule lives in its mechanism's file; this engine calls the
same compiled rule for one person (or one household) at a time where the fast engine calls it in passes over
everyone, and it takes none of the fast engine's shortcuts (bounds checked before a decision, fused passes, row
lists, blocks). A person's state lives in the population's columns (``sim.population``), at the agent's row
``slot``, so both engines read and write the same state through the same code. Use it for populations of a few
thousand agents; it is about 200 times slower than the fast engine.

A month (docs/ODD.md §3): every migrant abroad works, is paid, keeps or loses status, may be checked, sends money
home, and may return or naturalise (``work_abroad``); everyone at home may leave (``consider_leaving``); everyone
at home then meets the home labour market (``work_at_home``); everyone ages, lets grievance drift and keeps up ties
(``grow_older``), and the entrants join; households count their income; the census and exposure counts are taken.
"""

import mesa
import numba
import numpy as np
from numba.core import types
from numba.experimental import structref

from sim import conditions, parameters, population
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


# The population's columns, the households' columns and the parameters, as numba structrefs over the same arrays and
# values. This engine calls the rules one person at a time from Python, and numba would otherwise unbox the
# columns and parameters of the named tuples on every call (about 12 us, against 0.5 us for a structref).
@structref.register
class _PeopleType(types.StructRef):
    pass


class _PeopleRef(structref.StructRefProxy):
    pass


@structref.register
class _HouseholdsType(types.StructRef):
    pass


class _HouseholdsRef(structref.StructRefProxy):
    pass


@structref.register
class _ValuesType(types.StructRef):
    pass


class _ValuesRef(structref.StructRefProxy):
    pass


structref.define_proxy(_PeopleRef, _PeopleType, list(population.People._fields))
structref.define_proxy(_HouseholdsRef, _HouseholdsType, list(population.Households._fields))
structref.define_proxy(_ValuesRef, _ValuesType, list(parameters.NAMES))


def _for_rules(proxy, fields):
    """The structref over ``fields`` the rules are called with (the named tuple itself when numba is off)."""
    return fields if numba.config.DISABLE_JIT else proxy(*fields)


def call(rule, *args):
    """Call the compiled ``rule`` from Python at its compiled entry point. Numba's dispatcher would work out the
    arguments' types afresh on every call (tens of microseconds for the named tuple of the parameters), which
    would dominate this engine's time; here they are worked out once for each combination of Python types and
    array dtypes (the fields of this engine's named tuples keep their types for a run). With ``NUMBA_DISABLE_JIT``
    the rule is a plain function and is called as it is."""
    kinds = (rule, *(a.dtype if type(a) is np.ndarray else type(a) for a in args))
    entry = _ENTRY_POINTS.get(kinds)
    if entry is None:
        if not hasattr(rule, "overloads"):
            return rule(*args)
        result = rule(*args)  # compiles the rule for these types if need be
        _ENTRY_POINTS[kinds] = rule.overloads[tuple(rule.typeof_pyval(a) for a in args)].entry_point
        return result
    return entry(*args)


_ENTRY_POINTS: dict = {}


class MigrantWorker(mesa.Agent):
    """A working-age person of the origin country, at home or abroad. The person's state is row ``slot`` of the
    engine's population columns; each column reads as an attribute (``agent.location``), and only the rules
    write it."""

    def __init__(self, model, slot: int):
        super().__init__(model)
        self.slot = slot

    # ------------------------------------------------------------------ steps 2-4
    def work_abroad(self, v, c, month, tally):
        """Abroad, a migrant's month runs through the job, the pay, (in Russia) status and police checks, sending
        money home, and the choice to go home or (in Russia) naturalise; a deportation or a return ends it."""
        in_russia = self.location == RUSSIA
        self.keep_or_change_job(v, in_russia, tally)
        self.earn(v, c, tally)
        if in_russia:
            self.keep_or_change_status(v, c, tally)
            if self.face_enforcement(v, month, tally):
                return
        elif self.location == KAZAKHSTAN and self.face_kazakh_enforcement(v, month, tally):
            return
        self.remit(v, c, tally)
        if self.consider_return(v, c, in_russia, month, tally):
            return
        if in_russia:
            self.consider_naturalising(v, tally)

    def keep_or_change_job(self, v, in_russia, tally):
        """A jobless migrant finds work, an employed one loses it, at the rates of ``employment_abroad``."""
        e = self.model.engine
        call(employment_abroad.update, e.people_ref, self.slot, e.params_ref, in_russia, e.keys, tally)

    def earn(self, v, c, tally):
        """The month's wage, net of living costs and documents, by ``earnings``; an irregular worker may be robbed."""
        e = self.model.engine
        call(earnings.update, e.people_ref, self.slot, e.params_ref, self.location, c.destination_terms, e.keys,
             tally)

    def keep_or_change_status(self, v, c, tally):
        """In Russia, status lapses or is regained and the irregular are listed, by ``legal_status``."""
        e = self.model.engine
        call(legal_status.update, e.people_ref, self.slot, e.params_ref, c.fee_to_wage, e.keys, tally)

    def face_enforcement(self, v, month, tally) -> bool:
        """In Russia, a police check may fine, extort or expel, and the register may expel, by ``enforcement``;
        returns True if deported."""
        e = self.model.engine
        return call(enforcement.update, e.people_ref, e.households_ref, self.slot, e.params_ref, month, e.keys, tally)

    def face_kazakh_enforcement(self, v, month, tally) -> bool:
        """In Kazakhstan, the migrant may be expelled home, by ``enforcement``; returns True if expelled."""
        e = self.model.engine
        return call(enforcement.update_kazakhstan, e.people_ref, e.households_ref, self.slot, e.params_ref, month,
                    e.keys, tally)

    def remit(self, v, c, tally):
        """Part of the expected net, and of the household's shortfall, goes home when the migrant gets round to
        sending it, through the channel ``channels`` splits it by, by ``remittances``."""
        e = self.model.engine
        call(remittances.update, e.people_ref, e.households_ref, self.slot, e.params_ref, c.expected_abroad,
             c.formal_shares, c.poverty_line_usd, e.keys, tally)

    def consider_return(self, v, c, in_russia, month, tally) -> bool:
        """The migrant goes home with the return hazard of ``returns``; returns True if they did."""
        e = self.model.engine
        return call(returns.consider, e.people_ref, e.households_ref, self.slot, e.params_ref, c.returns, in_russia,
                    month, e.keys, tally)

    def consider_naturalising(self, v, tally):
        """A documented migrant long in Russia may take citizenship and leave the model, by ``naturalisation``."""
        e = self.model.engine
        call(naturalisation.update, e.people_ref, e.households_ref, self.slot, e.params_ref, e.keys, tally)

    # ------------------------------------------------------------------ step 5
    def consider_leaving(self, v, c, month, tally):
        """A person home for a month or more may leave by the logit choice of ``departures``; who stays counts as
        a stayer, employed or looking for work."""
        e = self.model.engine
        employed, jobless = call(departures.stayer, e.people_ref, self.slot, month, int(v.returnee_rest_months))
        if call(departures.consider, e.people_ref, e.households_ref, self.slot, e.params_ref, c.departure, month,
                e.keys, tally):
            return
        tally[t.STAYERS_EMPLOYED] += employed
        tally[t.STAYERS_JOBLESS] += jobless

    # ------------------------------------------------------------------ step 6
    def work_at_home(self, market, month) -> float:
        """At home, a worker separates or a searcher is hired at this month's rates of ``home_labour_market``, and
        the employed are paid; returns the wage paid."""
        e, i = self.model.engine, self.slot
        call(home_labour_market.work, e.people_ref, i, i + 1, market, month, e.keys)
        return call(home_labour_market.pay, e.people_ref, e.households_ref, i, i + 1, market, 0.0, e.rows)

    # ------------------------------------------------------------------ step 7
    def grow_older(self, exit_age_months, tally) -> bool:
        """A person ages a month and leaves the model at the upper working age (``demography``); returns False if
        they left."""
        e, i = self.model.engine, self.slot
        call(demography.age, e.people_ref, i, i + 1, exit_age_months, tally)
        return self.location != GONE

    def drift_and_rewire(self, v, newcomers, order, starts, tally):
        """Grievance drifts (``grievance``); a newcomer makes first contacts, anyone else may replace a tie
        (``network``)."""
        e, i = self.model.engine, self.slot
        call(grievance.update, e.people_ref, e.params_ref, i, i + 1)
        call(network.update, e.people_ref, e.params_ref, i, i + 1, newcomers, order, starts, e.keys, tally, e.drawn,
             e.rows, e.picks)


for _name in population.PERSON_COLUMNS:
    setattr(MigrantWorker, _name, property(
        lambda self, name=_name: getattr(self.model.engine.people, name)[self.slot].item()))


class ReferenceEngine:
    name = "reference"

    def __init__(self, model, capacity_months: int):
        self.model = model
        profile = model.profile
        self.people, self.households, n = population.synthesise(
            profile, model.values, model.scale, model.first_month, model.population_rng, capacity_months)
        self.n_regions = len(profile.region_names)
        self.life = demography.life_terms(profile, self.households.region)
        self.memory = conditions.initial_memory(self.people, profile, model.values, model.first_month, n,
                                                model.scale)
        self.by_slot: list[MigrantWorker] = [MigrantWorker(model, slot) for slot in range(n)]
        self.income_history = indicators.income_history(self.households.region.shape[0])
        self.households_ref = _for_rules(_HouseholdsRef, self.households)
        self.params_ref = None
        self._allocate_scratch()
        self.contact_lists = None
        self.keys = None
        self.months_done = 0

    def _allocate_scratch(self):
        self.people_ref = _for_rules(_PeopleRef, self.people)
        capacity = self.people.location.shape[0]
        self.drawn = np.empty(capacity, dtype=np.bool_)
        self.rows = np.empty(capacity, dtype=np.int32)
        self.picks = np.empty(capacity, dtype=np.int32)

    @property
    def agents(self) -> int:
        return len(self.by_slot)

    def step(self, month: int, v) -> dict:
        model, profile = self.model, self.model.profile
        people, hh = self.people, self.households
        self.keys = rs.month_keys(model.master_key, month)
        self.params_ref = _for_rules(_ValuesRef, v)
        c = conditions.monthly(v, self.memory, profile, model.scale, month, spinup=month < model.start_month)
        households.new_month(hh)
        tally = np.zeros(len(t.NAMES))
        where = people.location[:len(self.by_slot)].copy()
        abroad_now = [self.by_slot[i] for i in np.flatnonzero((where != HOME) & (where < GONE))]
        home_now = [self.by_slot[i] for i in np.flatnonzero(where == HOME)]

        for agent in abroad_now:
            agent.work_abroad(v, c, month, tally)
            if agent.location == GONE:
                agent.remove()
        call(naturalisation.diaspora_transfers, self.households_ref, self.params_ref, self.keys, tally)
        for agent in home_now:
            agent.consider_leaving(v, c, month, tally)
        if v.ban_amnesty_share > 0:  # an amnesty lifts bans after the month's departures
            call(bans.amnesty, self.people_ref, self.params_ref, 0, len(self.by_slot), month, self.keys, tally)

        market = home_labour_market.monthly_terms(c.capacity, tally, v, c.region_wage_usd)
        home_earnings = sum(self.by_slot[i].work_at_home(market, month)
                            for i in np.flatnonzero(people.location[:len(self.by_slot)] == HOME))

        if self.contact_lists is None or month % 12 == 0:
            self.contact_lists = network.region_lists(people, len(self.by_slot), self.n_regions)
        order, starts = self.contact_lists
        n_entrants = demography.entrants_due(model.entrant_schedule, month)
        newcomers = len(self.by_slot)
        for i in np.flatnonzero(people.location[:newcomers] != GONE):
            agent = self.by_slot[i]
            if agent.grow_older(self.life.exit_age_months, tally):
                agent.drift_and_rewire(v, newcomers, order, starts, tally)
            else:
                agent.remove()
        for _ in range(n_entrants):
            self._enter().drift_and_rewire(v, newcomers, order, starts, tally)

        household_counts = self._update_households(c.poverty_line_usd)
        census, risk = self._census(month)
        for h in range(hh.region.shape[0]):
            risk[indicators.INCOME_FELL] += call(indicators.income_fell, self.households_ref, self.income_history,
                                                 self.params_ref, month, c.poverty_line_usd, h, h + 1)
        raw = t.month_record(tally, census, risk, market, c, n_entrants, hh.region.shape[0], household_counts,
                             home_earnings)
        self.memory.update(raw, v, spinup=month < model.start_month)
        self.months_done += 1
        return raw

    def _enter(self) -> MigrantWorker:
        """A young person joins the home labour market (``demography.enter``)."""
        slot = len(self.by_slot)
        if slot >= self.people.location.shape[0]:
            self.people = population.grow(self.people, int(slot * 1.25) + 16)
            self._allocate_scratch()
        call(demography.enter, self.people_ref, slot, slot + 1, self.life, self.keys)
        agent = MigrantWorker(self.model, slot)
        self.by_slot.append(agent)
        return agent

    def _update_households(self, poverty_line):
        """Households count their members, then their income, need and flags (``households.step``)."""
        hh = self.households
        hh.agents[:] = np.bincount(self.people.household[:len(self.by_slot)],
                                   weights=self.people.location[:len(self.by_slot)] != GONE,
                                   minlength=hh.region.shape[0])
        return call(households.step, self.households_ref, self.params_ref, poverty_line, self.months_done == 0, 0,
                    hh.region.shape[0])

    def _census(self, month):
        """The census, the exposure counts and the total grievance, person by person (``indicators.count``)."""
        census, risk = np.zeros(len(indicators.CENSUS)), np.zeros(len(indicators.RISK))
        for i in range(len(self.by_slot)):
            call(indicators.count, self.people_ref, self.params_ref, i, i + 1, month, census, risk)
        return census, risk
