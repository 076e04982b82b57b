"""Plot functions: each returns a figure with the expected axes, labels, units, series and
footnote, on small real runs and on contract-following synthetic tables."""

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, PolyCollection, QuadMesh
from test_plots_fixtures import (
    META,
    PARAMETERS,
    REPLICATES,
    SCALARS,
    differences,
    hindcast,
    indices_time,
    morris_indices,
    sobol_indices,
    sweep_summary,
    timeseries,
)

from analysis import plots


def footnote(fig) -> str:
    return "\n".join(t.get_text() for t in fig.texts)


def bands(ax) -> list:
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def data_lines(ax) -> list:
    """Plotted series, leaving out horizontal reference lines (zero lines, axhline)."""
    return [line for line in ax.get_lines() if len(np.unique(line.get_ydata())) > 1 or len(line.get_xdata()) > 2]


def assert_footnote_names_the_run(fig):
    text = footnote(fig)
    assert "seed 11" in text and "scale 3000 persons per agent" in text and f"{REPLICATES} replicates" in text


@pytest.mark.parametrize("name", list(plots.FAN_FIGURES))
def test_fan_chart_draws_a_median_and_two_bands_per_series_over_dates(name):
    title, panels, _ = plots.FAN_FIGURES[name]
    fig = plots.run_figures(timeseries("baseline"), META)[name]
    assert len(fig.axes) == len(panels)
    assert title in plots.title_of(fig) and "baseline" in plots.title_of(fig)
    for ax, metrics in zip(fig.axes, panels, strict=True):
        assert len(ax.get_lines()) == len(metrics)
        assert len(bands(ax)) == 2 * len(metrics)  # 50 % and 90 % bands
        assert ax.get_ylabel()
        assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
        n_months = timeseries("baseline")["date"].nunique()
        assert all(len(line.get_xdata()) == n_months for line in ax.get_lines())
    assert fig.axes[-1].get_xlabel() == "month"
    assert_footnote_names_the_run(fig)


def test_fan_chart_plots_the_median_across_replicates_in_display_units():
    frame = timeseries("baseline")
    fig = plots.run_figures(frame, META)["remittances"]
    usd, gdp = fig.axes
    assert usd.get_ylabel() == "million USD/month"
    assert gdp.get_ylabel() == "% of GDP"
    expected = frame.groupby("date")["remittances_usd"].median().to_numpy() / 1e6
    np.testing.assert_allclose(usd.get_lines()[0].get_ydata(), expected)
    unemployment = plots.run_figures(frame, META)["unemployment"].axes[0]
    assert unemployment.get_ylabel() == "unemployment rate (%)"
    shares = frame.groupby("date")["unemployment_rate"].median().to_numpy()
    np.testing.assert_allclose(unemployment.get_lines()[0].get_ydata(), 100 * shares)  # shares shown as %


def test_risk_figure_says_its_components_are_aggregate_counts_and_points_to_the_ethics_note():
    fig = plots.run_figures(timeseries("baseline"), META)["risk"]
    text = footnote(fig)
    assert "aggregate counts per 100,000" in text and "never per-person" in text and "docs/ethics.md" in text
    assert [t.get_text() for t in fig.axes[1].get_legend().get_texts()] == [
        plots.label("exposure_expelled_per_100k"), plots.label("exposure_banned_idle_per_100k"),
        plots.label("exposure_jobless_returnees_per_100k"), plots.label("exposure_police_checks_per_100k")]


def test_compare_figure_overlays_scenarios_and_draws_their_paired_difference():
    runs = {"baseline": timeseries("baseline"), "crackdown": timeseries("crackdown")}
    metrics = ["remittances_usd", "unemployment_rate"]
    fig = plots.compare_figure(runs, metrics, {**META, "scenario": "crackdown vs baseline"}, title="Headline")
    assert len(fig.axes) == 4
    levels, deltas = fig.axes[:2], fig.axes[2:]
    for ax in levels:
        assert len(ax.get_lines()) == 2  # one median per scenario
        assert len(bands(ax)) == 2
    for ax in deltas:
        assert len(data_lines(ax)) == 1  # the mean difference, plus a zero line
        assert len(bands(ax)) == 2  # 95 % CI of the mean and 5-95 % of replicate differences
        assert "difference from baseline" in ax.get_title(loc="left")
    expected = (runs["crackdown"].groupby("date")["remittances_usd"].mean()
                - runs["baseline"].groupby("date")["remittances_usd"].mean()).to_numpy() / 1e6
    np.testing.assert_allclose(data_lines(deltas[0])[0].get_ydata(), expected, rtol=1e-9, atol=1e-9)
    assert deltas[1].get_ylabel() == "percentage points"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["baseline", "crackdown"]
    assert plots.title_of(fig) == "Headline"
    assert "crackdown vs baseline" in footnote(fig)


