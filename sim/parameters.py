"""The parameter registry: every model parameter is declared here once.

Each entry has a default, a unit, a plausible range (``low``..``high``, used by sweeps and sensitivity analysis),
hard bounds (``minimum``..``maximum``, outside which a value is meaningless and rejected) and a source. The source
cites ``analysis/data`` (copied from the project's shared data with citations), says "calibrated" (fitted by
``run.py calibrate``; the default is the pre-calibration prior) or says "assumed, see range".

Levers (``lever=True``) are the policy and market conditions that scenario files may change month by month.
Everything else reads this table: the model, scenario validation, the ``params`` command, ``docs/parameters.md``
and the sweep bounds.
"""

import difflib
import math
from collections import namedtuple
from dataclasses import dataclass

SHARED = "analysis/data/facts.md"
TIMELINE = "analysis/data/policy_timeline.csv"
ANNUAL = "analysis/data/tajikistan_annual.csv"


@dataclass(frozen=True)
class Parameter:
    name: str
    default: float
    unit: str
    low: float
    high: float
    source: str
    group: str
    lever: bool = False
    integer: bool = False
    minimum: float = 0.0
    maximum: float = math.inf
    description: str = ""


def _p(name, default, unit, low, high, source, group, description, **kw):
    return Parameter(name, default, unit, low, high, source, group, description=description, **kw)


PROB = {"minimum": 0.0, "maximum": 1.0}

