"""People are conserved: nobody appears or vanishes except through the documented flows."""

import numpy as np
import pytest

from sim import MigrationModel
from sim.population import GONE, HOME, VACANT


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_population_and_migrant_stock_change_only_through_documented_flows(engine):
    model = MigrationModel(scale=3000, rng=5, engine=engine, spinup_months=2, raid_intensity=0.08)
    model.run_for(14)
    f = model.results()
    before, after = f.iloc[:-1].reset_index(drop=True), f.iloc[1:].reset_index(drop=True)
    population_change = after.labour_force_entrants - after.retirements - after.naturalisations
    np.testing.assert_allclose(after.population - before.population, population_change)
    stock_change = (after.departures - after.returns_voluntary - after.deportations - after.expulsions_kazakhstan
                    - after.naturalisations - after.retirements_abroad)
    np.testing.assert_allclose(after.migrants_abroad - before.migrants_abroad, stock_change)
    assert (f.labour_force_entrants > 0).all() and f.retirements.sum() > 0


def test_home_labour_force_resting_returnees_and_migrants_make_the_population():
    model = MigrationModel(scale=3000, rng=6, spinup_months=1)
    model.run_for(6)
    f = model.results()
    np.testing.assert_allclose(f.home_labour_force + f.home_returnees_resting + f.migrants_abroad, f.population)
    np.testing.assert_allclose(f.home_employed + f.home_unemployed, f.home_labour_force)
    np.testing.assert_allclose(f.migrants_documented + f.migrants_irregular, f.migrants_abroad)


def test_rows_are_never_deleted_and_entrants_fill_vacant_rows_in_order():
    model = MigrationModel(scale=3000, rng=7, spinup_months=0)
    n0 = model.engine.next_free
    model.run_for(12)
    people = model.engine.people
    n = model.engine.next_free
    assert n > n0
    assert (people.location[:n] != VACANT).all() and (people.location[n:] == VACANT).all()
    active = (people.location[:n] != GONE).sum()
    assert active * model.scale == model.results().population.iloc[-1]
    assert ((people.location[:n] == HOME) | (people.location[:n] != HOME)).all()
