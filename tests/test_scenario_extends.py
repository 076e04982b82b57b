"""``extends``: a scenario inherits its parent's settings, parameters and shocks, and overrides or adds to them."""

import textwrap
from pathlib import Path

import pytest

from sim import parameters, scenario
from sim.calendar import parse_month
from sim.timeline import Timeline

ROOT = Path(__file__).resolve().parent.parent


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def family(tmp_path):
    write(tmp_path / "lib" / "grandparent.toml", """
        [scenario]
        name = "grandparent"
        description = "the oldest"
        start = "2025-01"
        months = 24
        country = "tajikistan"

        [parameters]
        hostility = 0.4
        transfer_fee_formal = 0.03

        [[shocks]]
        lever = "raid_intensity"
        mode = "set"
        value = 0.05
        start = "2025-03"
    """)
    write(tmp_path / "lib" / "parent.toml", """
        [scenario]
        name = "parent"
        extends = "grandparent.toml"
        months = 12

        [parameters]
        hostility = 0.2

        [[shocks]]
        lever = "raid_intensity"
        mode = "scale"
        value = 2.0
        start = "2025-05"
        end = "2025-06"
    """)
    return write(tmp_path / "child" / "child.toml", """
        [scenario]
        name = "child"
        extends = "../lib/parent.toml"
        country = "kyrgyzstan"

        [[shocks]]
        lever = "hostility"
        mode = "add"
        value = 0.1
        start = "2025-02"
    """)


def test_settings_come_from_the_nearest_file_that_sets_them(family):
    s = scenario.load(family)
    assert (s.name, s.start, s.months, s.country) == ("child", "2025-01", 12, "kyrgyzstan")
    assert s.description == "", "a description is not inherited: the child is another scenario"


def test_parameters_merge_with_the_child_winning(family):
    assert scenario.load(family).parameters == {"hostility": 0.2, "transfer_fee_formal": 0.03}


def test_shocks_run_ancestors_first(family):
    s = scenario.load(family)
    assert [(x.lever, x.mode) for x in s.shocks] == [("raid_intensity", "set"), ("raid_intensity", "scale"),
                                                    ("hostility", "add")]
    timeline = Timeline(scenario.base_values(s.country, s.parameters), s.shocks, first_month=parse_month(s.start))
    base = parameters.BY_NAME["raid_intensity"].default
    assert [round(v, 10) for v in timeline.path("raid_intensity", 7)] == [base, base, 0.05, 0.05, 0.1, 0.1, 0.05]
    assert [round(v, 10) for v in timeline.path("hostility", 3)] == [0.2, 0.3, 0.3]


def test_text_and_hash_cover_every_file_of_the_chain(family, tmp_path):
    s = scenario.load(family)
    assert s.text.index('name = "grandparent"') < s.text.index('name = "parent"') < s.text.index('name = "child"')
    grandparent = tmp_path / "lib" / "grandparent.toml"
    grandparent.write_text(grandparent.read_text().replace("0.03", "0.031"))
    assert scenario.load(family).sha256 != s.sha256


def test_an_error_in_a_parent_names_the_parent_file_as_reached_from_the_child(family, tmp_path):
    parent = tmp_path / "lib" / "parent.toml"
    parent.write_text(parent.read_text().replace('mode = "scale"', 'mode = "scael"'))
    with pytest.raises(scenario.ScenarioError) as error:
        scenario.load(family)
    shown = f"{tmp_path}/child/../lib/parent.toml".replace("/child/..", "")
    assert str(error.value) == (f"{shown}: shocks[0].mode: unknown mode 'scael' (did you mean 'scale'?); "
                                f"modes are set, scale, add, ramp, pulse, path")


def test_library_scenarios_extend_the_baseline():
    s = scenario.load(ROOT / "scenarios" / "crocus_crackdown.toml")
    base = scenario.load(ROOT / "scenarios" / "baseline.toml")
    assert s.text.startswith(base.text)
    assert (s.start, s.months) == (base.start, base.months)
