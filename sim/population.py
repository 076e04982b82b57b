"""The population as a structure of arrays (Starsim/LASER style) and its synthesis from a country profile.

A person is a row (a *slot*). Rows are never deleted: people who leave the model (retirement, naturalisation) are
marked ``GONE``; rows for future labour-market entrants are pre-allocated as ``VACANT``. Agents are the
economically active: the resident labour force at home plus the migrants abroad. Children, students, pensioners
and others outside the labour force are counted as dependants of their household, not as agents.
"""

from collections import namedtuple

import numpy as np

from sim.calendar import fractional_year

# Locations. Destinations are 1..3 so that they index the destination arrays directly.
HOME, RUSSIA, KAZAKHSTAN, OTHER, GONE, VACANT = 0, 1, 2, 3, 4, 5
DESTINATIONS = ("russia", "kazakhstan", "other")
N_SKILLS = 3

NO_MONTH = -(2**31) + 1  # "never" for month-valued columns

# A column of the population: its dtype, the value of a row nobody has filled yet, and what it means (LASER's
# add_scalar_property(name, dtype, default), Starsim's typed states).
Column = namedtuple("Column", "dtype default label")

PERSON_COLUMNS = {
    "location": Column(np.uint8, VACANT, "HOME, RUSSIA, KAZAKHSTAN, OTHER, GONE or VACANT"),
    "age_months": Column(np.int16, 0, "age in months"),
    "female": Column(np.bool_, False, "a woman"),
    "region": Column(np.uint8, 0, "region of origin (index into the profile's regions)"),
    "household": Column(np.int32, 0, "household (row of the households' columns)"),
    "skill": Column(np.uint8, 0, "0 low, 1 medium, 2 high"),
    "documented": Column(np.bool_, False, "patent and registration valid (meaningful abroad)"),
    "on_register": Column(np.bool_, False, "on Russia's 'controlled persons' register"),
    "employed": Column(np.bool_, False, "has a job where the person is (home or abroad)"),
    "on_plot": Column(np.bool_, False, "at home, works the household's plot rather than a wage job (meaningful "
                                       "while employed)"),
    "wage_usd": Column(np.float32, 0.0, "gross wage this month"),
    "net_usd": Column(np.float32, 0.0, "net earnings abroad this month after living costs, fees and losses"),
    "spell_months": Column(np.int16, 0, "months in the current spell at home or abroad"),
    "experience_months": Column(np.int16, 0, "total months abroad"),
    "unemployed_months": Column(np.int16, 0, "months jobless at home in the current spell"),
    "savings_usd": Column(np.float32, 0.0, "savings abroad (target earners)"),
    "unsent_usd": Column(np.float32, 0.0, "money set aside for home, not yet sent"),
    "expected_net_usd": Column(np.float32, 0.0, "moving average of net earnings abroad in the current spell"),
    "ban_until": Column(np.int32, NO_MONTH, "absolute month until which a Russian entry ban runs (exclusive)"),
    "grievance": Column(np.float32, 0.0, "accumulated harm, 0..1, decays"),
    "returned_month": Column(np.int32, NO_MONTH, "absolute month of the last return home"),
    "deported": Column(np.bool_, False, "the last return was a deportation"),
}
HOUSEHOLD_COLUMNS = {
    "region": Column(np.uint8, 0, "region (index into the profile's regions)"),
    "dependants": Column(np.int16, 0, "members outside the labour force (not agents)"),
    "agents": Column(np.int32, 0, "members who are agents, counted each month"),
    "remittances_usd": Column(np.float32, 0.0, "received this month"),
    "transfers": Column(np.int16, 0, "transfers received this month"),
    "earnings_usd": Column(np.float32, 0.0, "earned at home this month, plus savings brought home"),
    "income_avg_usd": Column(np.float32, 0.0, "12-month moving average of income per member"),
    "income_recent_usd": Column(np.float32, 0.0, "3-month moving average of income per member"),
    "need": Column(np.float32, 0.0, "poverty gap ratio of the 12-month average, 0..1"),
    "naturalised_remit_usd": Column(np.float32, 0.0, "sent each month by members who took Russian citizenship"),
}

People = namedtuple("People", list(PERSON_COLUMNS) + ["contacts"])
Households = namedtuple("Households", list(HOUSEHOLD_COLUMNS))


def _allocate(columns: dict, rows: int) -> dict:
    return {name: np.full(rows, column.default, dtype=column.dtype) for name, column in columns.items()}


# Assumed, not sourced: skill mix of the labour force (low, medium, high) and its wage multipliers.
SKILL_SHARES = np.array([0.45, 0.45, 0.10])
SKILL_WAGE = np.array([0.8, 1.05, 1.5], dtype=np.float64)  # mean about 1 under SKILL_SHARES
# Assumed: about a quarter of men at home have worked abroad before (most Tajik migrants are circular).
HOME_EXPERIENCED_SHARE_MALE, HOME_EXPERIENCED_SHARE_FEMALE = 0.25, 0.03
# Assumed: share of migrants with a job on any given day; the model settles its own rate within months.
INITIAL_EMPLOYED_ABROAD = 0.9


