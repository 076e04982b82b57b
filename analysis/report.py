"""Figures and the self-contained ``report.html`` of a results directory.

``render(directory, fmt)`` recognises the directory's kind from its manifest (``run.json``, ``compare.json``,
``design.json`` with kind ``sweep`` or ``sensitivity``, or ``validation.json``), draws its figures next to its
data as ``<name>.<fmt>`` and writes ``report.html``: the figures embedded (base64), the summary table, the scenario
description and the provenance, in one file an analyst can e-mail. ``render_all`` also renders the run directory
of every scenario of a comparison.

    from analysis import report
    report.render("results/baseline")            # -> [Path("results/baseline/fan_remittances.png"), ...]
"""

import base64
import html
import io
import json
import math
from pathlib import Path

import pandas as pd

from analysis import plots
from analysis.formatting import format_signed, format_value
from analysis.outdir import write_atomically
from sim import outputs

MANIFESTS = ("run.json", "compare.json", "design.json", "validation.json", "discovery.json")
KINDS = ("run", "compare", "sweep", "sensitivity", "validation", "discovery")
FORMATS = ("png", "svg", "pdf")
DPI = 150
MAX_TABLE_ROWS = 200
# The rows of a run's headline table; every output is in the full table below it.
HEADLINE_METRICS = ("migrants_abroad", "migrants_irregular", "deportations", "new_bans", "banned_stock",
                    "remittances_usd", "remittances_pct_gdp", "household_poverty_rate", "unemployment_rate",
                    "youth_unemployment_rate", "returnee_unemployment_rate", *outputs.EXPOSURES)


class NotAResultsDirectory(ValueError):
    """The directory is missing, has no manifest, or its manifest is unreadable; the message is one line."""


def read_manifest(directory) -> tuple[str, dict]:
    """The kind of a results directory and its manifest."""
    directory = Path(directory)
    if not directory.is_dir():
        what = "not a directory" if directory.exists() else "no such directory"
        raise NotAResultsDirectory(f"{directory}: {what}")
    for name in MANIFESTS:
        path = directory / name
        if path.is_file():
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                raise NotAResultsDirectory(f"{path}: unreadable manifest ({error})") from None
            kind = manifest.get("kind") if isinstance(manifest, dict) else None
            if kind not in KINDS:
                raise NotAResultsDirectory(f"{path}: kind: expected one of {', '.join(KINDS)}, got {kind!r}")
            return kind, manifest
    raise NotAResultsDirectory(f"{directory}: not a results directory (no {', '.join(MANIFESTS)})")


def render(directory, fmt: str = "png") -> list[Path]:
    """Draw the figures of one results directory and write its report.html; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    directory = Path(directory)
    kind, manifest = read_manifest(directory)
    try:
        figures, sections = _BUILDERS[kind](directory, manifest)
    except (OSError, KeyError, ValueError, pd.errors.ParserError) as error:
        raise NotAResultsDirectory(f"{directory}: incomplete or malformed {kind} results ({error})") from None
    written, embedded = [], []
    for name, (figure, caption) in figures.items():
        path = directory / f"{name}.{fmt}"
        if fmt == "png":
            write_atomically(path, Path.write_bytes, png_bytes(figure))
        else:
            write_atomically(path, figure.savefig, format=fmt, dpi=DPI)
        written.append(path)
        embedded.append((caption, plots.title_of(figure), _embeddable(figure, path, fmt)))
    page = directory / "report.html"
    write_atomically(page, Path.write_text, _page(kind, manifest, sections, embedded), encoding="utf-8")
    written.append(page)
    return written



def render_all(directory, fmt: str = "png") -> list[Path]:
    """``render``, and for a comparison also the run directory of each of its scenarios."""
    directory = Path(directory)
    kind, manifest = read_manifest(directory)
    written = []
    if kind == "compare":
        for sub in _compare_runs(directory, manifest).values():
            written += render(sub, fmt)
    return written + render(directory, fmt)


def png_bytes(figure) -> bytes:
    """The figure as a PNG, stored with a 256-colour palette when that looks the same (line and band charts are
    a handful of colours plus anti-aliasing), which makes it about a third of the size for e-mailed reports. Colour
    maps (heatmaps) need more colours, so a figure the palette would visibly change stays in full colour."""
    import numpy as np
    from PIL import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    full = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    palette = full.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    error = np.abs(np.asarray(full, dtype=np.int16) - np.asarray(palette.convert("RGB"), dtype=np.int16)).max(axis=2)
    # Thresholds from looking at the figures: anti-aliased edges stay within 12/255 of the original for line
    # charts, while a colour bar's gradient breaks into bands beyond 20/255.
    if np.percentile(error, 99.9) > 16 or error.mean() > 0.1:
        return buffer.getvalue()
    small = io.BytesIO()
    palette.save(small, format="PNG", optimize=True)
    return small.getvalue()


def _embeddable(figure, path: Path, fmt: str) -> tuple[str, bytes]:
    if fmt in ("png", "svg"):
        return ("image/png" if fmt == "png" else "image/svg+xml"), path.read_bytes()
    return "image/png", png_bytes(figure)  # a PDF cannot be shown inline, so the report carries a PNG of it


# ---------------------------------------------------------------------------------------------------- run
def _run_meta(manifest: dict) -> dict:
    return {"scenario": manifest.get("scenario"), "seed": manifest.get("seed"), "scale": manifest.get("scale"),
            "replicates": manifest.get("replicates"), "engine": manifest.get("engine"), **_bands(manifest)}


def _bands(manifest: dict) -> dict:
    """The figures' note on what the bands hold (parameter and stochastic uncertainty, or stochastic only)."""
    return {"note": f"Bands: {manifest['bands']}."} if manifest.get("bands") else {}


