"""The home currency's rate to the dollar (docs/ODD.md §7.10): the lever as the timeline gives it, moved by a
managed-crawl rule that remittances push.

The rate the model uses in month t is

    S(t) = L(t) x exp(D(t-1))

where L is the lever ``home_currency_per_usd`` and D an accumulated log deviation, advanced at the end of each month
t (after the start date) from that month's levers and the remittances up to it:

    D(t) = D(t-1) + home_currency_depreciation / 12
                  + home_currency_remittance_response x max(0, -ln(R12(t) / R12(t-12))) / 12

R12(t) is the model's own remittances in USD (formal plus informal) over the 12 months to t, R12(t-12) the same sum
a year earlier; with fewer than 24 months recorded the pressure term is 0. D is 0 before the start date, so the rate
in the start month is the lever's, and the rule first moves the rate the month after (as the Russian trends do,
``sim.mechanisms.russian_prices``). With both levers at 0, D stays 0 and S = L exactly.

The regime. The National Bank of Tajikistan described its policy as a managed float, intervening in cases of extreme
appreciation or depreciation (Asia-Plus, 2011-04-04, quoting the NBT); the IMF's 2013 Article IV staff report on
Tajikistan (Context, para. 2) found the NBT's framework "effectively based on an exchange rate anchor to the U.S.
dollar", with remittances at 48 % of GDP and more than five times export earnings, so remittances are most of the
foreign-currency inflow that the anchor has to absorb. The rule reads that as a crawl: a steady trend, and extra
depreciation when the inflow falls. That a recovery of remittances does not reverse it (the ``max``, a ratchet) is
assumed: the somoni did not regain its 2008 rate after remittances recovered in 2010-2013 (4.14 in 2009, 4.38 in
2010), which is consistent with it but does not prove it. The IMF's de facto classification (AREAER) was not checked.

The estimates use years up to 2013 only: NBT annual average TJS/USD 3.43 (2008), 4.14 (2009), 4.76 (2013);
remittances 2.54 bn USD (2008), 1.75 bn (2009), rising every year 2010-2013 (World Bank;
analysis/data/tajikistan_home_economy.csv and tajikistan_annual.csv).

    trend     = ln(4.76 / 4.14) / 4 = 0.1396 / 4 = 0.03489 a year (2009-2013: remittances rose, no pressure term)
    response  = (ln(4.14 / 3.43) - trend) / -ln(1.75 / 2.54) = (0.18814 - 0.03489) / 0.37255 = 0.4113

The response rests on one episode, 2009, the only fall of remittances before 2014; its range for sensitivity is
0.2-0.8. Both are Tajik numbers: the history scenario switches the rule on from 2014-01 and leaves the other
countries' exchange-rate paths as data.
"""

import math

WINDOW_MONTHS = 12
HISTORY_MONTHS = 2 * WINDOW_MONTHS


def pressure(monthly_remittances) -> float:
    """The fall of the last 12 months' remittances against the 12 months before, in logs (0 if they did not fall,
    or with fewer than 24 months, oldest first, or without remittances in either year)."""
    months = list(monthly_remittances)[-HISTORY_MONTHS:]
    if len(months) < HISTORY_MONTHS:
        return 0.0
    year_before, recent = sum(months[:WINDOW_MONTHS]), sum(months[WINDOW_MONTHS:])
    if year_before <= 0.0 or recent <= 0.0:
        return 0.0
    return max(0.0, -math.log(recent / year_before))


def advance(deviation: float, monthly_remittances, depreciation: float, response: float) -> float:
    """The log deviation D after one more month of the rule."""
    if depreciation == 0.0 and response == 0.0:
        return deviation
    return deviation + depreciation / 12.0 + response * pressure(monthly_remittances) / 12.0


def rate(lever: float, deviation: float) -> float:
    """The rate the model uses: the lever moved by the accumulated deviation (the lever itself while D is 0)."""
    return lever * math.exp(deviation) if deviation != 0.0 else lever