def test_paired_differences_match_the_differences_file_format():
    runs = {"baseline": timeseries("baseline"), "crackdown": timeseries("crackdown")}
    computed = plots.paired_differences(runs, "baseline").sort_values(["replicate", "date"]).reset_index(drop=True)
    written = differences(runs["baseline"], runs["crackdown"], "crackdown")
    assert list(computed.columns[:3]) == ["alternative", "replicate", "date"]
    np.testing.assert_allclose(computed["remittances_usd"], written["remittances_usd"])


def test_sweep_lines_one_parameter_one_band_per_output():
    summary = sweep_summary(["raid_intensity"], steps=5)
    fig = plots.sweep_lines(summary, "raid_intensity", SCALARS, META)
    assert len(fig.axes) == len(SCALARS)
    for ax in fig.axes:
        assert len(ax.get_lines()) == 1 and len(ax.get_lines()[0].get_xdata()) == 5
        assert len(bands(ax)) == 1
        assert ax.get_xlabel() == "raid_intensity (probability/month)"
    assert fig.axes[1].get_ylabel() == "%"  # peak unemployment, a share
    assert fig.axes[3].get_ylabel() == "USD bn"
    assert fig.axes[0].get_title(loc="left") == "Remittance change after 12 months"


def test_sweep_lines_by_a_second_grid_parameter_draws_one_line_per_level():
    summary = sweep_summary(["raid_intensity", "hostility"], steps=3)
    fig = plots.sweep_lines(summary, "raid_intensity", SCALARS, META, by="hostility")
    assert all(len(ax.get_lines()) == 3 for ax in fig.axes)
    assert len(fig.legends[0].get_texts()) == 3


def test_sweep_heatmap_grid_cells_and_scattered_points():
    grid = sweep_summary(["raid_intensity", "patent_fee_rub"], steps=3)
    fig = plots.sweep_heatmap(grid, "raid_intensity", "patent_fee_rub", SCALARS[:2], META)
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert len(panels) == 2
    for ax in panels:
        mesh = [c for c in ax.collections if isinstance(c, QuadMesh)]
        assert len(mesh) == 1 and mesh[0].get_array().size == 9
        assert ax.get_ylabel() == "patent_fee_rub (RUB/month)"
    assert len(fig.axes) == 4  # two panels and their colour bars
    lhs = sweep_summary(["raid_intensity", "patent_fee_rub"], lhs_points=12)
    fig = plots.sweep_heatmap(lhs, "raid_intensity", "patent_fee_rub", SCALARS[:1], META, others=["hostility"])
    points = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    assert len(points) == 1 and len(points[0].get_offsets()) == 12
    assert "Also varied, differing from point to point: hostility." in footnote(fig)


def test_sobol_bars_show_s1_and_st_with_intervals_per_parameter():
    fig = plots.sobol_bars(sobol_indices(), META)
    assert len(fig.axes) == len(SCALARS)
    for ax in fig.axes:
        assert len(ax.patches) == 2 * len(PARAMETERS)
        assert sorted(t.get_text() for t in ax.get_yticklabels()) == sorted(PARAMETERS)
        assert ax.get_xlabel() == "Sobol index"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["S1", "ST"]
    assert "Sobol" in plots.title_of(fig)
    assert "95% confidence intervals" in footnote(fig)


def test_morris_scatter_names_the_most_influential_parameters():
    fig = plots.morris_scatter(morris_indices(), META, labelled=3)
    assert len(fig.axes) == len(SCALARS)
    indices = morris_indices()
    for ax, output in zip(fig.axes, SCALARS, strict=True):
        top = indices[indices["output"] == output].nlargest(3, "mu_star")["parameter"]
        assert sorted(t.get_text() for t in ax.texts) == sorted(top)
        assert ax.get_xlabel().startswith("mu*") and ax.get_ylabel().startswith("sigma")
    assert fig.axes[1].get_xlabel() == "mu* (percentage points)"  # effects on a share are in points