def _read_csv(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"date": str, "horizon_date": str, "m12_date": str})


def _run(directory: Path, manifest: dict):
    timeseries = _read_csv(directory / "timeseries.csv")
    expected = manifest.get("months", 0) * manifest.get("replicates", 0)
    complete = timeseries.notna().all(axis=None) if len(timeseries) else False
    if expected and (len(timeseries) != expected or not complete):
        raise NotAResultsDirectory(f"{directory / 'timeseries.csv'}: incomplete ({len(timeseries)} rows, expected "
                                   f"{manifest['months']} months x {manifest['replicates']} replicates, or empty "
                                   f"cells); run the command again")
    summary = _read_csv(directory / "summary.csv")
    meta = _run_meta(manifest)
    figures = {f"fan_{name}": (figure, f"{name} fan chart")
               for name, figure in plots.run_figures(timeseries, meta).items()}
    dates = sorted(timeseries["date"].unique())
    sections = [("Summary", _run_summary_table(summary, dates)),
                ("Exposure to risk conditions", _exposure_table(summary, dates)),
                ("All outputs", _details("Every output at the horizon", _full_summary_table(summary)))]
    return figures, sections


def _interval(row, centre: str, low: str, high: str, prefix: str = "", signed: bool = False) -> str:
    """``row[centre]`` with ``[row[low] – row[high]]`` in small print, each column name behind ``prefix``."""
    def text(column):
        value = row[prefix + column]
        return format_signed(value, row["unit"]) if signed else format_value(value, row["unit"])

    return f"{text(centre)} <span class=band>[{text(low)} – {text(high)}]</span>"


def _band(row, prefix: str) -> str:
    return _interval(row, "median", "p05", "p95", prefix)


def _headline_rows(table: pd.DataFrame):
    """``(metric, row, cells)`` for each headline metric in ``table`` (indexed by metric); ``cells`` starts the
    table row with the metric's label and unit."""
    for metric in HEADLINE_METRICS:
        if metric in table.index:
            row = table.loc[metric]
            yield metric, row, [plots.label(metric), html.escape(row["unit"])]


