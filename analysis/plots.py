"""Figures of simulation results, legible straight in a brief.

Every function takes DataFrames in the results-directory formats (``timeseries.csv``, ``differences.csv``,
sweep ``summary.csv``, ``indices.csv``, ``indices_time.csv``, ``hindcast.csv``) plus a metadata dict, and returns a
``matplotlib.figure.Figure`` drawn on the Agg canvas, so it works headless and in a notebook without touching
pyplot's global state. Metadata keys used for the footnote: ``scenario``, ``seed``, ``scale`` (persons per
agent), ``replicates``, ``engine``, ``data`` (source of any data shown) and ``note``.

Colours are the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinguishable with the common
colour-vision deficiencies; sequential and diverging maps are cividis and PuOr for the same reason.
"""

import textwrap

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from scipy import stats

from sim import outputs
from sim import parameters as registry

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
OTHER_GREY = "#999999"
WIDTH = 7.5  # inches: a page of A4 or Letter with margins, so figures drop into a brief at their own size
FOOTNOTE_SIZE = 7.5
BAND_NOTE = "Lines: median of replicates; shading: middle 50% (dark) and 90% (light) of replicates."
RISK_NOTE = ("Exposure components are aggregate counts per 100,000 of the group named, never per-person scores or "
             "predictions about individuals; see docs/ethics.md.")

# What the y axis measures, when the unit alone would not say it ("%" of what?).
QUANTITY = {
    "unemployment_rate": "unemployment rate",
    "youth_unemployment_rate": "unemployment rate",
    "returnee_unemployment_rate": "unemployment rate",
}

LABELS = {
    "remittances_usd": "Remittances received",
    "remittances_formal_usd": "Formal remittances",
    "remittances_informal_usd": "Informal remittances",
    "remittances_pct_gdp": "Remittances, % of GDP (annualised)",
    "migrants_abroad": "All migrants abroad",
    "migrants_documented": "Documented migrants",
    "migrants_irregular": "Irregular migrants",
    "household_poverty_rate": "Household poverty rate",
    "deportations": "Deportations",
    "new_bans": "New entry bans",
    "banned_stock": "People with an entry ban in force",
    "unemployment_rate": "Unemployment rate",
    "youth_unemployment_rate": "Youth (18-29) unemployment rate",
    "returnee_unemployment_rate": "Returnee (back < 12 months) unemployment rate",
    "exposure_irregular_per_100k": "Russia: irregular young men",
    "exposure_register_per_100k": "Russia: young men on the register",
    "exposure_police_checks_per_100k": "Russia: police checks of migrants",
    "exposure_expelled_per_100k": "Home: young men expelled (Russia, Kazakhstan)",
    "exposure_banned_idle_per_100k": "Home: banned young men without work",
    "exposure_jobless_returnees_per_100k": "Home: long-jobless young returnees",
    "exposure_income_fell_per_100k": "Households whose income fell",
    "exposed_any_per_100k": "Young men exposed to any condition",
}

# Fan charts of a run: figure name -> (title, panels (each a list of outputs sharing a unit), extra footnote).
FAN_FIGURES = {
    "remittances": ("Remittances received", [["remittances_usd"], ["remittances_pct_gdp"]], ""),
    "migrants": ("Migrants abroad", [["migrants_abroad", "migrants_documented", "migrants_irregular"]], ""),
    "enforcement": ("Deportations and entry bans", [["deportations", "new_bans"], ["banned_stock"]], ""),
    "unemployment": ("Unemployment at home",
                     [["unemployment_rate", "youth_unemployment_rate", "returnee_unemployment_rate"]], ""),
    "risk": ("Exposure to risk conditions (per 100,000)",
             [["exposed_any_per_100k", "exposure_irregular_per_100k", "exposure_register_per_100k"],
              ["exposure_expelled_per_100k", "exposure_banned_idle_per_100k", "exposure_jobless_returnees_per_100k",
               "exposure_police_checks_per_100k"], ["exposure_income_fell_per_100k"]], RISK_NOTE),
}

# Scenario comparisons: figure name -> (title, outputs, one column each with levels above and ALT - BASE below).
COMPARE_FIGURES = {
    "headline": ("Remittances and unemployment", ["remittances_usd", "unemployment_rate"]),
    "remittances": ("Remittances", ["remittances_usd", "remittances_pct_gdp"]),
    "migrants": ("Migrants abroad", ["migrants_abroad", "migrants_irregular"]),
    "enforcement": ("Deportations and entry bans", ["deportations", "banned_stock"]),
    "unemployment": ("Unemployment at home",
                     ["unemployment_rate", "youth_unemployment_rate", "returnee_unemployment_rate"]),
    "risk": ("Exposure to risk conditions (per 100,000)",
             ["exposed_any_per_100k", "exposure_irregular_per_100k", "exposure_jobless_returnees_per_100k"]),
}