def test_sensitivity_over_time_stacks_sobol_st_and_draws_morris_lines():
    fig = plots.sensitivity_over_time(indices_time("ST"), "remittances_usd", META, top=3)
    ax = fig.axes[0]
    assert len(bands(ax)) == 4  # three parameters and "other parameters"
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "other parameters"
    assert ax.get_ylabel() == "total-order Sobol index ST"
    assert len(ax.get_xticks()) == 4  # the months at which indices were computed
    fig = plots.sensitivity_over_time(indices_time("mu_star"), "unemployment_rate", META)
    ax = fig.axes[0]
    assert len(ax.get_lines()) - 4 == len(PARAMETERS)  # one line per parameter, plus a guide per month
    assert ax.get_ylabel() == "Morris mu* (percentage points)"


def test_hindcast_draws_model_band_median_and_data_with_range_and_names_the_source():
    meta = {**META, "data": "World Bank/KNOMAD"}
    fig = plots.hindcast_figure(hindcast(), meta, unit="USD bn/year")
    ax = fig.axes[0]
    assert len(bands(ax)) == 1
    assert len(ax.containers) == 1  # data points with their low-high whiskers
    np.testing.assert_allclose(np.asarray(ax.containers[0].lines[0].get_ydata(), dtype=float), hindcast()["data"])
    assert ax.get_xlabel() == "year" and ax.get_ylabel() == "USD bn/year"
    assert "data: World Bank/KNOMAD" in footnote(fig)
    assert ax.get_legend() is not None


def test_hindcast_with_baselines_formal_channels_calibration_years_and_known_misses():
    fig = plots.hindcast_figure(hindcast(extended=True), META, unit="USD bn per year", calibration_years=[2013, 2014],
                                known_misses={"2015": "COVID-19: borders closed"})
    everything, formal = fig.axes
    labels = [t.get_text() for t in everything.get_legend().get_texts()]
    assert "naive: rouble only" in labels and "naive: persistence" in labels
    assert [line.get_linestyle() for line in everything.get_lines() if line.get_label().startswith("naive")] == [
        "--", ":"]
    assert [t.get_text() for t in formal.get_legend().get_texts()] == [
        "model median, formal channels", "CBR money transfers, Russia to Tajikistan"]
    assert [t.get_text() for t in formal.texts] == ["COVID-19"]
    assert all(len(ax.patches) >= 1 for ax in fig.axes)  # the shaded calibration years
    assert "out of sample" in footnote(fig) and "known misses" in footnote(fig)


def test_display_scale_reads_in_words_and_percentage_points():
    assert plots.display_scale("USD/month", [3.5e8]) == (1e6, "million USD/month")
    assert plots.display_scale("persons", [1.1e6, 9e5]) == (1e6, "million persons")
    assert plots.display_scale("persons/month", [2500]) == (1e3, "thousand persons/month")
    assert plots.display_scale("persons/month", [800]) == (1.0, "persons/month")
    assert plots.display_scale("share", [0.1]) == (0.01, "%")
    assert plots.display_scale("share", [0.1], difference=True) == (0.01, "percentage points")
    assert plots.display_scale("% of GDP", [30], difference=True) == (1.0, "percentage points of GDP")


def test_tick_labels_carry_enough_decimals_for_every_tick():
    formatter = plots.EvenDecimals()
    formatter.set_locs([2.75, 3.0, 3.25, 3.5])
    assert [formatter(v) for v in (2.75, 3.0)] == ["2.75", "3.00"]
    formatter.set_locs([0, 5000, 10000])
    assert formatter(10000) == "10,000"
    formatter.set_locs([-10, 0, 10])
    assert formatter(-10) == "\u221210"


def test_hindcast_shades_calibration_years_only_in_fitted_panels_and_names_each_panels_data():
    fitted, never = hindcast(), hindcast()
    fitted["metric"], fitted["fitted"], fitted["data_label"] = "tajikistan remittances_usd_bn", True, "World Bank"
    never["metric"], never["fitted"], never["data_label"] = "kyrgyzstan remittances_usd_bn", False, "NBKR"
    fig = plots.hindcast_figure(pd.concat([fitted, never]), META, calibration_years=[2013, 2014])
    shaded = [[p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx((0.933, 0.933, 0.933), abs=0.01)]
              for ax in fig.axes]
    assert [len(s) for s in shaded] == [1, 0]
    assert [ax.get_legend().get_texts()[-1].get_text() for ax in fig.axes] == ["World Bank (low-high)",
                                                                               "NBKR (low-high)"]
    assert "unshaded panels (never fitted)" in footnote(fig)