def _run_summary_table(summary: pd.DataFrame, dates: list[str]) -> str:
    rows = summary.set_index("metric")
    m12 = dates[11] if len(dates) > 12 else None  # a 12-month run's month 12 is its horizon
    head = ["", "unit", f"start ({dates[0]}, mean)"]
    if m12:
        head.append(f"{m12}: median [5–95%]")
    head += [f"{dates[-1]}: median [5–95%]", f"{dates[-1]}: mean [95% CI]"]
    body = []
    for _, row, cells in _headline_rows(rows):
        cells.append(format_value(row["start_mean"], row["unit"]))
        if m12:
            cells.append(_band(row, "m12_"))
        cells += [_band(row, ""), _interval(row, "mean", "mean_ci_low", "mean_ci_high")]
        body.append(cells)
    note = ("Bands are the 5th to 95th percentiles over replicates (the spread of outcomes); the CI is the 95% "
            "confidence interval of the mean (Student t), the Monte Carlo uncertainty of the average.")
    return _table(head, body, raw=True) + f"<p class=note>{note}</p>"


def _exposure_table(summary: pd.DataFrame, dates: list[str]) -> str:
    """The exposure components at the horizon, per 100,000 of their group, with the change from the same month a
    year earlier (paired by replicate, so the seasonal cycle cancels)."""
    rows = summary.set_index("metric")
    year = f"{dates[-1]} - {dates[-13]}: mean [95% CI]" if len(dates) >= 13 else "change over 12 months"
    head = ["", "unit", f"{dates[-1]}: median [5–95%]", year]
    body = []
    for metric in outputs.EXPOSURES:
        if metric not in rows.index:
            continue
        row = rows.loc[metric]
        change = (_interval(row, "change_12m_mean", "change_12m_ci_low", "change_12m_ci_high", signed=True)
                  if "change_12m_mean" in row and math.isfinite(row["change_12m_mean"]) else "n/a")
        body.append([plots.label(metric), html.escape(row["unit"]), _band(row, ""), change])
    note = ("Each component counts person-months of exposure per 100,000 of the group it names (docs/ethics.md); "
            "none is a score for a person. Against another scenario, use run.py compare (paired replicates).")
    return _table(head, body, raw=True) + f"<p class=note>{note}</p>"


def _full_summary_table(summary: pd.DataFrame) -> str:
    body = [[metric, html.escape(str(row["unit"])), format_value(row["start_mean"], row["unit"]),
             _band(row, "m12_") if "m12_median" in row else "", _band(row, "")]
            for metric, row in summary.set_index("metric").iterrows()]
    return _table(["metric", "unit", "start (mean)", "month 12: median [5–95%]", "horizon: median [5–95%]"],
                  body, raw=True)


# ---------------------------------------------------------------------------------------------------- compare
def _compare_runs(directory: Path, manifest: dict) -> dict[str, Path]:
    names = [manifest["base"], *manifest["alternatives"]]
    runs = manifest.get("runs") or {}
    return {name: directory / runs.get(name, name) for name in names}


def _compare(directory: Path, manifest: dict):
    base = manifest["base"]
    runs = {name: _read_csv(path / "timeseries.csv") for name, path in _compare_runs(directory, manifest).items()}
    diff_path = directory / "differences.csv"
    differences = _read_csv(diff_path) if diff_path.is_file() else None
    meta = {"scenario": f"{', '.join(manifest['alternatives'])} vs {base}", "seed": manifest.get("seed"),
            "scale": manifest.get("scale"), "replicates": manifest.get("replicates"),
            "engine": manifest.get("engine")}
    figures = {}
    for name, (title, metrics) in plots.COMPARE_FIGURES.items():
        figure = plots.compare_figure(runs, metrics, meta, base=base, differences=differences, title=title)
        figures[f"compare_{name}"] = (figure, f"{name}: scenarios and differences from {base}")
    sections = []
    comparison_path = directory / "comparison.csv"
    if comparison_path.is_file():
        base_summary = _read_csv(_compare_runs(directory, manifest)[base] / "summary.csv")
        sections.append(("Differences from the base", _comparison_table(_read_csv(comparison_path),
                                                                         base_summary, base)))
    return figures, sections


