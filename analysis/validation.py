"""The validation scorecard: the historical scenario run with posterior draws, for Tajikistan (fitted on 2010-2013),
Uzbekistan and Kyrgyzstan (never fitted: the Tajik posterior, only the country's profile differs; Kyrgyz citizens
need no patent from August 2015, when Kyrgyzstan joined the Eurasian Economic Union), scored against every
observation declared in ``OBSERVED`` by country, moment and year.

Per row (``scorecard.csv``): the observed value and its band, the model's median and 5-95 % predictive band (over
replicates, each with its own seed and posterior draw: parameter and stochastic uncertainty together), two naive
baselines and whether the observation falls inside the predictive band.

* rouble-only: the 2013 value held constant in roubles and converted at each year's rate (money series only);
* persistence: the 2013 value carried forward.

Then ``validation.json``: skill per country and moment over 2014-2019 (MAPE, or the mean absolute error for rates,
of the model median and of each baseline), coverage of the held-out observations by the 90 % band, the 2013-2016
remittance change, and its decomposition into the exchange rate, rouble wages, the migrant stock and behaviour.

Adding a moment is adding a declaration: a ``Series`` (a column of an annual data file) or a ``Point`` (one dated
figure with its source) in ``OBSERVED``.
"""

import dataclasses
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import ensemble, home_validation
from analysis.calibration import DATA, LAST_TARGET_YEAR, fit_scenario, year_span, years_not_run
from sim import country as profiles
from sim.calendar import parse_month
from sim.scenario import Scenario

VALIDATION_YEARS = list(range(2014, 2020))
COLLAPSE = (2013, 2016)
NEVER_FITTED = ("uzbekistan", "kyrgyzstan")  # every observation of these countries is out of sample
# The whole years the summary cannot do without: both ends of the 2013-2016 change (and its decomposition), the
# 2014-2019 skill window and the treaty's gains, 2016-2019. Observations in other years are scored if the scenario
# runs them and left out if not.
NEEDED_YEARS = range(min(COLLAPSE[0], VALIDATION_YEARS[0]), max(COLLAPSE[1], VALIDATION_YEARS[-1]) + 1)


@dataclass(frozen=True)
class Measure:
    """How a moment is read from a run: ``output`` aggregated over a year (sum, mean or December), / ``divisor``."""

    moment: str
    output: str
    aggregate: str
    divisor: float = 1.0
    rate: bool = False   # scored by mean absolute error rather than MAPE
    money: bool = False  # has a rouble-only baseline

    def annual(self, frame: pd.DataFrame) -> pd.Series:
        years = frame["date"].str[:4].astype(int)
        grouped = frame.groupby(years)[self.output]
        values = {"sum": grouped.sum, "mean": grouped.mean, "december": grouped.last}[self.aggregate]()
        return values[grouped.size() == 12] / self.divisor


MEASURES = {m.moment: m for m in (
    Measure("remittances_usd_bn", "remittances_usd", "sum", 1e9, money=True),
    Measure("cbr_transfers_usd_bn", "remittances_formal_usd", "sum", 1e9, money=True),
    Measure("migrants_abroad", "migrants_abroad", "mean"),
    Measure("migrants_in_russia", "migrants_abroad_russia", "mean"),
    Measure("departures", "departures", "sum"),
    Measure("returns_voluntary", "returns_voluntary", "sum"),
    Measure("banned_stock", "banned_stock", "december"),
    Measure("naturalisations", "naturalisations", "sum"),
    Measure("deportations", "deportations", "sum"),
    Measure("unemployment_rate", "unemployment_rate", "mean", rate=True),
)}


@dataclass(frozen=True)
class Series:
    """A column of an annual data file: ``value`` with optional ``low``/``high`` columns (else +-``spread``)."""

    country: str
    moment: str
    file: str
    value: str
    low: str | None = None
    high: str | None = None
    spread: float = 0.1
    source: str = ""


@dataclass(frozen=True)
class Point:
    """One dated figure with its band and source (facts.md)."""

    country: str
    moment: str
    year: int
    value: float
    low: float
    high: float
    source: str


