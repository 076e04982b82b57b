"""The model's outputs, declared once: name, unit and meaning. ``assemble`` turns an engine's raw monthly counts
(in agents) into outputs in real-world units, so both engines report identically whatever the scale.

Rates whose group is empty are reported as 0, never NaN.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    name: str
    unit: str
    description: str


OUTPUTS: tuple[Output, ...] = (
    Output("population", "persons", "Economically active population: resident labour force plus migrants abroad"),
    Output("migrants_abroad", "persons", "Migrants abroad at the end of the month, all destinations"),
    Output("migrants_abroad_russia", "persons", "Migrants in Russia"),
    Output("migrants_abroad_kazakhstan", "persons", "Migrants in Kazakhstan"),
    Output("migrants_abroad_other", "persons", "Migrants in other destinations (UK seasonal, South Korea, Gulf)"),
    Output("migrants_documented", "persons", "Migrants abroad with valid documents (patent and registration)"),
    Output("migrants_irregular", "persons", "Migrants abroad without valid documents"),
    Output("departures", "persons/month", "People who left home for work abroad this month"),
    Output("departures_russia", "persons/month", "Departures to Russia"),
    Output("returns_voluntary", "persons/month", "Voluntary returns home"),
    Output("deportations", "persons/month", "Expulsions from Russia, after police checks or from the register"),
    Output("register_expulsions", "persons/month", "Expulsions of people on the controlled-persons register"),
    Output("entry_refusals", "persons/month", "Would-be migrants refused at the Russian border"),
    Output("new_bans", "persons/month", "New Russian entry bans: deportations plus in-absentia overstay bans"),
    Output("banned_stock", "persons", "People with a Russian entry ban in force"),
    Output("register_stock", "persons", "People in Russia on the controlled-persons register"),
    Output("naturalisations", "persons/month", "Migrants who took Russian citizenship and left the migrant stock"),
    Output("police_checks", "checks/month", "Police checks of migrants in Russia"),
    Output("remittances_usd", "USD/month", "Remittances received, formal plus informal, net of transfer fees"),
    Output("remittances_formal_usd", "USD/month", "Remittances through banks and money-transfer systems"),
    Output("remittances_informal_usd", "USD/month", "Remittances through informal channels (missed by statistics)"),
    Output("remittances_pct_gdp", "% of GDP", "Monthly remittances times 12, over annual GDP"),
    Output("remittance_per_migrant_usd", "USD/month", "Remittances per migrant abroad"),
    Output("households_receiving_share", "share", "Households that received a remittance this month"),
    Output("households_receiving_10_days_share", "share",
           "Households that received a remittance in a 10-day window of the month (the Listening to Tajikistan "
           "survey's question), expected with transfers spread evenly over the month"),
    Output("household_poverty_rate", "share", "Households whose 12-month average income per member is below the "
                                              "poverty line"),
    Output("poverty_rate_people", "share", "People (agents and dependants) in households below the poverty line, "
                                            "the national definition's population share"),
    Output("home_labour_force", "persons", "Resident labour force (people at home, employed or looking for work)"),
    Output("home_returnees_resting", "persons", "Returnees at home not yet looking for work (outside the labour "
                                                "force; see returnee_rest_months)"),
    Output("home_employed", "persons", "Employed at home"),
    Output("home_unemployed", "persons", "Jobless and looking for work at home"),
    Output("home_employed_plot", "persons", "Employed at home on household plots and dehqan farms (own-account "
                                            "agriculture, no vacancy needed)"),
    Output("home_employed_wage", "persons", "Employed at home in wage jobs (the capacity that demand sets)"),
    Output("unemployment_rate", "share", "ILO-style unemployment rate at home, excluding people abroad"),
    Output("unemployment_rate_own_use_excluded", "share", "Unemployment rate with plot work outside the labour force "
                                                          "(19th ICLS, as in the 2016 Labour Force Survey)"),
    Output("youth_unemployment_rate", "share", "Unemployment rate at home among ages 18-29"),
    Output("returnee_unemployment_rate", "share", "Unemployment rate among people who returned within 12 months"),
    Output("home_job_capacity", "jobs", "Domestic job capacity (filled jobs plus vacancies)"),
    Output("home_job_finding_rate", "share/month", "Chance that a jobless person at home found work this month"),
    Output("home_demand_index", "index (first spin-up month = 1)", "Real demand for home output: real GDP plus "
                                                                   "remittance-financed spending, against the first "
                                                                   "month of the spin-up, when job capacity is set"),
    Output("poverty_line_usd", "USD per person per month", "National poverty line, indexed to home prices, at "
                                                           "this month's exchange rate"),
    Output("labour_force_entrants", "persons/month", "Young people entering the labour market"),
    Output("retirements", "persons/month", "People leaving the model at the upper working age"),
    Output("retirements_abroad", "persons/month", "Of whom abroad at the time (they leave the migrant stock)"),
    # Aggregate exposure to conditions linked to radicalisation (docs/ethics.md): never a score for a person.
    Output("exposure_irregular_per_100k", "per 100,000",
           "Young men in Russia without valid documents, per 100,000 young men in Russia"),
    Output("exposure_register_per_100k", "per 100,000",
           "Young men in Russia on the controlled-persons register, per 100,000 young men in Russia"),
    Output("exposure_police_checks_per_100k", "per 100,000",
           "Police checks this month (including those ending in extortion or expulsion), per 100,000 migrants in "
           "Russia"),
    Output("exposure_expelled_per_100k", "per 100,000",
           "Young men at home expelled from Russia or Kazakhstan within risk_returnee_window_months, per 100,000 "
           "young men at home"),
    Output("exposure_banned_idle_per_100k", "per 100,000",
           "Young men at home with a Russian entry ban in force and no job, per 100,000 young men at home"),
    Output("exposure_jobless_returnees_per_100k", "per 100,000",
           "Young men at home who came back within risk_returnee_window_months and have been jobless "
           "long_unemployed_months or more, per 100,000 young men at home"),
    Output("exposure_income_fell_per_100k", "per 100,000",
           "Households whose 3-month average income per member, in poverty lines (what it buys at home), is "
           "more than risk_income_drop below the same average a year earlier, per 100,000 households"),
    Output("exposed_any_per_100k", "per 100,000",
           "Young men exposed to at least one of the person-level conditions above (unweighted), per 100,000 young "
           "men"),
    Output("mean_grievance", "index 0-1", "Mean grievance of the population"),
    # Where people go instead of Russia, and the bans.
    Output("departures_kazakhstan", "persons/month", "Departures to Kazakhstan"),
    Output("departures_other", "persons/month", "Departures to other destinations"),
    Output("expulsions_kazakhstan", "persons/month", "Expulsions from Kazakhstan"),
    Output("bans_lifted", "persons/month", "Russian entry bans lifted early by an amnesty"),
    Output("home_currency_per_usd", "local currency per USD",
           "The home currency's rate to the dollar this month: the lever home_currency_per_usd, moved by the "
           "home-currency rule where it is switched on (docs/ODD.md §7.10)"),
)
NAMES: tuple[str, ...] = tuple(o.name for o in OUTPUTS)
# The exposure components and the count of young men exposed to any of them, in the order of OUTPUTS.
EXPOSURES: tuple[str, ...] = tuple(n for n in NAMES if n.startswith(("exposure_", "exposed_")))
BY_NAME = {o.name: o for o in OUTPUTS}


def _rate(part, whole):
    return part / whole if whole > 0 else 0.0


def per_100k(part, whole):
    return 1e5 * _rate(part, whole)


def assemble(raw: dict, scale: float, gdp_usd_bn: float) -> dict:
    s = scale
    abroad = raw["abroad_russia"] + raw["abroad_kazakhstan"] + raw["abroad_other"]
    remittances = (raw["remittances_formal_usd"] + raw["remittances_informal_usd"]) * s
    jobless = raw["home_jobless"]
    return {
        "population": raw["population"] * s,
        "migrants_abroad": abroad * s,
        "migrants_abroad_russia": raw["abroad_russia"] * s,
        "migrants_abroad_kazakhstan": raw["abroad_kazakhstan"] * s,
        "migrants_abroad_other": raw["abroad_other"] * s,
        "migrants_documented": raw["documented_abroad"] * s,
        "migrants_irregular": (abroad - raw["documented_abroad"]) * s,
        "departures": (raw["departures_russia"] + raw["departures_kazakhstan"] + raw["departures_other"]) * s,
        "departures_russia": raw["departures_russia"] * s,
        "returns_voluntary": raw["returns_voluntary"] * s,
        "deportations": raw["deportations"] * s,
        "register_expulsions": raw["register_expulsions"] * s,
        "entry_refusals": raw["entry_refusals"] * s,
        "new_bans": (raw["deportations"] + raw["overstay_bans"]) * s,
        "banned_stock": raw["banned"] * s,
        "register_stock": raw["on_register"] * s,
        "naturalisations": raw["naturalisations"] * s,
        "police_checks": raw["checks"] * s,
        "remittances_usd": remittances,
        "remittances_formal_usd": raw["remittances_formal_usd"] * s,
        "remittances_informal_usd": raw["remittances_informal_usd"] * s,
        "remittances_pct_gdp": 100.0 * remittances * 12 / (gdp_usd_bn * 1e9),
        "remittance_per_migrant_usd": _rate(remittances, abroad * s),
        "households_receiving_share": _rate(raw["households_receiving"], raw["households"]),
        "households_receiving_10_days_share": _rate(raw["households_receiving_in_window"], raw["households"]),
        "household_poverty_rate": _rate(raw["households_poor"], raw["households"]),
        "poverty_rate_people": _rate(raw["people_poor"], raw["people_in_households"]),
        "home_labour_force": raw["home_labour_force"] * s,
        "home_returnees_resting": raw["resting"] * s,
        "home_employed": (raw["home_labour_force"] - jobless) * s,
        "home_unemployed": jobless * s,
        "home_employed_plot": raw["plot_workers"] * s,
        "home_employed_wage": (raw["home_labour_force"] - jobless - raw["plot_workers"]) * s,
        "unemployment_rate": _rate(jobless, raw["home_labour_force"]),
        "unemployment_rate_own_use_excluded": _rate(jobless, raw["home_labour_force"] - raw["plot_workers"]),
        "youth_unemployment_rate": _rate(raw["youth_jobless"], raw["youth"]),
        "returnee_unemployment_rate": _rate(raw["returnees_jobless"], raw["returnees"]),
        "home_job_capacity": raw["home_job_capacity"] * s,
        "home_job_finding_rate": raw["home_job_finding_rate"],
        "home_demand_index": raw["home_demand"],
        "poverty_line_usd": raw["poverty_line_usd"],
        "labour_force_entrants": raw["entrants"] * s,
        "retirements": raw["retirements"] * s,
        "retirements_abroad": raw["retirements_abroad"] * s,
        "exposure_irregular_per_100k": per_100k(raw["young_men_russia_irregular"], raw["young_men_russia"]),
        "exposure_register_per_100k": per_100k(raw["young_men_russia_listed"], raw["young_men_russia"]),
        "exposure_police_checks_per_100k": per_100k(raw["checks"], raw["abroad_russia"]),
        "exposure_expelled_per_100k": per_100k(raw["young_men_home_expelled"], raw["young_men_home"]),
        "exposure_banned_idle_per_100k": per_100k(raw["young_men_home_banned_idle"], raw["young_men_home"]),
        "exposure_jobless_returnees_per_100k": per_100k(raw["young_men_home_jobless_returnees"],
                                                        raw["young_men_home"]),
        "exposure_income_fell_per_100k": per_100k(raw["households_income_fell_year_on_year"], raw["households"]),
        "exposed_any_per_100k": per_100k(raw["young_men_exposed"], raw["young_men"]),
        "mean_grievance": _rate(raw["grievance_total"], raw["population"]),
        "departures_kazakhstan": raw["departures_kazakhstan"] * s,
        "departures_other": raw["departures_other"] * s,
        "expulsions_kazakhstan": raw["expulsions_kazakhstan"] * s,
        "bans_lifted": raw["bans_lifted"] * s,
        "home_currency_per_usd": raw["home_currency_per_usd"],
    }