# Short titles for the key scalars of analysis/scalars.py (whose descriptions say exactly how each is computed).
SCALAR_LABELS = {
    "remittance_change_12m_pct": "Remittance change after 12 months",
    "peak_unemployment_rate": "Peak unemployment rate",
    "exposed_mean_per_100k": "Young men exposed to any condition (mean)",
    "deportations_per_year": "Deportations per year",
    "migrants_abroad_at_horizon": "Migrants abroad at the horizon",
    "remittances_final_12m_usd_bn": "Remittances over the final 12 months",
}

_MAGNITUDES = ((1e9, "billion"), (1e6, "million"), (1e3, "thousand"))
_COUNT_UNITS = ("persons", "persons/month", "persons/year", "USD/month", "jobs", "checks/month", "USD")


def label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    if name in outputs.BY_NAME:
        return outputs.BY_NAME[name].description
    return name.replace("_", " ")


def axis_label(name: str, shown_unit: str) -> str:
    return f"{QUANTITY[name]} ({shown_unit})" if name in QUANTITY else shown_unit


def unit_of(name: str) -> str:
    if name in outputs.BY_NAME:
        return outputs.BY_NAME[name].unit
    if name in registry.BY_NAME:
        return registry.BY_NAME[name].unit
    return ""


def display_scale(unit: str, values, difference: bool = False) -> tuple[float, str]:
    """Factor to divide values by and the unit to print, so that axes read "million USD/month" or "%" rather than
    1e8 or 0.07. A difference of percentages is in percentage points."""
    percent = "percentage points" if difference else "%"
    if unit.startswith("share"):
        return 0.01, percent + unit[len("share"):].replace("/", " per ")
    if unit.startswith("%"):
        return 1.0, percent + unit[1:]
    if difference and unit.startswith("index"):
        return 1.0, "index points"
    if unit in _COUNT_UNITS:
        finite = np.abs(np.asarray(values, dtype=float))
        finite = finite[np.isfinite(finite)]
        peak = finite.max() if finite.size else 0.0
        for factor, word in _MAGNITUDES:
            if peak >= factor:
                return factor, f"{word} {unit}"
    return 1.0, unit


def footnote_text(meta: dict, *notes: str) -> str:
    parts = []
    if meta.get("scenario"):
        parts.append(f"Scenario: {meta['scenario']}")
    if meta.get("seed") is not None:
        parts.append(f"seed {meta['seed']}")
    if meta.get("scale") is not None:
        parts.append(f"scale {meta['scale']:g} persons per agent")
    if meta.get("replicates") is not None:
        parts.append(f"{meta['replicates']} replicate{'s' if meta['replicates'] != 1 else ''}")
    if meta.get("engine"):
        parts.append(f"{meta['engine']} engine")
    lines = ["; ".join(parts) + "." if parts else ""]
    lines += [n for n in notes if n]
    if meta.get("note"):
        lines.append(meta["note"])
    if meta.get("data"):
        lines.append(f"data: {meta['data']}")
    return "\n".join(line for line in lines if line)


def new_figure(height: float, meta: dict, *notes: str, width: float = WIDTH) -> Figure:
    """A constrained-layout figure on the Agg canvas, with the footnote set in a strip at the bottom."""
    text = footnote_text(meta, *notes)
    characters = int(width * 72 / (FOOTNOTE_SIZE * 0.55))
    wrapped = "\n".join(textwrap.fill(line, characters) for line in text.splitlines())
    n_lines = wrapped.count("\n") + 1 if wrapped else 0
    strip = (n_lines * FOOTNOTE_SIZE * 1.3 + 8) / 72  # inches
    fig = Figure(figsize=(width, height + strip), layout="constrained")
    FigureCanvasAgg(fig)
    bottom = strip / (height + strip)
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
    if wrapped:
        fig.text(0.012, 4 / 72 / (height + strip), wrapped, fontsize=FOOTNOTE_SIZE, color="#333333",
                 ha="left", va="bottom", linespacing=1.25)
    return fig


def _header(fig, title: str, handles=(), labels=()):
    """The figure title, with the figure's legend (if any) under it. A legend placed outside the axes collides
    with a suptitle under constrained layout, so the title is then set as the legend's own title."""
    if handles:
        fig.legend(handles, labels, loc="outside upper center", ncol=min(len(labels), 4), frameon=False,
                   fontsize=9, title=title, title_fontproperties={"weight": "bold", "size": 12})
    else:
        fig.suptitle(title, fontsize=12, fontweight="bold")


def title_of(fig) -> str:
    if fig._suptitle is not None:
        return fig._suptitle.get_text()
    return fig.legends[0].get_title().get_text() if fig.legends else ""


def _dates(values) -> np.ndarray:
    return pd.to_datetime(pd.Series(values).astype(str)).to_numpy()


