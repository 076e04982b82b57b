"""The home economy in local currency (docs/ODD.md §7.10): real output, prices, the currency and the remittance
multiplier, which together set the demand for labour at home.

Home labour demand follows real demand for home output, measured against its level in the first month of the
spin-up, when the job capacity's base is set from the synthesised population:

    D / D0 = Y / Y0 + remittance_multiplier x s0 x (R / R0 - 1)

where Y is real GDP (constant local currency, from the country profile), R the real value of remittances (USD
converted at the lever ``home_currency_per_usd`` and deflated by consumer prices) against R0 in the month before the
start date (the last of the spin-up), and s0 the remittances' share of output in that month. Because s0 is a share
of output at the start while Y0 is the first month's, the spending term is worth Y0 / Y(start) of what
``remittance_multiplier`` says in units of Y0: the effective multiplier is 0.85 times the nominal one after the
baseline's 24-month spin-up (real output grew 17.4 %; 0.68 for the default 0.8) and 0.91 in the history (9.5 %
growth 2008-2010). The calibration ran with this form, so it stays until the next calibration. A unit of remittances
spent at home (consumption, construction, services) raises demand for home output by ``remittance_multiplier``
units, net of the part that buys imports; jobs follow demand with the employment elasticity ``jobs_gdp_elasticity``:
capacity = base x (D / D0)^elasticity. Nothing in dollars drives labour demand: a devaluation that halves dollar GDP
leaves real output where it is, and a fall in the dollar value of remittances is softened by the somoni they now
buy, less the rise in prices.
"""

from sim.calendar import fractional_year


def real_remittances(remittances_usd, local_per_usd, price_level):
    """Remittances in constant local currency (the price level is an index, so the unit is relative)."""
    return remittances_usd * local_per_usd / price_level


def demand_ratio(output_ratio, remittance_ratio, remittance_output_share, multiplier):
    """Real demand for home output against the start date, never below zero."""
    return max(output_ratio + multiplier * remittance_output_share * (remittance_ratio - 1.0), 0.0)


def job_capacity(base_jobs, demand, elasticity):
    return base_jobs * demand ** elasticity


def remittance_output_share(remittances_usd_month, profile, month):
    """Remittances' share of GDP at the start date, from this month's model remittances (annualised) and the
    profile's GDP at the same date: a ratio of two dollar amounts of the same month, fixed for the rest of the
    run. Without a GDP figure the spending channel is off."""
    gdp_usd = profile.at("gdp_usd_bn", fractional_year(month)) * 1e9
    return 12.0 * remittances_usd_month / gdp_usd if gdp_usd > 0 else 0.0
