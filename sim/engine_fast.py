"""The production engine: the population as a structure of arrays, walked in a few compiled passes.

Each mechanism keeps its rules and its per-person update in its own file; this engine strings the updates together
in the documented monthly order (docs/ODD.md §3). Steps 2-4 touch only each migrant's own state and additive household
totals, so doing them person by person in one pass gives the same result as doing them mechanism by mechanism in
separate passes, with a fraction of the memory traffic. Passes walk compact lists of rows (people abroad, departure
candidates) built beforehand, so they do not branch on every row of the population. The large passes are shared
between the processor's cores in parts that do not depend on the number of threads, so the result does not either.
"""

import multiprocessing
import os
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from sim import conditions, population
from sim import random_streams as rs
from sim import tally as t
from sim.mechanisms import (
    bans,
    demography,
    departures,
    earnings,
    employment_abroad,
    enforcement,
    grievance,
    home_labour_market,
    households,
    indicators,
    legal_status,
    naturalisation,
    network,
    remittances,
    returns,
)
from sim.population import GONE, HOME, KAZAKHSTAN, RUSSIA

# The passes allocate nothing, so they run without Numba's reference counting: with it, every call into a
# mechanism's per-person update increfs and decrefs each array of the population (about 200 ns a call, measured).
PASS = {"cache": True, "_nrt": False}

# Work shared between threads is cut into parts fixed whatever the number of threads, each part keeps its own counts,
# and the counts are added afterwards: one thread or two give the same bytes. People abroad are split by household
# (``household_part``), because their money goes to their households: all of a household's senders are walked by one
# thread, in row order. Households are numbered in row order when the population is built, so each part is mostly
# one stretch of rows (the entrants of later years, who join households anywhere, are not). Passes over every row are
# split into blocks of ``BLOCK_ROWS`` rows. The passes release the interpreter's lock (``nogil``), so plain Python
# threads run them side by side.
HOUSEHOLD_PARTS = 64
BLOCK_ROWS = 65536
THREADS_FROM_ROWS = 100_000  # smaller populations run on one thread (``FastEngine.step``)
SHARED = {**PASS, "nogil": True}


@njit(cache=True, inline="always")
def household_part(household, n_households):
    return np.int64(household) * HOUSEHOLD_PARTS // n_households


@njit(**SHARED)
def abroad_pass(people, hh, v, rows, part_starts, c, return_bounds, month, keys, tallies, first_part, last_part):
    """Steps 2-4 for everyone abroad at the start of the month, in household parts ``first_part`` to
    ``last_part - 1``."""
    terms, fee_to_wage, return_terms = c.destination_terms, c.fee_to_wage, c.returns
    for part in range(first_part, last_part):
        tally = tallies[part]
        for k in range(part_starts[part], part_starts[part + 1]):
            i = np.uint64(rows[k])  # an unsigned index spares a test for negative indices on every access
            where = people.location[i]
            in_russia = where == RUSSIA
            employment_abroad.update(people, i, v, in_russia, keys, tally)
            earnings.update(people, i, v, where, terms, keys, tally)
            if in_russia:
                legal_status.update(people, i, v, fee_to_wage, keys, tally)
                if enforcement.update(people, hh, i, v, month, keys, tally):
                    continue
            elif where == KAZAKHSTAN and enforcement.update_kazakhstan(people, hh, i, v, month, keys, tally):
                continue
            remittances.update(people, hh, i, v, c.expected_abroad, c.formal_shares, c.poverty_line_usd, keys, tally)
            # Shortcut: whoever draws above a bound on their return hazard stays, without paying for its exponential.
            if not returns.surely_stays(people, i, v, in_russia, return_bounds, keys) and \
                    returns.consider(people, hh, i, v, return_terms, in_russia, month, keys, tally):
                continue
            if in_russia:
                naturalisation.update(people, hh, i, v, keys, tally)


@njit(**SHARED)
def departure_proposals(people, hh, v, n, terms, month, rest_months, key, rows, found, proposals, contact_at,
                        first_block, last_block):
    """The first parts of step 5 by block: who among the first ``n`` rows may leave (``departures.scan``), and what
    each of them would choose (``departures.propose``)."""
    for block in range(first_block, last_block):  # a block at a time, so its columns are still in the cache
        departures.scan(people, hh, v, n, terms, month, rest_months, key, rows, found, block, block + 1)
        departures.propose(people, hh, v, terms, month, key, rows, found, proposals, contact_at, block, block + 1)


