"""Figures of a scenario discovery (``run.py discover``): the PRIM peeling trajectory, the box limits against the
full ranges, the cases in the restricted dimensions, and the robustness of policy packages.

Each function takes the tables the command writes (``trajectory.csv``, ``boxes.csv``, ``cases.csv``,
``robustness.csv``, ``regret.csv``) and the metadata dict of ``analysis.plots`` (for the footnote), and returns a
figure on the Agg canvas.
"""

import itertools
import textwrap

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.patches import Rectangle

from analysis.plots import OKABE_ITO, OTHER_GREY, new_figure, unit_of

INTEREST = OKABE_ITO[1]
MAX_PAIR_DIMENSIONS = 4


def _style(ax):
    ax.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _axis_label(name: str) -> str:
    unit = unit_of(name)
    return f"{name} ({unit})" if unit else name


def tradeoff(trajectory: pd.DataFrame, meta: dict, outcome: str) -> object:
    """Coverage against density along each box's peeling trajectory, coloured by the number of restricted
    parameters, the box chosen marked."""
    fig = new_figure(4.6, meta, "Each point is one step of PRIM's peeling and pasting: coverage is the share of all "
                                "cases of interest inside the box, density the share of the box's cases that are of "
                                "interest. The ringed point is the box reported in boxes.csv.")
    ax = fig.subplots()
    most = int(trajectory["restricted"].max())
    cmap = colormaps["cividis"].resampled(max(most + 1, 2))
    markers = ("o", "s", "^", "D", "v")
    for number, rows in trajectory.groupby("box", sort=True):
        marker = markers[(number - 1) % len(markers)]
        ax.plot(rows["coverage"], rows["density"], color="#bbbbbb", linewidth=0.8, zorder=1)
        points = ax.scatter(rows["coverage"], rows["density"], c=rows["restricted"], cmap=cmap, vmin=-0.5,
                            vmax=max(most, 1) + 0.5, s=22, marker=marker, zorder=2, label=f"box {number}")
        chosen = rows[rows["chosen"]]
        ax.scatter(chosen["coverage"], chosen["density"], s=160, facecolors="none", edgecolors=INTEREST,
                   linewidths=2, zorder=3)
        for row in chosen.itertuples(index=False):
            ax.annotate(f"box {number}: coverage {row.coverage:.2f}, density {row.density:.2f}",
                        (row.coverage, row.density), xytext=(-14, -4), textcoords="offset points", fontsize=8,
                        color=INTEREST, ha="right", va="top")
    colour_bar = fig.colorbar(points, ax=ax, ticks=range(0, max(most, 1) + 1))
    colour_bar.set_label("restricted parameters")
    ax.set_xlabel("coverage")
    ax.set_ylabel("density")
    ax.set_xlim(-0.02, 1.05)
    ax.set_ylim(0, 1.05)
    if trajectory["box"].nunique() > 1:
        ax.legend(fontsize=8, frameon=False, loc="lower left")
    _style(ax)
    fig.suptitle(textwrap.fill(f"PRIM peeling trajectory: {outcome}", 70), fontsize=12, fontweight="bold")
    return fig


def box_limits(boxes: pd.DataFrame, meta: dict) -> object:
    """Each box's limits on each restricted parameter (coloured) against the parameter's full range (grey)."""
    restricted = boxes.dropna(subset=["parameter"])
    n = max(len(restricted), 1)
    fig = new_figure(0.9 + 0.42 * n, meta, "Grey: the range sampled; colour: the box. Quasi-p-value: one-sided "
                                           "binomial test that the restriction raises the box's density (Bryant and "
                                           "Lempert 2010); small is significant.")
    ax = fig.subplots()
    labels = []
    for i, row in enumerate(restricted.itertuples(index=False)):
        y = n - 1 - i
        span = row.range_high - row.range_low
        low, high = (row.low - row.range_low) / span, (row.high - row.range_low) / span
        ax.barh(y, 1.0, left=0.0, height=0.55, color="#e6e6e6")
        ax.barh(y, high - low, left=low, height=0.55, color=OKABE_ITO[(int(row.box) - 1) % len(OKABE_ITO)])
        ax.text(low, y + 0.34, f"{row.low:.4g}", ha="center", fontsize=7.5)
        ax.text(high, y + 0.34, f"{row.high:.4g}", ha="center", fontsize=7.5)
        quasi = [q for q in (row.qp_low, row.qp_high) if q == q]
        label = f"box {int(row.box)}: {row.parameter}\n{row.range_low:g}..{row.range_high:g} {unit_of(row.parameter)}"
        labels.append(f"{label}, quasi-p {max(quasi):.2g}" if quasi else label)
    ax.set_yticks(range(n - 1, n - 1 - len(labels), -1), labels, fontsize=8)
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.6, n - 0.1)
    ax.set_xticks([0, 0.5, 1], ["low end", "middle", "high end"])
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    first = boxes.iloc[0]
    fig.suptitle(f"PRIM box limits against the full ranges (box 1: coverage {first['coverage']:.2f}, "
                 f"density {first['density']:.2f})", fontsize=12, fontweight="bold")
    return fig