PARAMETERS: tuple[Parameter, ...] = (
    # ---------------------------------------------------------------- policy levers (Russia and the corridor)
    _p("raid_intensity", 0.03, "probability/month", 0.01, 0.15,
       "assumed, see range; with expulsion_given_irregular it gives ~11k (2023) to ~34k (2024, H1 x2) deportations "
       f"of Tajiks a year ({SHARED})", "lever", "Monthly chance that a migrant in Russia is checked by police",
       lever=True, **PROB),
    _p("expulsion_given_irregular", 0.15, "probability", 0.05, 0.4,
       f"assumed, see range; deportations ~11k (2023), 17.1k in H1 2024 ({SHARED})", "lever",
       "Chance that a check of an irregular migrant ends in detention and expulsion", lever=True, **PROB),
    _p("entry_ban_months", 60, "months", 36, 120,
       "Federal Law 114-FZ art. 27: administrative expulsion carries a 5-year re-entry ban", "lever",
       "Length of a Russian entry ban", lever=True, integer=True, minimum=0, maximum=240),
    _p("overstay_ban_prob", 0.1, "probability", 0.05, 0.6,
       f"assumed, see range; in-absentia bans for overstays drove the ~300k (2014) to ~400k (2016) ban lists "
       f"({SHARED})", "lever", "Chance that an irregular migrant leaving Russia is banned in absentia",
       lever=True, **PROB),
    _p("register_listing_prob", 0.06, "probability/month", 0.0, 0.1,
       f"assumed, see range; the register listed >120k Tajiks within its first year, Feb 2025 ({SHARED})", "lever",
       "Monthly chance that an irregular migrant is put on the 'controlled persons' register", lever=True, **PROB),
    _p("register_expulsion_prob", 0.008, "probability/month", 0.0, 0.05,
       f"assumed, see range; 72k expelled in 2025 of ~700-840k listed, all nationalities ({SHARED})", "lever",
       "Monthly chance that a person on the register is expelled", lever=True, **PROB),
    _p("patent_fee_rub", 8900, "RUB/month", 4000, 15000,
       f"Moscow patent 8,900 RUB/month in 2025; 7,500 (2024), 10,000 (2026) ({TIMELINE})", "lever",
       "Monthly cost of a work patent", lever=True, maximum=100_000),
    _p("registration_burden", 0.02, "probability/month", 0.0, 0.08,
       f"assumed, see range; 90-days-a-year rule (2025), biometrics (Dec 2024), RuID (Jun 2025) ({TIMELINE})",
       "lever", "Monthly chance that a documented migrant faces a registration problem and loses status "
       "unless employed and able to pay compliance", lever=True, **PROB),
    _p("entry_screening", 0.008, "probability", 0.0, 0.05,
       f"assumed, see range; ~3,400 Tajiks refused after Crocus by mid-2024 ({SHARED})", "lever",
       "Chance that a would-be migrant without a ban is refused at the Russian border", lever=True, **PROB),
    _p("job_ban_share", 0.05, "share of jobs", 0.0, 0.3,
       f"assumed, see range; regional bans on taxi, retail, education, hotels 2023-2025 ({TIMELINE})", "lever",
       "Share of migrant jobs closed by regional job bans", lever=True, **PROB),
    _p("hostility", 0.3, "index 0-1", 0.0, 1.0,
       "assumed, see range; post-Crocus climate (seed article; press 2024)", "lever",
       "Hostility towards migrants: wage discrimination, daily harassment, push to return", lever=True, **PROB),
    _p("rub_per_usd", 83.3, "RUB per USD", 60, 130, f"2025 annual average ({ANNUAL})", "lever",
       "Exchange rate used to convert rouble earnings", lever=True, minimum=1.0, maximum=1000.0),
    _p("migrant_wage_rub", 75000, "RUB/month", 50000, 110000,
       f"World Bank 2024: construction wage in Russia $810/month x 92.6 RUB/USD; migrants earn 20-25% less than "
       f"the Russian average ({SHARED})", "lever", "Gross monthly wage of a medium-skill documented migrant in Russia",
       lever=True, maximum=1_000_000),
    _p("russia_labour_demand", 1.0, "multiplier", 0.6, 1.4,
       "assumed, see range; war-time labour shortage since 2022 (press)", "lever",
       "Multiplier on the chance of finding a job in Russia", lever=True, maximum=5.0),
    _p("transfer_fee_formal", 0.02, "share of amount", 0.01, 0.05,
       f"World Bank Remittance Prices Worldwide Q4 2021: RU->TJ 4.2% average, 1.5% cheapest ({SHARED}); most volume "
       "goes through the cheap channels", "lever", "Fee on formal money transfers", lever=True, **PROB),
    _p("informal_channel_push", 0.0, "share", 0.0, 0.5,
       f"assumed, see range; channel restrictions and card-to-card transfers ({SHARED})", "lever",
       "Extra share of transfers pushed into informal channels by restrictions", lever=True, **PROB),
    _p("naturalisation_rate", 0.002, "probability/month", 0.0, 0.01,
       f"assumed, see range; Russian citizenship granted to Tajiks: 29k (2017) to 104k (2021) a year ({SHARED})",
       "lever", "Monthly chance that a documented migrant with 3+ years in Russia naturalises and leaves the stock",
       lever=True, **PROB),
    _p("kazakhstan_capacity", 40000, "persons", 10000, 150000,
       f"assumed, see range; 12,400 Tajik migrants in Kazakhstan (2016); Kazakhstan 3-5% of intentions ({SHARED})",
       "lever", "How many Tajik migrants Kazakhstan's labour market absorbs", lever=True, maximum=5_000_000),
    _p("other_capacity", 25000, "persons", 5000, 100000,
       f"assumed, see range; UK seasonal visas to Central Asians 27,759 (2024), Korea, Gulf ({SHARED})", "lever",
       "Places open in other destinations (UK seasonal, South Korea, Gulf)", lever=True, maximum=5_000_000),
    _p("border_open", 1.0, "share", 0.0, 1.0,
       f"1 = open; 0 models the COVID-19 closure from 2020-03 ({TIMELINE})", "lever",
       "Share of travel between Tajikistan and abroad that is possible (departures and returns)", lever=True,
       **PROB),
    # ---------------------------------------------------------------- work and status abroad
    _p("abroad_job_find_prob", 0.4, "probability/month", 0.2, 0.7, "assumed, see range", "abroad",
       "Monthly chance that a jobless documented migrant finds work, at labour demand 1"),
    _p("abroad_job_loss_prob", 0.03, "probability/month", 0.01, 0.08, "assumed, see range", "abroad",
       "Monthly chance that an employed migrant loses the job"),
    _p("job_ban_displacement", 0.2, "probability/month", 0.05, 0.5, "assumed, see range", "abroad",
       "Monthly chance that a migrant in a banned sector is laid off, per unit of job_ban_share", **PROB),
    _p("irregular_job_penalty", 0.3, "share", 0.0, 0.6, "assumed, see range", "abroad",
       "Relative cut in the job-finding chance of an irregular migrant", **PROB),
    _p("irregular_wage_discount", 0.15, "share", 0.0, 0.3,
       "assumed, see range; irregular workers are paid less and cash-in-hand", "abroad",
       "Wage cut for irregular work", **PROB),
    _p("hostility_wage_discount", 0.15, "share per unit hostility", 0.0, 0.3, "assumed, see range", "abroad",
       "Wage discrimination at hostility 1", **PROB),
    _p("living_cost_share", 0.2, "share of migrant wage", 0.15, 0.35,
       "assumed, see range; shared housing and food in the Moscow region", "abroad",
       "Monthly living costs abroad as a share of the destination's reference migrant wage", **PROB),
    _p("compliance_cost_rub", 2000, "RUB/month", 0, 6000,
       "assumed, see range; medical, exam, registration intermediaries", "abroad",
       "Monthly cost of keeping registration valid, paid by documented migrants in Russia", maximum=100_000),
    _p("fee_lapse_coef", 0.1, "probability/month per unit fee/wage", 0.0, 0.3, "assumed, see range", "abroad",
       "Extra monthly chance of letting the patent lapse, per unit of the patent fee as a share of the wage",
       **PROB),
    _p("jobless_lapse_prob", 0.15, "probability/month", 0.05, 0.4, "assumed, see range", "abroad",
       "Monthly chance that a jobless documented migrant stops paying for the patent", **PROB),
    _p("burden_resolve_share", 0.5, "share", 0.2, 0.8, "assumed, see range", "abroad",
       "Share of employed migrants hit by a registration problem who pay to resolve it and keep status", **PROB),
    _p("regularise_prob", 0.06, "probability/month", 0.01, 0.15,
       f"assumed, see range; ~10% of those on the register applied to regularise ({SHARED})", "abroad",
       "Monthly chance that an employed irregular migrant regularises, before the fee deterrent", **PROB),
    _p("fee_regularise_coef", 2.0, "per unit fee/wage", 0.0, 6.0, "assumed, see range", "abroad",
       "How strongly the fee-to-wage ratio deters regularisation", maximum=50.0),
    _p("extortion_prob", 0.3, "probability", 0.1, 0.6, "assumed, see range; RUSI interviews (Elshimi et al. 2018)",
       "abroad", "Chance that a check not ending in expulsion costs a fine or a bribe", **PROB),
    _p("extortion_rub", 5000, "RUB", 1000, 15000, "assumed, see range", "abroad",
       "Amount lost to a fine or bribe", maximum=1_000_000),
    _p("wage_theft_prob", 0.03, "probability/month", 0.0, 0.1, "assumed, see range", "abroad",
       "Monthly chance that an irregular worker is not paid", **PROB),
    _p("deportation_savings_loss", 0.5, "share", 0.0, 1.0, "assumed, see range", "abroad",
       "Share of savings and unsent money lost on deportation", **PROB),
    _p("kazakhstan_wage_usd", 450, "USD/month", 300, 700,
       "assumed, see range; Kazakh construction wages are below Russia's", "abroad",
       "Gross monthly migrant wage in Kazakhstan", maximum=100_000),
    _p("other_wage_usd", 1600, "USD/month", 1000, 2500,
       "assumed, see range; UK seasonal minimum wage and Korean EPS wages", "abroad",
       "Gross monthly migrant wage in other destinations", maximum=100_000),
    # ---------------------------------------------------------------- remittances
    _p("remit_share_base", 0.75, "share of net earnings", 0.3, 0.8, "calibrated", "remittance",
       "Share of net earnings remitted by a migrant in neither need nor hardship", **PROB),
    _p("remit_need_coef", 0.2, "share per unit need", 0.0, 0.6, "assumed, see range", "remittance",
       "Extra share remitted per unit of household need (poverty gap)", **PROB),
    _p("remit_hardship_coef", 0.2, "share per unit hardship", 0.0, 0.6, "assumed, see range", "remittance",
       "Share cut per unit of the migrant's own hardship", **PROB),
    _p("hardship_reference_usd", 300, "USD/month", 150, 600, "assumed, see range", "remittance",
       "Net earnings below which a migrant counts as in hardship (hardship 1 at zero)", minimum=1.0,
       maximum=10_000),
    _p("remit_send_prob", 0.5, "probability/month", 0.2, 1.0,
       f"assumed, see range; 15% of households received a transfer in July 2016 against ~40% with a migrant "
       f"({SHARED})", "remittance", "Monthly chance that a migrant sends the money set aside", minimum=0.01,
       maximum=1.0),
    _p("informal_share_base", 0.15, "share", 0.05, 0.4,
       f"assumed, see range; informal and card-to-card channels blur statistics ({SHARED})", "remittance",
       "Share of transfers sent informally without restrictions", **PROB),
    _p("transfer_fee_informal", 0.03, "share of amount", 0.0, 0.08, "assumed, see range", "remittance",
       "Cost of informal transfers (couriers, hawala, cash)", **PROB),
    _p("savings_target_usd", 2500, "USD", 1000, 6000, "assumed, see range; target earners (docs/ODD.md §4, §7.7)",
       "remittance", "Savings at which a target earner wants to go home", minimum=1.0, maximum=100_000),
    # ---------------------------------------------------------------- returns
    _p("return_base_prob", 0.017, "probability/month", 0.01, 0.08, "calibrated", "return",
       "Monthly chance of a voluntary return at the seasonal mean, with no push factors", **PROB),
    _p("return_season_amplitude", 0.6, "relative", 0.0, 0.9,
       f"assumed, see range; returns peak in late autumn and winter ({SHARED})", "return",
       "Relative seasonal swing of the return hazard", **PROB),
    _p("return_peak_month", 12, "calendar month", 10, 12, f"returns peak in late autumn and winter ({SHARED})",
       "return", "Month in which returns peak", integer=True, minimum=1, maximum=12),
    _p("return_target_odds", 3.0, "odds ratio", 1.0, 6.0, "assumed, see range", "return",
       "Odds ratio of returning once the savings target is reached", minimum=1e-3, maximum=100.0),
    _p("return_jobless_odds", 2.0, "odds ratio", 1.0, 5.0, "assumed, see range", "return",
       "Odds ratio of returning when jobless or earning nothing", minimum=1e-3, maximum=100.0),
    _p("return_hostility_coef", 1.0, "log-odds per unit hostility", 0.0, 2.5, "assumed, see range", "return",
       "Push to return from hostility", maximum=20.0),
    _p("return_grievance_coef", 1.0, "log-odds per unit grievance", 0.0, 2.5, "assumed, see range", "return",
       "Push to return from the migrant's own grievance", maximum=20.0),
    _p("return_register_odds", 1.5, "odds ratio", 1.0, 6.0, "assumed, see range", "return",
       "Odds ratio of returning once on the controlled-persons register", minimum=1e-3, maximum=100.0),
    # ---------------------------------------------------------------- departures (random utility)
    _p("departure_asc_russia", -4.0, "utility", -6.5, -2.5, "calibrated", "departure",
       "Alternative-specific constant of going to Russia (staying = 0)", minimum=-30.0, maximum=30.0),
    _p("departure_asc_kazakhstan", -6.5, "utility", -9.0, -4.0,
       f"assumed, see range; Kazakhstan 3-5% of intentions against Russia's 92-94% ({SHARED})", "departure",
       "Alternative-specific constant of going to Kazakhstan", minimum=-30.0, maximum=30.0),
    _p("departure_asc_other", -8.0, "utility", -10.0, -5.0, "assumed, see range", "departure",
       "Alternative-specific constant of going to other destinations", minimum=-30.0, maximum=30.0),
    _p("departure_earnings_coef", 0.25, "utility per 100 USD/month", 0.05, 0.6, "calibrated", "departure",
       "Weight on the expected monthly net earnings gap abroad minus at home (Klabunde 2014)", maximum=10.0),
    _p("departure_risk_coef", 0.5, "utility per % monthly deportation risk", 0.0, 1.5, "assumed, see range",
       "departure", "Deterrent of the expected monthly chance of deportation (in percent)", maximum=20.0),
    _p("departure_hostility_coef", 1.0, "utility per unit hostility", 0.0, 3.0, "assumed, see range",
       "departure", "Deterrent of hostility", maximum=20.0),
    _p("departure_network_coef", 1.5, "utility per share of contacts there", 0.5, 3.0, "calibrated",
       "departure", "Pull of the share of one's contacts already at the destination (Klabunde 2014)",
       maximum=20.0),
    _p("departure_age_coef", 0.06, "utility per year from age 25", 0.0, 0.15, "assumed, see range",
       "departure", "Fall in the propensity to migrate per year of age away from 25", maximum=2.0),
    _p("departure_female_coef", 2.0, "utility", 1.0, 3.5,
       "assumed, see range; most Tajik labour migrants are men", "departure",
       "Lower propensity of women to migrate", maximum=20.0),
    _p("departure_need_coef", 1.0, "utility per unit need", 0.0, 2.5, "assumed, see range", "departure",
       "Push from household need (poverty gap)", maximum=20.0),
    _p("departure_experience_coef", 1.0, "utility", 0.0, 2.0,
       "assumed, see range; 59% of Mexico-US migrants made more than one trip (Klabunde 2014)", "departure",
       "Pull for people who have worked abroad before", maximum=20.0),
    _p("departure_season_amplitude", 0.5, "relative", 0.0, 0.9,
       f"assumed, see range; departures peak in spring ({SHARED})", "departure",
       "Relative seasonal swing of departures", **PROB),
    _p("departure_peak_month", 4, "calendar month", 3, 5, f"departures peak in spring ({SHARED})", "departure",
       "Month in which departures peak", integer=True, minimum=1, maximum=12),
    # ---------------------------------------------------------------- grievance
    _p("grievance_decay", 0.1, "share/month", 0.02, 0.15, "assumed, see range", "grievance",
       "Monthly decay of grievance", **PROB),
    _p("grievance_hostility_rate", 0.03, "per month per unit hostility", 0.0, 0.08, "assumed, see range",
       "grievance", "Monthly growth of grievance abroad from daily hostility", **PROB),
    _p("grievance_check", 0.05, "increment", 0.0, 0.2, "assumed, see range", "grievance",
       "Grievance added by a police check", **PROB),
    _p("grievance_extortion", 0.15, "increment", 0.05, 0.3,
       "assumed, see range; extortion and discrimination as drivers (RUSI, Elshimi et al. 2018)", "grievance",
       "Grievance added by a fine, bribe or wage theft", **PROB),
    _p("grievance_deportation", 0.5, "increment", 0.2, 0.8, "assumed, see range; ICG 'Syria Calling' 2015",
       "grievance", "Grievance added by detention and deportation", **PROB),
    _p("grievance_refusal", 0.2, "increment", 0.0, 0.5, "assumed, see range", "grievance",
       "Grievance added by being refused at the border", **PROB),
    _p("grievance_register", 0.2, "increment", 0.0, 0.5, "assumed, see range", "grievance",
       "Grievance added by being put on the register (loss of banking and driving rights)", **PROB),
    _p("grievance_job_loss_home", 0.05, "increment", 0.0, 0.2,
       "assumed, see range; collective grievances at home (doi:10.1353/apr.2022.0019)", "grievance",
       "Grievance added per month of unemployment at home after six months", **PROB),
    # ---------------------------------------------------------------- home labour market
    _p("home_separation_rate", 0.015, "probability/month", 0.005, 0.03, "assumed, see range", "home",
       "Monthly chance that a worker at home loses the job"),
    _p("matching_efficiency", 0.18, "hires per sqrt(U*V) per month", 0.15, 0.6, "calibrated", "home",
       "Efficiency of the home matching function hires = m * sqrt(U * V)", maximum=10.0),
    _p("jobs_gdp_elasticity", 0.4, "elasticity", 0.2, 0.7,
       "assumed, see range; employment elasticities of growth 0.2-0.7 in developing countries (Kapsos, ILO 2005)",
       "home", "Elasticity of domestic job capacity to GDP", maximum=3.0),
    _p("jobs_remittance_elasticity", 0.15, "elasticity", 0.0, 0.4,
       f"assumed, see range; >80% of remittances go on food and basic needs ({SHARED})", "home",
       "Elasticity of domestic job capacity to remittance-financed demand", maximum=3.0),
    _p("remittance_demand_lag", 6, "months", 1, 12, "assumed, see range", "home",
       "Smoothing time of remittance-financed demand (exponential moving average)", integer=True, minimum=1,
       maximum=60),
    _p("returnee_rest_months", 3, "months", 0, 6,
       "assumed, see range: returnees home for the winter mostly wait to leave again in spring rather than look for "
       "work (ILO: the unemployed are those actively searching); deportees, who cannot go back, look at once", "home",
       "Months a returning migrant stays outside the home labour force before looking for work", integer=True,
       maximum=24),
    _p("initial_unemployment_rate", 0.09, "share", 0.07, 0.11,
       f"ILO-definition rate 11.5% (2009 LFS), ~11% (2013, World Bank), 7.5-7.8% (2019-22 aggregators) "
       f"({SHARED})", "home", "Unemployment at home at the start date", minimum=0.0, maximum=0.9),
    # ---------------------------------------------------------------- network
    _p("network_contacts", 3, "contacts", 2, 5, "assumed, see range (docs/ODD.md §7.12)", "network",
       "Social contacts per person (one in the household where possible, the rest in the region)",
       integer=True, minimum=1, maximum=8),
    _p("tie_rewire_prob", 0.02, "probability/month", 0.0, 0.05,
       "assumed, see range; decaying ties (Klabunde 2014)", "network",
       "Monthly chance that a contact outside the household is replaced by a new one in the region", **PROB),
    # ---------------------------------------------------------------- risk-condition indicator (aggregate only)
    _p("risk_young_max_age", 29, "years", 24, 34, "assumed, see range; RUSI 2018, World Bank 2020 youth study",
       "risk", "Upper age of the 'young' group in the risk conditions", integer=True, minimum=18, maximum=63),
    _p("risk_grievance_threshold", 0.3, "grievance", 0.15, 0.5, "assumed, see range", "risk",
       "Grievance above which a person counts as aggrieved", **PROB),
    _p("risk_isolation_max_contacts", 1, "contacts", 0, 2,
       "assumed, see range; isolation abroad (RUSI, Elshimi et al. 2018)", "risk",
       "A migrant is isolated with at most this many contacts in the same destination", integer=True,
       maximum=8),
    _p("long_unemployed_months", 6, "months", 3, 12, "assumed, see range; ILO long-term unemployment is 12+ months",
       "home", "Months of unemployment at home after which grievance grows and a person counts as long-term "
       "unemployed", integer=True, minimum=1, maximum=120),
    _p("risk_income_drop", 0.1, "share", 0.05, 0.3, "assumed, see range", "risk",
       "Fall in household income per member, against its 12-month average, that counts as a fall", **PROB),
    _p("risk_weight_abroad", 0.5, "weight", 0.0, 1.0,
       "assumed, see range; 85-90% of Tajik fighters radicalised as migrants in Russia (Prosecutor General 2016)",
       "risk", "Weight of abroad precarity in risk_index", **PROB),
    _p("risk_weight_home", 0.5, "weight", 0.0, 1.0,
       "assumed, see range; collective grievances at home (doi:10.1353/apr.2022.0019); ICG 2015", "risk",
       "Weight of home idleness in risk_index", **PROB),
    _p("risk_deportee_weight", 2.0, "weight", 1.0, 4.0,
       "assumed, see range; jobless deportees (ICG 'Syria Calling' 2015)", "risk",
       "Weight of a deportee relative to another returnee in home idleness", maximum=100.0),
)

BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
LEVERS: tuple[str, ...] = tuple(p.name for p in PARAMETERS if p.lever)
NAMES: tuple[str, ...] = tuple(p.name for p in PARAMETERS)

# The values the numba kernels read: one float per parameter, in registry order.
Values = namedtuple("Values", NAMES)


def suggest(name: str, choices) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_value(name: str, value) -> float:
    """Return ``value`` as a float if it is valid for parameter ``name``; raise ValueError naming the range."""
    if name not in BY_NAME:
        raise ValueError(f"unknown parameter '{name}'{suggest(name, NAMES)}")
    p = BY_NAME[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name}: expected a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: must be finite, got {value!r}")
    if not p.minimum <= value <= p.maximum:
        raise ValueError(f"{name}: {value:g} is outside the allowed range {p.minimum:g}..{p.maximum:g} {p.unit}")
    if p.integer and value != int(value):
        raise ValueError(f"{name}: must be a whole number of {p.unit}, got {value:g}")
    return value


def resolve(overrides: dict | None = None) -> dict[str, float]:
    """Defaults with ``overrides`` applied and checked."""
    values = {p.name: float(p.default) for p in PARAMETERS}
    for name, value in (overrides or {}).items():
        values[name] = check_value(name, value)
    return values


def as_records() -> list[dict]:
    """The registry as JSON-ready records (``params --json``)."""
    records = []
    for p in PARAMETERS:
        records.append({
            "name": p.name, "default": p.default, "unit": p.unit, "low": p.low, "high": p.high,
            "source": p.source, "group": p.group, "lever": p.lever, "integer": p.integer,
            "minimum": p.minimum, "maximum": None if math.isinf(p.maximum) else p.maximum,
            "description": p.description,
        })
    return records


