"""Households (docs/ODD.md §3 step 8, §7.13): income, poverty and need.

A household's monthly income is what its members earn at home, the remittances it receives and the savings
returning migrants bring. Income per member counts every member, agents and dependants alike. Poverty and need use
the 12-month moving average of income per member (households smooth consumption over lumpy transfers); the poverty
line comes from the country profile. Need, the poverty gap ratio, feeds next month's remittance shares and
departure choices. The 3-month average is kept for the exposure count of households whose income fell
(``sim.mechanisms.indicators.income_fell``).

Receiving a transfer is counted two ways: in the month, and in a 10-day window, the question of the World Bank's
"Listening to Tajikistan" survey ("received a remittance in the 10 days before the interview"). The model's step is
a month, so the window share is the expected one if each transfer arrives on a day spread evenly over the month,
independently of the household's other transfers: a household with k transfers has one in a given 10-day window
with chance 1 - (1 - 10/30.44)^k.
"""

import numpy as np
from numba import njit

from sim import random_streams as rs

LONG_AVERAGE_MONTHS = 12.0
SHORT_AVERAGE_MONTHS = 3.0
# The survey's window as a share of the mean month (365.25 / 12 days).
WINDOW_SHARE_OF_MONTH = 10.0 / (365.25 / 12.0)


def new_month(households):
    """Clear what households received and earned last month, before this month's transfers and wages arrive."""
    households.remittances_usd[:] = 0
    households.earnings_usd[:] = 0
    households.transfers[:] = 0


# The chance for 0, 1, 2, ... transfers, looked up rather than raised to a power for every household each month (half
# the cost of the households' step at 1:1); from 64 transfers on it is 1 to eleven digits.
MOST_TRANSFERS = 64
WINDOW_CHANCE = 1.0 - (1.0 - WINDOW_SHARE_OF_MONTH) ** np.arange(MOST_TRANSFERS + 1)


@njit(cache=True, inline="always")
def chance_in_window(transfers):
    """The chance that at least one of this month's ``transfers`` arrived in a given 10-day window."""
    return WINDOW_CHANCE[min(transfers, MOST_TRANSFERS)]


@njit(cache=True, inline="always")
def poverty_gap(income_per_member, poverty_line):
    return min(max(1.0 - income_per_member / poverty_line, 0.0), 1.0)


@njit(cache=True, inline="always")
def step(households, v, poverty_line, warm_start, start, stop):
    """Incomes, averages, need and flags of households ``start`` to ``stop - 1``; returns how many received a
    transfer this month, how many are expected to have received one in a 10-day window, how many are poor, how many
    people (agents and dependants) live in poor households and how many people there are.
    ``households.agents`` must hold this month's member counts.

    Written with selects rather than branches, so the compiler can work on several households at once (SIMD). The
    10-day chances are added up in a loop of their own: a running floating-point sum in the main loop kept the
    compiler from that (measured at 1:1: 11 ms a month, against 6 ms for the two loops)."""
    receiving = poor = people_poor = people = 0
    for h in rs.rows(start, stop):
        members = households.agents[h] + households.dependants[h]
        income = (households.remittances_usd[h] + households.earnings_usd[h]) / max(members, 1)
        average, recent = households.income_avg_usd[h], households.income_recent_usd[h]
        average = np.float32(income if warm_start else average + (income - average) / LONG_AVERAGE_MONTHS)
        recent = np.float32(income if warm_start else recent + (income - recent) / SHORT_AVERAGE_MONTHS)
        households.income_avg_usd[h] = average
        households.income_recent_usd[h] = recent
        households.need[h] = poverty_gap(average, poverty_line)
        receiving += households.remittances_usd[h] > 0.0
        poor += average < poverty_line
        people_poor += members if average < poverty_line else 0
        people += members
    receiving_in_window = 0.0
    for h in rs.rows(start, stop):
        receiving_in_window += chance_in_window(households.transfers[h])
    return receiving, receiving_in_window, poor, people_poor, people