def _date_axis(ax, maxticks: int = 9):
    locator = mdates.AutoDateLocator(minticks=min(3, maxticks), maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _style(ax):
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.yaxis.set_major_formatter(EvenDecimals())


class EvenDecimals(ticker.Formatter):
    """Tick labels with thousands separators and the same number of decimals on every tick (1.0, 1.2, not 1,
    1.2), just enough to write each tick exactly (2.75, 3.00, 3.25)."""

    def __init__(self):
        self.decimals = None

    @staticmethod
    def decimals_for(values) -> int:
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        if values.size == 0:
            return 0
        step = np.min(np.diff(np.unique(values))) if np.unique(values).size > 1 else max(abs(values[0]), 1.0)
        return next((d for d in range(7) if np.allclose(np.round(values, d), values, rtol=0, atol=step * 1e-3)), 6)

    def set_locs(self, locs):
        self.decimals = self.decimals_for(locs)

    def format_ticks(self, values):
        self.set_locs(values)
        return [self(value) for value in values]

    def __call__(self, value, position=None):
        decimals = self.decimals if self.decimals is not None else self.decimals_for([value])
        return f"{value:,.{decimals}f}".replace("-", "\u2212")  # a typographic minus, as matplotlib draws it


def replicate_bands(timeseries: pd.DataFrame, metric: str, by: str = "date") -> pd.DataFrame:
    """Per ``by`` value (month): the 5, 25, 50, 75 and 95 % points of ``metric`` across replicates."""
    bands = timeseries.groupby(by, sort=True)[metric].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    bands.columns = ["p05", "p25", "median", "p75", "p95"]
    return bands


def _draw_fan(ax, bands: pd.DataFrame, factor: float, color: str, name: str, inner: bool = True):
    x = _dates(bands.index)
    ax.fill_between(x, bands.p05 / factor, bands.p95 / factor, color=color, alpha=0.15, linewidth=0)
    if inner:
        ax.fill_between(x, bands.p25 / factor, bands.p75 / factor, color=color, alpha=0.3, linewidth=0)
    ax.plot(x, bands["median"] / factor, color=color, linewidth=1.8, label=name, zorder=3)


def _legend_above(ax, n):
    names = ax.get_legend_handles_labels()[1]
    # As many columns as fit the axes' width (about 95 characters of legend text at this size).
    columns = next(c for c in range(min(n, 3), 0, -1)
                   if c == 1 or sum(sorted((len(name) + 6 for name in names), reverse=True)[:c]) < 95)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=columns, frameon=False, fontsize=8.5,
              handlelength=1.6, borderaxespad=0.2)


def fan_chart(timeseries: pd.DataFrame, panels, meta: dict, title: str, note: str = "") -> Figure:
    """Median with 50 % and 90 % replicate bands over calendar dates; ``panels`` is a list of lists of outputs,
    each inner list drawn on one axes (they must share a unit)."""
    fig = new_figure(0.6 + 2.4 * len(panels), meta, BAND_NOTE, note)
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, metrics in zip(axes, panels, strict=True):
        unit = unit_of(metrics[0])
        factor, shown_unit = display_scale(unit, timeseries[metrics].to_numpy())
        for i, metric in enumerate(metrics):
            _draw_fan(ax, replicate_bands(timeseries, metric), factor, OKABE_ITO[i], label(metric))
        ax.set_ylabel(axis_label(metrics[0], shown_unit))
        if len(metrics) > 1:
            _legend_above(ax, len(metrics))
        else:
            ax.set_title(label(metrics[0]), loc="left", fontsize=10)
        _style(ax)
        _date_axis(ax)
    axes[-1].set_xlabel("month")
    _header(fig, title)
    return fig


def run_figures(timeseries: pd.DataFrame, meta: dict) -> dict[str, Figure]:
    """Every fan chart of a run, by figure name."""
    return {name: fan_chart(timeseries, panels, meta, f"{title}: {meta.get('scenario', '')}".rstrip(": "), note)
            for name, (title, panels, note) in FAN_FIGURES.items()}


def paired_differences(runs: dict[str, pd.DataFrame], base: str) -> pd.DataFrame:
    """ALT - BASE per replicate and month (the ``differences.csv`` format), pairing replicates that share random
    numbers."""
    metrics = [m for m in outputs.NAMES if m in runs[base].columns]
    base_frame = runs[base].set_index(["replicate", "date"])[metrics]
    frames = []
    for name, frame in runs.items():
        if name == base:
            continue
        diff = (frame.set_index(["replicate", "date"])[metrics] - base_frame).dropna(how="all").reset_index()
        diff.insert(0, "alternative", name)
        frames.append(diff)
    return pd.concat(frames, ignore_index=True)


