"""The home economy against the surveys, year by year: ILO unemployment, poverty against the national line and the
share of households receiving a transfer, from the history run (``analysis.validation.hindcast``).

Data come from ``analysis/data/tajikistan_home_economy.csv`` (one source per row). Years up to 2013 are in sample
(2013 unemployment is a calibration target); later years are out of sample, and a miss is reported, never tuned away.
The definitions are matched: unemployment is the ILO rate among people at home (migrants abroad excluded, as in the
2009 LFS), poverty is the share of *people* in households below the line (the national rate is a population share),
and a household "receives" as the "Listening to Tajikistan" survey asked: a transfer in the 10 days before the
interview, averaged over its May-August rounds (the model's expected share for a 10-day window,
``sim.mechanisms.households``, averaged over the same months).

The somoni's rate to the dollar is compared too: from 2014 the history run computes it (docs/ODD.md §7.10, the rule's
numbers estimated from 2008-2013), so the NBT annual averages for 2014-2019 are an out-of-sample check of the model's
annual mean of ``home_currency_per_usd``; the error is in percent of the data.
"""

from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data" / "tajikistan_home_economy.csv"
LAST_FITTED_YEAR = 2013
# What each target allows, in percentage points (the targets for out-of-sample years).
TOLERANCE_PP = {"unemployment_ilo": 3.0, "poverty_rate_national": 5.0, "households_receiving_10_days": 5.0}
# Which model output answers which data series (annual means of the monthly outputs, or of the survey's months).
MODEL_OUTPUT = {"unemployment_ilo": "unemployment_rate", "poverty_rate_national": "poverty_rate_people",
                "households_receiving_10_days": "households_receiving_10_days_share"}
ANNUAL_OUTPUTS = tuple(MODEL_OUTPUT.values()) + ("households_receiving_share", "youth_unemployment_rate",
                                                  "returnee_unemployment_rate", "household_poverty_rate",
                                                  "home_employed", "home_employed_wage", "home_employed_plot",
                                                  "home_currency_per_usd")
# Outputs averaged over the survey's months only, not the year: the data are means of May-August rounds, and
# transfers have a season (migrants come home for the winter).
SURVEY_MONTHS = {"households_receiving_10_days_share": (5, 6, 7, 8)}
# The somoni: model output, the years compared (out of sample: before 2014 the history sets it from these data) and
# what a year allows, in percent of the data (assumed: the data are about +-2 %, a crawl rule cannot time the steps).
SOMONI = {"series": "somoni_per_usd", "output": "home_currency_per_usd", "years": range(2014, 2020),
          "tolerance_pct": 10.0}


def data() -> pd.DataFrame:
    return pd.read_csv(DATA)


def annual_means(frame: pd.DataFrame) -> pd.DataFrame:
    """Annual means of the home outputs of one run's monthly results, indexed by year (for the outputs in
    ``SURVEY_MONTHS``, means of those months)."""
    years = frame["date"].str[:4].astype(int)
    means = frame.groupby(years)[list(ANNUAL_OUTPUTS)].mean()
    months = frame["date"].str[5:7].astype(int)
    for output, survey_months in SURVEY_MONTHS.items():
        within = months.isin(survey_months)
        means[output] = frame[within].groupby(years[within])[output].mean().reindex(means.index)
    return means