def pairs(cases: pd.DataFrame, boxes: pd.DataFrame, meta: dict, quantity: str | None = None) -> object:
    """The cases in each pair of box 1's restricted parameters (at most four), cases of interest highlighted and
    the box drawn. With one restricted parameter, that parameter against the outcome's quantity."""
    first = boxes[(boxes["box"] == 1)].dropna(subset=["parameter"])
    names = list(first["parameter"])[:MAX_PAIR_DIMENSIONS]
    limits = {row.parameter: (row.low, row.high) for row in first.itertuples(index=False)}
    interest = cases["of_interest"].to_numpy(dtype=bool)
    if len(names) >= 2:
        combos = list(itertools.combinations(names, 2))
    elif len(names) == 1 and quantity is not None and quantity in cases.columns:
        combos = [(names[0], quantity)]
    else:
        combos = []
    columns = min(len(combos), 3) or 1
    rows = -(-len(combos) // columns) or 1
    fig = new_figure(0.6 + 2.6 * rows, meta, f"Orange: cases of interest ({interest.sum()} of {len(cases)} "
                                             "design points; median over replicates); grey: the others; rectangle: "
                                             "PRIM's box 1.")
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False).ravel())
    for ax in axes[len(combos):]:
        ax.set_visible(False)
    for ax, (a, b) in zip(axes, combos, strict=False):
        ax.scatter(cases.loc[~interest, a], cases.loc[~interest, b], s=7, color=OTHER_GREY, alpha=0.6, linewidths=0)
        ax.scatter(cases.loc[interest, a], cases.loc[interest, b], s=9, color=INTEREST, alpha=0.85, linewidths=0)
        a_low, a_high = limits[a]
        b_low, b_high = limits.get(b, (cases[b].min(), cases[b].max()))
        ax.add_patch(Rectangle((a_low, b_low), a_high - a_low, b_high - b_low, fill=False, edgecolor="#000000",
                               linewidth=1.2))
        ax.set_xlabel(_axis_label(a), fontsize=8)
        ax.set_ylabel(_axis_label(b), fontsize=8)
        ax.tick_params(labelsize=7)
        _style(ax)
    fig.suptitle("Cases in the restricted parameters of PRIM's box 1" if combos else
                 "PRIM's box 1 restricts no parameter", fontsize=12, fontweight="bold")
    return fig


def robustness(summary: pd.DataFrame, regret: pd.DataFrame, meta: dict, outcome: str,
               quantity: str | None) -> object:
    """Per scenario: the share of conditions it keeps on the good side, and the distribution of its regret."""
    has_regret = "regret_mean" in summary.columns
    fig = new_figure(0.9 + 0.5 * len(summary), meta,
                     "Every scenario runs over the same sampled conditions with the same random numbers. Regret: "
                     "the best scenario's value in a condition minus this one's (0 where it is the best); box: "
                     "quartiles, whiskers: 5-95 %.")
    axes = fig.subplots(1, 2 if has_regret else 1, squeeze=False).ravel()
    y = np.arange(len(summary))[::-1]
    colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(summary))]
    axes[0].barh(y, 100 * summary["good_share"], color=colours)
    for yi, share in zip(y, summary["good_share"], strict=True):
        axes[0].text(100 * share + 1, yi, f"{100 * share:.0f} %", va="center", fontsize=8)
    axes[0].set_yticks(y, summary["scenario"], fontsize=8)
    axes[0].set_xlim(0, 112)
    axes[0].set_xlabel(textwrap.fill(f"conditions where not: {outcome} (%)", 45), fontsize=8)
    _style(axes[0])
    if has_regret:
        data = [regret[f"{name}_regret"].to_numpy() for name in summary["scenario"]]
        axes[1].boxplot(data, positions=y, vert=False, widths=0.5, whis=(5, 95), showfliers=False)
        axes[1].set_yticks(y, [""] * len(y))
        axes[1].set_xlabel(textwrap.fill(f"regret in {quantity}", 45), fontsize=8)
        _style(axes[1])
    fig.suptitle("Robustness of the policy packages", fontsize=12, fontweight="bold")
    return fig