def markdown(calibrated: dict[str, float] | None = None) -> str:
    """The registry as the Markdown table of ``docs/parameters.md``; ``calibrated`` adds the fitted values."""
    calibrated = calibrated or {}
    lines = [
        "# Parameters",
        "",
        "Generated from the registry (`sim/parameters.py`) by `python run.py params --markdown > docs/parameters.md`;",
        "a test fails when this file is out of date. *Range* is the plausible range used by sweeps and sensitivity",
        "analysis; *allowed* is the hard range outside which a value is refused. Levers (marked **L**) can change",
        "month by month through scenario shocks. A source says where a value comes from, or that it is *calibrated*",
        "(fitted by `python run.py calibrate`; the default is the prior and the fitted value, loaded by default, is",
        "shown) or *assumed* (see the range). Country-specific figures (population, wages, poverty line, regions)",
        "live in the country profiles under `scenarios/countries/`, each with its own source.",
        "",
    ]
    groups = []
    for p in PARAMETERS:
        if p.group not in groups:
            groups.append(p.group)
    for group in groups:
        lines += [f"## {group}", "", "| name | default | calibrated | unit | range | allowed | description | source |",
                  "|---|---|---|---|---|---|---|---|"]
        for p in (q for q in PARAMETERS if q.group == group):
            fitted = f"{calibrated[p.name]:.4g}" if p.name in calibrated else ""
            allowed = f"{p.minimum:g}..{'inf' if math.isinf(p.maximum) else f'{p.maximum:g}'}"
            name = f"`{p.name}`" + (" **L**" if p.lever else "")
            lines.append(f"| {name} | {p.default:g} | {fitted} | {p.unit} | {p.low:g}..{p.high:g} | {allowed} | "
                         f"{p.description} | {p.source.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)
