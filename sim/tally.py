"""Names of the monthly event counts both engines keep (in agents; money in USD per agent), and of the month-end
census and risk counts (``sim.mechanisms.indicators`` fills them, in this order).

Money is tallied in whole units of 2**-20 dollars (``money_units``), and grievance in whole units of 2**-24
(``grievance_units``); both are turned back in ``month_record``. Whole numbers add up exactly in floating point, so
a month's total is the same whatever order the people's amounts are added in: one thread or several, the fast
engine or the reference one.
"""

import numpy as np
from numba import njit

NAMES = (
    "jobs_found_abroad", "jobs_lost_abroad", "wage_thefts", "lapses", "regularisations", "listings", "checks",
    "extortions", "deportations", "register_expulsions", "remittances_formal_usd", "remittances_informal_usd",
    "senders", "returns_voluntary", "overstay_bans", "naturalisations", "departures_russia",
    "departures_kazakhstan", "departures_other", "entry_refusals", "stayers_employed", "stayers_jobless",
    "rewired", "retirements", "retirements_abroad", "bans_lifted", "expulsions_kazakhstan",
)
(JOBS_FOUND_ABROAD, JOBS_LOST_ABROAD, WAGE_THEFTS, LAPSES, REGULARISATIONS, LISTINGS, CHECKS, EXTORTIONS,
 DEPORTATIONS, REGISTER_EXPULSIONS, REMITTANCES_FORMAL_USD, REMITTANCES_INFORMAL_USD, SENDERS, RETURNS_VOLUNTARY,
 OVERSTAY_BANS, NATURALISATIONS, DEPARTURES_RUSSIA, DEPARTURES_KAZAKHSTAN, DEPARTURES_OTHER, ENTRY_REFUSALS,
 STAYERS_EMPLOYED, STAYERS_JOBLESS, REWIRED, RETIREMENTS, RETIREMENTS_ABROAD, BANS_LIFTED,
 EXPULSIONS_KAZAKHSTAN) = range(len(NAMES))

MONEY = ("remittances_formal_usd", "remittances_informal_usd")
# Fine enough that rounding moves no total by more than a millionth of a dollar per sender; coarse enough that a
# month's total below 2**33 dollars (8.6 billion, per agent) adds up exactly.
MONEY_UNITS_PER_USD = float(2 ** 20)


@njit(cache=True, inline="always")
def money_units(usd):
    """An amount of money as the tallies keep it: whole units of 2**-20 dollars."""
    return np.floor(usd * MONEY_UNITS_PER_USD + 0.5)


GRIEVANCE_UNITS = float(2 ** 24)  # 2**24 times 2**29 people stays below 2**53


@njit(cache=True, inline="always")
def grievance_units(grievance):
    """A person's grievance (0-1) as the risk counts keep it: whole units of 2**-24."""
    return np.int64(np.float64(grievance) * GRIEVANCE_UNITS + 0.5)


CENSUS_NAMES = ("population", "abroad_russia", "abroad_kazakhstan", "abroad_other", "documented_abroad",
                "on_register", "banned", "home_labour_force", "home_jobless", "youth", "youth_jobless", "returnees",
                "returnees_jobless", "resting", "plot_workers")
RISK_NAMES = ("young_men", "young_men_russia", "young_men_russia_irregular", "young_men_russia_listed",
              "young_men_home", "young_men_home_expelled", "young_men_home_banned_idle",
              "young_men_home_jobless_returnees", "young_men_exposed", "grievance_total",
              "households_income_fell_year_on_year")


def month_record(tally, census, risk, market, conditions, entrants, households, household_counts, home_earnings):
    """The raw record of a month that both engines return: the event counts, the census and risk counts
    (``sim.mechanisms.indicators``), the home labour market's terms and the households' counts."""
    record = dict(zip(NAMES, tally.tolist(), strict=True))
    for name in MONEY:
        record[name] /= MONEY_UNITS_PER_USD
    record.update(zip(CENSUS_NAMES, census.tolist(), strict=True))
    record.update(zip(RISK_NAMES, risk.tolist(), strict=True))
    record["grievance_total"] /= GRIEVANCE_UNITS
    receiving, receiving_in_window, poor, people_poor, people = household_counts
    record.update(home_earnings_usd=home_earnings, home_job_finding_rate=market.find_rate,
                  home_job_capacity=conditions.capacity, vacancies=market.vacancies, entrants=entrants,
                  households=households, households_receiving=receiving,
                  households_receiving_in_window=receiving_in_window, households_poor=poor,
                  people_poor=people_poor, people_in_households=people,
                  home_demand=conditions.demand, poverty_line_usd=conditions.poverty_line_usd,
                  home_currency_per_usd=conditions.home_currency_per_usd)
    return record
