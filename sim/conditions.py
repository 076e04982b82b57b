"""What everybody can observe at the start of a month: this month's levers and last month's aggregates, turned into
the shared terms that the mechanisms read (expected earnings, deportation risk, destination utilities, seasonal
hazards, domestic job capacity from the home economy in local currency, the poverty line, the home currency's rate
to the dollar). Both engines call this, so the two differ only in how they walk the agents.
"""

from collections import deque, namedtuple
from dataclasses import dataclass, field

import numpy as np

from sim.calendar import fractional_year, seasonal_factor
from sim.mechanisms import (
    channels,
    departures,
    earnings,
    enforcement,
    home_currency,
    home_economy,
    home_labour_market,
    legal_status,
    returns,
)

Conditions = namedtuple("Conditions", "destination_terms expected_abroad formal_shares risk_pct utilities "
                                      "open_share departure returns fee_to_wage demand capacity region_wage_usd "
                                      "poverty_line_usd home_currency_per_usd")


@dataclass
class Memory:
    """Last month's aggregates (agent units), carried from month to month by the engine."""

    stock: np.ndarray = field(default_factory=lambda: np.zeros(4))
    irregular_share_russia: float = 0.0
    register_share_of_irregular: float = 0.0
    home_job_find_rate: float = 0.0
    remittance_average: float = 0.0   # moving average of monthly remittances, USD per agent-scale month
    remittance_reference: float = 0.0  # its real value (constant local currency) at the start date
    remittance_output_share: float = 0.0  # remittances / GDP at the start date
    base_jobs: float = 0.0
    output_reference: float = 0.0  # real output in the first month
    labour_force: float = 0.0
    unemployment_rate: float = 0.0
    # The last 24 months of remittances (USD per agent-scale month, oldest first) and the home currency's
    # accumulated log deviation from its lever (sim.mechanisms.home_currency).
    remittance_months: deque = field(default_factory=lambda: deque(maxlen=home_currency.HISTORY_MONTHS))
    currency_deviation: float = 0.0

    def update(self, raw: dict, v, spinup: bool = False):
        """Carry this month's aggregates to the next. The home currency's rule advances only from the start date
        (``spinup`` false), so the rate in the start month is the lever's."""
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
        if self.remittance_average == 0.0:
            self.remittance_average = max(remittances, 1e-9)
        else:
            self.remittance_average += (remittances - self.remittance_average) / v.remittance_demand_lag
        self.remittance_months.append(remittances)
        if not spinup:
            self.currency_deviation = home_currency.advance(self.currency_deviation, self.remittance_months,
                                                            v.home_currency_depreciation,
                                                            v.home_currency_remittance_response)


def initial_memory(people, profile, values: dict, month: int, n: int, scale: float) -> Memory:
    """Aggregates of the synthesised population, so the first month starts from consistent expectations."""
    memory = Memory()
    loc = people.location[:n]
    memory.stock = np.array([0.0, *(np.count_nonzero(loc == d) for d in (1, 2, 3))])
    in_russia = loc == 1
    memory.irregular_share_russia = float(np.mean(~people.documented[:n][in_russia])) if in_russia.any() else 0.0
    home = loc == 0
    # Wage jobs only: work on the household plot is not part of the capacity that demand sets.
    employed = np.count_nonzero(home & people.employed[:n] & ~people.on_plot[:n])
    unemployed = np.count_nonzero(home & ~people.employed[:n])
    vacancies = home_labour_market.steady_state_vacancies(employed, unemployed, values["home_separation_rate"],
                                                          values["matching_efficiency"])
    memory.base_jobs = employed + vacancies
    memory.labour_force = np.count_nonzero(home & people.employed[:n]) + unemployed
    memory.unemployment_rate = unemployed / memory.labour_force if memory.labour_force else 0.0
    memory.home_job_find_rate = values["home_separation_rate"] * employed / unemployed if unemployed else 0.0
    memory.output_reference = profile.real_output(fractional_year(month))
    return memory


def monthly(v, memory: Memory, profile, scale: float, month: int, spinup: bool = False) -> Conditions:
    """This month's shared terms. Job capacity starts from the synthesised population (anchored to the documented
    unemployment rate in the first month) and from then on moves only with real output and, from the start date,
    with remittance-financed demand: nothing steers it toward a target. During the ``spinup`` the remittance
    reference follows remittances (no spending shock before the start date), and it is fixed at the start."""
    year = fractional_year(month)
    local_per_usd = home_currency.rate(v.home_currency_per_usd, memory.currency_deviation)
    # The home wage follows the country's wage series; regions keep their relative levels.
    region_wage_usd = profile.home_wage_usd(year, local_per_usd) * profile.region_relative_wage
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
    real_remittances = home_economy.real_remittances(memory.remittance_average, local_per_usd,
                                                     profile.price_level(year))
    if spinup or memory.remittance_reference == 0.0:
        memory.remittance_reference = real_remittances
        memory.remittance_output_share = home_economy.remittance_output_share(memory.remittance_average * scale,
                                                                              profile, month)
    demand = home_economy.demand_ratio(profile.real_output(year) / memory.output_reference,
                                       real_remittances / memory.remittance_reference if memory.remittance_reference
                                       else 1.0, memory.remittance_output_share, v.remittance_multiplier)
    capacity = home_economy.job_capacity(memory.base_jobs, demand, v.jobs_gdp_elasticity)
    poverty_line_usd = profile.poverty_line_usd(year, local_per_usd)
    return Conditions(terms, expected, channels.formal_shares(v), risk_pct, utilities, open_share, departure,
                      return_terms, fee_to_wage, demand, capacity, region_wage_usd, poverty_line_usd, local_per_usd)