def _comparison_table(table: pd.DataFrame, base_summary: pd.DataFrame, base: str) -> str:
    base_rows = base_summary.set_index("metric")
    parts = []
    for alternative, frame in table.groupby("alternative", sort=False):
        frame = frame.set_index("metric")
        horizon = frame["horizon_date"].iloc[0]
        m12 = frame["m12_date"].iloc[0] if "m12_date" in frame.columns else None
        has_m12 = isinstance(m12, str) and m12 != ""
        head = ["", "unit", f"{base}, {horizon} (mean)"]
        if has_m12:
            head.append(f"{alternative} − {base}, {m12}: mean [95% CI]")
        head.append(f"{alternative} − {base}, {horizon}: mean [95% CI]")
        body = []
        for metric, row, cells in _headline_rows(frame):
            cells.append(format_value(base_rows.loc[metric, "mean"], row["unit"]) if metric in base_rows.index
                         else "")
            for prefix in (("m12_", "") if has_m12 else ("",)):
                cells.append(_interval(row, "diff_mean", "diff_ci_low", "diff_ci_high", prefix, signed=True))
            body.append(cells)
        parts.append(f"<h3>{html.escape(alternative)} − {html.escape(base)}</h3>" + _table(head, body, raw=True))
    note = ("Differences are paired by replicate (common random numbers); pp = percentage points. Every output "
            "is in comparison.csv.")
    return "".join(parts) + f"<p class=note>{note}</p>"


# ---------------------------------------------------------------------------------------------------- sweep
def _design_meta(manifest: dict) -> dict:
    scenario = manifest.get("scenario")
    name = scenario.get("name") if isinstance(scenario, dict) else scenario
    return {"scenario": name, "seed": manifest.get("seed"), "scale": manifest.get("scale"),
            "replicates": manifest.get("replicates"), "engine": manifest.get("engine"), **_bands(manifest)}


def _design_parameters(manifest: dict) -> list[str]:
    return [p["name"] if isinstance(p, dict) else p for p in manifest.get("parameters", [])]


def _summary_scalars(summary: pd.DataFrame) -> list[str]:
    return [c.removesuffix("_median") for c in summary.columns
            if c.endswith("_median") and f"{c.removesuffix('_median')}_p05" in summary.columns]


def _sweep(directory: Path, manifest: dict):
    summary = _read_csv(directory / "summary.csv")
    meta = _design_meta(manifest)
    names = [p for p in _design_parameters(manifest) if p in summary.columns]
    scalars = _summary_scalars(summary)
    method = manifest.get("method", "")
    figures = {}
    if len(names) == 1:
        figures["sweep_lines"] = (plots.sweep_lines(summary, names[0], scalars, meta), f"{method} sweep")
    elif len(names) == 2 and method == "grid":
        figures["sweep_heatmap"] = (plots.sweep_heatmap(summary, names[0], names[1], scalars, meta),
                                    f"grid over {names[0]} and {names[1]}")
        figures["sweep_lines"] = (plots.sweep_lines(summary, names[0], scalars, meta, by=names[1]),
                                  f"outputs against {names[0]}, one line per {names[1]}")
    elif len(names) >= 2:
        figures["sweep_heatmap"] = (plots.sweep_heatmap(summary, names[0], names[1], scalars, meta,
                                                        others=names[2:]),
                                    f"{method} design: {names[0]} and {names[1]}")
        for name in names:  # one view per parameter; the others vary across its points
            figure = plots.sweep_lines(summary, name, scalars, meta, title=f"Outputs against {name}", scatter=True)
            figures[f"sweep_{name}"] = (figure, f"outputs against {name}")
    table = summary.head(MAX_TABLE_ROWS)
    shown = ["point_id", *names, *[f"{s}_{stat}" for s in scalars for stat in ("median", "p05", "p95")]]
    body = [[_plain(v) for v in row] for row in table[[c for c in shown if c in table.columns]].itertuples(False)]
    more = f" (first {MAX_TABLE_ROWS} of {len(summary)} points; all in summary.csv)" if len(summary) > len(
        table) else ""
    sections = [("Design", _design_table(manifest)),
                (f"Summary per design point{more}",
                 _folded(_table([c for c in shown if c in table.columns], body), len(body)))]
    return figures, sections


def _design_table(manifest: dict) -> str:
    rows = []
    for p in manifest.get("parameters", []):
        if isinstance(p, dict):
            name = p.get("name", "")
            rows.append([name, _plain(p.get("low")), _plain(p.get("high")), html.escape(plots.unit_of(name))])
    head = ["parameter", "low", "high", "unit"]
    settings = ", ".join(f"{k} = {manifest[k]}" for k in ("method", "points", "replicates", "runs", "N",
                                                          "calc_second_order", "trajectories", "levels")
                         if k in manifest)
    return f"<p>{html.escape(settings)}</p>" + _table(head, rows)


