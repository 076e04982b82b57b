"""The per-agent reference engine: one ``mesa.Agent`` per person, the textbook way.

It states the rules plainly and is the oracle the fast engine is tested against. It calls the same rule formulas
(``rule.py_func``: the plain-Python body of each compiled rule) and the same counter-based random numbers, but walks
people one object at a time through its own control flow. Use it for populations of a few thousand agents; it is
about a thousand times slower than the fast engine.

A month (DESIGN §3): every migrant abroad works, is paid, keeps or loses status, may be checked, sends money home,
and may return or naturalise (``work_abroad``); everyone at home may leave (``consider_leaving``); everyone at home
then meets the home labour market (``work_at_home``); everyone ages and keeps up ties (``grow_older``); households
count their income; the census and risk conditions are taken.
"""


import mesa
import numpy as np

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
    remittances,
    returns,
)
from sim.population import GONE, HOME, KAZAKHSTAN, OTHER, RUSSIA, SKILL_SHARES, SKILL_WAGE

DEPARTURE_COUNTS = {RUSSIA: "departures_russia", KAZAKHSTAN: "departures_kazakhstan", OTHER: "departures_other"}
uniform = rs.uniform  # the compiled function: exact uint64 wrap-around, and faster from Python than numpy scalars
aggrieve = grievance.aggrieve.py_func


