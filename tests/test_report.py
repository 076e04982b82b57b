"""report.html and ``run.py plot``: every kind of results directory is recognised from its
manifest, its figures are drawn next to its data, and report.html carries every figure (embedded), the summary,
the scenario description and the provenance. Bad directories end with one line and exit status 2."""

import base64
import io
import json
import pathlib
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image
from test_plots_fixtures import META, ROOT, UNMARKED, WRITERS, sweep_summary, timeseries

from analysis import plots, report

EXPECTED_FIGURES = {
    "run": {"fan_remittances", "fan_migrants", "fan_enforcement", "fan_unemployment", "fan_risk"},
    "compare": {f"compare_{name}" for name in ("headline", "remittances", "migrants", "enforcement",
                                               "unemployment", "risk")},
    "sweep": {"sweep_lines"},
    "sensitivity": {"sobol", "sensitivity_time_remittances_usd", "sensitivity_time_unemployment_rate",
                    "sensitivity_time_deportations"},
    "validation": {"hindcast"},
}


def plot(*args):
    return subprocess.run([sys.executable, "run.py", "plot", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def embedded_images(page: str) -> list[bytes]:
    return [base64.b64decode(data) for data in re.findall(r'src="data:image/[a-z+]+;base64,([^"]+)"', page)]


@pytest.fixture(scope="module")
def directories(tmp_path_factory):
    """One results directory of each kind, with no figures until ``run.py plot`` draws them."""
    root = tmp_path_factory.mktemp("results")
    return {kind: write(root / kind) for kind, write in WRITERS.items()}


@pytest.fixture(scope="module")
def plotted(directories):
    """``run.py plot DIR`` once on each directory, two at a time (each is its own process)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = {kind: pool.submit(plot, directory) for kind, directory in directories.items()}
        return {kind: future.result() for kind, future in done.items()}


@pytest.mark.parametrize("kind", list(WRITERS))
def test_plot_command_draws_every_figure_and_the_report_of_each_kind(directories, plotted, kind):
    directory = directories[kind]
    result = plotted[kind]
    assert result.returncode == 0, result.stderr
    figures = {p.stem for p in directory.glob("*.png")}
    assert figures == EXPECTED_FIGURES[kind]
    page = (directory / "report.html").read_text(encoding="utf-8")
    images = embedded_images(page)
    assert len(images) == len(figures)
    assert {(directory / f"{name}.png").read_bytes() for name in figures} == set(images)
    assert "<h2>Provenance</h2>" in page
    assert "report.html" in result.stdout


def test_run_report_holds_the_summary_description_and_provenance(directories, plotted):
    directory = directories["run"]
    page = (directory / "report.html").read_text(encoding="utf-8")
    assert "<h1>Scenario run: baseline</h1>" in page
    assert "baseline scenario (test fixture)" in page
    assert "<h2>Summary</h2>" in page
    for label in ("Remittances received", "Unemployment rate", "Young men exposed to any condition"):
        assert f"<td>{label}</td>" in page
    assert "<h2>Exposure to risk conditions</h2>" in page and "<td>per 100,000</td>" in page
    assert "Russia: irregular young men" in page
    assert re.search(r"<td>\$\d+\.\d\dM <span class=band>\[\$\d+\.\d\dM – \$\d+\.\d\dM\]</span></td>", page)
    assert "fixture-commit" in page and "run.py run scenarios/baseline.toml (test fixture)" in page
    assert "[scenario]" in page  # the scenario file itself
    assert "docs/ethics.md" in page


def test_compare_report_has_the_differences_table_and_the_plot_command_redraws_every_scenario(directories, plotted):
    directory = directories["compare"]
    assert plotted["compare"].returncode == 0, plotted["compare"].stderr
    for name in ("baseline", "crackdown"):
        assert {p.stem for p in (directory / name).glob("*.png")} == EXPECTED_FIGURES["run"]
        assert (directory / name / "report.html").is_file()
    page = (directory / "report.html").read_text(encoding="utf-8")
    assert "<h3>crackdown − baseline</h3>" in page
    assert "raids tripled (test fixture)" in page
    assert re.search(r"<td>Unemployment rate</td><td>share</td><td>[\d.]+%</td><td>[+-][\d.]+pp", page)


def test_two_parameter_grid_gets_a_heatmap_and_lines_by_the_second_parameter(tmp_path):
    directory = WRITERS["sweep"](tmp_path / "grid", parameters=("raid_intensity", "hostility"))
    written = report.render(directory)
    assert {p.stem for p in written} == {"sweep_heatmap", "sweep_lines", "report"}
    lhs = WRITERS["sweep"](tmp_path / "lhs", parameters=("raid_intensity", "hostility"), method="lhs")
    assert {p.stem for p in report.render(lhs)} == {"sweep_heatmap", "sweep_raid_intensity", "sweep_hostility",
                                                     "report"}


def test_morris_directory_gets_the_screening_plot(tmp_path):
    directory = WRITERS["sensitivity"](tmp_path / "morris", method="morris")
    names = {p.stem for p in report.render(directory)}
    assert "morris" in names and "sobol" not in names


def test_validation_report_lists_scores_and_known_misses(directories, plotted):
    page = (directories["validation"] / "report.html").read_text(encoding="utf-8")
    assert "<td>abm_mape_2014_2019</td><td>0.07</td>" in page
    assert "<b>2015</b>: Test miss: a made-up reason" in page
    assert "run.py validate (test fixture)" in page


def test_svg_figures_are_embedded_as_svg_and_pdf_figures_as_png(tmp_path):
    directory = WRITERS["validation"](tmp_path / "validation")
    result = plot(directory, "--format", "svg")
    assert result.returncode == 0, result.stderr
    assert (directory / "hindcast.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    page = (directory / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/svg+xml;base64,') == 1
    written = report.render(directory, "pdf")
    assert (directory / "hindcast.pdf").read_bytes().startswith(b"%PDF")
    assert directory / "hindcast.pdf" in written
    images = embedded_images((directory / "report.html").read_text(encoding="utf-8"))
    assert len(images) == 1 and images[0].startswith(b"\x89PNG")


def test_an_interrupted_redraw_leaves_the_previous_figure_whole(tmp_path, monkeypatch):
    directory = WRITERS["validation"](tmp_path / "validation")
    report.render(directory)
    before = (directory / "hindcast.png").read_bytes()
    real_write_bytes = pathlib.Path.write_bytes

    def write_half_then_stop(path, data):
        real_write_bytes(path, data[:len(data) // 2])
        raise KeyboardInterrupt

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_half_then_stop)
    with pytest.raises(KeyboardInterrupt):
        report.render(directory)
    assert (directory / "hindcast.png").read_bytes() == before
    assert not [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("case", ["missing", "no manifest", "unknown kind", "bad format", "not ours"])
def test_bad_directories_and_flags_end_with_one_line_and_status_2(tmp_path, case):
    directory = tmp_path / "results"
    args = [directory]
    if case != "missing":
        directory.mkdir()
    if case == "unknown kind":
        (directory / "run.json").write_text(json.dumps({"kind": "banana"}), encoding="utf-8")
    if case == "bad format":
        WRITERS["validation"](directory)
        args += ["--format", "gif"]
    if case == "not ours":
        UNMARKED["validation"](directory)
    result = plot(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "Traceback" not in result.stderr
    assert ("--format" in lines[0]) if case == "bad format" else (str(directory) in lines[0])
    assert not list(directory.glob("*.png")) if directory.exists() else True


def test_plot_names_a_file_given_as_the_directory_and_refuses_an_empty_name(tmp_path, capsys):
    """An empty name would be taken for the current directory, and a file is not missing."""
    from analysis.cli import main

    afile = tmp_path / "notes.txt"
    afile.write_text("mine\n", encoding="utf-8")
    assert main(["plot", str(afile)]) == 2
    assert capsys.readouterr().err == f"error: {afile}: not a directory\n"
    assert main(["plot", ""]) == 2
    assert capsys.readouterr().err == ("error: run.py plot: argument DIR: expected a directory name, got an empty "
                                       "string\n")


def test_line_charts_are_stored_with_a_palette_and_colour_maps_in_full_colour():
    fan = plots.run_figures(timeseries("baseline"), META)["migrants"]
    assert Image.open(io.BytesIO(report.png_bytes(fan))).mode == "P"
    grid = sweep_summary(["raid_intensity", "patent_fee_rub"], steps=6)
    heatmap = plots.sweep_heatmap(grid, "raid_intensity", "patent_fee_rub", ["remittance_change_12m_pct"], META)
    assert Image.open(io.BytesIO(report.png_bytes(heatmap))).mode in ("RGB", "RGBA")


def test_a_truncated_timeseries_is_refused_and_a_comparisons_run_is_redrawn(tmp_path, capsys):
    from analysis.cli import main

    run = WRITERS["run"](tmp_path / "run")
    rows = (run / "timeseries.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (run / "timeseries.csv").write_text("".join(rows[:4]) + rows[4][:40], encoding="utf-8")
    assert main(["plot", str(run)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "incomplete" in error and not list(run.glob("*.png"))
    compared = WRITERS["compare"](tmp_path / "compare")
    assert main(["plot", str(compared / "baseline")]) == 0
    assert (compared / "baseline" / "report.html").exists()