OBSERVED = (
    Series("tajikistan", "remittances_usd_bn", "tajikistan_annual.csv", "remit_usd_bn", "remit_usd_bn_low",
           "remit_usd_bn_high", source="World Bank/KNOMAD (tajikistan_annual.csv)"),
    Series("tajikistan", "cbr_transfers_usd_bn", "tajikistan_annual.csv", "cbr_transfers_ru_tj_usd_bn",
           source="Central Bank of Russia transfers Russia->Tajikistan (tajikistan_annual.csv), +-10 %"),
    Series("uzbekistan", "remittances_usd_bn", "uzbekistan_annual.csv", "remit_usd_bn", "remit_usd_bn_low",
           "remit_usd_bn_high", source="World Bank/CBU estimates (uzbekistan_annual.csv)"),
    Series("uzbekistan", "cbr_transfers_usd_bn", "uzbekistan_annual.csv", "cbr_transfers_ru_uz_usd_bn",
           source="Central Bank of Russia transfers Russia->Uzbekistan (uzbekistan_annual.csv, approximate), +-10 %"),
    Series("kyrgyzstan", "remittances_usd_bn", "kyrgyzstan_annual.csv", "remit_usd_bn", "remit_usd_bn_low",
           "remit_usd_bn_high", source="World Bank/KNOMAD and NBKR (kyrgyzstan_annual.csv)"),
    Series("kyrgyzstan", "cbr_transfers_usd_bn", "kyrgyzstan_annual.csv", "cbr_transfers_ru_kg_usd_bn",
           source="Central Bank of Russia transfers Russia->Kyrgyzstan (kyrgyzstan_annual.csv), +-10 %"),
    # Tajikistan, facts.md.
    Point("tajikistan", "migrants_abroad", 2011, 1.03e6, 0.93e6, 1.13e6, "Tajik Migration Service 2011"),
    Point("tajikistan", "departures", 2011, 735_031, 661_500, 808_500, "Tajik Labour Ministry 2011"),
    Point("tajikistan", "returns_voluntary", 2011, 572_728, 515_500, 630_000, "Tajik Labour Ministry 2011"),
    Point("tajikistan", "unemployment_rate", 2013, 0.11, 0.095, 0.125, "World Bank 2013"),
    Point("tajikistan", "migrants_in_russia", 2014, 1.2e6, 1.08e6, 1.32e6, "FMS, September 2014"),
    Point("tajikistan", "migrants_in_russia", 2015, 1.0e6, 0.9e6, 1.1e6, "FMS, June 2015 (just under 1.0M)"),
    Point("tajikistan", "migrants_in_russia", 2016, 878_000, 790_000, 966_000, "FMS, 5 April 2016"),
    Point("tajikistan", "departures", 2016, 517_300, 465_600, 569_000, "Tajik Labour Ministry 2016"),
    Point("tajikistan", "banned_stock", 2014, 3.0e5, 2.5e5, 3.5e5, "IOM 2014 (expected ~300k)"),
    Point("tajikistan", "banned_stock", 2016, 4.0e5, 3.5e5, 4.5e5, "Tajik Labour Ministry via Eurasianet (~400k)"),
    Point("tajikistan", "naturalisations", 2017, 29_000, 26_100, 31_900, "Russian citizenship granted to Tajiks"),
    Point("tajikistan", "naturalisations", 2018, 35_000, 31_500, 38_500, "Russian citizenship granted to Tajiks"),
    Point("tajikistan", "naturalisations", 2019, 44_700, 40_200, 49_200, "Russian citizenship granted to Tajiks"),
    Point("tajikistan", "deportations", 2023, 11_000, 9_000, 13_000, "about 11k deportations of Tajiks (2023)"),
    # Uzbekistan and Kyrgyzstan, facts.md and the profiles' sources.
    Point("uzbekistan", "migrants_in_russia", 2013, 2.46e6, 2.21e6, 2.71e6, "FMS, 2 December 2013"),
    Point("uzbekistan", "migrants_in_russia", 2014, 2.343e6, 2.11e6, 2.58e6, "FMS, 3 March 2014"),
    Point("uzbekistan", "migrants_in_russia", 2015, 2.1e6, 1.89e6, 2.31e6, "FMS, 1 April 2015"),
    Point("uzbekistan", "migrants_in_russia", 2016, 1.755e6, 1.58e6, 1.93e6, "FMS, 5 April 2016"),
    Point("kyrgyzstan", "migrants_in_russia", 2013, 557_800, 502_000, 614_000, "FMS, 2 December 2013"),
    Point("kyrgyzstan", "migrants_in_russia", 2014, 525_804, 473_000, 578_000, "FMS, 3 March 2014"),
    Point("kyrgyzstan", "migrants_in_russia", 2015, 507_400, 457_000, 558_000, "FMS, 1 April 2015"),
    Point("kyrgyzstan", "migrants_in_russia", 2016, 574_000, 517_000, 631_000, "FMS, 5 April 2016"),
)