def difference_bands(differences: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Per month: the mean paired difference with its 95 % confidence interval (Student t over replicates) and the
    5-95 % range of the replicate differences."""
    grouped = differences.groupby("date", sort=True)[metric]
    summary = grouped.agg(["mean", "std", "count"])
    t = stats.t.ppf(0.975, np.maximum(summary["count"] - 1, 1))
    half = t * summary["std"] / np.sqrt(summary["count"])
    summary["ci_low"] = summary["mean"] - half
    summary["ci_high"] = summary["mean"] + half
    summary["p05"] = grouped.quantile(0.05)
    summary["p95"] = grouped.quantile(0.95)
    return summary


def compare_figure(runs: dict[str, pd.DataFrame], metrics, meta: dict, base: str | None = None,
                   differences: pd.DataFrame | None = None, title: str = "") -> Figure:
    """One column per output: the scenarios overlaid (median and 90 % band) above, ALT - BASE below (mean paired
    difference with its 95 % CI, and the 5-95 % range of replicate differences)."""
    base = base or next(iter(runs))
    if differences is None:
        differences = paired_differences(runs, base)
    notes = ("Top: median and middle 90% of replicates per scenario. Bottom: difference from "
             f"{base}, paired by replicate (common random numbers): line = mean, dark = its 95% CI, "
             "light = middle 90% of replicate differences.",
             RISK_NOTE if any(m.startswith("risk") for m in metrics) else "")
    fig = new_figure(5.4, meta, *notes)
    axes = fig.subplots(2, len(metrics), sharex=True, squeeze=False, height_ratios=(3, 2))
    colours = {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(runs)}
    title_width = int(0.8 * WIDTH / len(metrics) * 72 / (9.5 * 0.58))
    for column, metric in enumerate(metrics):
        unit = unit_of(metric)
        levels, delta = axes[0, column], axes[1, column]
        factor, shown_unit = display_scale(unit, np.concatenate([f[metric].to_numpy() for f in runs.values()]))
        for name, frame in runs.items():
            _draw_fan(levels, replicate_bands(frame, metric), factor, colours[name], name, inner=False)
        levels.set_title(textwrap.fill(label(metric), title_width), loc="left", fontsize=9.5)
        levels.set_ylabel(axis_label(metric, shown_unit) if len(metrics) < 3 else shown_unit)
        diff_factor, diff_unit = display_scale(unit, differences[metric].to_numpy(), difference=True)
        for name in differences["alternative"].unique():
            bands = difference_bands(differences[differences["alternative"] == name], metric)
            x = _dates(bands.index)
            colour = colours.get(name, OKABE_ITO[1])
            delta.fill_between(x, bands.p05 / diff_factor, bands.p95 / diff_factor, color=colour, alpha=0.15,
                               linewidth=0)
            delta.fill_between(x, bands.ci_low / diff_factor, bands.ci_high / diff_factor, color=colour, alpha=0.4,
                               linewidth=0)
            delta.plot(x, bands["mean"] / diff_factor, color=colour, linewidth=1.6, zorder=3)
        delta.axhline(0, color="#555555", linewidth=0.8, zorder=2)
        delta.set_title(f"difference from {base}", loc="left", fontsize=8.5, color="#333333")
        delta.set_ylabel(diff_unit)
        delta.set_xlabel("month")
        for ax in (levels, delta):
            _style(ax)
            _date_axis(ax, maxticks={1: 9, 2: 7}.get(len(metrics), 5))
    _header(fig, title or "Scenario comparison", *axes[0, 0].get_legend_handles_labels())
    return fig


def sweep_lines(summary: pd.DataFrame, parameter: str, scalars, meta: dict, title: str = "", by: str | None = None,
                scatter: bool = False) -> Figure:
    """Key outputs against one varied parameter: the median over replicates at each design point with its 5-95 %
    band; with ``by`` (a second grid parameter) one line per value of it. With ``scatter`` (scattered designs,
    where the other parameters vary from point to point) each point gets its own 5-95 % whisker instead."""
    if scatter:
        note = ("Points: median over replicates at each design point; whiskers: 5-95% of replicates. The other "
                "parameters vary between points.")
    else:
        note = "Points: median over replicates at each design point; shading: 5-95% of replicates."
    rows = -(-len(scalars) // (2 if len(scalars) > 1 else 1))
    fig = new_figure(0.6 + 2.3 * rows, meta, note)
    groups = list(summary.groupby(by, sort=True)) if by else [(None, summary)]
    for ax, scalar in zip(_panel_grid(fig, len(scalars)), scalars, strict=True):
        factor, shown_unit = display_scale(scalar_unit(scalar), summary[f"{scalar}_median"].to_numpy())
        for k, (level, frame) in enumerate(groups):
            ordered = frame.sort_values(parameter)
            x = ordered[parameter].to_numpy()
            median = ordered[f"{scalar}_median"].to_numpy() / factor
            low, high = ordered[f"{scalar}_p05"].to_numpy() / factor, ordered[f"{scalar}_p95"].to_numpy() / factor
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            name = f"{by} = {level:g}" if by else None
            if scatter:
                ax.errorbar(x, median, yerr=[np.clip(median - low, 0, None), np.clip(high - median, 0, None)],
                            fmt="o", color=colour, markersize=3, elinewidth=0.6, alpha=0.8)
            else:
                ax.fill_between(x, low, high, color=colour, alpha=0.15 if by else 0.2, linewidth=0)
                ax.plot(x, median, color=colour, marker="o", markersize=3.5, linewidth=1.6, label=name)
        ax.set_title(scalar_label(scalar), loc="left", fontsize=9.5)
        ax.set_ylabel(shown_unit)
        ax.set_xlabel(_parameter_axis_label(parameter))
        _style(ax)
    legend = fig.axes[0].get_legend_handles_labels() if by and not scatter else ()
    _header(fig, title or f"Sweep over {parameter}", *legend)
    return fig


def sweep_heatmap(summary: pd.DataFrame, x_parameter: str, y_parameter: str, scalars, meta: dict,
                  title: str = "", others=()) -> Figure:
    """Median of each key output over two varied parameters: cells for a grid design, coloured points for a
    scattered (Latin hypercube) design. Signed outputs get a diverging map centred on zero. ``others`` names
    further varied parameters, which the footnote says differ from point to point."""
    rows = -(-len(scalars) // (2 if len(scalars) > 1 else 1))
    note = "Colour: median over replicates at each design point."
    if len(others):
        note += f" Also varied, differing from point to point: {', '.join(others)}."
    fig = new_figure(0.6 + 2.9 * rows, meta, note)
    grid = summary.groupby([x_parameter, y_parameter]).ngroups == (
        summary[x_parameter].nunique() * summary[y_parameter].nunique())
    for ax, scalar in zip(_panel_grid(fig, len(scalars)), scalars, strict=True):
        column = f"{scalar}_median"
        factor, shown_unit = display_scale(scalar_unit(scalar), summary[column].to_numpy())
        values = summary[column].to_numpy() / factor
        if np.nanmin(values) < 0 < np.nanmax(values):
            limit = np.nanmax(np.abs(values))
            cmap, norm = "PuOr", mcolors.TwoSlopeNorm(0.0, -limit, limit)
        else:
            cmap, norm = "cividis", mcolors.Normalize(np.nanmin(values), np.nanmax(values))
        if grid:
            table = summary.pivot_table(index=y_parameter, columns=x_parameter, values=column,
                                        aggfunc="median") / factor
            image = ax.pcolormesh(_edges(table.columns.to_numpy()), _edges(table.index.to_numpy()),
                                  table.to_numpy(), cmap=cmap, norm=norm, shading="flat")
            if len(table.columns) <= 8:
                ax.set_xticks(table.columns.to_numpy(dtype=float))
            if len(table.index) <= 8:
                ax.set_yticks(table.index.to_numpy(dtype=float))
            if table.size <= 49:
                for (i, j), value in np.ndenumerate(table.to_numpy()):
                    rgba = image.cmap(image.norm(value))
                    dark = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2] < 0.5
                    ax.text(table.columns[j], table.index[i], _compact(value), ha="center", va="center",
                            fontsize=7, color="white" if dark else "black")
        else:
            # A thin outline keeps points whose colour is close to white visible.
            image = ax.scatter(summary[x_parameter], summary[y_parameter], c=values, cmap=cmap, norm=norm, s=40,
                               edgecolors="#555555", linewidths=0.5)
        fig.colorbar(image, ax=ax, label=shown_unit, shrink=0.9)
        ax.set_title(scalar_label(scalar), loc="left", fontsize=9.5)
        ax.set_xlabel(_parameter_axis_label(x_parameter))
        ax.set_ylabel(_parameter_axis_label(y_parameter))
        ax.xaxis.set_major_formatter(EvenDecimals())
        ax.yaxis.set_major_formatter(EvenDecimals())
    _header(fig, title or f"Sweep over {x_parameter} and {y_parameter}")
    return fig


def _compact(value: float) -> str:
    magnitude = abs(value)
    for factor, suffix in ((1e9, "bn"), (1e6, "M"), (1e4, "k")):
        if magnitude >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:,.0f}" if magnitude >= 100 else f"{value:.3g}"


def _edges(centres: np.ndarray) -> np.ndarray:
    centres = np.asarray(centres, dtype=float)
    if centres.size == 1:
        half = abs(centres[0]) * 0.1 or 0.5
        return np.array([centres[0] - half, centres[0] + half])
    middle = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - middle[0]], middle, [2 * centres[-1] - middle[-1]]])


def _parameter_axis_label(parameter: str) -> str:
    unit = unit_of(parameter)
    return f"{parameter} ({unit})" if unit else parameter


def scalar_unit(name: str) -> str:
    from analysis import scalars

    return scalars.BY_NAME[name].unit if name in scalars.BY_NAME else unit_of(name)


def scalar_label(name: str) -> str:
    return SCALAR_LABELS.get(name) or label(name)


def _panel_grid(fig, n):
    columns = 2 if n > 1 else 1
    rows = -(-n // columns)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return axes[:n]


def sobol_bars(indices: pd.DataFrame, meta: dict, title: str = "") -> Figure:
    """First-order (S1) and total (ST) Sobol indices with their 95 % confidence intervals, one panel per output,
    parameters ordered by ST."""
    names = list(dict.fromkeys(indices["output"]))
    n_parameters = indices["parameter"].nunique()
    rows = -(-len(names) // (2 if len(names) > 1 else 1))
    fig = new_figure(0.7 + rows * (0.6 + 0.28 * n_parameters), meta,
                     "Bars: Sobol indices (S1 = first order, ST = total, including interactions); whiskers: 95% "
                     "confidence intervals (bootstrap, SALib). Values below 0 are estimation noise.")
    for ax, name in zip(_panel_grid(fig, len(names)), names, strict=True):
        rows_of = indices[indices["output"] == name].sort_values("ST")
        y = np.arange(len(rows_of))
        ax.barh(y + 0.2, rows_of["S1"], 0.38, xerr=rows_of["S1_conf"], color=OKABE_ITO[0], label="S1",
                error_kw={"elinewidth": 0.8, "capsize": 1.5})
        ax.barh(y - 0.2, rows_of["ST"], 0.38, xerr=rows_of["ST_conf"], color=OKABE_ITO[1], label="ST",
                error_kw={"elinewidth": 0.8, "capsize": 1.5})
        ax.set_yticks(y, rows_of["parameter"], fontsize=8)
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_xlabel("Sobol index")
        ax.set_title(textwrap.fill(scalar_label(name), 28), loc="left", fontsize=9.5)
        ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
    _header(fig, title or "Global sensitivity: Sobol indices", *fig.axes[0].get_legend_handles_labels())
    return fig


def morris_scatter(indices: pd.DataFrame, meta: dict, title: str = "", labelled: int = 6) -> Figure:
    """Morris screening: mean absolute elementary effect (mu*) against its spread (sigma); the ``labelled``
    most influential parameters are named."""
    names = list(dict.fromkeys(indices["output"]))
    rows = -(-len(names) // (2 if len(names) > 1 else 1))
    fig = new_figure(0.7 + 3.0 * rows, meta,
                     "mu*: mean absolute elementary effect (influence); sigma: its spread (non-linearity or "
                     "interactions); whiskers: 95% CI of mu*. Dashed line: sigma = mu*.")
    placements = []
    for ax, name in zip(_panel_grid(fig, len(names)), names, strict=True):
        rows_of = indices[indices["output"] == name].sort_values("mu_star", ascending=False)
        unit = scalar_unit(name)
        factor, shown_unit = display_scale(unit, rows_of["mu_star"].to_numpy(), difference=True)
        mu, sigma = rows_of["mu_star"] / factor, rows_of["sigma"] / factor
        ax.errorbar(mu, sigma, xerr=rows_of.get("mu_star_conf", 0) / factor, fmt="o", color=OKABE_ITO[0],
                    markersize=4, elinewidth=0.7, capsize=1.5)
        x_top = float(np.nanmax(mu + rows_of.get("mu_star_conf", 0) / factor)) * 1.2 or 1.0
        y_top = float(np.nanmax(sigma)) * 1.2 or 1.0
        ax.plot([0, max(x_top, y_top)], [0, max(x_top, y_top)], linestyle="--", color="#777777", linewidth=0.8)
        ax.set_xlim(0, x_top)
        ax.set_ylim(0, y_top)
        placements.append((ax, mu.to_numpy(), sigma.to_numpy(), list(rows_of["parameter"][:labelled])))
        suffix = f", {shown_unit}" if "(" in shown_unit else f" ({shown_unit})" if shown_unit else ""
        ax.set_xlabel(f"mu*{suffix}")
        ax.set_ylabel(f"sigma{suffix}")
        ax.set_title(scalar_label(name), loc="left", fontsize=9.5)
        _style(ax)
    _header(fig, title or "Global sensitivity: Morris screening")
    fig.draw_without_rendering()  # settle the layout so label boxes can be measured where they will be drawn
    for ax, xs, ys, names_ in placements:
        place_labels(ax, xs, ys, names_)
    return fig


def place_labels(ax, xs, ys, texts, fontsize: float = 7):
    """Name the first ``len(texts)`` points, each at the offset around it whose box stays inside the axes and
    overlaps the fewest labels already placed and other points (greedy, first point first); a label set further
    away gets a leader line."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    points = ax.transData.transform(np.column_stack([xs, ys]))
    pixels = renderer.points_to_pixels(1)
    placed = []
    near = [(5, 3), (5, -10), (-5, 3), (-5, -10), (0, 6), (0, -13), (8, -3), (-8, -3)]
    offsets = near + [(dx, dy) for dy in (14, -22, 24, -32) for dx in (6, -6)]
    for (px, py), text in zip(points, texts, strict=False):
        best = None
        for dx, dy in offsets:
            probe = ax.annotate(text, (0, 0), xycoords="figure pixels", fontsize=fontsize,
                                xytext=(px + dx * pixels, py + dy * pixels), textcoords="figure pixels",
                                ha="left" if dx >= 0 else "right", va="bottom")
            box = probe.get_window_extent(renderer)
            probe.remove()
            outside = not (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1)
            labels_hit = sum(box.overlaps(other) for other in placed)
            points_hit = sum(box.x0 - 2 <= qx <= box.x1 + 2 and box.y0 - 2 <= qy <= box.y1 + 2 for qx, qy in points)
            score = 100 * outside + 10 * labels_hit + points_hit
            if best is None or score < best[0]:
                best = (score, dx, dy, box)
            if score == 0:
                break
        _, dx, dy, box = best
        leader = {"arrowstyle": "-", "color": "#777777", "linewidth": 0.5} if (dx, dy) not in near else None
        ax.annotate(text, ax.transData.inverted().transform((px, py)), xytext=(dx, dy), textcoords="offset points",
                    fontsize=fontsize, ha="left" if dx >= 0 else "right", va="bottom", arrowprops=leader)
        placed.append(box)


def sensitivity_over_time(indices_time: pd.DataFrame, series: str, meta: dict, top: int = 7,
                          title: str = "") -> Figure:
    """Time-resolved sensitivity of one monthly output (``series``; the ``output`` column when the frame has no
    ``series`` column): Sobol total-order indices stacked per parameter, or Morris mu* as one line per
    parameter (effects in the output's unit do not add up). The ``top`` parameters by mean index are drawn, the
    rest summed (Sobol) or left out (Morris)."""
    column = "series" if "series" in indices_time.columns else "output"
    sobol = "ST" in indices_time.columns
    index = "ST" if sobol else "mu_star"
    frame = indices_time[indices_time[column] == series]
    table = frame.pivot_table(index="date", columns="parameter", values=index, aggfunc="first").sort_index()
    if sobol:
        table = table.clip(lower=0)  # negative estimates are sampling noise and cannot be stacked
    order = table.mean().sort_values(ascending=False).index
    unit = unit_of(series) if column == "series" else scalar_unit(series)
    months = ", ".join(str(d) for d in table.index)
    notes = [f"Indices of the monthly value of {series} in each month marked ({months})."]
    notes.append("Stacked total-order indices: they include interactions, so the stack can exceed 1; negative "
                 "estimates (noise) are drawn as 0." if sobol else
                 "Morris mu*: mean absolute elementary effect of each parameter over its range.")
    fig = new_figure(3.6, meta, *notes)
    ax = fig.subplots()
    x = _dates(table.index)
    if sobol:
        layers = [table[c].to_numpy() for c in order[:top]]
        names = list(order[:top])
        colours = list(OKABE_ITO[:len(names)])
        if len(order) > top:
            layers.append(table[order[top:]].sum(axis=1).to_numpy())
            names.append("other parameters")
            colours.append(OTHER_GREY)
        ax.stackplot(x, *layers, labels=names, colors=colours, alpha=0.85, linewidth=0)
        ax.set_ylabel("total-order Sobol index ST")
    else:
        factor, shown_unit = display_scale(unit, table.to_numpy(), difference=True)
        for k, parameter in enumerate(order[:top]):
            ax.plot(x, table[parameter] / factor, color=OKABE_ITO[k], marker="o", markersize=3.5, linewidth=1.6,
                    label=parameter)
        ax.set_ylabel(f"Morris mu* ({shown_unit})")
        ax.set_ylim(bottom=0)
    ax.set_xlabel("month")
    ax.set_title(label(series) if column == "series" else scalar_label(series), loc="left", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    _style(ax)
    _date_axis(ax)
    if len(x) <= 12:
        ax.set_xticks(x)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
        for date in x:
            ax.axvline(date, color="#bbbbbb", linewidth=0.6, zorder=0)
    _header(fig, title or "Sensitivity over time")
    return fig


NAIVE_STYLES = (("--", OKABE_ITO[3]), (":", OKABE_ITO[4]), ("-.", OKABE_ITO[2]))


def hindcast_figure(hindcast: pd.DataFrame, meta: dict, title: str = "", unit: str = "",
                    calibration_years=(), known_misses: dict | None = None, data_label: str = "data") -> Figure:
    """Model 5-95 % band and median against the data and its low-high range, by year (``hindcast.csv``: year,
    model_median, model_p05, model_p95, data, data_low, data_high).

    Optional columns: ``naive_<name>`` baselines are drawn as broken lines; ``model_formal_median`` with
    ``data_cbr`` get a second panel (formal channels against the Central Bank of Russia's money-transfer series);
    ``metric`` (and ``unit``) give one panel per metric; a ``data_label`` column names a panel's data (else the
    ``data_label`` argument does); ``fitted`` false marks a panel with no calibration years. ``calibration_years``
    are shaded (only in fitted panels), so what is out of sample shows; ``known_misses`` ({year: why}) are marked
    with a dotted line and a short label."""
    formal = {"model_formal_median", "data_cbr"} <= set(hindcast.columns)
    if "metric" in hindcast.columns:
        panels = [(metric, frame, "model_median", "data") for metric, frame in hindcast.groupby("metric", sort=False)]
    else:
        panels = [("", hindcast, "model_median", "data")]
        if formal:
            panels.append(("formal", hindcast, "model_formal_median", "data_cbr"))
    notes = ["Band: 5-95% of replicates; line: model median; points: data, whiskers: the range of published "
             "figures."]
    if len(calibration_years):
        never_fitted = "fitted" in hindcast.columns and not hindcast["fitted"].astype(bool).all()
        notes.append(f"Shaded: calibration years ({min(calibration_years)}-{max(calibration_years)}); later years "
                     + ("and unshaded panels (never fitted) " if never_fitted else "") + "are out of sample.")
    if known_misses:
        notes.append("Dotted lines: known misses, explained in validation.json and the report.")
    fig = new_figure(0.6 + 2.8 * len(panels), meta, *notes)
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (metric, frame, model, data) in zip(axes, panels, strict=True):
        frame = frame.sort_values("year")
        numbers = frame.drop(columns=[c for c in ("metric", "unit", "data_label", "fitted")
                                      if c in frame.columns]).astype(float)
        shown_data = frame["data_label"].iloc[0] if "data_label" in frame.columns else data_label
        year = numbers["year"].to_numpy()
        if model == "model_median":
            ax.fill_between(year, numbers["model_p05"], numbers["model_p95"], color=OKABE_ITO[0], alpha=0.25,
                            linewidth=0, label="model 5-95%")
        ax.plot(year, numbers[model], color=OKABE_ITO[0], linewidth=1.8, marker="o", markersize=2.5, zorder=3,
                label="model median" if model == "model_median" else "model median, formal channels")
        if model == "model_median":
            naive = [c for c in numbers.columns if c.startswith("naive")]
            for (style, colour), column in zip(NAIVE_STYLES, naive, strict=False):
                name = column.removeprefix("naive").strip("_").replace("_", " ") or "baseline"
                ax.plot(year, numbers[column], color=colour, linewidth=1.3, linestyle=style, label=f"naive: {name}")
            low = (numbers["data"] - numbers.get("data_low", numbers["data"])).clip(lower=0)
            high = (numbers.get("data_high", numbers["data"]) - numbers["data"]).clip(lower=0)
            ax.errorbar(year, numbers["data"], yerr=[low.to_numpy(), high.to_numpy()], fmt="o", color="black",
                        markersize=4, elinewidth=1, capsize=2.5, label=f"{shown_data} (low-high)", zorder=4)
        else:
            ax.plot(year, numbers[data], "s", color="black", markersize=4, zorder=4,
                    label="CBR money transfers, Russia to Tajikistan")
        if len(calibration_years) and ("fitted" not in frame.columns or frame["fitted"].astype(bool).all()):
            ax.axvspan(min(calibration_years) - 0.5, max(calibration_years) + 0.5, color="#eeeeee", zorder=0,
                       linewidth=0)
        for miss_year, why in (known_misses or {}).items():
            ax.axvline(int(miss_year), color="#777777", linestyle=":", linewidth=1, zorder=1)
            if ax is axes[-1]:
                ax.annotate(_short(why), (int(miss_year), 1), xycoords=("data", "axes fraction"), xytext=(-3, -3),
                            textcoords="offset points", fontsize=7, color="#555555", ha="right", va="top",
                            rotation=90)
        shown_unit = frame["unit"].iloc[0] if "unit" in frame.columns else unit or unit_of(metric)
        ax.set_ylabel(shown_unit)
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        if metric and metric != "formal":
            ax.set_title(label(metric), loc="left", fontsize=10)
            ax.legend(frameon=False, fontsize=8)
        else:
            _legend_above(ax, 4)
        _style(ax)
    axes[-1].set_xlabel("year")
    _header(fig, title or "Hindcast against data")
    return fig


def _short(text: str, limit: int = 24) -> str:
    """The first words of an explanation, up to a colon, bracket or comma: "COVID-19: borders..." -> "COVID-19"."""
    head = text
    for mark in (":", "(", ","):
        head = head.split(mark)[0]
    head = head.strip()
    return head if len(head) <= limit else head[:limit - 1].rstrip() + "…"
