"""The dashboard page: Mesa's SolaraViz (Reset, play/pause, step, render interval) around custom Solara components
for the scenario picker, the lever design, the run settings, the live charts, Save as scenario and Download.

The page's state lives in reactive variables, one set per browser session. SolaraViz is given them as the model's
keyword arguments, so its Reset builds a ``DashboardModel`` from what the controls show at that moment.
"""

import html
import os
from pathlib import Path

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from analysis import exposure
from analysis.dashboard import charts, session
from analysis.ensemble import format_value
from sim import outputs, parameters, scenario

# Set by ``run.py dashboard`` (environment variables, because Solara imports this module itself).
START_FILE = Path(os.environ.get("TAJMIG_DASHBOARD_SCENARIO", session.DEFAULT_BASE))
SAVE_DIR = Path(os.environ.get("TAJMIG_DASHBOARD_SAVE_DIR", "my_scenarios"))
SUMMARY_METRICS = tuple(metric for _, metrics in charts.PANELS for metric, _ in metrics)

base_file = solara.reactive(str(START_FILE))
# lever -> {"value": typed text, "from": typed month}; a lever with an empty value keeps the base's path
lever_inputs = solara.reactive({})
lever_shocks = solara.reactive(())
scale = solara.reactive(session.DEFAULT_SCALE)
replicates = solara.reactive(session.DEFAULT_REPLICATES)
seed = solara.reactive(1)
saved_message = solara.reactive("")
current_model = solara.reactive(None)  # the session's DashboardModel, built when its page first renders


def choices() -> dict[str, str]:
    """Label shown in the picker -> path, for the library, the user's saved files and the file given at start."""
    files = session.library_files([SAVE_DIR])
    if START_FILE.resolve() not in {f.resolve() for f in files}:
        files.append(START_FILE)
    return {_label(f): str(f) for f in files}


