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
PRICES = "analysis/data/russia_prices_annual.csv"


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


def _p(name, *, default, unit, low, high, source, group, description, **kw):
    return Parameter(name, default, unit, low, high, source, group, description=description, **kw)


PROB = {"minimum": 0.0, "maximum": 1.0}

PARAMETERS: tuple[Parameter, ...] = (
    # ---------------------------------------------------------------- policy levers (Russia and the corridor)
    _p("raid_intensity", default=0.012, unit="probability/month", low=0.01, high=0.15, group="lever", lever=True,
       **PROB,
       description="Monthly chance that a migrant in Russia is checked by police",
       source="sized to the enforcement record: with expulsion_given_irregular it gives ~11k deportations of "
              f"Tajiks in 2023 in the history run ({SHARED}); a policy input, so 2023 deportations are not a "
              "validation check"),
    _p("expulsion_given_irregular", default=0.15, unit="probability", low=0.05, high=0.4, group="lever", lever=True,
       **PROB,
       description="Chance that a check of an irregular migrant ends in detention and expulsion",
       source=f"assumed, see range; deportations ~11k (2023), 17.1k in H1 2024 ({SHARED})"),
    _p("entry_ban_months", default=60, unit="months", low=36, high=120, group="lever", lever=True, integer=True,
       minimum=0, maximum=240,
       description="Length of a Russian entry ban",
       source="Federal Law 114-FZ art. 27: administrative expulsion carries a 5-year re-entry ban"),
    _p("overstay_ban_prob", default=0.1, unit="probability", low=0.05, high=0.6, group="lever", lever=True, **PROB,
       description="Chance that an irregular migrant leaving Russia is banned in absentia",
       source="assumed, see range; in-absentia bans for overstays drove the ~300k (2014) to ~400k (2016) ban lists "
              f"({SHARED})"),
    _p("register_listing_prob", default=0.06, unit="probability/month", low=0.0, high=0.1, group="lever", lever=True,
       **PROB,
       description="Monthly chance that an irregular migrant is put on the 'controlled persons' register",
       source=f"assumed, see range; the register listed >120k Tajiks within its first year, Feb 2025 ({SHARED})"),
    _p("register_expulsion_prob", default=0.008, unit="probability/month", low=0.0, high=0.05, group="lever",
       lever=True, **PROB,
       description="Monthly chance that a person on the register is expelled",
       source=f"assumed, see range; 72k expelled in 2025 of ~700-840k listed, all nationalities ({SHARED})"),
    _p("patent_fee_rub", default=8900, unit="RUB/month", low=4000, high=15000, group="lever", lever=True,
       maximum=100_000,
       description="Monthly cost of a work patent (not paid by a Eurasian Economic Union member's citizens from "
                   "the month their profile's [treaty] or the scenario's patent_free_from names); 0 means no patent "
                   "is needed at all, so papers lapse only through registration problems (registration_burden) "
                   "and no job is needed to be documented, a step change from even 1 RUB",
       source=f"Moscow patent 8,900 RUB/month in 2025; 7,500 (2024), 10,000 (2026) ({TIMELINE})"),
    _p("registration_burden", default=0.02, unit="probability/month", low=0.0, high=0.08, group="lever", lever=True,
       **PROB,
       description="Monthly chance that a documented migrant faces a registration problem and loses status unless "
                   "employed and able to pay compliance",
       source=f"assumed, see range; 90-days-a-year rule (2025), biometrics (Dec 2024), RuID (Jun 2025) ({TIMELINE})"),
    _p("entry_screening", default=0.008, unit="probability", low=0.0, high=0.05, group="lever", lever=True, **PROB,
       description="Chance that a would-be migrant without a ban is refused at the Russian border",
       source=f"assumed, see range; ~3,400 Tajiks refused after Crocus by mid-2024 ({SHARED})"),
    _p("job_ban_share", default=0.05, unit="share of jobs", low=0.0, high=0.3, group="lever", lever=True, **PROB,
       description="Share of migrant jobs closed by regional job bans",
       source=f"assumed, see range; regional bans on taxi, retail, education, hotels 2023-2025 ({TIMELINE})"),
    _p("hostility", default=0.3, unit="index 0-1", low=0.0, high=1.0, group="lever", lever=True, **PROB,
       description="Hostility towards migrants: wage discrimination, daily harassment, push to return",
       source="assumed, see range; post-Crocus climate (seed article; press 2024)"),
    _p("rub_per_usd", default=83.3, unit="RUB per USD", low=60, high=130, group="lever", lever=True, minimum=1.0,
       maximum=1000.0,
       description="Exchange rate used to convert rouble earnings",
       source=f"2025 annual average ({ANNUAL})"),
    _p("home_currency_per_usd", default=10.9, unit="local currency per USD", low=8.0, high=16.0, group="lever",
       lever=True, minimum=0.01, maximum=100_000.0,
       description="Exchange rate of the home currency (somoni) to the dollar: converts dollar remittances into "
                   "home purchasing power and the local wage and poverty line into dollars",
       source="National Bank of Tajikistan official rate, 2024-2025 average about 10.9 TJS/USD "
              "(analysis/data/tajikistan_home_economy.csv); read only for profiles with local-currency series"),
    _p("home_currency_depreciation", default=0.0, unit="log change/year", low=0.0, high=0.08, group="lever",
       lever=True, minimum=-0.5, maximum=5.0,
       description="Trend depreciation of the home currency's rate from the start date, on top of "
                   "home_currency_per_usd (docs/ODD.md §7.10; 0: the rate is the lever's)",
       source="0 by default (the rate follows the lever). The history from 2014 uses the 2009-2013 trend of the NBT "
              "annual average TJS/USD, ln(4.76/4.14)/4 = 0.0349 a year (years of rising remittances; "
              "analysis/data/tajikistan_home_economy.csv)"),
    _p("home_currency_remittance_response", default=0.0, unit="elasticity", low=0.0, high=0.8, group="lever",
       lever=True, minimum=0.0, maximum=10.0,
       description="Extra log depreciation of the home currency per unit log fall of the model's 12-month "
                   "remittances against the 12 months before; never reversed when they recover (docs/ODD.md §7.10)",
       source="0 by default. The history from 2014 uses the 2009 episode: (ln(4.14/3.43) - 0.0349) / "
              "-ln(1.75/2.54) = (0.1881 - 0.0349) / 0.3725 = 0.411 (NBT TJS/USD, analysis/data/"
              f"tajikistan_home_economy.csv; World Bank remittances, {ANNUAL}); one episode only, 0.2-0.8 for "
              "sensitivity around the estimate (the registry range starts at 0, the default: the rule off); the "
              "ratchet is assumed"),
    _p("migrant_wage_rub", default=75000, unit="RUB/month", low=50000, high=110000, group="lever", lever=True,
       minimum=1.0, maximum=1_000_000,
       description="Gross monthly wage of a medium-skill documented migrant in Russia",
       source="World Bank 2024: construction wage in Russia $810/month x 92.6 RUB/USD; migrants earn 20-25% less "
              f"than the Russian average ({SHARED})"),
    _p("russia_price_level", default=1.0, unit="index, 2025 = 1", low=0.8, high=1.2, group="lever", lever=True,
       minimum=0.01, maximum=100.0,
       description="Russian consumer price level; living costs, compliance costs and fines in roubles follow it",
       source=f"Rosstat CPI, annual average chained to 2025 = 1 ({PRICES})"),
    _p("russia_inflation", default=0.073, unit="share/year", low=0.04, high=0.12, group="lever", lever=True,
       minimum=-0.5, maximum=5.0,
       description="Russian consumer price inflation from the scenario's start: the price level, rouble wages, the "
                   "patent fee (each January, by law) and, with rouble_depreciation, the rouble rate move with it",
       source=f"2013-2025 trend of the Rosstat CPI annual average, 7.3% a year ({PRICES}); the CBR targets 4%"),
    _p("russia_real_wage_growth", default=0.03, unit="share/year", low=0.0, high=0.05, group="lever", lever=True,
       minimum=-0.5, maximum=1.0,
       description="Real growth of migrants' rouble wages from the scenario's start, on top of inflation",
       source=f"2013-2025 trend of the Rosstat average wage (russia_wages_annual.csv) deflated by the CPI ({PRICES})"),
    _p("rouble_depreciation", default=0.083, unit="share/year", low=0.0, high=0.15, group="lever", lever=True,
       minimum=-0.5, maximum=5.0,
       description="Yearly rise of the rouble's price of a dollar from the scenario's start",
       source=f"2013-2025 trend of the CBR annual average, 31.85 to 83.3 RUB/USD ({ANNUAL}); with the two trends "
              "above, migrants' dollar wages grow 1.9% a year, as the Rosstat wage did in dollars 2013-2025 (a full "
              "cycle from the last pre-collapse peak)"),
    _p("russia_labour_demand", default=1.0, unit="multiplier", low=0.6, high=1.4, group="lever", lever=True,
       maximum=5.0,
       description="Multiplier on the chance of finding a job in Russia",
       source="assumed, see range; war-time labour shortage since 2022 (press)"),
    _p("transfer_fee_formal", default=0.02, unit="share of amount", low=0.01, high=0.05, group="lever", lever=True,
       **PROB,
       description="Fee on formal money transfers",
       source=f"World Bank Remittance Prices Worldwide Q4 2021: RU->TJ 4.2% average, 1.5% cheapest ({SHARED}); most "
              "volume goes through the cheap channels"),
    _p("formal_exchange_spread", default=0.0, unit="share of amount", low=0.0, high=0.1, group="lever", lever=True,
       **PROB,
       description="What a formal transfer loses to the exchange rate it is paid out at, against the market rate; it "
                   "weighs in the channel choice only, since the remittance outputs count dollars sent, before "
                   "conversion at home",
       source="assumed, see range; no series of the payout spread is available to the project"),
    _p("informal_channel_push", default=0.0, unit="share", low=0.0, high=0.5, group="lever", lever=True, **PROB,
       description="Share of would-be formal transfers pushed into informal channels by restrictions",
       source=f"assumed, see range; channel restrictions and card-to-card transfers ({SHARED})"),
    _p("naturalisation_rate", default=0.004, unit="probability/month", low=0.0, high=0.012, group="lever", lever=True,
       **PROB,
       description="Monthly chance that a documented migrant with 3+ years in Russia naturalises and leaves the "
                   "stock",
       source="assumed, see range: 2x the pre-2020 0.002 after Federal Law 134-FZ (2020-07) simplified citizenship "
              f"for CIS nationals; Russian citizenship granted to Tajiks: 29k (2017) to 104k (2021) a year ({SHARED})"),
    _p("naturalised_remit_share", default=0.3, unit="share of last net earnings", low=0.0, high=0.6,
       group="remittance", **PROB,
       description="Monthly transfer home of a newly naturalised migrant, as a share of their last net earnings",
       source="assumed, see range; below the ~0.6-0.75 a migrant sends: the naturalised settle and bring family"),
    _p("naturalised_remit_decay", default=0.02, unit="share/month", low=0.005, high=0.05, group="remittance",
       **PROB,
       description="Monthly decline of the transfers home of the naturalised",
       source="assumed, see range (half-life ~3 years); remittances decline with time abroad and family "
              "reunification (the remittance-decay hypothesis, e.g. Lucas & Stark 1985, J. Polit. Econ. 93:901)"),
    _p("kazakhstan_capacity", default=40000, unit="persons", low=10000, high=150000, group="lever", lever=True,
       maximum=5_000_000,
       description="How many Tajik migrants Kazakhstan's labour market absorbs",
       source="assumed, see range; 12,400 Tajik migrants in Kazakhstan (2016); Kazakhstan 3-5% of intentions "
              f"({SHARED})"),
    _p("kzt_per_usd", default=512.0, unit="KZT per USD", low=420, high=650, group="lever", lever=True, minimum=1.0,
       maximum=10_000.0,
       description="Exchange rate used to convert tenge earnings in Kazakhstan",
       source="2025 annual average, National Bank of Kazakhstan (analysis/data/kazakhstan_annual.csv)"),
    _p("kazakhstan_wage_kzt", default=230_000, unit="KZT/month", low=150_000, high=330_000, group="lever",
       lever=True, maximum=10_000_000,
       description="Gross monthly migrant wage in Kazakhstan",
       source="assumed, see range: 0.53 x the 2025 Kazakh average wage (analysis/data/kazakhstan_annual.csv), i.e. "
              "~450 USD, below Russia's construction wage ($810, World Bank 2024, facts.md)"),
    _p("kazakhstan_expulsion_prob", default=0.002, unit="probability/month", low=0.0, high=0.02, group="lever",
       lever=True, **PROB,
       description="Monthly chance that a migrant in Kazakhstan is expelled (Kazakhstan's own enforcement)",
       source="assumed, see range; no count of Tajiks expelled from Kazakhstan was found; Kazakhstan admits CIS "
              "citizens visa-free and sells work permits, so its enforcement is taken as far lighter than Russia's"),
    _p("ban_amnesty_share", default=0.0, unit="share/month", low=0.0, high=1.0, group="lever", lever=True, **PROB,
       description="Share of Russian entry bans in force lifted this month (an amnesty; use a one-month shock)",
       source=f"policy input; the 2016 partial amnesty left 151k of ~400k bans ({SHARED}, {TIMELINE})"),
    _p("other_capacity", default=25000, unit="persons", low=5000, high=100000, group="lever", lever=True,
       maximum=5_000_000,
       description="Places open in other destinations (UK seasonal, South Korea, Gulf)",
       source=f"assumed, see range; UK seasonal visas to Central Asians 27,759 (2024), Korea, Gulf ({SHARED})"),
    _p("border_open", default=1.0, unit="share", low=0.0, high=1.0, group="lever", lever=True, **PROB,
       description="Share of travel between Tajikistan and abroad that is possible (departures and returns)",
       source=f"1 = open; 0 models the COVID-19 closure from 2020-03 ({TIMELINE})"),
    # ---------------------------------------------------------------- work and status abroad
    _p("abroad_job_find_prob", default=0.4, unit="probability/month", low=0.2, high=0.7, group="abroad",
       description="Monthly chance that a jobless documented migrant finds work, at labour demand 1",
       source="assumed, see range"),
    _p("abroad_job_loss_prob", default=0.03, unit="probability/month", low=0.01, high=0.08, group="abroad",
       description="Monthly chance that an employed migrant loses the job",
       source="assumed, see range"),
    _p("job_ban_displacement", default=0.2, unit="probability/month", low=0.05, high=0.5, group="abroad", **PROB,
       description="Monthly chance that a migrant in a banned sector is laid off, per unit of job_ban_share",
       source="assumed, see range"),
    _p("irregular_job_penalty", default=0.3, unit="share", low=0.0, high=0.6, group="abroad", **PROB,
       description="Relative cut in the job-finding chance of an irregular migrant",
       source="assumed, see range"),
    _p("irregular_wage_discount", default=0.15, unit="share", low=0.0, high=0.3, group="abroad", **PROB,
       description="Wage cut for irregular work",
       source="assumed, see range; irregular workers are paid less and cash-in-hand"),
    _p("hostility_wage_discount", default=0.15, unit="share per unit hostility", low=0.0, high=0.3, group="abroad",
       **PROB,
       description="Wage discrimination at hostility 1",
       source="assumed, see range"),
    _p("living_cost_share", default=0.2, unit="share of migrant wage", low=0.15, high=0.35, group="abroad", **PROB,
       description="Monthly living costs in Kazakhstan and other destinations as a share of their reference wage",
       source="assumed, see range; shared housing and food"),
    _p("living_cost_rub", default=15000, unit="RUB/month at 2025 prices", low=11000, high=26000, group="abroad",
       maximum=1_000_000,
       description="Monthly living costs in Russia at 2025 prices; they follow russia_price_level",
       source="assumed, see range: 0.2 of the 2025 migrant wage (75,000 RUB); shared housing and food in the Moscow "
              "region"),
    _p("compliance_cost_rub", default=2000, unit="RUB/month at 2025 prices", low=0, high=6000, group="abroad",
       maximum=100_000,
       description="Monthly cost of keeping registration valid, paid by documented migrants in Russia; follows "
                   "russia_price_level",
       source="assumed, see range; medical, exam, registration intermediaries"),
    _p("fee_lapse_coef", default=0.1, unit="probability/month per unit fee/wage", low=0.0, high=0.3, group="abroad",
       **PROB,
       description="Extra monthly chance of letting the patent lapse, per unit of the patent fee as a share of the "
                   "wage",
       source="assumed, see range"),
    _p("jobless_lapse_prob", default=0.15, unit="probability/month", low=0.05, high=0.4, group="abroad", **PROB,
       description="Monthly chance that a jobless documented migrant stops paying for the patent",
       source="assumed, see range"),
    _p("burden_resolve_share", default=0.5, unit="share", low=0.2, high=0.8, group="abroad", **PROB,
       description="Share of employed migrants hit by a registration problem who pay to resolve it and keep status",
       source="assumed, see range"),
    _p("regularise_prob", default=0.06, unit="probability/month", low=0.01, high=0.15, group="abroad", **PROB,
       description="Monthly chance that an employed irregular migrant regularises, before the fee deterrent",
       source=f"assumed, see range; ~10% of those on the register applied to regularise ({SHARED})"),
    _p("fee_regularise_coef", default=2.0, unit="per unit fee/wage", low=0.0, high=6.0, group="abroad", maximum=50.0,
       description="How strongly the fee-to-wage ratio deters regularisation",
       source="assumed, see range"),
    _p("documented_check_share", default=0.5, unit="share", low=0.2, high=1.0, group="abroad", **PROB,
       description="Chance of a police check for a documented migrant, relative to an irregular one",
       source="assumed, see range; checks and extortion fall most on those without papers (RUSI, Elshimi et al. "
              "2018)"),
    _p("status_enforcement_coef", default=0.5, unit="per % monthly expulsion risk", low=0.0, high=2.0,
       group="abroad", maximum=50.0,
       description="How much more an irregular migrant regularises, and the less an employed documented one lets "
                   "status lapse, per percentage point of the monthly chance that a check expels the irregular",
       source="assumed, see range; status protects from expulsion (Federal Law 115-FZ; RUSI, Elshimi et al. 2018)"),
    _p("extortion_prob", default=0.3, unit="probability", low=0.1, high=0.6, group="abroad", **PROB,
       description="Chance that a check not ending in expulsion costs a fine or a bribe",
       source="assumed, see range; RUSI interviews (Elshimi et al. 2018)"),
    _p("extortion_rub", default=5000, unit="RUB at 2025 prices", low=1000, high=15000, group="abroad",
       maximum=1_000_000,
       description="Amount lost to a fine or bribe; follows russia_price_level",
       source="assumed, see range"),
    _p("wage_theft_prob", default=0.03, unit="probability/month", low=0.0, high=0.1, group="abroad", **PROB,
       description="Monthly chance that an irregular worker is not paid",
       source="assumed, see range"),
    _p("deportation_savings_loss", default=0.5, unit="share", low=0.0, high=1.0, group="abroad", **PROB,
       description="Share of savings and unsent money lost on deportation",
       source="assumed, see range"),
    _p("other_wage_usd", default=1600, unit="USD/month", low=1000, high=2500, group="abroad", maximum=100_000,
       description="Gross monthly migrant wage in other destinations",
       source="assumed, see range; UK seasonal minimum wage and Korean EPS wages"),
    # ---------------------------------------------------------------- remittances
    _p("remit_share_base", default=0.75, unit="share of expected net earnings", low=0.3, high=0.9, group="remittance",
       **PROB,
       description="Share of their expected net earnings that migrants send home as a matter of course",
       source="calibrated"),
    _p("remit_need_coef", default=0.6, unit="share of the shortfall per month", low=0.0, high=1.0, group="remittance",
       **PROB,
       description="Share of the household's monthly shortfall below the poverty line that a migrant adds to the "
                   "transfer (compensatory remittances)",
       source="Yang and Choi (2007, World Bank Economic Review 21(2)): remittances replace about 60% of an income fall "
              "in Philippine households with migrants; range assumed"),
    _p("remit_smoothing_months", default=6, unit="months", low=2, high=12, group="remittance", minimum=1.0,
       maximum=120.0,
       description="Time constant of the moving average of net earnings that sets the migrant's expected earnings "
                   "(transfers follow it; savings absorb the difference)",
       source="assumed, see range; remittances are smoother than migrants' earnings (buffer-stock saving, Carroll "
              "1997; Rapoport and Docquier 2006)"),
    _p("remit_send_prob", default=0.5, unit="probability/month", low=0.2, high=1.0, group="remittance", minimum=0.01,
       maximum=1.0,
       description="Monthly chance that a migrant sends the money set aside",
       source="assumed, see range; no figure on how often migrants send was found before 2014 (the share of "
              "households receiving in 10 days, 2015-2016, is an out-of-sample check: docs/validation.md)"),
    _p("channel_formal_asc", default=4.3, unit="utility", low=2.0, high=6.0, group="remittance", minimum=-30.0,
       maximum=30.0,
       description="Preference for formal transfer channels at equal cost (safety, speed, coverage)",
       source="fitted to 2013 only: CBR transfers 4.155 bn USD against the World Bank band's top 4.22 bn, a formal "
              f"share of 0.985 ({ANNUAL}; docs/ODD.md §7.6)"),
    _p("channel_cost_coef", default=0.5, unit="utility per percentage point", low=0.1, high=1.5, group="remittance",
       maximum=20.0,
       description="Weight of the formal channel's cost (fee plus exchange spread) over the informal fee",
       source="assumed, see range; transfer costs push remittances into informal channels (Freund and Spatafora "
              "2008, Journal of Development Economics 86(2))"),
    _p("channel_irregular_penalty", default=1.5, unit="utility", low=0.0, high=3.0, group="remittance", maximum=20.0,
       description="Lower use of formal channels by migrants without valid documents",
       source="assumed, see range; legal status raises the use of formal transfer services (Amuedo-Dorantes and "
              "Bansak 2006, Contemporary Economic Policy 24(4))"),
    _p("transfer_fee_informal", default=0.03, unit="share of amount", low=0.0, high=0.08, group="remittance", **PROB,
       description="Cost of informal transfers (couriers, hawala, cash)",
       source="assumed, see range"),
    _p("savings_target_usd", default=2500, unit="USD", low=1000, high=6000, group="remittance", minimum=1.0,
       maximum=100_000,
       description="Savings at which a target earner wants to go home",
       source="assumed, see range; target earners (docs/ODD.md §4, §7.7)"),
    # ---------------------------------------------------------------- returns
    _p("return_base_prob", default=0.017, unit="probability/month", low=0.01, high=0.08, group="return", **PROB,
       description="Monthly chance of a voluntary return at the seasonal mean, with no push factors",
       source="calibrated"),
    _p("return_season_amplitude", default=0.6, unit="relative", low=0.0, high=0.9, group="return", **PROB,
       description="Relative seasonal swing of the return hazard",
       source=f"assumed, see range; returns peak in late autumn and winter ({SHARED})"),
    _p("return_peak_month", default=12, unit="calendar month", low=10, high=12, group="return", integer=True, minimum=1,
       maximum=12,
       description="Month in which returns peak",
       source=f"returns peak in late autumn and winter ({SHARED})"),
    _p("return_target_odds", default=3.0, unit="odds ratio", low=1.0, high=6.0, group="return", minimum=1e-3,
       maximum=100.0,
       description="Odds ratio of returning once the savings target is reached",
       source="assumed, see range"),
    _p("return_jobless_odds", default=2.0, unit="odds ratio", low=1.0, high=5.0, group="return", minimum=1e-3,
       maximum=100.0,
       description="Odds ratio of returning when jobless or earning nothing",
       source="assumed, see range"),
    _p("return_hostility_coef", default=1.0, unit="log-odds per unit hostility", low=0.0, high=2.5, group="return",
       maximum=20.0,
       description="Push to return from hostility",
       source="assumed, see range"),
    _p("return_grievance_coef", default=1.0, unit="log-odds per unit grievance", low=0.0, high=2.5, group="return",
       maximum=20.0,
       description="Push to return from the migrant's own grievance",
       source="assumed, see range"),
    _p("return_register_odds", default=1.5, unit="odds ratio", low=1.0, high=6.0, group="return", minimum=1e-3,
       maximum=100.0,
       description="Odds ratio of returning once on the controlled-persons register",
       source="assumed, see range"),
    _p("return_ban_risk_coef", default=4.0, unit="log-odds per unit ban probability", low=0.0, high=10.0,
       group="return", maximum=100.0,
       description="Deterrent on an irregular migrant's return from the chance of a ban in absentia on leaving "
                   "(lock-in)",
       source="assumed, see range; irregular migrants stay rather than risk a re-entry ban (IOM 2014 on the ban "
              f"lists, {SHARED})"),
    # ---------------------------------------------------------------- departures (random utility)
    _p("departure_asc_russia", default=-4.0, unit="utility", low=-6.5, high=-2.5, group="departure", minimum=-30.0,
       maximum=30.0,
       description="Alternative-specific constant of going to Russia (staying = 0)",
       source="calibrated"),
    _p("departure_asc_kazakhstan", default=-6.5, unit="utility", low=-9.0, high=-4.0, group="departure", minimum=-30.0,
       maximum=30.0,
       description="Alternative-specific constant of going to Kazakhstan",
       source=f"assumed, see range; Kazakhstan 3-5% of intentions against Russia's 92-94% ({SHARED})"),
    _p("departure_asc_other", default=-8.0, unit="utility", low=-10.0, high=-5.0, group="departure", minimum=-30.0,
       maximum=30.0,
       description="Alternative-specific constant of going to other destinations",
       source="assumed, see range"),
    _p("departure_nest_scale", default=0.5, unit="dissimilarity 0-1", low=0.3, high=1.0, group="departure",
       minimum=0.05, maximum=1.0,
       description="Nested logit scale of the 'go abroad' nest: 1 is a plain logit, lower values make the "
                   "destinations closer substitutes for one another than for staying at home",
       source="assumed, see range; must lie in (0, 1] for a random-utility model (McFadden 1978)"),
    _p("departure_earnings_coef", default=0.25, unit="utility per 100 USD/month", low=0.05, high=0.6, group="departure",
       maximum=10.0,
       description="Weight on the expected monthly net earnings gap abroad minus at home (Klabunde 2014)",
       source="calibrated"),
    _p("departure_risk_coef", default=0.5, unit="utility per % monthly deportation risk", low=0.0, high=1.5,
       group="departure", maximum=20.0,
       description="Deterrent of the expected monthly chance of deportation (in percent)",
       source="assumed, see range"),
    _p("departure_hostility_coef", default=1.0, unit="utility per unit hostility", low=0.0, high=3.0, group="departure",
       maximum=20.0,
       description="Deterrent of hostility",
       source="assumed, see range"),
    _p("departure_network_coef", default=1.5, unit="utility per share of contacts there", low=0.5, high=3.0,
       group="departure", maximum=20.0,
       description="Pull of the share of one's contacts already at the destination (Klabunde 2014)",
       source="calibrated"),
    _p("departure_age_coef", default=0.06, unit="utility per year from age 25", low=0.0, high=0.15, group="departure",
       maximum=2.0,
       description="Fall in the propensity to migrate per year of age away from 25",
       source="assumed, see range"),
    _p("departure_female_coef", default=2.0, unit="utility", low=1.0, high=3.5, group="departure", maximum=20.0,
       description="Lower propensity of women to migrate",
       source="assumed, see range; most Tajik labour migrants are men"),
    _p("departure_need_coef", default=1.0, unit="utility per unit need", low=0.0, high=2.5, group="departure",
       maximum=20.0,
       description="Push from household need (poverty gap)",
       source="assumed, see range"),
    _p("departure_experience_coef", default=1.0, unit="utility", low=0.0, high=2.0, group="departure", maximum=20.0,
       description="Pull for people who have worked abroad before",
       source="assumed, see range; 59% of Mexico-US migrants made more than one trip (Klabunde 2014)"),
    _p("departure_season_amplitude", default=0.5, unit="relative", low=0.0, high=0.9, group="departure", **PROB,
       description="Relative seasonal swing of departures",
       source=f"assumed, see range; departures peak in spring ({SHARED})"),
    _p("departure_peak_month", default=4, unit="calendar month", low=3, high=5, group="departure", integer=True,
       minimum=1, maximum=12,
       description="Month in which departures peak",
       source=f"departures peak in spring ({SHARED})"),
    # ---------------------------------------------------------------- grievance
    _p("grievance_decay", default=0.1, unit="share/month", low=0.02, high=0.15, group="grievance", **PROB,
       description="Monthly decay of grievance",
       source="assumed, see range"),
    _p("grievance_hostility_rate", default=0.03, unit="per month per unit hostility", low=0.0, high=0.08,
       group="grievance", **PROB,
       description="Monthly growth of grievance abroad from daily hostility",
       source="assumed, see range"),
    _p("grievance_check", default=0.05, unit="increment", low=0.0, high=0.2, group="grievance", **PROB,
       description="Grievance added by a police check",
       source="assumed, see range"),
    _p("grievance_extortion", default=0.15, unit="increment", low=0.05, high=0.3, group="grievance", **PROB,
       description="Grievance added by a fine, bribe or wage theft",
       source="assumed, see range; extortion and discrimination as drivers (RUSI, Elshimi et al. 2018)"),
    _p("grievance_deportation", default=0.5, unit="increment", low=0.2, high=0.8, group="grievance", **PROB,
       description="Grievance added by detention and deportation",
       source="assumed, see range; ICG 'Syria Calling' 2015"),
    _p("grievance_refusal", default=0.2, unit="increment", low=0.0, high=0.5, group="grievance", **PROB,
       description="Grievance added by being refused at the border",
       source="assumed, see range"),
    _p("grievance_register", default=0.2, unit="increment", low=0.0, high=0.5, group="grievance", **PROB,
       description="Grievance added by being put on the register (loss of banking and driving rights)",
       source="assumed, see range"),
    _p("grievance_job_loss_home", default=0.05, unit="increment", low=0.0, high=0.2, group="grievance", **PROB,
       description="Grievance added per month of unemployment at home after six months",
       source="assumed, see range; collective grievances at home (doi:10.1353/apr.2022.0019)"),
    # ---------------------------------------------------------------- home labour market
    _p("home_separation_rate", default=0.015, unit="probability/month", low=0.005, high=0.03, group="home",
       description="Monthly chance that a worker at home loses the job",
       source="assumed, see range"),
    _p("matching_efficiency", default=0.18, unit="hires per sqrt(U*V) per month", low=0.15, high=0.6, group="home",
       minimum=0.001, maximum=10.0,
       description="Efficiency of the home matching function hires = m * sqrt(U * V)",
       source="calibrated"),
    _p("jobs_gdp_elasticity", default=0.4, unit="elasticity", low=0.2, high=0.7, group="home", maximum=3.0,
       description="Elasticity of domestic job capacity to real demand for home output (real GDP in constant "
                   "somoni plus remittance-financed spending)",
       source="assumed, see range; employment elasticities of growth 0.2-0.7 in developing countries (Kapsos, ILO "
              "2005)"),
    _p("remittance_multiplier", default=0.8, unit="output per unit of remittances", low=0.4, high=1.8,
       group="home", maximum=5.0,
       description="Real home output created per unit of real remittances spent at home, net of imports",
       source="assumed, see range; village social-accounting multipliers of remittances above 2 in Mexico (Adelman "
              "& Taylor 1990) bound it from above for an economy that imports much of what remittances buy; >80% "
              f"of remittances go on food and about 10% on other basic needs ({SHARED})"),
    _p("plot_take_up", default=0.1, unit="probability/month", low=0.03, high=0.3, group="home", **PROB,
       description="Monthly chance that a jobless searcher at home who is not hired starts working the household's "
                   "plot or dehqan farm",
       source="assumed, see range; agriculture is the main employer at home and returnees without a wage job mostly "
              "work the family plot (World Bank, Tajikistan Jobs Diagnostic, Strokova & Ajwad 2017)"),
    _p("plot_exit_prob", default=0.05, unit="probability/month", low=0.02, high=0.15, group="home", **PROB,
       description="Monthly chance that a plot worker goes back to looking for a wage job",
       source="assumed, see range; plot work is seasonal"),
    _p("plot_income_share", default=0.35, unit="share of the regional home wage", low=0.2, high=0.5, group="home",
       **PROB,
       description="Income from working the household plot (own production and sales), relative to the regional "
                   "home wage",
       source="assumed, see range; the average wage of agricultural employees is 48% of all employees' (1,192 "
              "against 2,468 TJS, Aug 2025, TajStat via the Tajikistan profile); own-account plots earn less"),
    _p("initial_plot_share", default=0.3, unit="share of the employed at home", low=0.2, high=0.5, group="home",
       **PROB,
       description="Share of the employed at home who work a household plot at the start",
       source="assumed, see range; sets the starting state only"),
    _p("remittance_demand_lag", default=6, unit="months", low=1, high=12, group="home", integer=True, minimum=1,
       maximum=60,
       description="Smoothing time of remittance-financed demand (exponential moving average)",
       source="assumed, see range"),
    _p("returnee_rest_months", default=3, unit="months", low=0, high=6, group="home", integer=True, maximum=24,
       description="Months a returning migrant stays outside the home labour force before looking for work",
       source="assumed, see range: returnees home for the winter mostly wait to leave again in spring rather than "
              "look for work (ILO: the unemployed are those actively searching); deportees, who cannot go back, "
              "look at once"),
    _p("initial_unemployment_rate", default=0.09, unit="share", low=0.07, high=0.11, group="home", minimum=0.0,
       maximum=0.9,
       description="Unemployment at home when the population is built (the first spin-up month): the starting "
                   "state, never a target",
       source="ILO-definition rate 11.5% (2009 LFS), ~11% (2013, World Bank), 7.5-7.8% (2019-22 aggregators) "
              f"({SHARED})"),
    # ---------------------------------------------------------------- network
    _p("network_contacts", default=3, unit="contacts", low=2, high=5, group="network", integer=True, minimum=1,
       maximum=8,
       description="Social contacts per person (one in the household where possible, the rest in the region)",
       source="assumed, see range (docs/ODD.md §7.12)"),
    _p("tie_rewire_prob", default=0.02, unit="probability/month", low=0.0, high=0.05, group="network", **PROB,
       description="Monthly chance that a contact outside the household is replaced by a new one in the region",
       source="assumed, see range; decaying ties (Klabunde 2014)"),
    # ---------------------------------------------------------------- risk-condition indicator (aggregate only)
    _p("risk_young_max_age", default=29, unit="years", low=24, high=34, group="risk", integer=True, minimum=18,
       maximum=63,
       description="Upper age of the young men counted in the exposure components",
       source="assumed, see range; RUSI 2018, World Bank 2020 youth study"),
    _p("long_unemployed_months", default=6, unit="months", low=3, high=12, group="home", integer=True, minimum=1,
       maximum=120,
       description="Months of unemployment at home after which grievance grows and a person counts as long-term "
                   "unemployed",
       source="assumed, see range; ILO long-term unemployment is 12+ months"),
    _p("risk_income_drop", default=0.1, unit="share", low=0.05, high=0.3, group="risk", **PROB,
       description="Fall in a household's 3-month average income per member that counts as a fall: against the "
                   "same average a year earlier (the income-fell exposure component)",
       source="assumed, see range"),
    _p("risk_returnee_window_months", default=24, unit="months", low=12, high=36, group="risk", integer=True,
       minimum=1, maximum=120,
       description="A person counts as a recent returnee (or a recent deportee) this many months after coming home",
       source="assumed, see range; ICG 'Syria Calling' 2015 on jobless returnees and deportees"),
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
