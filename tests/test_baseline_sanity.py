"""Baseline sanity: a 12-month run from 2025-01 with the defaults reproduces the orders of magnitude in the data, and
the history run reports every data target next to the model's figure.

The history run is at 1:200 with one replicate (about 10 s). Years up to 2013 are the calibration window; later
years are out of sample and never tuned to. Each target says how it is treated: ``fit`` (a calibration target up
to 2013), ``input`` (the figure sized a policy lever, so it cannot validate), ``check`` (out of sample, asserted
as stated in the test) or ``report`` (out of sample, printed only: a known miss or another mechanism's figure)."""

import pandas as pd
import pytest

from analysis.validation import SIZED_LEVERS
from sim import MigrationModel, scenario

HISTORY = "scenarios/history_2010_2024.toml"
ANNUAL = "analysis/data/tajikistan_annual.csv"


def test_baseline_orders_of_magnitude():
    model = MigrationModel(scale=20, rng=1)
    model.run_for(12)
    frame = model.results()
    # The stock in Russia (the sources count Tajiks in Russia, not elsewhere) ~1.0-1.2M on average, with its seasonal
    # swing (facts.md: 1.2M present Sep 2014; just under 1.0M Jun 2015; seed article, Oct 2025: 1.2M). No source
    # gives a monthly peak, so the peak is printed, not bounded.
    russia = frame.migrants_abroad_russia
    print(f"stock in Russia 2025: mean {russia.mean():,.0f}, low {russia.min():,.0f}, peak {russia.max():,.0f}")
    assert 1.0e6 <= russia.mean() <= 1.2e6
    assert 0.9e6 <= russia.min()
    assert russia.max() - russia.min() > 0.1e6
    # Annual remittances of the order of 2023-24 (World Bank/KNOMAD 4.6-5.8 bn USD, tajikistan_annual.csv).
    assert 3.5e9 <= frame.remittances_usd.sum() <= 6.5e9
    # Deportations of the order of 2023-24 (~11k in 2023, 17.1k in H1 2024) plus the register's expulsions (72k in
    # 2025 of all nationalities, of whom Tajiks are ~15 % of those listed).
    assert 10_000 <= frame.deportations.sum() <= 60_000


@pytest.fixture(scope="module")
def history():
    model = scenario.load(HISTORY).model(scale=200, rng=1, months=180)
    model.run_for(180)
    frame = model.results()
    frame["year"] = frame["date"].str[:4].astype(int)
    return frame


def targets(frame):
    """(name, data, model, treatment, source) for every data target of the history run."""
    at = frame.set_index("date")
    year = frame.groupby("year").sum(numeric_only=True)
    annual = pd.read_csv(ANNUAL).set_index("year")
    rows = [
        ("stock in Russia 2011", 1.03e6, at.loc["2011-06", "migrants_abroad_russia"], "fit", "Tajik Migration Service"),
        ("stock in Russia Sep 2014", 1.2e6, at.loc["2014-09", "migrants_abroad_russia"], "check", "FMS"),
        ("stock in Russia Jun 2015", 1.0e6, at.loc["2015-06", "migrants_abroad_russia"], "check", "FMS"),
        ("stock in Russia Apr 2016", 878e3, at.loc["2016-04", "migrants_abroad_russia"], "check", "FMS"),
    ]
    for y, left, returned in ((2011, 735_031, 572_728), (2016, 517_300, 400_000), (2023, 652_014, 590_710)):
        kind = "fit" if y <= 2013 else "report"
        rows.append((f"departures {y}", left, year.loc[y, "departures"], kind, "Tajik Labour Ministry"))
        rows.append((f"returns {y}" + (" (>)" if y == 2016 else ""), returned,
                     year.loc[y, "returns_voluntary"] + year.loc[y, "deportations"] +
                     year.loc[y, "expulsions_kazakhstan"], kind, "Tajik Labour Ministry"))
    rows += [
        ("deportations 2023", 11_000, year.loc[2023, "deportations"],
         "input" if ("tajikistan", "deportations", 2023) in SIZED_LEVERS else "check", "facts.md"),
        ("deportations H1 2024", 17_100, frame[frame.date.between("2024-01", "2024-06")].deportations.sum(),
         "report", "facts.md"),
        ("ban stock end 2014", 300e3, at.loc["2014-12", "banned_stock"], "report", "IOM 2014"),
        ("ban stock 2016 before amnesty", 400e3, at.loc["2016-06", "banned_stock"], "report", "Tajik Labour Ministry"),
        ("ban stock 2016 after amnesty", 151e3, at.loc["2016-07", "banned_stock"], "report", "Tajik Migration Service"),
    ]
    for y, count in ((2017, 29_000), (2019, 44_700), (2021, 103_700)):
        rows.append((f"naturalisations {y}", count, year.loc[y, "naturalisations"], "report", "facts.md"))
    for y in range(2013, 2019):
        rows.append((f"formal/total remittances {y}", annual.loc[y, "cbr_transfers_ru_tj_usd_bn"] /
                     annual.loc[y, "remit_usd_bn"], year.loc[y, "remittances_formal_usd"] /
                     year.loc[y, "remittances_usd"], "report", "CBR / World Bank (tajikistan_annual.csv)"))
    rows += [
        ("households receiving in 10 days, Jul 2016", 0.15, at.loc["2016-07", "households_receiving_10_days_share"],
         "report", "Listening to Tajikistan"),
        ("Tajiks in Kazakhstan 2016", 12_400, at.loc["2016-06", "migrants_abroad_kazakhstan"], "check", "facts.md"),
    ]
    return pd.DataFrame(rows, columns=["target", "data", "model", "treatment", "source"])


def test_history_reports_every_data_target_and_holds_the_defended_ones(history, capsys):
    table = targets(history)
    table["model/data"] = table["model"] / table["data"]
    with capsys.disabled():
        print("\n" + table.to_string(index=False, float_format=lambda x: f"{x:,.3g}"))
    ratio = dict(zip(table["target"], table["model/data"], strict=True))
    model = dict(zip(table["target"], table["model"], strict=True))
    # Fitted years (2010-2013): within -25 % and +30 % of the data at this coarse scale (the committed calibration
    # predates the nested logit and the lower raid rate; see the closing note).
    for name in ("stock in Russia 2011", "departures 2011", "returns 2011"):
        assert 0.75 <= ratio[name] <= 1.3, name
    # The lever sized to the 2023 record gives its figure.
    assert 0.6 <= ratio["deportations 2023"] <= 1.5
    # Out of sample, defended: the stock falls after the rouble's collapse (-27 % Sep 2014 to Apr 2016 in the data)
    # and stays of the right size; Kazakhstan holds thousands to a few tens of thousands of Tajiks, not none.
    assert model["stock in Russia Apr 2016"] < 0.9 * model["stock in Russia Sep 2014"]
    for name in ("stock in Russia Sep 2014", "stock in Russia Jun 2015", "stock in Russia Apr 2016"):
        assert 0.8 <= ratio[name] <= 1.3, name
    assert 3_000 <= model["Tajiks in Kazakhstan 2016"] <= 40_000
    # Mechanisms, not levels: the amnesty lifts bans, and naturalisations rise after the 2020 law.
    assert model["ban stock 2016 after amnesty"] < 0.5 * model["ban stock 2016 before amnesty"]
    assert model["naturalisations 2021"] > 1.5 * model["naturalisations 2019"]