def allocate_people(capacity: int, contacts: int) -> People:
    """``capacity`` rows, each at its columns' defaults (vacant), with room for ``contacts`` contacts."""
    return People(**_allocate(PERSON_COLUMNS, capacity), contacts=np.zeros((capacity, contacts), dtype=np.int32))


def allocate_households(count: int) -> Households:
    return Households(**_allocate(HOUSEHOLD_COLUMNS, count))


def region_index(codes: np.ndarray, n_regions: int):
    """CSR lists of row numbers by region: rows ``order[starts[r]:starts[r + 1]]`` are in region r."""
    order = np.argsort(codes, kind="stable").astype(np.int32)
    starts = np.zeros(n_regions + 1, dtype=np.int64)
    starts[1:] = np.cumsum(np.bincount(codes, minlength=n_regions))
    return order, starts


def grow(people: People, capacity: int) -> People:
    """A copy with more VACANT rows (LASER pre-allocates; this is the rare fallback for long runs)."""
    bigger = allocate_people(capacity, people.contacts.shape[1])
    n = people.location.shape[0]
    for name in People._fields:
        getattr(bigger, name)[:n] = getattr(people, name)
    return bigger


class EntrantSchedule:
    """Expected labour-force entrants, in agents, over the first months from ``start_month``: the monthly inflows
    summed in month order. The partial sums are kept, so a run asking month after month adds one inflow each time
    instead of summing from its first month again."""

    def __init__(self, profile, scale: float, start_month: int):
        self.profile, self.scale, self.start_month = profile, scale, start_month
        self._sums = [0.0]  # _sums[k]: the first k months' inflows per year, summed

    def expected(self, months: int) -> float:
        while len(self._sums) <= months:
            month = self.start_month + len(self._sums) - 1
            self._sums.append(self._sums[-1] + self.profile.entrants_per_year(fractional_year(month)))
        return self._sums[months] / 12 / self.scale


def expected_entrants(profile, scale: float, start_month: int, months: int) -> float:
    return EntrantSchedule(profile, scale, start_month).expected(months)


def _ages(rng, n, migrants, entry_age, upper_age):
    span = upper_age - entry_age
    if migrants:
        # Assumed: migrants are young, mostly 20-40 (mean about 30).
        years = entry_age + np.minimum(rng.gamma(2.5, 5.0, n), span - 0.01)
    else:
        # Assumed: a young, growing population; density falls 2.5% a year of age.
        u = rng.random(n)
        rate = 0.025
        years = entry_age - np.log(1 - u * (1 - np.exp(-rate * span))) / rate
    return (years * 12).astype(np.int16)