# What the model leaves out, said plainly in validation.json and the report.
KNOWN_MISSES = {
    2020: "COVID-19: borders closed from March 2020 (border_open in the scenario); the model stops travel but has "
          "no lockdown unemployment in Russia or documents frozen in place beyond the registration lever.",
    2022: "The 2022 surge (+83% in the data, against a World Bank forecast of -40%) was partly not migrants' money: "
          "transfers by Russians and firms moving funds after February 2022 (tajikistan_annual.csv note). The "
          "model has only migrants' earnings, so it cannot reproduce it, and 2022-2024 are not a fair test.",
}


def observations() -> pd.DataFrame:
    """Every declared observation: country, moment, year, observed, observed_low, observed_high, source."""
    rows = []
    for item in OBSERVED:
        if isinstance(item, Point):
            rows.append({"country": item.country, "moment": item.moment, "year": item.year, "observed": item.value,
                         "observed_low": item.low, "observed_high": item.high, "source": item.source})
            continue
        table = pd.read_csv(DATA / item.file)
        for row in table.itertuples():
            value = getattr(row, item.value)
            if pd.isna(value):
                continue
            low = getattr(row, item.low) if item.low else value * (1 - item.spread)
            high = getattr(row, item.high) if item.high else value * (1 + item.spread)
            rows.append({"country": item.country, "moment": item.moment, "year": int(row.year),
                         "observed": float(value), "observed_low": float(low), "observed_high": float(high),
                         "source": item.source})
    return pd.DataFrame(rows)


def rates(country: str) -> pd.Series:
    """RUB per USD, annual averages (CBR), from the country's data file."""
    return pd.read_csv(DATA / f"{country}_annual.csv").set_index("year")["rub_per_usd"]


def rouble_wages() -> pd.Series:
    return pd.read_csv(DATA / "russia_wages_annual.csv").set_index("year")["avg_wage_rub"]


def country_scenario(history: Scenario, name: str) -> Scenario:
    """The historical scenario for ``name``. The fitted country's reads the data as the fit did up to its end
    (``analysis.calibration.fit_scenario``), so its fitted years are the fit's; another country's profile gets the same
    drivers and levers, read whole (nothing of it was fitted)."""
    if history.country == name:
        return fit_scenario(history)
    return dataclasses.replace(history, country=name, name=f"{history.name}_{name}")


def coverage_problem(history: Scenario) -> str | None:
    """Why the validation cannot run ``history``, as ``key: reason``, or None if it runs every month of
    ``NEEDED_YEARS``."""
    missing = years_not_run(history, NEEDED_YEARS)
    if not missing:
        return None
    key = "scenario.start" if missing[0] * 12 < parse_month(history.start) else "scenario.months"
    return (f"{key}: the scenario runs {history.start} to {history.end}, but the validation needs every month of "
            f"{year_span(NEEDED_YEARS)} (the {COLLAPSE[0]}-{COLLAPSE[1]} change, the {VALIDATION_YEARS[0]}-"
            f"{VALIDATION_YEARS[-1]} skill and the treaty's gains to {VALIDATION_YEARS[-1]}); missing "
            f"{year_span(missing)}")


