"""The dashboard's figures (matplotlib, so every asset is served by the page itself, no CDN): each metric drawn for
the base and the designed scenario with their 5-95 % bands over replicates, and their paired difference below."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim import outputs  # noqa: E402

BASE_COLOUR, SCENARIO_COLOUR, DIFF_COLOUR = "#7f7f7f", "#d62728", "#1f77b4"
# (title, metrics with their short labels): the panels of the page, each one figure.
PANELS = (
    ("Remittances received", (("remittances_usd", "total"), ("remittances_formal_usd", "formal channels"))),
    ("Migrants abroad by destination", (("migrants_abroad_russia", "Russia"),
                                        ("migrants_abroad_kazakhstan", "Kazakhstan"),
                                        ("migrants_abroad_other", "other destinations"))),
    ("Unemployment at home", (("unemployment_rate", "overall"), ("youth_unemployment_rate", "youth 18-29"),
                              ("returnee_unemployment_rate", "returnees (12 months)"))),
    ("Household poverty", (("household_poverty_rate", "household poverty"),)),
    ("Exposure to risk conditions, per 100,000", (("exposed_any_per_100k", "young men exposed to any"),
                                                  ("exposure_irregular_per_100k", "irregular in Russia"),
                                                  ("exposure_jobless_returnees_per_100k", "long-jobless returnees"),
                                                  ("exposure_banned_idle_per_100k", "banned, without work"))),
)


def display_unit(unit: str) -> tuple[float, str]:
    """Divisor and label that make an output's unit readable on an axis."""
    if unit.startswith("share"):
        return 0.01, "%"
    if unit.startswith("USD"):
        return 1e6, "million " + unit
    if unit.startswith("persons"):
        return 1e3, "thousand " + unit
    return 1.0, unit


def _dates(values) -> pd.DatetimeIndex:
    return pd.to_datetime(pd.Series(values) + "-01")


def _date_axis(ax):
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


class Panel:
    """One figure, one column per metric: base and scenario with bands on top, designed - base with its band below.

    The figure is built once per model and its artists updated as months arrive: building axes and ticks is most
    of matplotlib's cost, and the page redraws every few simulated months."""

    def __init__(self, model, title: str, metrics):
        self.model, self.metrics = model, tuple(metrics)
        self.figure = Figure(figsize=(3.3 * len(self.metrics), 4.6))
        self.figure.subplots_adjust(left=0.07 if len(self.metrics) > 2 else 0.1, right=0.98, top=0.8, bottom=0.09,
                                    wspace=0.3, hspace=0.12)
        axes = self.figure.subplots(2, len(self.metrics), sharex="col", squeeze=False, height_ratios=(3, 2))
        self.figure.suptitle(title, fontsize=11, x=0.01, ha="left")
        self.columns = []
        for column, (metric, label) in enumerate(self.metrics):
            top, bottom = axes[0, column], axes[1, column]
            divisor, unit = display_unit(outputs.BY_NAME[metric].unit)
            top.set_title(f"{label}\n({unit})", fontsize=9)
            lines = {"base": top.plot([], [], color=BASE_COLOUR, linewidth=1.4, label=model.base.name)[0],
                     "scenario": top.plot([], [], color=SCENARIO_COLOUR, linewidth=1.4, label="designed")[0],
                     "diff": bottom.plot([], [], color=DIFF_COLOUR, linewidth=1.4)[0]}
            bottom.axhline(0, color="black", linewidth=0.6)
            bottom.set_ylabel("designed - base" if column == 0 else "", fontsize=8)
            _date_axis(bottom)
            for ax in (top, bottom):
                ax.tick_params(labelsize=7)
                ax.grid(alpha=0.3)
            self.columns.append((metric, divisor, top, bottom, lines, []))
        axes[0, 0].legend(fontsize=7, loc="upper left")

    def update(self) -> Figure:
        model = self.model
        if not model.done:
            return self.figure
        for metric, divisor, top, bottom, lines, bands in self.columns:
            frame = model.series(metric)
            x = mdates.date2num(_dates(frame["date"]))
            for band in bands:
                band.remove()
            bands.clear()
            for side, colour, alpha, ax in (("base", BASE_COLOUR, 0.2, top), ("scenario", SCENARIO_COLOUR, 0.2, top),
                                            ("diff", DIFF_COLOUR, 0.25, bottom)):
                lines[side].set_data(x, frame[f"{side}_mean"] / divisor)
                bands.append(ax.fill_between(x, frame[f"{side}_p05"] / divisor, frame[f"{side}_p95"] / divisor,
                                             color=colour, alpha=alpha, linewidth=0))
            for ax in (top, bottom):
                ax.relim()
                ax.autoscale_view()
            # With no difference yet, show zero on a scale of 1 % of the level rather than of rounding noise.
            floor = 0.01 * max(abs(v) for v in top.get_ylim())
            low, high = bottom.get_ylim()
            if high - low < floor:
                bottom.set_ylim(-floor, floor)
        return self.figure


def regions(model) -> Figure:
    """Migrants abroad and remittances received by Tajik region in the last simulated month."""
    frame = model.regions()
    fig = Figure(figsize=(8, 3.0))
    fig.subplots_adjust(left=0.1, right=0.98, top=0.78, bottom=0.16, wspace=0.35)
    axes = fig.subplots(1, 2)
    y = np.arange(len(frame))
    for ax, metric, divisor, unit in ((axes[0], "migrants_abroad", 1e3, "thousand persons"),
                                      (axes[1], "remittances_usd", 1e6, "million USD in the month")):
        ax.barh(y - 0.2, frame[f"base_{metric}"] / divisor, 0.4, color=BASE_COLOUR, label=model.base.name)
        ax.barh(y + 0.2, frame[f"scenario_{metric}"] / divisor, 0.4, color=SCENARIO_COLOUR, label="designed")
        ax.set_yticks(y, frame["region"], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(unit, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_title("Migrants abroad by home region", fontsize=9)
    axes[1].set_title("Remittances received by region", fontsize=9)
    axes[1].legend(fontsize=7)
    when = model.dates[-1] if model.done else "before the first month"
    fig.suptitle(f"By region, {when} (means over replicates)", fontsize=10, x=0.01, ha="left")
    return fig


def lever_path(dates, before, after, lever: str, unit: str) -> Figure:
    """A small chart of one lever's monthly value without and with the design."""
    fig = Figure(figsize=(3.2, 1.6))
    fig.subplots_adjust(left=0.16, right=0.97, top=0.82, bottom=0.18)
    ax = fig.subplots()
    x = _dates(dates)
    ax.plot(x, before, color=BASE_COLOUR, linewidth=1.2, label="base")
    ax.plot(x, after, color=SCENARIO_COLOUR, linewidth=1.4, label="designed")
    ax.set_title(f"{lever} ({unit})", fontsize=8)
    ax.tick_params(labelsize=6)
    ax.legend(fontsize=6)
    _date_axis(ax)
    return fig