# ---------------------------------------------------------------------------------------------------- sensitivity
def _sensitivity(directory: Path, manifest: dict):
    indices = _read_csv(directory / "indices.csv")
    meta = _design_meta(manifest)
    figures = {}
    if {"S1", "ST"} <= set(indices.columns):
        figures["sobol"] = (plots.sobol_bars(indices, meta), "Sobol indices")
    if {"mu_star", "sigma"} <= set(indices.columns):
        figures["morris"] = (plots.morris_scatter(indices, meta), "Morris screening")
    time_path = directory / "indices_time.csv"
    if time_path.is_file():
        over_time = _read_csv(time_path)
        column = "series" if "series" in over_time.columns else "output"
        for series in dict.fromkeys(over_time[column]):
            figures[f"sensitivity_time_{series}"] = (plots.sensitivity_over_time(over_time, series, meta),
                                                     f"sensitivity of {series} over time")
    columns = [c for c in ("output", "parameter", "S1", "S1_conf", "ST", "ST_conf", "mu_star", "mu_star_conf",
                           "sigma") if c in indices.columns]
    sections = [("Design", _design_table(manifest)),
                ("Indices", _folded(_table(columns, [[_plain(v) for v in row]
                                                     for row in indices[columns].itertuples(False)]), len(indices)))]
    noise_path = directory / "noise.csv"
    if noise_path.is_file():
        noise = _read_csv(noise_path)
        sections.append(("Replicate noise", _table(list(noise.columns),
                                                   [[_plain(v) for v in row] for row in noise.itertuples(False)])
                         + "<p class=note>The share of each output's variance due to replicate noise rather than "
                           "the parameters; indices of outputs with a large share are unreliable.</p>"))
    return figures, sections


# ---------------------------------------------------------------------------------------------------- validation
def _validation(directory: Path, manifest: dict):
    figures, sections = {}, []
    path = directory / "hindcast.csv"
    if path.is_file():
        hindcast = pd.read_csv(path)
        meta = _design_meta(manifest)
        meta["data"] = manifest.get("data_source") or manifest.get("data") or (
            "World Bank/KNOMAD remittance estimates, low-high = range of published figures"
            + ("; Central Bank of Russia money-transfer statistics" if "data_cbr" in hindcast.columns else "")
            + " (analysis/data/tajikistan_annual.csv)")
        misses = {year: miss.get("why", "") if isinstance(miss, dict) else str(miss)
                  for year, miss in (manifest.get("known_misses") or {}).items()}
        figure = plots.hindcast_figure(hindcast, meta, title="Hindcast: annual remittances against the data",
                                       unit=manifest.get("unit") or "USD bn per year",
                                       calibration_years=manifest.get("calibration_years") or (),
                                       known_misses=misses, data_label="World Bank/KNOMAD")
        figures["hindcast"] = (figure, "hindcast against data")
        sections.append(("Scores", _validation_scores(manifest)))
        sections.append(("Hindcast", _table(list(hindcast.columns),
                                            [[_plain(v) for v in row] for row in hindcast.itertuples(False)])))
        if misses:
            sections.append(("Known misses", "".join(f"<p><b>{html.escape(str(year))}</b>: {html.escape(why)}</p>"
                                                     for year, why in misses.items())))
    return figures, sections


def _validation_scores(manifest: dict) -> str:
    rows = [[key, _plain(value)] for key, value in manifest.items()
            if isinstance(value, int | float) and not isinstance(value, bool) and key not in (
                "seed", "replicates", "scale", "wall_seconds")]
    rows += [[f"target: {key}", _plain(value)] for key, value in (manifest.get("targets") or {}).items()]
    return _table(["score", "value"], rows)


