"""Malformed scenario files: each fixture in tests/fixtures/bad_scenarios/ states its exact error on its first line
(``# expect: <message>``, with ``{dir}`` for the fixtures directory). Through the CLI every one must give that single
line on stderr, exit status 2, print nothing on stdout and write nothing."""

from pathlib import Path

import pytest

from analysis.cli import main
from sim import scenario

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests/fixtures/bad_scenarios")
BAD = sorted(p.name for p in (ROOT / FIXTURES).glob("*.toml"))


def expected_message(name: str) -> str:
    first = (ROOT / FIXTURES / name).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{name} must state its error on its first line"
    return first.removeprefix("# expect: ").replace("{dir}", str(FIXTURES))


def test_there_are_at_least_thirty_malformed_fixtures():
    assert len(BAD) >= 30


@pytest.mark.parametrize("name", BAD)
def test_run_reports_exactly_one_line_and_writes_nothing(name, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    status = main(["run", str(FIXTURES / name), "--out", str(out), "--no-plots", "--workers", "1"])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err == f"error: {expected_message(name)}\n"
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", BAD)
def test_loader_raises_the_same_message(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(scenario.ScenarioError) as error:
        scenario.load(FIXTURES / name)
    assert str(error.value) == expected_message(name)
    assert "\n" not in str(error.value)


def test_compare_reports_a_bad_alternative_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    status = main(["compare", "scenarios/baseline.toml", str(FIXTURES / "shock_unknown_lever.toml"),
                   "--out", str(out), "--no-plots"])
    assert status == 2
    assert capsys.readouterr().err == f"error: {expected_message('shock_unknown_lever.toml')}\n"
    assert list(tmp_path.iterdir()) == []