def compare(runs: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """``runs`` has one row per replicate and year with the columns of ``annual_means``. Returns the fields for
    validation.json (``home_economy``) and the year-by-year table: series, year, data (with its band), model
    median and 5-95 % band, the error in points, whether the year was fitted, and the verdict."""
    observed = data()
    rows = []
    for series, output in MODEL_OUTPUT.items():
        for point in observed[observed["series"] == series].itertuples():
            year = int(point.year)
            model = runs.loc[runs["year"] == year, output]
            if model.empty:
                continue
            median = float(model.median())
            error_pp = 100 * (median - point.value)
            fitted = year <= LAST_FITTED_YEAR
            within = abs(error_pp) <= TOLERANCE_PP[series]
            rows.append({"series": series, "year": year, "data": float(point.value),
                         "data_low": _number(point.low), "data_high": _number(point.high),
                         "model_median": median, "model_p05": float(model.quantile(0.05)),
                         "model_p95": float(model.quantile(0.95)), "error_pp": error_pp,
                         "tolerance_pp": TOLERANCE_PP[series], "in_sample": fitted,
                         "verdict": "in sample" if fitted else ("within" if within else "MISSED"),
                         "definition": point.definition, "source": point.source})
    table = pd.DataFrame(rows)
    out_of_sample = table[~table["in_sample"]] if not table.empty else table
    somoni = somoni_rows(runs, observed)
    fields = {
        "data_file": "analysis/data/tajikistan_home_economy.csv",
        "years": table.to_dict(orient="records"),
        "out_of_sample_within": {series: bool(group["verdict"].eq("within").all())
                                 for series, group in out_of_sample.groupby("series")},
        "employment_change_2013_2016": _change(runs, "home_employed", 2013, 2016),
        "employment_change_2013_2016_by_sector": {
            "wage": _change(runs, "home_employed_wage", 2013, 2016),
            "household_plot": _change(runs, "home_employed_plot", 2013, 2016),
            "data": None,
            "note": "no 2013-2016 employment change by sector was available to us (the 2016 LFS tables were not "
                    "found); the model's change is reported, not compared"},
        "somoni": somoni,
    }
    if somoni:
        fields["out_of_sample_within"][SOMONI["series"]] = all(row["verdict"] == "within" for row in somoni)
        table = pd.concat([table, pd.DataFrame(somoni)], ignore_index=True)
    return fields, table


def somoni_rows(runs: pd.DataFrame, observed: pd.DataFrame) -> list[dict]:
    """The model's annual mean somoni per dollar against the NBT annual average, 2014-2019 (none if the runs do not
    have the output)."""
    if SOMONI["output"] not in runs.columns:
        return []
    rows = []
    for point in observed[observed["series"] == SOMONI["series"]].itertuples():
        year = int(point.year)
        model = runs.loc[runs["year"] == year, SOMONI["output"]]
        if year not in SOMONI["years"] or model.empty:
            continue
        median = float(model.median())
        error_pct = 100 * (median / point.value - 1)
        rows.append({"series": SOMONI["series"], "year": year, "data": float(point.value),
                     "data_low": _number(point.low), "data_high": _number(point.high), "model_median": median,
                     "model_p05": float(model.quantile(0.05)), "model_p95": float(model.quantile(0.95)),
                     "error_pct": error_pct, "tolerance_pct": SOMONI["tolerance_pct"], "in_sample": False,
                     "verdict": "within" if abs(error_pct) <= SOMONI["tolerance_pct"] else "MISSED",
                     "definition": point.definition, "source": point.source})
    return rows


def _number(value):
    return None if pd.isna(value) else float(value)


def _change(runs: pd.DataFrame, output: str, base: int, end: int):
    per_replicate = runs.pivot(index="replicate", columns="year", values=output)
    if base not in per_replicate or end not in per_replicate:
        return None
    return float((per_replicate[end] / per_replicate[base] - 1).median())


def verdict_lines(fields: dict) -> list[str]:
    """The year-by-year table for the terminal."""
    lines = ["", "home economy against the surveys (annual means; out of sample after 2013)",
             f"{'series':28} {'year':>4} {'model':>7} {'[p05, p95]':>16} {'data':>7} {'error':>8}  verdict"]
    for row in fields["years"]:
        lines.append(f"{row['series']:28} {row['year']:>4} {100 * row['model_median']:6.1f}% "
                     f"[{100 * row['model_p05']:5.1f}, {100 * row['model_p95']:5.1f}]% {100 * row['data']:6.1f}% "
                     f"{row['error_pp']:+7.1f}pp  {row['verdict']}")
    if fields.get("somoni"):
        lines += ["", "the somoni, TJS per USD (annual means; the model's from the home-currency rule, out of sample)",
                  f"{'series':28} {'year':>4} {'model':>7} {'[p05, p95]':>16} {'data':>7} {'error':>8}  verdict"]
        for row in fields["somoni"]:
            lines.append(f"{row['series']:28} {row['year']:>4} {row['model_median']:7.2f} "
                         f"[{row['model_p05']:6.2f}, {row['model_p95']:6.2f}] {row['data']:7.2f} "
                         f"{row['error_pct']:+7.1f}%  {row['verdict']}")
    change, sectors = fields["employment_change_2013_2016"], fields["employment_change_2013_2016_by_sector"]
    if change is not None:
        lines.append(f"{'home employment 2013-2016':28} {100 * change:+6.1f}% (model): wage jobs "
                     f"{100 * sectors['wage']:+.1f}%, household plots {100 * sectors['household_plot']:+.1f}%; "
                     "no sector data to compare")
    return lines