# ---------------------------------------------------------------------------------------------------- discovery
def _discovery(directory: Path, manifest: dict):
    from analysis import discovery_plots

    boxes = _read_csv(directory / "boxes.csv")
    trajectory = _read_csv(directory / "trajectory.csv")
    cases = _read_csv(directory / "cases.csv")
    meta = _design_meta(manifest)
    outcome, quantity = manifest.get("outcome", ""), manifest.get("quantity")
    figures = {"prim_tradeoff": (discovery_plots.tradeoff(trajectory, meta, outcome), "PRIM peeling trajectory"),
               "prim_box": (discovery_plots.box_limits(boxes, meta), "PRIM box limits against the full ranges"),
               "prim_pairs": (discovery_plots.pairs(cases, boxes, meta, quantity),
                              "cases of interest in the restricted parameters")}
    shown = ["box", "parameter", "low", "high", "range_low", "range_high", "qp_low", "qp_high", "coverage",
             "density", "mass"]
    lead = (f"<p>Outcome: <code>{html.escape(outcome)}</code>, true at {manifest.get('cases_of_interest')} of "
            f"{manifest.get('samples')} design points (median over replicates). "
            f"{html.escape(manifest.get('sampling', ''))}.</p>")
    rows = [[_plain(v) for v in row] for row in boxes[shown].itertuples(False)]
    sections = [("Design", _design_table(manifest)),
                ("PRIM boxes", lead + _table(shown, rows)),
                ("CART cross-check", _cart_section(directory, manifest))]
    robustness = directory / "robustness.csv"
    if robustness.is_file():
        summary, regret = _read_csv(robustness), _read_csv(directory / "regret.csv")
        figures["robustness"] = (discovery_plots.robustness(summary, regret, meta, outcome, quantity),
                                 "robustness of the policy packages")
        sections.append(("Policy robustness", _table(list(summary.columns),
                                                      [[_plain(v) for v in row] for row in summary.itertuples(False)])))
    return figures, sections


def _cart_section(directory: Path, manifest: dict) -> str:
    leaves = _read_csv(directory / "cart.csv")
    agreement = manifest.get("cart") or {}
    note = (f"<p class=note>{agreement.get('cart_leaves_of_interest', '?')} of {agreement.get('cart_leaves', '?')} "
            f"leaves are dense in cases of interest (density above 0.5); CART classifies "
            f"{_plain(100 * agreement.get('cases_classified_alike', float('nan')))} % of the design points as PRIM's "
            f"box 1 does.</p>")
    return note + _table(list(leaves.columns), [[_plain(v) for v in row] for row in leaves.itertuples(False)])


_BUILDERS = {"run": _run, "compare": _compare, "sweep": _sweep, "sensitivity": _sensitivity,
             "validation": _validation, "discovery": _discovery}


# ---------------------------------------------------------------------------------------------------- formatting
def _plain(value) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            return "n/a"
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return html.escape(str(value))


def _table(head, body, raw: bool = False) -> str:
    """An HTML table; cells are escaped unless ``raw`` (then the caller built them from escaped parts)."""
    def cell(value):
        return str(value) if raw else html.escape(str(value))

    header = "".join(f"<th>{html.escape(str(h))}</th>" for h in head)
    rows = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in body)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"


def _folded(table: str, rows: int) -> str:
    """A long table folded away, so the figures stay near the top of the report."""
    return _details(f"{rows} rows", table) if rows > 20 else table


def _details(summary: str, content: str) -> str:
    return f"<details><summary>{html.escape(summary)}</summary>{content}</details>"


