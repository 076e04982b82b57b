"""The dashboard without a browser: its session logic and its page rendered with Solara's test tools."""

import subprocess
import sys
from pathlib import Path

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara

from analysis.dashboard import app, session
from sim import scenario

ROOT = Path(__file__).resolve().parent.parent


def _field(rc, label_start):
    matches = [w for w in rc.find(v.TextField).widgets if str(w.label).startswith(label_start)]
    assert len(matches) == 1, [w.label for w in rc.find(v.TextField).widgets]
    return matches[0]


def _type(widget, text):
    widget.v_model = text
    widget.fire_event("keyup.enter", None)


def _button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


@solara.component
def InLayout():
    # The sidebar's cards only render inside an app layout, as the server gives the page.
    with solara.AppLayout():
        app.Page()


@pytest.fixture
def rendered():
    box, rc = solara.render(InLayout(), handle_error=False)
    yield rc
    rc.close()


def test_reset_builds_the_model_from_the_picker_the_levers_and_the_settings(rendered):
    assert app.current_model.value.base.name == "baseline" and not app.current_model.value.lever_shocks
    rendered.find(v.Select, label="Scenario file").widget.v_model = "scenarios/crocus_crackdown.toml"
    _type(_field(rendered, "raid_intensity ("), "0.09")
    _type(_field(rendered, "raid_intensity from"), "2026-01")
    _button(rendered, "Reset").click()
    model = app.current_model.value
    crocus = scenario.load(ROOT / "scenarios/crocus_crackdown.toml")
    assert model.base.name == "crocus_crackdown"
    assert model.alternative.shocks[:len(crocus.shocks)] == crocus.shocks
    (shock,) = model.lever_shocks
    assert (shock.lever, shock.mode, shock.value, shock.start) == ("raid_intensity", "set", 0.09, "2026-01")
    assert model.alternative.shocks[-1] == shock
    assert model.scale == session.DEFAULT_SCALE and model.replicates == session.DEFAULT_REPLICATES


def test_a_lever_value_outside_its_hard_bounds_is_refused_with_the_bound_named(rendered):
    field = _field(rendered, "raid_intensity (")
    _type(field, "1.5")
    assert field.error and "outside the allowed range 0..1 probability/month" in " ".join(field.messages)
    _button(rendered, "Reset").click()
    assert app.current_model.value.lever_shocks == ()


def test_steps_advance_every_replicate_pair_and_the_design_changes_only_the_scenario():
    base = scenario.load(ROOT / "scenarios/baseline.toml")
    shock = session.lever_shock(base, "raid_intensity", 0.12, "2025-03")
    model = session.DashboardModel(lever_shocks=(shock,), scale=1000, replicates=2, seed=5)
    for _ in range(4):
        model.step()
    assert model.dates == ["2025-01", "2025-02", "2025-03", "2025-04"]
    frame = model.series("deportations")
    # Common random numbers: before the shock the pair is identical; after it the raids deport more people.
    assert (frame.loc[:1, "diff_mean"] == 0).all()
    assert frame.loc[3, "diff_mean"] > 0
    regions = model.regions()
    assert np.isclose(regions["base_migrants_abroad"].sum(), model.latest("migrants_abroad")["base"])


def test_saved_scenario_reproduces_the_dashboard_numbers_with_run_py_run(tmp_path):
    base = scenario.load(ROOT / "scenarios/baseline.toml")
    shock = session.lever_shock(base, "rub_per_usd", 120, "2025-02")
    model = session.DashboardModel(lever_shocks=(shock,), scale=1000, replicates=2, seed=7)
    for _ in range(6):
        model.step()
    path = session.save_scenario(model, tmp_path / "mine", "rouble_120", "the rouble at 120")
    with pytest.raises(session.DesignError, match="exists"):
        session.save_scenario(model, tmp_path / "mine", "rouble_120", "again")
    saved = scenario.load(path)
    assert saved.shocks == model.alternative.shocks and "rouble_120" == saved.name
    assert "note" in path.read_text() and "--seed 7 --scale 1000 --replicates 2 --months 6" in path.read_text()
    out = tmp_path / "out"
    subprocess.run([sys.executable, "run.py", "run", str(path), "--seed", "7", "--scale", "1000", "--replicates",
                    "2", "--months", "6", "--point-estimate", "--out", str(out), "--no-plots"], cwd=ROOT, check=True,
                   capture_output=True)
    cli = pd.read_csv(out / "timeseries.csv")
    mine = model.results()
    mine = mine[mine["scenario"] == model.alternative.name].drop(columns="scenario").reset_index(drop=True)
    assert list(cli.columns) == list(mine.columns)
    assert (cli["date"] == mine["date"]).all()
    numbers = [c for c in cli.columns if c != "date"]
    np.testing.assert_allclose(cli[numbers].to_numpy(float), mine[numbers].to_numpy(float), rtol=1e-12)


def test_dashboard_command_refuses_bad_input_in_one_line(tmp_path):
    def run(*flags):
        return subprocess.run([sys.executable, "run.py", "dashboard", *flags], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)

    missing = run("--scenario", str(tmp_path / "nope.toml"))
    remote = run("--host", "0.0.0.0")
    assert missing.returncode == 2 and "--scenario" in missing.stderr and len(missing.stderr.splitlines()) == 1
    assert remote.returncode == 2 and "--allow-remote" in remote.stderr and len(remote.stderr.splitlines()) == 1
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = run("--port", str(busy.getsockname()[1]))
    assert taken.returncode == 2 and "--port" in taken.stderr and len(taken.stderr.splitlines()) == 1
    # An empty name would be the current directory: Save as scenario would write into wherever the command ran.
    nameless = run("--save-dir", "")
    assert nameless.returncode == 2 and nameless.stderr.startswith("error: run.py dashboard: argument --save-dir:")
    unnamed = run("--scenario", "")
    assert unnamed.returncode == 2 and unnamed.stderr.startswith("error: run.py dashboard: argument --scenario:")
    # An address this machine does not have (TEST-NET-1, RFC 5737) is the host's fault, not the port's.
    absent = run("--host", "192.0.2.1", "--allow-remote")
    assert absent.returncode == 2 and absent.stderr.startswith("error: --host:")