def synthesise(profile, values: dict, scale: float, start_month: int, rng: np.random.Generator,
               capacity_months: int = 0):
    """Build people and households for ``start_month``. Returns (people, households, n_initial)."""
    year = fractional_year(start_month)
    facts = profile.facts
    n_home = max(1, round(profile.at("labour_force_home", year) / scale))
    n_abroad = max(1, round(profile.at("migrant_stock", year) / scale))
    n_households = max(1, round(profile.at("population", year) / facts["household_size"] / scale))
    n = n_home + n_abroad
    capacity = n + int(expected_entrants(profile, scale, start_month, capacity_months) * 1.05) + 16
    people = allocate_people(capacity, int(values["network_contacts"]))
    entry_age, upper_age = facts["entry_age"], facts["upper_working_age"]

    abroad = np.zeros(n, dtype=bool)
    abroad[n_home:] = True
    home = ~abroad
    n_regions = len(profile.region_names)

    households = allocate_households(n_households)
    households.region[:] = rng.choice(n_regions, n_households, p=profile.region_population_share)
    # A fixed share of households sends migrants; the rest only have members at home.
    migrant_household = rng.random(n_households) < facts["migrant_household_share"]

    region = np.empty(n, dtype=np.uint8)
    region[home] = rng.choice(n_regions, n_home, p=profile.region_population_share)
    region[abroad] = rng.choice(n_regions, n_abroad, p=profile.region_migrant_share)
    household = np.empty(n, dtype=np.int32)
    for r in range(n_regions):
        in_region = np.flatnonzero(households.region == r)
        if in_region.size == 0:
            in_region = np.arange(n_households)
        senders = in_region[migrant_household[in_region]]
        if senders.size == 0:
            senders = in_region
        for group, pool in ((home, in_region), (abroad, senders)):
            members = np.flatnonzero(group & (region == r))
            # Cover every household of the pool once before doubling up, so no household is left without
            # a worker at home and every sending household has a migrant.
            covered = min(members.size, pool.size)
            household[members[:covered]] = rng.permutation(pool)[:covered]
            household[members[covered:]] = rng.choice(pool, members.size - covered)
    people.location[:n] = HOME
    destination = rng.choice(3, n_abroad, p=profile.destination_shares) + 1
    people.location[n_home:n] = destination
    people.region[:n] = region
    people.household[:n] = household

    female = np.empty(n, dtype=bool)
    female[home] = rng.random(n_home) >= facts["male_share_home_labour_force"]
    female[abroad] = rng.random(n_abroad) >= facts["male_share_migrants"]
    people.female[:n] = female
    people.age_months[:n][home] = _ages(rng, n_home, False, entry_age, upper_age)
    people.age_months[:n][abroad] = _ages(rng, n_abroad, True, entry_age, upper_age)
    people.skill[:n] = rng.choice(3, n, p=SKILL_SHARES)

    in_russia = people.location[:n] == RUSSIA
    people.documented[:n] = abroad & ~(in_russia & (rng.random(n) < facts["irregular_share_russia"]))
    people.employed[:n] = np.where(abroad, rng.random(n) < INITIAL_EMPLOYED_ABROAD,
                                   rng.random(n) >= values["initial_unemployment_rate"])
    people.on_plot[:n] = home & people.employed[:n] & (rng.random(n) < values["initial_plot_share"])
    people.unemployed_months[:n] = np.where(home & ~people.employed[:n], rng.integers(0, 13, n), 0)
    spell = rng.integers(0, 25, n).astype(np.int16)
    people.spell_months[:n] = spell
    experienced_share = np.where(female, HOME_EXPERIENCED_SHARE_FEMALE, HOME_EXPERIENCED_SHARE_MALE)
    past = np.where(abroad | (rng.random(n) < experienced_share), rng.integers(6, 61, n), 0)
    people.experience_months[:n] = np.where(abroad, spell, 0) + past
    people.savings_usd[:n] = np.where(abroad, rng.random(n) * values["savings_target_usd"] * 0.5, 0)

    # The banned stock: men at home with experience abroad, with the rest of a ban to run.
    experienced_home = home & (people.experience_months[:n] > 0)
    n_banned = min(round(profile.at("banned_stock", year) / scale), int(experienced_home.sum()))
    candidates = np.flatnonzero(experienced_home & ~female)
    if candidates.size < n_banned:
        candidates = np.flatnonzero(experienced_home)
    banned = rng.choice(candidates, n_banned, replace=False) if n_banned else np.array([], dtype=np.int64)
    ban_months = int(values["entry_ban_months"])
    if ban_months == 0:  # bans of no length: nobody starts banned
        banned = banned[:0]
    people.ban_until[banned] = start_month + rng.integers(1, ban_months + 1, banned.size)
    # Assumed: experienced people at home came back within the last five years; the banned were deported when
    # their ban began.
    back = np.flatnonzero(experienced_home)
    people.returned_month[back] = start_month - rng.integers(1, 61, back.size)
    people.returned_month[banned] = people.ban_until[banned] - ban_months
    people.deported[banned] = True

    _sort_by_household(people, n)
    _initial_contacts(people, n, n_regions, rng)
    size = 1 + rng.poisson(max(facts["household_size"] - 1, 0), n_households)
    households.dependants[:] = np.maximum(0, size - np.bincount(household, minlength=n_households))
    return people, households, n


def _sort_by_household(people: People, n: int):
    """Put members of a household in adjacent rows, so the passes that read and write household totals walk
    memory in order (LASER: walk arrays sequentially)."""
    order = np.argsort(people.household[:n], kind="stable")
    for name in PERSON_COLUMNS:
        column = getattr(people, name)
        column[:n] = column[:n][order]


def _initial_contacts(people: People, n: int, n_regions: int, rng: np.random.Generator):
    """Contact 0 is someone in the same household where there is one; the rest are people in the same region."""
    k = people.contacts.shape[1]
    region = people.region[:n]
    for r in range(n_regions):
        members = np.flatnonzero(region == r)
        if members.size:
            people.contacts[members, :] = rng.choice(members, (members.size, k))
    order = np.argsort(people.household[:n], kind="stable")
    sorted_households = people.household[:n][order]
    new_group = np.concatenate(([True], sorted_households[1:] != sorted_households[:-1]))
    group = np.cumsum(new_group) - 1
    starts = np.flatnonzero(new_group)
    ends = np.concatenate((starts[1:], [n])) - 1
    position = np.arange(n)
    # Each member's household contact is the next member, the last one wrapping round to the first.
    next_position = np.where(position < ends[group], position + 1, starts[group])
    shared = ends[group] > starts[group]
    people.contacts[order[shared], 0] = order[next_position[shared]]
