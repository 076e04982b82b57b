"""Data in the project and origin-country profiles: every data row has a source, every profile loads,
carries a source for every figure, and runs."""

import csv
from pathlib import Path

import pytest

from sim import MigrationModel, country

DATA = Path(__file__).resolve().parent.parent / "analysis" / "data"


@pytest.mark.parametrize("path", sorted(DATA.glob("*.csv")), ids=lambda p: p.name)
def test_every_data_row_parses_and_has_a_source(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, path
    assert "source" in rows[0] and "note" in rows[0], f"{path.name} needs source and note columns"
    for number, row in enumerate(rows, start=2):
        assert row["source"].strip(), f"{path.name} line {number} has no source"


def test_monthly_rouble_path_covers_the_history_without_gaps():
    with open(DATA / "rub_per_usd_monthly.csv", newline="") as handle:
        dates = [row["date"] for row in csv.DictReader(handle)]
    expected = [f"{year}-{month:02d}" for year in range(2010, 2026) for month in range(1, 13)]
    assert dates == expected


@pytest.mark.parametrize("name", ["tajikistan", "kyrgyzstan", "uzbekistan"])
def test_every_country_profile_loads_and_runs(name):
    profile = country.load(name)
    assert profile.name == name
    assert all(profile.sources[key].strip() for key in profile.sources)
    model = MigrationModel(scale=3000, rng=1, country_profile=name, spinup_months=2)
    model.run_for(3)
    frame = model.results()
    assert (frame.migrants_abroad > 0).all() and (frame.remittances_usd > 0).all()


def test_profiles_differ_by_country_not_by_name_only():
    tj, kg, uz = (country.load(name) for name in ("tajikistan", "kyrgyzstan", "uzbekistan"))
    assert tj.facts != kg.facts != uz.facts
    assert tj.region_names != kg.region_names != uz.region_names
    # Eurasian Economic Union since August 2015: no patent in Russia from then; the others always need one.
    assert (kg.patent_free_from, tj.patent_free_from, uz.patent_free_from) == (2015 * 12 + 7, None, None)


@pytest.mark.parametrize("name", ["tajikistan", "kyrgyzstan", "uzbekistan"])
def test_no_profile_has_more_bans_before_2013_than_after(name):
    """Russia applied re-entry bans at scale from mid-2013 (policy_timeline.csv): a profile's series must not run
    its later fall backwards into hundreds of thousands banned at the history's 2008 start."""
    profile = country.load(name)
    assert profile.at("banned_stock", 2008.0) < profile.at("banned_stock", 2014.5) / 2


def test_a_treaty_country_pays_no_patent_whatever_fee_a_scenario_sets():
    fee_for_all = {"lever": "patent_fee_rub", "mode": "set", "value": 7500, "start": "2015-01"}
    kyrgyz = MigrationModel(scale=3000, rng=1, country_profile="kyrgyzstan", start="2015-06", spinup_months=0,
                            shocks=[fee_for_all])
    kyrgyz.run_for(4)
    assert kyrgyz.levers().patent_fee_rub.tolist() == [7500, 7500, 0, 0]  # June, July, then August 2015 on
    tajik = MigrationModel(scale=3000, rng=1, start="2015-06", spinup_months=0, shocks=[fee_for_all])
    tajik.run_for(4)
    assert tajik.levers().patent_fee_rub.tolist() == [7500] * 4


def test_a_profile_with_a_malformed_treaty_month_is_refused(tmp_path):
    text = (country.COUNTRIES_DIR / "kyrgyzstan.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('patent_free_from = "2015-08"', 'patent_free_from = "August 2015"'))
    with pytest.raises(country.ProfileError, match=r"bad.toml: treaty.patent_free_from: expected a date as YYYY-MM"):
        country.load(bad)


def test_unknown_country_is_refused_with_a_suggestion():
    with pytest.raises(country.ProfileError, match="did you mean 'tajikistan'"):
        country.load("tajikstan")


def test_a_scenario_can_date_a_treaty_or_set_one_aside(tmp_path):
    from sim import scenario

    def fees(name, country_name, setting, start="2015-06"):
        path = tmp_path / f"{name}.toml"
        path.write_text(f'[scenario]\nname = "{name}"\nstart = "{start}"\nmonths = 4\ncountry = "{country_name}"\n'
                        f'patent_free_from = "{setting}"\n[parameters]\npatent_fee_rub = 4000\n')
        s = scenario.load(path)
        model = s.model(scale=3000, rng=1, months=4)
        model.run_for(4)
        return model.levers().patent_fee_rub.tolist()

    assert fees("kyrgyz_never", "kyrgyzstan", "never") == [4000] * 4  # the profile's 2015-08 set aside
    assert fees("tajik_joins", "tajikistan", "2015-07") == [4000, 0, 0, 0]
    assert fees("kyrgyz_later", "kyrgyzstan", "2015-09") == [4000, 4000, 4000, 0]
