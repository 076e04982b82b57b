"""Households (DESIGN §3, step 8): income, poverty and need.

A household's monthly income is what its members earn at home, the remittances it receives and the savings
returning migrants bring. Income per member counts every member, agents and dependants alike. Poverty and need use
the 12-month moving average of income per member (households smooth consumption over lumpy transfers); the poverty
line comes from the country profile. Need, the poverty gap ratio, feeds next month's remittance shares and
departure choices. A household's income "fell" when its 3-month average is more than ``risk_income_drop`` below
its 12-month average.
"""

from numba import njit

LONG_AVERAGE_MONTHS = 12.0
SHORT_AVERAGE_MONTHS = 3.0


@njit(cache=True, inline="always")
def poverty_gap(income_per_member, poverty_line):
    return min(max(1.0 - income_per_member / poverty_line, 0.0), 1.0)


@njit(cache=True, inline="always")
def step(households, v, poverty_line, warm_start):
    """Household incomes, averages, need and flags; ``households.agents`` must hold this month's member counts."""
    receiving = poor = fell = 0
    for h in range(households.region.shape[0]):
        members = households.agents[h] + households.dependants[h]
        income = (households.remittances_usd[h] + households.earnings_usd[h]) / max(members, 1)
        if warm_start:
            households.income_avg_usd[h] = income
            households.income_recent_usd[h] = income
        else:
            households.income_avg_usd[h] += (income - households.income_avg_usd[h]) / LONG_AVERAGE_MONTHS
            households.income_recent_usd[h] += (income - households.income_recent_usd[h]) / SHORT_AVERAGE_MONTHS
        households.need[h] = poverty_gap(households.income_avg_usd[h], poverty_line)
        households.income_fell[h] = households.income_recent_usd[h] < \
            (1.0 - v.risk_income_drop) * households.income_avg_usd[h]
        receiving += households.remittances_usd[h] > 0.0
        poor += households.income_avg_usd[h] < poverty_line
        fell += households.income_fell[h]
    return receiving, poor, fell