@njit(**PASS)
def departure_decisions(people, hh, v, n, terms, month, rest_months, keys, tally, rows, found, proposals, departed):
    """The last part of step 5 (``departures.decide``), in row order on one thread."""
    departures.decide(people, hh, v, n, terms, month, rest_months, keys, tally, rows, found, proposals, departed)


@njit(**SHARED)
def home_work(people, n, market, month, keys, first_block, last_block):
    """Step 6's separations, hires and plot work for everyone at home, by block."""
    for block in range(first_block, last_block):
        home_labour_market.work(people, block * BLOCK_ROWS, min((block + 1) * BLOCK_ROWS, n), market, month, keys)


@njit(**SHARED)
def month_end_rows(people, hh, v, n, total, life, order, starts, month, keys, tallies, census, risk, scratch,
                   first_block, last_block):
    """Ageing and exits, the grievance drift and ties (step 7), and the census and exposure counts (step 9), by
    block: in each of these a person's update reads only their own state and the contact lists built before. Then
    each block lists who is abroad for next month, grouped by household part, in ``scratch.staged`` from the
    block's first row on, with each part's count in ``scratch.part_counts[block]``.

    Shortcut (fused, vectorised passes): within a block each step runs over all its rows before the next, in
    kernels simple enough for the compiler to run on several people at once. This gives the same result as walking
    person by person through all the steps for the same reason."""
    n_households = hh.agents.shape[0]
    for block in range(first_block, last_block):
        start, stop = block * BLOCK_ROWS, min((block + 1) * BLOCK_ROWS, total)
        demography.age(people, start, min(stop, n), life.exit_age_months, tallies[block])
        grievance.update(people, v, start, stop)
        network.update(people, v, start, stop, n, order, starts, keys, tallies[block], scratch.flags,
                       scratch.rows[start:], scratch.picks[start:])
        indicators.count(people, v, start, stop, month, census[block], risk[block])
        counts = scratch.part_counts[block]
        counts[:] = 0
        for i in rs.rows(start, stop):
            where = people.location[i]
            counts[household_part(people.household[i], n_households)] += (where < GONE) & (where != HOME)
        place = scratch.part_places[block]  # the next free place of each part in the block's stretch
        filled = 0
        for part in range(HOUSEHOLD_PARTS):
            place[part] = start + filled
            filled += counts[part]
        for i in rs.rows(start, stop):
            where = people.location[i]
            if (where < GONE) & (where != HOME):
                part = household_part(people.household[i], n_households)
                scratch.staged[place[part]] = i
                place[part] += 1


@njit(**PASS)
def pay_and_enter(people, hh, n, total, market, life, keys, rows):
    """On one thread, in row order: step 6's wages to the employed at home and their households (returns the total
    paid), and step 7's entrants into rows ``n`` to ``total - 1``."""
    wages = home_labour_market.pay(people, hh, 0, n, market, 0.0, rows)
    demography.enter(people, n, total, life, keys)
    return wages


@njit(**PASS)
def month_end(people, hh, total, scratch):
    """The rest of the month-end on one thread: the households' member counts; and who is abroad for next month,
    grouped by household part (``scratch.abroad_rows`` from ``scratch.part_starts[p]`` to
    ``scratch.part_starts[p + 1]`` for part ``p``), in row order within each part."""
    hh.agents[:] = 0
    for i in rs.rows(0, total):
        hh.agents[rs.unsigned(people.household[i])] += people.location[i] < GONE  # not gone or vacant
    blocks = (total + BLOCK_ROWS - 1) // BLOCK_ROWS
    starts = scratch.part_starts
    starts[0] = 0
    for part in range(HOUSEHOLD_PARTS):
        placed = starts[part]
        for block in range(blocks):
            # ``month_end_rows`` left each part's place just past its stretch in the block's staged list.
            staged_to = scratch.part_places[block, part]
            for k in range(staged_to - scratch.part_counts[block, part], staged_to):
                scratch.abroad_rows[placed] = scratch.staged[k]
                placed += 1
        starts[part + 1] = placed


_THREADS = {"count": None}


def set_threads(count: int | None):
    """How many threads this process's runs use from now on; None for every processor this process may use."""
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise ValueError(f"threads: must be a whole number >= 1, got {count!r}")
    _THREADS["count"] = count


