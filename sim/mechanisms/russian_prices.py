"""Prices and wages in Russia (docs/ODD.md §7.2).

The levers ``migrant_wage_rub``, ``patent_fee_rub``, ``russia_price_level`` and ``rub_per_usd`` give their values at
the scenario's start; the history sets them month by month from data (Rosstat wages and CPI, the Moscow patent, the
CBR rate). From the start month on they grow with three trend levers, compounded month by month:

    price index  P(m) = prod over months s in (start, m] of (1 + russia_inflation(s))^(1/12)
    real wage    W(m) = prod of (1 + russia_real_wage_growth(s))^(1/12)
    rouble       X(m) = prod of (1 + rouble_depreciation(s))^(1/12)

Rouble wages move with P x W, the price level (and with it living costs, compliance costs and fines) with P, the
rouble's price of a dollar with X, and the patent fee with P as it stood in January: the patent's fixed advance is
re-indexed once a year by the federal deflator coefficient, which follows consumer prices (Tax Code art. 227.1).
A scenario without trend (the history up to its last data point) sets the three rates to zero.

The trend is a deterministic function of the lever timeline, applied to the month's lever values before either
engine sees them, so both engines use the same numbers.
"""

import numpy as np
from numba import njit

TREND_LEVERS = ("russia_inflation", "russia_real_wage_growth", "rouble_depreciation")


def compound(annual_rates: np.ndarray, start_offset: int) -> np.ndarray:
    """Index path, one value per month of ``annual_rates``: 1 up to position ``start_offset``, then multiplied each
    month by (1 + rate)^(1/12) of that month."""
    monthly = np.log1p(np.asarray(annual_rates, dtype=float)) / 12.0
    monthly[:max(start_offset + 1, 0)] = 0.0
    return np.exp(np.cumsum(monthly))


def januaries(index: np.ndarray, first_month: int) -> np.ndarray:
    """The index as it stood in the last January at or before each month (the first month stands for itself)."""
    months = first_month + np.arange(index.size)
    last_january = months - months % 12
    return index[np.maximum(last_january - first_month, 0)]


class Trend:
    """Multipliers of the Russian price, wage, rouble and patent levers, month by month, from a lever timeline."""

    def __init__(self, timeline, start_month: int):
        self.timeline = timeline
        self.start_offset = start_month - timeline.first_month
        self._length = 0

    def _extend(self, length: int):
        length = max(length, self._length * 2, 120)
        inflation, real_growth, depreciation = (self.timeline.path(lever, length) for lever in TREND_LEVERS)
        self.price = compound(inflation, self.start_offset)
        self.wage = self.price * compound(real_growth, self.start_offset)
        self.rouble = compound(depreciation, self.start_offset)
        self.patent = januaries(self.price, self.timeline.first_month)
        self._length = length

    def apply(self, values: dict, month: int) -> dict:
        """``values`` (a month's lever values) with the trend applied; months before the timeline take its first."""
        index = max(month - self.timeline.first_month, 0)
        if index >= self._length:
            self._extend(index + 1)
        values["migrant_wage_rub"] *= self.wage[index]
        values["russia_price_level"] *= self.price[index]
        values["rub_per_usd"] *= self.rouble[index]
        values["patent_fee_rub"] *= self.patent[index]
        return values


@njit(cache=True, inline="always")
def at_prices_usd(amount_rub_2025, v):
    """A rouble amount set at 2025 prices (living costs, compliance, fines) in this month's dollars."""
    return amount_rub_2025 * v.russia_price_level / v.rub_per_usd