def without_treaty(scenario: Scenario) -> Scenario | None:
    """The same history with the country's citizens always needing a patent, or None if they always do anyway."""
    if scenario.patent_free_month() is None:
        return None
    return dataclasses.replace(scenario, patent_free_from=profiles.PATENT_ALWAYS, name=f"{scenario.name}_no_treaty")


def treaty_effect(runs: pd.DataFrame, counterfactual: pd.DataFrame) -> dict:
    """What the treaty did in the model, paired by replicate (same seed and posterior draw): the 2013-2016 remittance
    change without it, and how much higher remittances are with it than without it (with / without - 1), per year
    from 2016 to 2019 (median and 5-95 % over replicates)."""
    base, end = COLLAPSE
    moment = "remittances_usd_bn"
    wide = runs.pivot(index="replicate", columns="year", values=moment)
    alone = counterfactual.pivot(index="replicate", columns="year", values=moment)
    change_without = alone[end] / alone[base] - 1

    def band(values):
        return {"median": float(values.median()), "p05": float(values.quantile(0.05)),
                "p95": float(values.quantile(0.95))}

    return {"change_2013_2016_without_treaty": band(change_without),
            "gain_with_treaty": {str(year): band(wide[year] / alone[year] - 1)
                                 for year in range(end, VALIDATION_YEARS[-1] + 1)},
            "note": "paired: each replicate runs the same seed and posterior draw with and without the treaty"}


def hindcast(scenario: Scenario, *, draws: list[dict], scale: float, seed: int, backend=None,
             progress: bool = True) -> pd.DataFrame:
    """Annual values of every measure per replicate (columns replicate, year, the moments and the annual means of
    ``home_validation``'s outputs); replicate ``i`` runs posterior draw ``i``."""
    series = ensemble.run(scenario, len(draws), seed, scale, backend=backend, draws=draws,
                          description=f"hindcast {scenario.country}"
                          + (" without its treaty" if scenario.patent_free_from == profiles.PATENT_ALWAYS else "")
                          if progress else None)
    frames = []
    for replicate, frame in series.groupby("replicate", sort=True):
        table = pd.DataFrame({m.moment: m.annual(frame) for m in MEASURES.values()})
        home = home_validation.annual_means(frame)
        table = table.join(home.drop(columns=[c for c in home.columns if c in table.columns]))
        table.index.name = "year"
        table = table.reset_index()
        table.insert(0, "replicate", replicate)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


# Observations that sized a lever, so the model meets them by construction: scored as "input", never as held out.
SIZED_LEVERS = {("tajikistan", "deportations", 2023): "sized the default of raid_intensity (sim/parameters.py)"}


def _period(country: str, moment: str, year: int) -> str:
    if (country, moment, year) in SIZED_LEVERS:
        return "input"
    return "fit" if country not in NEVER_FITTED and year <= LAST_TARGET_YEAR else "held_out"