def threads() -> int:
    """How many threads this process's runs use: ``set_threads``, or else one in a worker process of a pool (the
    pool keeps every core busy already) and every processor this process may use in any other."""
    if _THREADS["count"] is not None:
        return _THREADS["count"]
    if multiprocessing.parent_process() is not None:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


_POOLS: dict = {}


def in_parts(kernel, parts: int, workers: int, *args, sizes=None):
    """``kernel(*args, first, last)`` over parts ``0`` to ``parts - 1``: on this thread, or split into contiguous
    ranges over ``workers`` threads, of about equal total size if ``sizes`` (cumulative, ``parts + 1`` values)
    are given. Each part writes only its own rows and counts, so the split changes nothing but the time."""
    workers = min(workers, parts)
    if workers <= 1:
        kernel(*args, 0, parts)
        return
    # Keyed by process too: a forked child inherits the pool but not its threads.
    key = (os.getpid(), workers)
    pool = _POOLS.get(key)
    if pool is None:
        pool = _POOLS[key] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tajmig-pass")
    if sizes is None:
        bounds = [parts * k // workers for k in range(workers + 1)]
    else:
        shares = sizes[-1] * np.arange(1, workers) / workers
        bounds = [0, *np.searchsorted(sizes, shares).tolist(), parts]
    for done in [pool.submit(kernel, *args, first, last) for first, last in zip(bounds[:-1], bounds[1:], strict=True)]:
        done.result()


# Scratch space the passes overwrite every month and never output: a flag and three row lists with a place for
# every row of the population (the list of who is abroad is read back after the pass), each household part's place in
# that list, the blocks' lists of who is abroad and their counts by part, per-block counts, each departure
# candidate's proposed choice and their contacts' locations, and a bit set of who left.
Scratch = namedtuple("Scratch", "flags rows picks abroad_rows part_starts staged part_counts part_places found "
                                "proposals contact_at departed tallies census risk")


def _blocks(rows: int, block_rows: int) -> int:
    return (rows + block_rows - 1) // block_rows


class FastEngine:
    name = "fast"

    def __init__(self, model, capacity_months: int):
        self.model = model
        profile = model.profile
        self.people, self.households, self.next_free = population.synthesise(
            profile, model.values, model.scale, model.first_month, model.population_rng, capacity_months)
        self.n_regions = len(profile.region_names)
        self.life = demography.life_terms(profile, self.households.region)
        self.memory = conditions.initial_memory(self.people, profile, model.values, model.first_month,
                                                self.next_free, model.scale)
        self.months_done = 0
        self.contact_lists = None
        self._allocate_rows()
        n, scratch = self.next_free, self.scratch
        location, household = self.people.location[:n], self.people.household[:n]
        abroad = np.flatnonzero((location != HOME) & (location < GONE))
        # Who is abroad, grouped by household part and in row order within each (as ``month_end`` lists them).
        parts = household[abroad].astype(np.int64) * HOUSEHOLD_PARTS // self.households.region.shape[0]
        order = np.argsort(parts, kind="stable")
        scratch.abroad_rows[:abroad.size] = abroad[order]
        scratch.part_starts[:] = np.concatenate([[0], np.cumsum(np.bincount(parts, minlength=HOUSEHOLD_PARTS))])
        self.income_history = indicators.income_history(self.households.region.shape[0])

    @property
    def agents(self) -> int:
        return self.next_free

    def _allocate_rows(self):
        capacity = self.people.location.shape[0]
        blocks = capacity // min(BLOCK_ROWS, departures.BLOCK_ROWS) + 1
        previous = getattr(self, "scratch", None)
        self.scratch = Scratch(
            flags=np.empty(capacity, dtype=np.bool_), rows=np.empty(capacity, dtype=np.int32),
            picks=np.empty(capacity, dtype=np.int32), abroad_rows=np.empty(capacity, dtype=np.int32),
            part_starts=np.zeros(HOUSEHOLD_PARTS + 1, dtype=np.int64), staged=np.empty(capacity, dtype=np.int32),
            part_counts=np.zeros((blocks, HOUSEHOLD_PARTS), dtype=np.int64),
            part_places=np.zeros((blocks, HOUSEHOLD_PARTS), dtype=np.int64),
            found=np.zeros((blocks, 3), dtype=np.int64),
            proposals=np.empty(capacity, dtype=np.uint8),
            contact_at=np.empty((capacity, self.people.contacts.shape[1]), dtype=np.uint8),
            departed=np.zeros(capacity // 64 + 1, dtype=np.uint64),
            tallies=np.zeros((max(blocks, HOUSEHOLD_PARTS), len(t.NAMES))),
            census=np.zeros((blocks, len(indicators.CENSUS))), risk=np.zeros((blocks, len(indicators.RISK))))
        if previous is not None:  # the population grew: keep the list of who is abroad
            self.scratch.abroad_rows[:previous.abroad_rows.shape[0]] = previous.abroad_rows
            self.scratch.part_starts[:] = previous.part_starts

    def step(self, month: int, v) -> dict:
        model, profile = self.model, self.model.profile
        n_entrants = demography.entrants_due(model.entrant_schedule, month)
        if self.next_free + n_entrants > self.people.location.shape[0]:
            self.people = population.grow(self.people, int((self.next_free + n_entrants) * 1.25) + 16)
            self._allocate_rows()
        people, hh, n = self.people, self.households, self.next_free
        total = n + n_entrants
        # Handing work to another thread costs more than it saves in a small population. Measured on 2 cores, 24
        # months of the baseline: 37,000 agents 10-20 % slower on two threads, 94,000 about even, 187,000 1.2x and
        # 375,000 1.3x faster.
        workers = threads() if n >= THREADS_FROM_ROWS else 1
        keys = rs.month_keys(model.master_key, month)
        c = conditions.monthly(v, self.memory, profile, model.scale, month, spinup=month < model.start_month)
        households.new_month(hh)
        scratch = self.scratch
        tallies = scratch.tallies
        tallies[:] = 0

        in_parts(abroad_pass, HOUSEHOLD_PARTS, workers, people, hh, v, scratch.abroad_rows, scratch.part_starts, c,
                 returns.upper_bounds(c.returns), month, keys, tallies, sizes=scratch.part_starts)
        tally = tallies.sum(axis=0)  # whole numbers (money in units of sim.tally): the same sum in any order
        naturalisation.diaspora_transfers(hh, v, keys, tally)
        rest_months = int(v.returnee_rest_months)
        in_parts(departure_proposals, _blocks(n, departures.BLOCK_ROWS), workers, people, hh, v, n, c.departure, month,
                 rest_months, keys[rs.DEPART], scratch.rows, scratch.found, scratch.proposals, scratch.contact_at)
        departure_decisions(people, hh, v, n, c.departure, month, rest_months, keys, tally, scratch.rows,
                            scratch.found, scratch.proposals, scratch.departed)
        if v.ban_amnesty_share > 0:
            bans.amnesty(people, v, 0, n, month, keys, tally)

        market = home_labour_market.monthly_terms(c.capacity, tally, v, c.region_wage_usd)
        if self.contact_lists is None or month % 12 == 0:
            self.contact_lists = network.region_lists(people, n, self.n_regions)
        in_parts(home_work, _blocks(n, BLOCK_ROWS), workers, people, n, market, month, keys)
        home_earnings = pay_and_enter(people, hh, n, total, market, self.life, keys, scratch.rows)
        tallies[:] = 0
        scratch.census[:] = 0
        scratch.risk[:] = 0
        order, starts = self.contact_lists
        in_parts(month_end_rows, _blocks(total, BLOCK_ROWS), workers, people, hh, v, n, total, self.life, order, starts,
                 month, keys, tallies, scratch.census, scratch.risk, scratch)
        tally += tallies.sum(axis=0)
        census, risk = scratch.census.sum(axis=0), scratch.risk.sum(axis=0)
        month_end(people, hh, total, scratch)
        self.next_free = n = total

        household_counts = households.step(hh, v, c.poverty_line_usd, self.months_done == 0, 0,
                                           hh.region.shape[0])
        risk[indicators.INCOME_FELL] = indicators.income_fell(hh, self.income_history, v, month,
                                                              c.poverty_line_usd, 0, hh.region.shape[0])
        raw = t.month_record(tally, census, risk, market, c, n_entrants, hh.region.shape[0], household_counts,
                             home_earnings)
        self.memory.update(raw, v, spinup=month < model.start_month)
        self.months_done += 1
        return raw