def _label(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def design(base: scenario.Scenario, inputs: dict) -> tuple[tuple, dict[str, str]]:
    """The shocks the lever inputs describe, and an error message per lever whose input is refused."""
    shocks, errors = [], {}
    for lever in parameters.LEVERS:
        entry = inputs.get(lever, {})
        if not str(entry.get("value", "")).strip():
            continue
        try:
            value = session.lever_value(lever, entry["value"])
            start = session.shock_month(base, entry.get("from") or base.start)
            shock = session.lever_shock(base, lever, value, start)
            session.designed(base, [*shocks, shock])
        except session.DesignError as error:
            errors[lever] = str(error)
            continue
        shocks.append(shock)
    return tuple(shocks), errors


def Paragraph(markup: str):
    """A block of trusted HTML (solara.Markdown would load KaTeX, which the installed assets do not include)."""
    return solara.HTML(tag="div", unsafe_innerHTML=markup, style={"font-size": "14px", "margin": "4px 0"})


@solara.component
def ScenarioCard():
    options = choices()
    labels = list(options)
    current = next((label for label, path in options.items() if Path(path).resolve() == Path(base_file.value)
                    .resolve()), labels[0])

    def choose(label):
        base_file.set(options[label])

    with solara.Card("Base scenario"):
        solara.Select("Scenario file", values=labels, value=current, on_value=choose)
        try:
            base = scenario.load(base_file.value)
        except scenario.ScenarioError as error:
            solara.Error(str(error))
            return
        Paragraph(f"<b>{html.escape(base.name)}</b>: {html.escape(base.description)}<br>{base.start} to {base.end}, "
                  f"{base.months} months, {base.country}")
        if base.shocks:
            rows = "".join(f"<li><code>{s.lever}</code> {s.mode} {'' if s.mode == 'path' else f'{s.value:g} '}"
                           f"from {s.start}{f' to {s.end}' if s.end else ''}</li>" for s in base.shocks)
            Paragraph(f"Its shocks:<ul>{rows}</ul>")
        else:
            Paragraph("Its shocks: none (the levers hold their values).")
        solara.Text(f"Saved designs go to {SAVE_DIR}/ and appear in this list.")


@solara.component
def RunSettingsCard():
    with solara.Card("Scale, replicates, seed"):
        solara.Select("Persons per agent (scale)", values=[f"{s:g}" for s in session.SCALES],
                      value=f"{scale.value:g}", on_value=lambda text: scale.set(float(text)))
        solara.SliderInt("Replicates", value=replicates, min=1, max=20)
        solara.InputInt("Seed", value=seed)
        noisy = exposure.too_coarse(scale.value)
        if noisy:
            finest = min(exposure.COARSEST_SCALE[name] for name in noisy)
            solara.Warning(f"At {scale.value:g} persons per agent the 90% band of {len(noisy)} of the exposure "
                           f"components is wider than {exposure.BAND_SHARE:.0%} of its level: read them as "
                           f"indicative, and use a scale of {finest:g} or finer before citing them "
                           f"(docs/ethics.md).", dense=True)
        solara.Text("Press Reset to apply the settings and the lever design, then ▶ to run.")


@solara.component
def LeverDesign():
    try:
        base = scenario.load(base_file.value)
    except scenario.ScenarioError:
        return
    values = scenario.base_values(base.country, base.parameters)
    inputs = lever_inputs.value
    shocks, errors = design(base, inputs)
    if shocks != lever_shocks.value:
        lever_shocks.set(shocks)

    def update(lever, key, text):
        entry = {**lever_inputs.value.get(lever, {}), key: text}
        lever_inputs.set({**lever_inputs.value, lever: entry})

    groups: dict[str, list] = {}
    for p in parameters.PARAMETERS:
        if p.lever:
            groups.setdefault(p.group, []).append(p)
    with solara.Card("Design: lever values from a chosen month"):
        Paragraph(f"Type a value to set a lever from the month given (default {base.start}) to the horizon; "
                        "leave it empty to keep the base scenario's path. Plausible ranges are where the evidence "
                        "lies; values outside the hard bounds are refused.")
        for group, members in groups.items():
            with solara.Details(f"{group} ({len(members)} levers)", expand=True):
                with solara.ColumnsResponsive(12, medium=6, large=4):
                    for p in members:
                        entry = inputs.get(p.name, {})
                        with solara.Column(gap="0px"):
                            solara.InputText(
                                f"{p.name} ({p.unit}); base {values[p.name]:g}",
                                value=entry.get("value", ""), continuous_update=False,
                                on_value=lambda text, name=p.name: update(name, "value", text),
                                error=errors.get(p.name, False),
                                message=f"{p.description}. Plausible {p.low:g}..{p.high:g}, hard bounds "
                                        f"{p.minimum:g}..{p.maximum:g}. Source: {p.source}")
                            solara.InputText(f"{p.name} from (YYYY-MM)", value=entry.get("from", base.start),
                                             continuous_update=False,
                                             on_value=lambda text, name=p.name: update(name, "from", text))
        if shocks:
            with solara.Row(style={"flex-wrap": "wrap"}):
                for shock in shocks:
                    dates, before, after = session.lever_paths(base, shocks, shock.lever)
                    solara.FigureMatplotlib(charts.lever_path(dates, before, after, shock.lever,
                                                              parameters.BY_NAME[shock.lever].unit),
                                            format="png", dpi=80)


def results_csv() -> bytes:
    """The session's current run as CSV. One function for the whole session, read when the button is pressed:
    FileDownload forgets a pending download whenever its data argument changes."""
    return current_model.value.results().to_csv(index=False).encode()


@solara.component
def SaveCard(model):
    name = solara.use_reactive(f"{model.base.name}_designed")
    description = solara.use_reactive("")

    def save():
        try:
            path = session.save_scenario(model, SAVE_DIR, name.value, description.value)
        except (session.DesignError, scenario.ScenarioError) as error:
            saved_message.set(f"error: {error}")
            return
        saved_message.set(f"saved {path}")

    with solara.Card("Save and download"):
        solara.InputText("Scenario name", value=name)
        solara.InputText("Description", value=description)
        solara.Button("Save as scenario", on_click=save, color="primary", disabled=not model.lever_shocks)
        # The message comes last: an element appearing above the download would remount it and lose its state.
        solara.FileDownload(results_csv,
                            filename=f"{model.alternative.name}_seed{model.seed}_scale{model.scale:g}.csv",
                            label="Download results (CSV)", mime_type="text/csv")
        if saved_message.value:
            (solara.Error if saved_message.value.startswith("error") else solara.Success)(saved_message.value)


@solara.component
def Status(model):
    update_counter.get()
    if not model.done:
        text = (f"{model.base.name} against the design ({len(model.lever_shocks)} shock"
                f"{'' if len(model.lever_shocks) == 1 else 's'}), {model.replicates} replicates at scale "
                f"{model.scale:g}, seed {model.seed}: press ▶ to run {model.months} months.")
    else:
        text = (f"Simulated {model.done} of {model.months} months ({model.base.start} to {model.dates[-1]}); "
                f"{model.replicates} replicate pairs at scale {model.scale:g}, seed {model.seed}.")
    Paragraph(f"<b>{html.escape(text)}</b>")


def change(value: float, unit: str) -> str:
    """A difference as a reader wants it: a difference of rates is in percentage points."""
    text = format_value(value, unit)
    return text.replace("%", " pp") if unit.startswith("share") else text


@solara.component
def Summary(model):
    update_counter.get()
    done = model.done  # one month for the whole table, though the model may step while it is drawn
    if not done:
        return
    rows = []
    for metric in SUMMARY_METRICS:
        unit = outputs.BY_NAME[metric].unit
        latest = model.latest(metric, done)
        difference = "+" if latest["diff"] > 0 else ""
        rows.append(
            f'<tr data-metric="{metric}" data-base="{latest["base"]!r}" data-scenario="{latest["scenario"]!r}" '
            f'data-diff="{latest["diff"]!r}"><td>{metric}</td><td>{unit}</td>'
            f'<td>{format_value(latest["base"], unit)}</td><td>{format_value(latest["scenario"], unit)}</td>'
            f'<td>{difference}{change(latest["diff"], unit)} [{change(latest["diff_p05"], unit)}, '
            f'{change(latest["diff_p95"], unit)}]</td></tr>')
    date = model.dates[done - 1]
    table = (f'<table class="tajmig-summary" data-date="{date}"><thead><tr><th>{date}</th>'
             f'<th>unit</th><th>{model.base.name}</th><th>designed</th><th>designed - base [5-95 %]</th></tr>'
             f'</thead><tbody>{"".join(rows)}</tbody></table>')
    solara.HTML(tag="div", unsafe_innerHTML=table,
                style={"font-size": "13px", "overflow-x": "auto"})


@solara.component
def Charts(model):
    update_counter.get()
    panels = solara.use_memo(lambda: [charts.Panel(model, title, metrics) for title, metrics in charts.PANELS],
                             [model])
    for panel in panels:
        solara.FigureMatplotlib(panel.update(), dependencies=[model, model.done], format="png", dpi=80)
    solara.FigureMatplotlib(charts.regions(model), dependencies=[model, model.done], format="png", dpi=80)


@solara.component
def Page():
    if current_model.value is None:
        current_model.value = session.DashboardModel(base_file=base_file.value, lever_shocks=lever_shocks.value,
                                                     scale=scale.value, replicates=replicates.value,
                                                     seed=seed.value)
    model = current_model
    solara.Title("tajmig dashboard")
    with solara.Sidebar():
        ScenarioCard()
        RunSettingsCard()
        SaveCard(model.value)
    SolaraViz(model, components=[], name="tajmig: design a scenario and compare it with its base",
              model_params={"base_file": base_file, "lever_shocks": lever_shocks, "scale": scale,
                            "replicates": replicates, "seed": seed},
              play_interval=20, render_interval=6)
    with solara.Column():
        Status(model.value)
        Summary(model.value)
        Charts(model.value)
        LeverDesign()