def scorecard(runs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per country, moment and year with an observation inside the simulated years."""
    rows = []
    observed = observations()
    for record in observed.itertuples(index=False):
        if record.country not in runs:
            continue
        table = runs[record.country]
        values = table.loc[table["year"] == record.year, record.moment].dropna().to_numpy(dtype=float)
        if values.size == 0:
            continue
        p05, median, p95 = np.percentile(values, [5, 50, 95])
        base = observed[(observed.country == record.country) & (observed.moment == record.moment) &
                        (observed.year == LAST_TARGET_YEAR)]
        persistence = rouble_only = math.nan
        if record.year > LAST_TARGET_YEAR and len(base):
            persistence = float(base.observed.iloc[0])
            if MEASURES[record.moment].money:
                rate = rates(record.country)
                rouble_only = persistence * rate[LAST_TARGET_YEAR] / rate[record.year]
        rows.append({**record._asdict(), "period": _period(record.country, record.moment, record.year),
                     "model_median": float(median), "model_p05": float(p05), "model_p95": float(p95),
                     "rouble_only": rouble_only, "persistence": persistence,
                     "inside_predictive_band": bool(p05 <= record.observed <= p95),
                     "model_median_inside_data_band": bool(record.observed_low <= median <= record.observed_high),
                     "bands": "model: 5-95 % over replicates, each with its own seed and posterior draw"})
    columns = ["country", "moment", "year", "period", "observed", "observed_low", "observed_high", "model_median",
               "model_p05", "model_p95", "rouble_only", "persistence", "inside_predictive_band",
               "model_median_inside_data_band", "source", "bands"]
    return pd.DataFrame(rows, columns=columns).sort_values(["country", "moment", "year"]).reset_index(drop=True)


def _error(predicted, observed, rate: bool) -> float:
    predicted, observed = np.asarray(predicted, dtype=float), np.asarray(observed, dtype=float)
    if rate:
        return float(np.mean(np.abs(predicted - observed)))
    return float(np.mean(np.abs(predicted - observed) / np.abs(observed)))


def skill(card: pd.DataFrame) -> list[dict]:
    """Per country and moment over 2014-2019: the model median's error and each baseline's, on the same years."""
    out = []
    window = card[card["year"].isin(VALIDATION_YEARS)]
    for (country, moment), group in window.groupby(["country", "moment"], sort=True):
        rate = MEASURES[moment].rate
        entry = {"country": country, "moment": moment, "metric": "MAE" if rate else "MAPE",
                 "years": [int(y) for y in group["year"]], "model": _error(group.model_median, group.observed, rate)}
        for baseline in ("rouble_only", "persistence"):
            usable = group[group[baseline].notna()]
            if len(usable) == len(group):
                entry[baseline] = _error(usable[baseline], usable.observed, rate)
                entry[f"model_beats_{baseline}"] = entry["model"] < entry[baseline]
            else:
                entry[baseline] = None
                entry[f"model_beats_{baseline}"] = None
        out.append(entry)
    return out


def coverage(card: pd.DataFrame) -> dict:
    """The share of held-out observations inside the 90 % predictive band, overall and per country."""
    held = card[card["period"] == "held_out"]

    def share(frame):
        inside = int(frame["inside_predictive_band"].sum())
        return {"observations": len(frame), "inside": inside,
                "share": inside / len(frame) if len(frame) else None}

    fair = held[held["year"] < min(KNOWN_MISSES)]
    return {"all": share(held), **{country: share(group) for country, group in held.groupby("country")},
            f"before_{min(KNOWN_MISSES)}": share(fair)}


def change(runs: pd.DataFrame, country: str, moment: str = "remittances_usd_bn") -> dict:
    """The 2013-2016 change of a moment: observed, and the model's per-replicate median and 5-95 % band."""
    base, end = COLLAPSE
    observed = observations()
    data = observed[(observed.country == country) & (observed.moment == moment)].set_index("year")["observed"]
    wide = runs.pivot(index="replicate", columns="year", values=moment)
    simulated = wide[end] / wide[base] - 1
    obs = float(data[end] / data[base] - 1) if {base, end} <= set(data.index) else None
    median = float(simulated.median())
    return {"observed": obs, "model_median": median, "model_p05": float(simulated.quantile(0.05)),
            "model_p95": float(simulated.quantile(0.95)),
            "error_pp": None if obs is None else 100 * (median - obs),
            "within_10pp": None if obs is None else abs(100 * (median - obs)) <= 10}


def decomposition(runs: pd.DataFrame, country: str) -> dict:
    """The 2013-2016 change of USD remittances R = S x W x b / X split into the exchange rate X (RUB per USD),
    rouble wages W (Rosstat average), the migrant stock S (model, annual mean) and behaviour b = rouble remittances
    per migrant relative to the wage (remittance share, employment, hours); plus the channel shift (the formal
    share). Each factor's share of the log change is applied to the percentage change, so the parts add up to it.
    Exchange rate and wages are the same in every replicate: they are inputs. The data split only into the
    inputs and a residual (stock and behaviour together), since no stock figure exists for both years."""
    base, end = COLLAPSE
    x = rates(country)
    w = rouble_wages()
    inputs = {"exchange_rate": -math.log(x[end] / x[base]), "rouble_wages": math.log(w[end] / w[base])}
    parts = []
    for _, group in runs.groupby("replicate"):
        row = group.set_index("year")
        total = math.log(row.at[end, "remittances_usd_bn"] / row.at[base, "remittances_usd_bn"])
        stock = math.log(row.at[end, "migrants_abroad"] / row.at[base, "migrants_abroad"])
        behaviour = total - inputs["exchange_rate"] - inputs["rouble_wages"] - stock
        formal = math.log((row.at[end, "cbr_transfers_usd_bn"] / row.at[end, "remittances_usd_bn"]) /
                          (row.at[base, "cbr_transfers_usd_bn"] / row.at[base, "remittances_usd_bn"]))
        pct = math.exp(total) - 1
        scale = pct / total if total else 0.0
        parts.append({"total": pct, "exchange_rate": inputs["exchange_rate"] * scale,
                      "rouble_wages": inputs["rouble_wages"] * scale, "migrant_stock": stock * scale,
                      "behaviour": behaviour * scale, "channel_shift_formal_share": math.exp(formal) - 1})
    frame = pd.DataFrame(parts)
    model = {name: {"median": float(frame[name].median()), "p05": float(frame[name].quantile(0.05)),
                    "p95": float(frame[name].quantile(0.95))} for name in frame.columns}
    observed = observations()
    data = observed[(observed.country == country) & (observed.moment == "remittances_usd_bn")].set_index("year")
    obs_total = math.log(data.at[end, "observed"] / data.at[base, "observed"])
    obs_pct = math.exp(obs_total) - 1
    obs_scale = obs_pct / obs_total
    data_split = {"total": obs_pct, "exchange_rate": inputs["exchange_rate"] * obs_scale,
                  "rouble_wages": inputs["rouble_wages"] * obs_scale,
                  "stock_and_behaviour": (obs_total - sum(inputs.values())) * obs_scale}
    behaviour = model["behaviour"]
    return {"model": model, "data": data_split,
            "rouble_arithmetic_alone": math.exp(sum(inputs.values())) - 1,
            "behaviour_measurable": not (behaviour["p05"] <= 0 <= behaviour["p95"]),
            "note": "shares of the log change applied to the percentage change; positive parts raised remittances"}


def summarise(card: pd.DataFrame, runs: dict[str, pd.DataFrame]) -> dict:
    skills = skill(card)
    changes = {country: change(table, country) for country, table in runs.items()}
    decompositions = {country: decomposition(table, country) for country, table in runs.items()}
    cover = coverage(card)

    def beats(country):
        rows = [s for s in skills if s["country"] == country and s["moment"] == "remittances_usd_bn"]
        return bool(rows and rows[0]["model_beats_rouble_only"])

    goals = {
        "beats_rouble_only_2014_2019": {country: beats(country) for country in runs},
        "change_2013_2016_within_10pp": {country: changes[country]["within_10pp"] for country in runs},
        "coverage_at_least_80pct": (cover["all"]["share"] or 0) >= 0.8,
        "behaviour_measurable_in_decomposition": {country: decompositions[country]["behaviour_measurable"]
                                                  for country in runs},
    }
    return {"kind": "validation", "calibration_years": list(range(2010, LAST_TARGET_YEAR + 1)),
            "validation_years": VALIDATION_YEARS, "countries": list(runs),
            "fitted_countries": [c for c in runs if c not in NEVER_FITTED],
            "skill_2014_2019": skills, "coverage_90pct_band": cover, "change_2013_2016": changes,
            "decomposition_2013_2016": decompositions, "goals": goals,
            "known_misses": {str(year): why for year, why in KNOWN_MISSES.items()}}


SERIES_TITLES = {"remittances_usd_bn": "remittances", "cbr_transfers_usd_bn": "money transfers from Russia (CBR)"}


def hindcast_table(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard's money series in the long form ``plots.hindcast_figure`` draws (one panel per series): the
    fitted country first, each series' source named (``data_label``), and ``fitted`` true where its calibration
    years are in sample."""
    money = card[card["moment"].map(lambda m: MEASURES[m].money)]
    order = [c for c in dict.fromkeys(money["country"]) if c not in NEVER_FITTED] + \
        [c for c in NEVER_FITTED if c in set(money["country"])]
    moments = list(MEASURES)
    money = money.assign(_country=money["country"].map(order.index), _moment=money["moment"].map(moments.index))
    money = money.sort_values(["_country", "_moment", "year"], kind="stable")
    fitted = ~money["country"].isin(NEVER_FITTED)
    table = pd.DataFrame({
        "metric": money["country"].str.title() + fitted.map({True: "", False: " (never fitted)"}) + ": " +
        money["moment"].map(SERIES_TITLES),
        "unit": "USD bn per year", "year": money["year"], "fitted": fitted,
        "data_label": money["source"].str.split(" [(]").str[0],
        "model_median": money["model_median"], "model_p05": money["model_p05"], "model_p95": money["model_p95"],
        "data": money["observed"], "data_low": money["observed_low"], "data_high": money["observed_high"],
        "naive_rouble_only": money["rouble_only"], "naive_persistence": money["persistence"]})
    return table.reset_index(drop=True)


def verdict_lines(fields: dict) -> list[str]:
    lines = [f"{'country':11} {'moment':22} {'metric':5} {'model':>8} {'rouble':>8} {'persist':>8}  verdict"]
    for s in fields["skill_2014_2019"]:
        def show(v, rate=s["metric"] == "MAE"):
            return "     n/a" if v is None else (f"{v:8.3f}" if rate else f"{100 * v:7.1f}%")
        against = [name for name in ("rouble_only", "persistence") if s[f"model_beats_{name}"] is not None]
        verdict = ", ".join(("beats " if s[f"model_beats_{n}"] else "loses to ") + n.replace("_", "-")
                            for n in against) or "no baseline"
        lines.append(f"{s['country']:11} {s['moment']:22} {s['metric']:5} {show(s['model'])} "
                     f"{show(s['rouble_only'])} {show(s['persistence'])}  {verdict}")
    cover = fields["coverage_90pct_band"]["all"]
    lines.append(f"coverage of held-out observations by the 90 % band: {cover['inside']}/{cover['observations']}"
                 f" = {100 * (cover['share'] or 0):.0f} %")
    for country, c in fields["change_2013_2016"].items():
        d = fields["decomposition_2013_2016"][country]["model"]
        observed = "n/a" if c["observed"] is None else f"{100 * c['observed']:.1f} %"
        lines.append(f"{country}: 2013-2016 change model {100 * c['model_median']:.1f} % "
                     f"[{100 * c['model_p05']:.1f}, {100 * c['model_p95']:.1f}] vs data {observed}; behaviour "
                     f"{100 * d['behaviour']['median']:+.1f} pp [{100 * d['behaviour']['p05']:+.1f}, "
                     f"{100 * d['behaviour']['p95']:+.1f}], stock {100 * d['migrant_stock']['median']:+.1f} pp")
    for name, effect in fields.get("treaty_effect", {}).items():
        change = effect["change_2013_2016_without_treaty"]
        ratio = effect["gain_with_treaty"][str(COLLAPSE[1])]
        lines.append(f"{name} without its treaty (paired): 2013-2016 change {100 * change['median']:.1f} % "
                     f"[{100 * change['p05']:.1f}, {100 * change['p95']:.1f}]; the treaty raises {COLLAPSE[1]} "
                     f"remittances by {100 * ratio['median']:.1f} % [{100 * ratio['p05']:.1f}, "
                     f"{100 * ratio['p95']:.1f}]")
    return lines


def write(directory: Path, fields: dict, card: pd.DataFrame, runs: dict[str, pd.DataFrame], meta: dict):
    directory = Path(directory)
    (directory / "validation.json").write_text(json.dumps(ensemble._finite({**fields, **meta}), indent=2) + "\n")
    card.to_csv(directory / "scorecard.csv", index=False)
    hindcast_table(card).to_csv(directory / "hindcast.csv", index=False)
    pd.concat([table.assign(country=country) for country, table in runs.items()]).to_csv(
        directory / "hindcast_runs.csv", index=False)