# ---------------------------------------------------------------------------------------------------- page
_STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1180px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.88em; margin: 0.6em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; vertical-align: top; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
.band { color: #666; font-size: 0.92em; } .note { color: #555; font-size: 0.9em; }
.lead { font-size: 1.1em; } figure { margin: 1.5em 0; } img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.85em; } pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto;
font-size: 0.85em; } dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: bold; } dd { margin: 0; word-break: break-all; }
"""

_TITLES = {"run": "Scenario run", "compare": "Scenario comparison", "sweep": "Parameter sweep",
           "sensitivity": "Global sensitivity analysis", "validation": "Validation", "discovery": "Scenario discovery"}
# Large entries shown in their own section (or summarised) instead of the provenance list.
_NOT_PROVENANCE = ("kind", "description", "scenario_text", "outputs", "parameters", "shocks", "scenarios",
                   "known_misses", "targets")


def _page(kind: str, manifest: dict, sections, figures) -> str:
    title, lead = _heading(kind, manifest)
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if lead:
        parts.append(f"<p class=lead>{html.escape(lead)}</p>")
    parts.append(_key_facts(kind, manifest))
    for heading, content in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>{content}")
    if figures:
        parts.append("<h2>Figures</h2>")
        for caption, figure_title, (mime, data) in figures:
            encoded = base64.b64encode(data).decode("ascii")
            parts.append(f"<figure><img alt=\"{html.escape(figure_title or caption)}\" "
                         f"src=\"data:{mime};base64,{encoded}\"><figcaption>{html.escape(caption)}</figcaption>"
                         f"</figure>")
    parts.append(_scenario_section(kind, manifest))
    parts.append(f"<h2>Provenance</h2>{_provenance(manifest)}")
    parts.append("<p class=note>Exposure figures are aggregate counts per 100,000 of a group, never per-person "
                 "scores; see docs/ethics.md in the project.</p>")
    body = "\n".join(parts)
    return (f"<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>\n{body}\n</body></html>\n")


def _heading(kind: str, manifest: dict) -> tuple[str, str]:
    if kind == "run":
        return f"{_TITLES[kind]}: {manifest.get('scenario', '')}", manifest.get("description", "")
    if kind == "compare":
        alternatives = ", ".join(manifest.get("alternatives", []))
        return f"{_TITLES[kind]}: {alternatives} vs {manifest.get('base', '')}", ""
    if kind in ("sweep", "sensitivity"):
        return f"{_TITLES[kind]} ({manifest.get('method', '')}): {_design_meta(manifest)['scenario']}", ""
    if kind == "discovery":
        return f"{_TITLES[kind]}: {manifest.get('scenario', '')}", f"When does {manifest.get('outcome', '')} happen?"
    return _TITLES[kind], manifest.get("description", "")


def _key_facts(kind: str, manifest: dict) -> str:
    facts = []
    if manifest.get("start"):
        facts.append(("period", f"{manifest.get('start')} to {manifest.get('end', '?')} "
                                f"({manifest.get('months', '?')} months)"))
    for key, name in (("replicates", "replicates"), ("scale", "persons per agent"), ("seed", "study seed"),
                      ("engine", "engine")):
        if manifest.get(key) is not None:
            facts.append((name, manifest[key]))
    return "<dl>" + "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in facts) + "</dl>"


def _scenario_section(kind: str, manifest: dict) -> str:
    parts = []
    if kind == "compare":
        for name, info in (manifest.get("scenarios") or {}).items():
            parts.append(f"<p><b>{html.escape(name)}</b>: {html.escape(str(info.get('description', '')))}</p>")
    if manifest.get("overrides"):
        parts.append("<p>Parameter overrides: " + html.escape(json.dumps(manifest["overrides"])) + "</p>")
    shocks = manifest.get("shocks") or []
    if shocks:
        keys = list(dict.fromkeys(k for s in shocks for k in s))
        parts.append("<p>Policy shocks (changes to levers over time):</p>"
                     + _table(keys, [["" if s.get(k) is None else s.get(k) for k in keys] for s in shocks]))
    if manifest.get("scenario_text"):
        parts.append(_details("Scenario file", f"<pre>{html.escape(manifest['scenario_text'])}</pre>"))
    if isinstance(manifest.get("parameters"), dict):
        rows = [[k, _plain(v), html.escape(plots.unit_of(k))] for k, v in manifest["parameters"].items()]
        parts.append(_details("Resolved parameters", _table(["parameter", "value", "unit"], rows, raw=True)))
    return "<h2>Scenario</h2>" + "".join(parts) if parts else ""


def _provenance(manifest: dict) -> str:
    items = []
    for key, value in manifest.items():
        if key in _NOT_PROVENANCE:
            continue
        if isinstance(value, list) and len(value) > 12:
            value = f"{len(value)} values: {', '.join(map(str, value[:5]))}, …"
        elif isinstance(value, dict | list):
            value = json.dumps(value)
        items.append(f"<dt>{html.escape(key)}</dt><dd>{html.escape(str(value))}</dd>")
    return "<dl>" + "".join(items) + "</dl>"

