"""What everybody can observe at the start of a month: this month's levers and last month's aggregates, turned into
the shared terms that the mechanisms read (expected earnings, deportation risk, destination utilities, seasonal
hazards, domestic job capacity). Both engines call this, so the two differ only in how they walk the agents.
"""

from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np

from sim.calendar import fractional_year, seasonal_factor
from sim.mechanisms import departures, earnings, enforcement, home_labour_market, legal_status, returns

Conditions = namedtuple("Conditions", "destination_terms expected_abroad risk_pct utilities open_share departure "
                                      "returns fee_to_wage capacity gdp_usd_bn region_wage_usd poverty_line_usd")


@dataclass
class Memory:
    """Last month's aggregates (agent units), carried from month to month by the engine."""

    stock: np.ndarray = field(default_factory=lambda: np.zeros(4))
    irregular_share_russia: float = 0.0
    register_share_of_irregular: float = 0.0
    home_job_find_rate: float = 0.0
    remittance_average: float = 0.0   # moving average of monthly remittances, USD per agent-scale month
    remittance_reference: float = 0.0
    base_jobs: float = 0.0
    gdp_reference: float = 0.0
    labour_force: float = 0.0
    unemployment_rate: float = 0.0

    def update(self, raw: dict, v):
        abroad_russia = raw["abroad_russia"]
        self.stock = np.array([0.0, abroad_russia, raw["abroad_kazakhstan"], raw["abroad_other"]])
        # Only Russia has irregular status; Kazakhstan and the other destinations admit people documented.
        irregular_russia = raw["abroad_russia"] + raw["abroad_kazakhstan"] + raw["abroad_other"] - \
            raw["documented_abroad"]
        self.irregular_share_russia = irregular_russia / abroad_russia if abroad_russia else 0.0
        self.register_share_of_irregular = raw["on_register"] / irregular_russia if irregular_russia else 0.0
        self.home_job_find_rate = raw["home_job_finding_rate"]
        self.labour_force = raw["home_labour_force"]
        self.unemployment_rate = raw["home_jobless"] / raw["home_labour_force"] if raw["home_labour_force"] else 0.0
        remittances = raw["remittances_formal_usd"] + raw["remittances_informal_usd"]
        if self.remittance_reference == 0.0:
            self.remittance_average = self.remittance_reference = max(remittances, 1e-9)
        else:
            self.remittance_average += (remittances - self.remittance_average) / v.remittance_demand_lag


def initial_memory(people, profile, values: dict, month: int, n: int, scale: float) -> Memory:
    """Aggregates of the synthesised population, so the first month starts from consistent expectations."""
    memory = Memory()
    loc = people.location[:n]
    memory.stock = np.array([0.0, *(np.count_nonzero(loc == d) for d in (1, 2, 3))])
    in_russia = loc == 1
    memory.irregular_share_russia = float(np.mean(~people.documented[:n][in_russia])) if in_russia.any() else 0.0
    home = loc == 0
    employed = np.count_nonzero(home & people.employed[:n])
    unemployed = np.count_nonzero(home & ~people.employed[:n])
    vacancies = home_labour_market.steady_state_vacancies(employed, unemployed, values["home_separation_rate"],
                                                          values["matching_efficiency"])
    memory.base_jobs = employed + vacancies
    memory.labour_force = employed + unemployed
    memory.unemployment_rate = unemployed / memory.labour_force if memory.labour_force else 0.0
    memory.home_job_find_rate = values["home_separation_rate"] * employed / unemployed if unemployed else 0.0
    memory.gdp_reference = profile.at("gdp_usd_bn", fractional_year(month))
    return memory


# How strongly the spin-up corrects job capacity per point of unemployment off target; it settles within a year.
ANCHOR_GAIN = 2.0


def anchor_labour_market(v, memory: Memory):
    """During the spin-up: steer domestic job capacity until the home labour market sits at the documented
    unemployment rate (``initial_unemployment_rate``; labour demand itself is not observed), and take the current
    remittance level as the reference. From the start date on, capacity moves only with GDP and remittances."""
    memory.base_jobs *= 1.0 + ANCHOR_GAIN * (memory.unemployment_rate - v.initial_unemployment_rate)
    memory.remittance_reference = memory.remittance_average


def monthly(v, memory: Memory, profile, scale: float, month: int, spinup: bool = False) -> Conditions:
    """This month's shared terms; ``spinup`` anchors the home labour market (see ``anchor_labour_market``)."""
    # The home wage follows the country's wage series; regions keep their relative levels.
    region_wage_usd = profile.home_wage_usd(fractional_year(month)) * profile.region_relative_wage
    terms = earnings.destination_terms(v)
    expected = earnings.expected_net_usd(v, terms, memory.irregular_share_russia)
    risk_pct = enforcement.deportation_risk_pct(v, memory.irregular_share_russia,
                                                memory.register_share_of_irregular)
    season = seasonal_factor(month, v.departure_peak_month, v.departure_season_amplitude)
    utilities = departures.destination_utilities(v, expected, region_wage_usd, memory.home_job_find_rate,
                                                 risk_pct, season)
    open_share = departures.availability(v, memory.stock, scale)
    fee_to_wage = legal_status.fee_share(v.patent_fee_rub, v.migrant_wage_rub)
    departure = departures.monthly_terms(
        v, utilities, open_share, legal_status.documented_on_arrival_prob(fee_to_wage, v.fee_regularise_coef))
    return_terms = returns.monthly_terms(
        v, v.return_base_prob * seasonal_factor(month, v.return_peak_month, v.return_season_amplitude))
    gdp = profile.at("gdp_usd_bn", fractional_year(month))
    if spinup:
        anchor_labour_market(v, memory)
    remittance_ratio = memory.remittance_average / memory.remittance_reference if memory.remittance_reference \
        else 1.0
    capacity = home_labour_market.job_capacity(memory.base_jobs, gdp / memory.gdp_reference, remittance_ratio,
                                               v.jobs_gdp_elasticity, v.jobs_remittance_elasticity)
    return Conditions(terms, expected, risk_pct, utilities, open_share, departure, return_terms, fee_to_wage, capacity,
                      gdp, region_wage_usd, float(profile.facts["poverty_line_usd"]))