class MigrantWorker(mesa.Agent):
    """A working-age person of the origin country, at home or abroad."""

    def __init__(self, model, slot: int, columns: dict):
        super().__init__(model)
        self.slot = slot
        for name, value in columns.items():
            setattr(self, name, value)

    # ------------------------------------------------------------------ helpers
    @property
    def abroad(self) -> bool:
        return self.location in (RUSSIA, KAZAKHSTAN, OTHER)

    def draw(self, stream: int) -> float:
        return uniform(self.model.engine.keys[stream], self.slot)

    def go_home(self, month: int, deported: bool, kept_share: float):
        engine = self.model.engine
        engine.household_earnings[self.household] += (self.savings_usd + self.unsent_usd) * kept_share
        self.savings_usd = self.unsent_usd = 0.0
        self.location, self.employed, self.wage_usd = HOME, False, 0.0
        self.documented = self.on_register = False
        self.spell_months = self.unemployed_months = 0
        self.returned_month, self.deported = month, deported

    # ------------------------------------------------------------------ steps 2-4
    def work_abroad(self, v, c, month, tally):
        where, in_russia = self.location, self.location == RUSSIA
        bans = v.job_ban_share if in_russia else 0.0
        # Employment.
        u = self.draw(rs.JOB_ABROAD)
        if self.employed:
            if u < employment_abroad.job_loss_prob.py_func(v.abroad_job_loss_prob, bans, v.job_ban_displacement):
                self.employed = False
                tally["jobs_lost_abroad"] += 1
        elif u < employment_abroad.job_find_prob.py_func(v.abroad_job_find_prob,
                                                         v.russia_labour_demand if in_russia else 1.0, bans,
                                                         not self.documented, v.irregular_job_penalty):
            self.employed = True
            tally["jobs_found_abroad"] += 1
        # Earnings.
        terms = c.terms
        wage = 0.0
        if self.employed:
            wage = earnings.gross_wage_usd.py_func(terms[where, earnings.REFERENCE_WAGE], SKILL_WAGE[self.skill],
                                                   not self.documented, v.irregular_wage_discount,
                                                   terms[where, earnings.HOSTILITY_DISCOUNT])
            if not self.documented and self.draw(rs.WAGE_THEFT) < v.wage_theft_prob:
                wage = 0.0
                tally["wage_thefts"] += 1
                self.grievance = aggrieve(self.grievance, v.grievance_extortion)
        self.wage_usd = wage
        self.net_usd = earnings.net_earnings_usd.py_func(wage, terms[where, earnings.LIVING_COST],
                                                         terms[where, earnings.DOCUMENTED_COST], self.documented)
        if in_russia:
            self._status(v, tally)
            if self._enforcement(v, month, tally):
                return
        self._remit(v, tally)
        if self._consider_return(v, c, in_russia, month, tally):
            return
        if in_russia and naturalisation.eligible.py_func(True, self.documented, self.experience_months) and \
                self.draw(rs.NATURALISE) < v.naturalisation_rate:
            self.location, self.employed = GONE, False
            tally["naturalisations"] += 1

    def _status(self, v, tally):
        fee = legal_status.fee_share.py_func(v.patent_fee_rub, v.migrant_wage_rub)
        u = self.draw(rs.STATUS)
        if self.documented:
            if u < legal_status.lapse_prob.py_func(self.employed, fee, v.registration_burden, v.burden_resolve_share,
                                                   v.fee_lapse_coef, v.jobless_lapse_prob):
                self.documented = False
                tally["lapses"] += 1
        elif u < legal_status.regularise_prob.py_func(self.employed, fee, v.regularise_prob, v.fee_regularise_coef):
            self.documented, self.on_register = True, False
            tally["regularisations"] += 1
        if not self.documented and not self.on_register and self.draw(rs.REGISTER) < v.register_listing_prob:
            self.on_register = True
            self.grievance = aggrieve(self.grievance, v.grievance_register)
            tally["listings"] += 1

    def _enforcement(self, v, month, tally) -> bool:
        expel = False
        if self.draw(rs.CHECK) < v.raid_intensity:
            tally["checks"] += 1
            self.grievance = aggrieve(self.grievance, v.grievance_check)
            u = self.draw(rs.CHECK_OUTCOME)
            p_expel = enforcement.expulsion_prob.py_func(not self.documented, v.expulsion_given_irregular)
            if u < p_expel:
                expel = True
            elif u < p_expel + (1.0 - p_expel) * v.extortion_prob:
                tally["extortions"] += 1
                self.net_usd -= v.extortion_rub / v.rub_per_usd
                self.grievance = aggrieve(self.grievance, v.grievance_extortion)
        if not expel and self.on_register and self.draw(rs.REGISTER_EXPULSION) < v.register_expulsion_prob:
            expel = True
            tally["register_expulsions"] += 1
        if expel:
            tally["deportations"] += 1
            self.ban_until = month + int(v.entry_ban_months)
            self.grievance = aggrieve(self.grievance, v.grievance_deportation)
            self.go_home(month, True, 1.0 - v.deportation_savings_loss)
        return expel

    def _remit(self, v, tally):
        engine = self.model.engine
        if self.net_usd > 0.0:
            share = remittances.remit_share.py_func(
                engine.households.need[self.household],
                remittances.hardship.py_func(self.net_usd, v.hardship_reference_usd),
                v.remit_share_base, v.remit_need_coef, v.remit_hardship_coef)
            self.unsent_usd += share * self.net_usd
            self.savings_usd += (1.0 - share) * self.net_usd
        else:
            self.savings_usd = max(self.savings_usd + self.net_usd, 0.0)
        if self.unsent_usd > 0.0 and self.draw(rs.SEND) < v.remit_send_prob:
            informal = remittances.informal_share.py_func(self.on_register, v.informal_share_base,
                                                          v.informal_channel_push)
            formal_usd = self.unsent_usd * (1.0 - informal) * (1.0 - v.transfer_fee_formal)
            informal_usd = self.unsent_usd * informal * (1.0 - v.transfer_fee_informal)
            engine.household_remittances[self.household] += formal_usd + informal_usd
            tally["remittances_formal_usd"] += formal_usd
            tally["remittances_informal_usd"] += informal_usd
            tally["senders"] += 1
            self.unsent_usd = 0.0

    def _consider_return(self, v, c, in_russia, month, tally) -> bool:
        logs = c.return_logs
        p = returns.return_prob.py_func(logs[0], self.savings_usd >= v.savings_target_usd,
                                        not self.employed or self.net_usd <= 0.0, v.hostility if in_russia else 0.0,
                                        self.grievance, self.on_register, logs[1], logs[2], v.return_hostility_coef,
                                        v.return_grievance_coef, logs[3], v.border_open)
        if self.draw(rs.RETURN) >= p:
            return False
        if in_russia and not self.documented and self.draw(rs.OVERSTAY_BAN) < v.overstay_ban_prob:
            self.ban_until = month + int(v.entry_ban_months)
            tally["overstay_bans"] += 1
        self.go_home(month, False, 1.0)
        tally["returns_voluntary"] += 1
        return True

    # ------------------------------------------------------------------ step 5
    def consider_leaving(self, v, c, p_documented, month, tally):
        if self.spell_months >= 1 and self._leave(v, c, p_documented, month, tally):
            return
        if self.employed:
            tally["stayers_employed"] += 1
        elif self.searching(v, month):
            tally["stayers_jobless"] += 1

    def _leave(self, v, c, p_documented, month, tally) -> bool:
        engine = self.model.engine
        by_slot = engine.by_slot
        at = {RUSSIA: 0, KAZAKHSTAN: 0, OTHER: 0}
        for contact in self.contacts:
            where = by_slot[contact].location
            if where in at:
                at[where] += 1
        personal = c.personal_weights[1 if self.female else 0, 1 if self.experience_months > 0 else 0,
                                      self.age_months // 12]
        personal *= departures.need_weight.py_func(engine.households.need[self.household], v.departure_need_coef)
        group = (self.skill, self.region, 1 if self.employed else 0)
        weight = {d: c.departure_weights[(d, *group)] * personal * c.network_weights[at[d]] for d in at}
        if self.ban_until > month:
            weight[RUSSIA] = 0.0
        choice = departures.choose.py_func(self.draw(rs.DEPART), weight[RUSSIA], weight[KAZAKHSTAN], weight[OTHER])
        if choice == HOME:
            return False
        if choice == RUSSIA and self.draw(rs.SCREENING) < v.entry_screening:
            tally["entry_refusals"] += 1
            self.grievance = aggrieve(self.grievance, v.grievance_refusal)
            return False
        self.location, self.employed, self.wage_usd = choice, False, 0.0
        self.spell_months = self.unemployed_months = 0
        self.documented = choice != RUSSIA or self.draw(rs.ARRIVAL_STATUS) < p_documented
        tally[DEPARTURE_COUNTS[choice]] += 1
        return True

    # ------------------------------------------------------------------ step 6
    def searching(self, v, month) -> bool:
        return home_labour_market.searching.py_func(self.returned_month, self.deported, month,
                                                    int(v.returnee_rest_months))

    def work_at_home(self, v, month, separation, find_rate) -> float:
        """Separation or hiring; returns the wage paid this month."""
        engine = self.model.engine
        if not self.employed and not self.searching(v, month):
            self.wage_usd = 0.0
            return 0.0
        if self.employed:
            if self.draw(rs.HOME_SEPARATION) < separation:
                self.employed, self.unemployed_months = False, 0
        elif self.draw(rs.HOME_HIRE) < find_rate:
            self.employed = True
        if not self.employed:
            self.wage_usd = 0.0
            self.unemployed_months += 1
            return 0.0
        self.wage_usd = engine.conditions.region_wage_usd[self.region] * SKILL_WAGE[self.skill]
        engine.household_earnings[self.household] += self.wage_usd
        self.unemployed_months = 0
        return self.wage_usd

    # ------------------------------------------------------------------ step 7
    def grow_older(self, v, exit_age_months, tally) -> bool:
        """Returns False if the person left the model at the upper working age."""
        self.age_months += 1
        self.spell_months += 1
        if self.abroad:
            self.experience_months += 1
        if self.age_months >= exit_age_months:
            if self.location != HOME:
                tally["retirements_abroad"] += 1
            self.location, self.employed = GONE, False
            tally["retirements"] += 1
            return False
        return True

    def drift_and_rewire(self, v, order, starts):
        long_unemployed = self.location == HOME and not self.employed and \
            self.unemployed_months >= v.long_unemployed_months
        self.grievance = grievance.drift.py_func(self.grievance, v.grievance_decay, self.location == RUSSIA,
                                                 v.grievance_hostility_rate, v.hostility, long_unemployed,
                                                 v.grievance_job_loss_home)
        key, i, k = self.model.engine.keys[rs.REWIRE], self.slot, len(self.contacts)
        pick = self.model.engine.pick_in_region
        if not self.contacts:
            self.contacts = [pick(order, starts, self.region, uniform(key, 16 * i + j)) for j in
                             range(int(v.network_contacts))]
        elif k > 1 and uniform(key, 16 * i) < v.tie_rewire_prob:
            j = 1 + int(uniform(key, 16 * i + 1) * (k - 1))
            self.contacts[j] = pick(order, starts, self.region, uniform(key, 16 * i + 2))
            return True
        return False


class ReferenceEngine:
    name = "reference"

    def __init__(self, model):
        self.model = model
        profile = model.profile
        people, self.households, n = population.synthesise(profile, model.values, model.scale, model.first_month,
                                                           model.population_rng, 0)
        self.n_regions = len(profile.region_names)
        self.household_order, self.household_starts = population.region_index(self.households.region,
                                                                               self.n_regions)
        self.region_cumulative = np.cumsum(profile.region_population_share)
        self.memory = conditions.initial_memory(people, profile, model.values, model.first_month, n, model.scale)
        columns = [c for c in population.PERSON_COLUMNS]
        self.by_slot: list[MigrantWorker] = []
        for slot in range(n):
            values = {name: getattr(people, name)[slot].item() for name in columns}
            values["contacts"] = people.contacts[slot].tolist()
            self.by_slot.append(MigrantWorker(model, slot, values))
        self.household_remittances = np.zeros(self.households.region.shape[0])
        self.household_earnings = np.zeros(self.households.region.shape[0])
        self.contact_lists = None
        self.keys = None
        self.conditions = None
        self.months_done = 0

    @property
    def agents(self) -> int:
        return len(self.by_slot)

    @staticmethod
    def pick_in_region(order, starts, region, u):
        return order[starts[region] + int(u * (starts[region + 1] - starts[region]))]

    def _region_lists(self):
        active = [a for a in self.by_slot if a.location != GONE]
        order = [a.slot for r in range(self.n_regions) for a in active if a.region == r]
        counts = np.bincount([a.region for a in active], minlength=self.n_regions)
        return order, np.concatenate(([0], np.cumsum(counts)))

    def step(self, month: int, v) -> dict:
        model, profile = self.model, self.model.profile
        self.keys = rs.month_keys(model.master_key, month)
        c = self.conditions = conditions.monthly(v, self.memory, profile, model.scale, month,
                                                 spinup=month < model.start_month)
        self.household_remittances[:] = 0.0
        self.household_earnings[:] = 0.0
        tally = dict.fromkeys(t.NAMES, 0.0)
        abroad_now = [a for a in self.by_slot if a.abroad]
        home_now = [a for a in self.by_slot if a.location == HOME]

        for agent in abroad_now:
            agent.work_abroad(v, c, month, tally)
            if agent.location == GONE:
                agent.remove()
        fee = legal_status.fee_share.py_func(v.patent_fee_rub, v.migrant_wage_rub)
        p_documented = legal_status.documented_on_arrival_prob.py_func(fee, v.fee_regularise_coef)
        for agent in home_now:
            agent.consider_leaving(v, c, p_documented, month, tally)

        find_rate, separation, vacancies = home_labour_market.monthly_rates(
            c.capacity, tally["stayers_employed"],
            tally["stayers_jobless"] + tally["deportations"]
            + (tally["returns_voluntary"] if v.returnee_rest_months == 0 else 0),
            v.home_separation_rate, v.matching_efficiency)
        home_earnings = sum(agent.work_at_home(v, month, separation, find_rate) for agent in self.by_slot
                            if agent.location == HOME)

        if self.contact_lists is None or month % 12 == 0:
            self.contact_lists = self._region_lists()
        order, starts = self.contact_lists
        exit_age = int(profile.facts["upper_working_age"] * 12)
        n_entrants = demography.entrants_due(profile, model.scale, model.first_month, month)
        for agent in list(self.by_slot):
            if agent.location == GONE:
                continue
            if not agent.grow_older(v, exit_age, tally):
                agent.remove()
                continue
            tally["rewired"] += agent.drift_and_rewire(v, order, starts)
        for _ in range(n_entrants):
            agent = self._enter(profile)
            agent.drift_and_rewire(v, order, starts)

        receiving, poor, fell = self._update_households(v, profile.facts["poverty_line_usd"])
        census, risk = self._census(v, month)
        raw = dict(tally)
        raw.update(
            home_earnings_usd=home_earnings, home_job_finding_rate=find_rate, home_job_capacity=c.capacity,
            vacancies=vacancies, entrants=n_entrants, households=self.households.region.shape[0],
            households_receiving=receiving, households_poor=poor, households_income_fell=fell, gdp_usd_bn=c.gdp_usd_bn,
            **census, **risk)
        self.memory.update(raw, v)
        self.months_done += 1
        return raw

    def _enter(self, profile) -> MigrantWorker:
        """A young person joins the home labour market, as in ``demography.enter``."""
        slot = len(self.by_slot)
        key = self.keys[rs.ENTRANT]
        region = int(np.searchsorted(self.region_cumulative, uniform(key, 4 * slot + 1), side="right"))
        region = min(region, self.n_regions - 1)
        start, stop = self.household_starts[region], self.household_starts[region + 1]
        household = int(self.household_order[start + int(uniform(key, 4 * slot + 2) * (stop - start))])
        skill = min(int(np.searchsorted(np.cumsum(SKILL_SHARES), uniform(key, 4 * slot + 3), side="right")),
                    len(SKILL_SHARES) - 1)
        values = {name: 0 for name in population.PERSON_COLUMNS}
        values.update(location=HOME, age_months=int(profile.facts["entry_age"] * 12),
                      female=uniform(key, 4 * slot) < 1.0 - profile.facts["male_share_home_labour_force"],
                      region=region, household=household, skill=skill, documented=False, on_register=False,
                      employed=False, deported=False, wage_usd=0.0, net_usd=0.0, savings_usd=0.0, unsent_usd=0.0,
                      grievance=0.0, ban_until=population.NO_MONTH, returned_month=population.NO_MONTH,
                      contacts=[])
        agent = MigrantWorker(self.model, slot, values)
        self.by_slot.append(agent)
        return agent

    def _update_households(self, v, poverty_line):
        hh = self.households
        members = hh.dependants.astype(np.int64).copy()
        for agent in self.by_slot:
            if agent.location != GONE:
                members[agent.household] += 1
        receiving = poor = fell = 0
        warm = self.months_done == 0
        for h in range(hh.region.shape[0]):
            income = (self.household_remittances[h] + self.household_earnings[h]) / max(members[h], 1)
            if warm:
                hh.income_avg_usd[h] = hh.income_recent_usd[h] = income
            else:
                hh.income_avg_usd[h] += (income - hh.income_avg_usd[h]) / households.LONG_AVERAGE_MONTHS
                hh.income_recent_usd[h] += (income - hh.income_recent_usd[h]) / households.SHORT_AVERAGE_MONTHS
            hh.need[h] = households.poverty_gap.py_func(hh.income_avg_usd[h], poverty_line)
            hh.income_fell[h] = hh.income_recent_usd[h] < (1.0 - v.risk_income_drop) * hh.income_avg_usd[h]
            receiving += self.household_remittances[h] > 0.0
            poor += hh.income_avg_usd[h] < poverty_line
            fell += hh.income_fell[h]
        return receiving, poor, fell

    def _census(self, v, month):
        census = dict.fromkeys(("population", "abroad_russia", "abroad_kazakhstan", "abroad_other",
                                "documented_abroad", "on_register", "banned", "home_labour_force", "home_jobless",
                                "youth", "youth_jobless", "returnees", "returnees_jobless", "resting"), 0)
        risk = dict.fromkeys(("abroad_precarity", "home_idleness", "home_idleness_weighted", "grievance_total"),
                             0.0)
        names = {RUSSIA: "abroad_russia", KAZAKHSTAN: "abroad_kazakhstan", OTHER: "abroad_other"}
        young_months = (int(v.risk_young_max_age) + 1) * 12
        for agent in self.by_slot:
            if agent.location == GONE:
                continue
            census["population"] += 1
            census["banned"] += agent.ban_until > month
            if agent.abroad:
                census[names[agent.location]] += 1
                census["documented_abroad"] += agent.documented
                census["on_register"] += agent.on_register
            elif not agent.employed and not agent.searching(v, month):
                census["resting"] += 1
            else:
                jobless = not agent.employed
                census["home_labour_force"] += 1
                census["home_jobless"] += jobless
                if agent.age_months < home_labour_market.YOUTH_MAX_AGE_MONTHS:
                    census["youth"] += 1
                    census["youth_jobless"] += jobless
                if agent.returned_month > month - home_labour_market.RETURNEE_WINDOW_MONTHS:
                    census["returnees"] += 1
                    census["returnees_jobless"] += jobless
            risk["grievance_total"] += agent.grievance
            if agent.age_months >= young_months or agent.grievance < v.risk_grievance_threshold:
                continue
            if agent.location == HOME:
                if not agent.employed and agent.unemployed_months >= v.long_unemployed_months and \
                        agent.returned_month > month - indicators.RISK_RETURNEE_WINDOW_MONTHS and \
                        self.households.income_fell[agent.household]:
                    risk["home_idleness"] += 1
                    risk["home_idleness_weighted"] += v.risk_deportee_weight if agent.deported else 1.0
            elif not agent.female and not agent.documented:
                same_place = sum(self.by_slot[c].location == agent.location for c in agent.contacts)
                if same_place <= int(v.risk_isolation_max_contacts):
                    risk["abroad_precarity"] += 1
        return census, risk
