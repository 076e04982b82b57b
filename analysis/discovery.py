"""Scenario discovery: under which combinations of conditions does an outcome cross a line, and which policy
packages hold up across them.

    from analysis import design, discovery, sweep
    outcome = discovery.parse_outcome("remittances_final_12m_usd_bn < 3.4", months=24)
    conditions = design.latin_hypercube(factors, 1000, seed=1)
    base = sweep.Sweep("sweep", scenario, conditions, replicates=2, seed=1, scale=100, months=24)
    plan = discovery.Discovery(base, policies=(package,))
    discovery.run(plan, "results/discovery")                 # resumable, like a sweep
    result = discovery.analyse(plan, "results/discovery", outcome)

The conditions are a Latin hypercube over parameter ranges (``analysis.design.latin_hypercube``), run through the
sweep machinery into one resumable store per scenario under ``OUT/runs/<scenario name>/``: a policy package is
the same design, the same seed and so the same random numbers replicate by replicate (common random numbers), so
two packages are compared condition by condition, not through noise. A calibrated parameter named in the design is
sampled uniformly over its plausible range like any other (the design explores that range, not the posterior); the
parameters outside the design run at the point estimate, or at posterior draws with ``--posterior``.

A case is a design point: the outcome's scalars are the median over the point's replicates, and the point is a
case of interest when the outcome expression holds for them. PRIM (Friedman and Fisher 1999; EMA Workbench's
maintained implementation, Kwakkel 2017) peels the parameter space down to boxes dense in cases of interest; CART
(scikit-learn's decision tree, through EMA Workbench) is the cross-check. The box reported for each PRIM run is the
densest box on the peeling trajectory that keeps at least ``min_coverage`` of the cases of interest it started with.
"""

import ast
import dataclasses
import math
import operator
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import scalars, sweep
from analysis.design import Design, Factor
from analysis.store import Store
from sim.scenario import Scenario

RUNS_DIR = "runs"
MANIFEST = "discovery.json"
DEFAULT_MASS_MIN = 0.05
DEFAULT_MIN_COVERAGE = 0.5
# PRIM's smallest box holds mass_min of the cases; below this many cases its density is a coin toss.
MIN_CASES_PER_BOX = 5


class DiscoveryError(ValueError):
    """Bad input to a discovery; the message is one line and starts with the flag it is about."""


# ---------------------------------------------------------------------------------------------- outcome
_COMPARISONS = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_SYMBOLS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


@dataclass(frozen=True)
class Outcome:
    """A condition on scalar outputs, parsed from text into a small tree that is evaluated with numpy: only
    scalar names, numbers, + - * /, comparisons and and/or/not are accepted, so nothing else can run."""

    text: str
    tree: ast.AST = field(repr=False, compare=False)
    names: tuple[str, ...]

    def holds(self, cases: pd.DataFrame) -> np.ndarray:
        """Boolean array: the outcome holds for each row of ``cases`` (columns named by scalar)."""
        return np.asarray(_evaluate(self.tree, cases), dtype=bool) & np.ones(len(cases), dtype=bool)

    def _single_comparison(self):
        """``(quantity node, bad when low)`` for an outcome ``QUANTITY < LIMIT`` or ``QUANTITY > LIMIT`` (either
        way round), else None."""
        node = self.tree
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
            return None
        left, right = node.left, node.comparators[0]
        bad_when_low = isinstance(node.ops[0], ast.Lt | ast.LtE)
        if _is_constant(left) and not _is_constant(right):
            return right, not bad_when_low
        return left, bad_when_low

    @property
    def quantity_text(self) -> str | None:
        single = self._single_comparison()
        return None if single is None else ast.unparse(single[0])

    def quantity(self, cases: pd.DataFrame) -> np.ndarray | None:
        """The quantity the outcome compares with its limit, per case; None for a compound condition."""
        single = self._single_comparison()
        if single is None:
            return None
        return np.asarray(_evaluate(single[0], cases), dtype=np.float64) * np.ones(len(cases))

    def score(self, cases: pd.DataFrame) -> np.ndarray | None:
        """The quantity signed so that higher is on the good side (``QUANTITY < LIMIT`` bad: the quantity itself;
        ``QUANTITY > LIMIT`` bad: minus it). None for a compound condition, which has no single quantity to
        compare packages by."""
        single = self._single_comparison()
        if single is None:
            return None
        values = self.quantity(cases)
        return values if single[1] else -values


def _is_constant(node) -> bool:
    return not any(isinstance(n, ast.Name) for n in ast.walk(node))


def _evaluate(node, cases):
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return cases[node.id].to_numpy(dtype=np.float64)
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, cases)
        if isinstance(node.op, ast.Not):
            return np.logical_not(value)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _ARITHMETIC[type(node.op)](_evaluate(node.left, cases), _evaluate(node.right, cases))
    if isinstance(node, ast.BoolOp):
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        values = [_evaluate(v, cases) for v in node.values]
        result = values[0]
        for value in values[1:]:
            result = combine(result, value)
        return result
    if isinstance(node, ast.Compare):
        result, left = True, _evaluate(node.left, cases)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, cases)
            result = np.logical_and(result, _COMPARISONS[type(op)](left, right))
            left = right
        return result
    raise AssertionError(f"unchecked node {ast.dump(node)}")  # _check lets no other node through


def _check(node, text: str, flag: str) -> str:
    """``"number"`` or ``"condition"``; raises DiscoveryError for anything outside the small grammar."""
    def refuse(what):
        raise DiscoveryError(f"{flag}: {what} is not allowed in {text!r}; use scalar names, numbers, + - * /, "
                             f"< <= > >=, and, or, not and parentheses")

    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            refuse(repr(node.value))
        return "number"
    if isinstance(node, ast.Name):
        if node.id not in scalars.BY_NAME:
            from sim.parameters import suggest

            raise DiscoveryError(f"{flag}: unknown scalar '{node.id}'{suggest(node.id, scalars.NAMES)}; scalars: "
                                 f"{', '.join(scalars.NAMES)}")
        return "number"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
        kind = _check(node.operand, text, flag)
        if isinstance(node.op, ast.Not) != (kind == "condition"):
            refuse(f"'{ast.unparse(node)}'")
        return kind
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        if _check(node.left, text, flag) != "number" or _check(node.right, text, flag) != "number":
            refuse(f"arithmetic on a condition ('{ast.unparse(node)}')")
        if isinstance(node.op, ast.Div) and _is_constant(node.right) and _evaluate(node.right, None) == 0:
            raise DiscoveryError(f"{flag}: division by zero ('{ast.unparse(node)}') in {text!r}")
        return "number"
    if isinstance(node, ast.BoolOp):
        if any(_check(v, text, flag) != "condition" for v in node.values):
            refuse(f"and/or of a number ('{ast.unparse(node)}')")
        return "condition"
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARISONS for op in node.ops):
        if any(_check(v, text, flag) != "number" for v in [node.left, *node.comparators]):
            refuse(f"comparing a condition ('{ast.unparse(node)}')")
        return "condition"
    refuse(f"'{ast.unparse(node)}'" if isinstance(node, ast.expr) else type(node).__name__)


def parse_outcome(text: str, months: int, threshold: str | None = None) -> Outcome:
    """The outcome ``text`` (a condition, or a quantity when ``threshold`` such as ``"< -33"`` is given), checked
    against the scalars a run of ``months`` months has. Raises DiscoveryError naming --outcome or --threshold."""
    tree = _parse(text, "--outcome")
    kind = _check(tree, text, "--outcome")
    if threshold is None and kind != "condition":
        raise DiscoveryError(f"--outcome: {text!r} is a quantity, not a condition; add a comparison "
                             f"('{text} < -33') or give --threshold")
    if threshold is not None:
        if kind == "condition":
            raise DiscoveryError(f"--threshold: the outcome {text!r} already is a condition")
        comparison = _parse(f"x {threshold}", "--threshold")
        if not (isinstance(comparison, ast.Compare) and len(comparison.ops) == 1
                and type(comparison.ops[0]) in _COMPARISONS and _is_constant(comparison.comparators[0])):
            raise DiscoveryError(f"--threshold: expected a comparison with a number such as '< -33' or '> 0.2', "
                                 f"got {threshold!r}")
        _check(comparison.comparators[0], threshold, "--threshold")
        tree = ast.Compare(left=tree, ops=comparison.ops, comparators=comparison.comparators)
    names = tuple(dict.fromkeys(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)))
    if not names:
        raise DiscoveryError(f"--outcome: {text!r} names no scalar output")
    for name in names:
        if months < scalars.BY_NAME[name].min_months:
            raise DiscoveryError(f"--outcome: {name} needs --months of at least {scalars.BY_NAME[name].min_months}, "
                                 f"got {months}")
    return Outcome(ast.unparse(tree), tree, names)


def _parse(text: str, flag: str):
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise DiscoveryError(f"{flag}: cannot read {text!r} as an expression") from None


def min_samples(mass_min: float) -> int:
    """The fewest design points PRIM and CART can work with: their smallest box or leaf (``mass_min`` of the
    points) must hold ``MIN_CASES_PER_BOX`` cases."""
    return math.ceil(MIN_CASES_PER_BOX / mass_min - 1e-9)


# ---------------------------------------------------------------------------------------------- runs
@dataclass(frozen=True)
class Discovery:
    """The base scenario's sweep over the sampled conditions, and policy packages run over the same design with
    the same seed, replicates, scale, horizon and engine."""

    base: sweep.Sweep
    policies: tuple[Scenario, ...] = ()

    @property
    def scenario(self) -> Scenario:
        return self.base.scenario

    @property
    def design(self) -> Design:
        return self.base.design

    @property
    def scenarios(self) -> tuple[Scenario, ...]:
        return (self.scenario, *self.policies)

    @property
    def factors(self) -> tuple[Factor, ...]:
        return self.design.factors

    def sweeps(self) -> list[sweep.Sweep]:
        return [self.base, *(dataclasses.replace(self.base, scenario=policy) for policy in self.policies)]


def store_directory(out, scenario: Scenario) -> Path:
    return Path(out) / RUNS_DIR / scenario.name


def check(plan: Discovery, out) -> None:
    """Everything that can be checked before any run: raises ``sweep.SweepError`` for a shock that a sampled
    lever takes out of bounds and ``store.StoreError`` for a store that holds another design."""
    for s, planned in zip(plan.scenarios, plan.sweeps(), strict=True):
        sweep.check_points(planned)
        Store(store_directory(out, s)).check(planned.record())


def run(plan: Discovery, out, *, dask: str | None = None, workers: int | None = None, part_runs: int | None = None,
        progress: bool = True, echo=print) -> None:
    """Run (or finish) every scenario's sweep into ``OUT/runs/<name>/``, on one backend."""
    from analysis.backends import open_backend
    from analysis.outdir import owner, write_marker

    check(plan, out)
    Path(out).mkdir(parents=True, exist_ok=True)
    if owner(out) is None:
        write_marker(out, "discovery")
    with open_backend(dask, workers) as backend:
        for s, planned in zip(plan.scenarios, plan.sweeps(), strict=True):
            echo(f"{s.name}:")
            sweep.run(planned, store_directory(out, s), backend=backend, part_runs=part_runs, progress=progress,
                      echo=echo)


def cases(plan: Discovery, out, scenario: Scenario, names) -> pd.DataFrame:
    """One row per design point: ``point_id``, the parameter values it ran with, and the median over its
    replicates of each scalar in ``names``."""
    table = sweep.run_scalars(store_directory(out, scenario), list(names))
    parameter_names = [f.name for f in plan.factors]
    summary = sweep.summarise(table, parameter_names, names)
    missing = len(plan.design) - len(summary)
    if missing or (summary["replicates"] != plan.base.replicates).any():
        raise sweep.SweepError(f"{store_directory(out, scenario)}: runs are missing; run the command again to "
                               f"finish them")
    medians = summary[["point_id", *parameter_names, *[f"{n}_median" for n in names]]]
    return medians.rename(columns={f"{n}_median": n for n in names})


# ---------------------------------------------------------------------------------------------- PRIM and CART
def _ema():
    """EMA Workbench's PRIM and CART; importing the package warns about optional parallel back ends we do not
    use, which would only confuse a user reading the command's output."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import cart, prim
    return prim, cart


def prim_frame(x: pd.DataFrame) -> pd.DataFrame:
    """The inputs as EMA Workbench 3.0's PRIM expects them: integers as floats (its integer peeling is not what
    the continuous sample needs), text as categories."""
    x = x.copy()
    for column in x.columns:
        if pd.api.types.is_bool_dtype(x[column]) or not pd.api.types.is_numeric_dtype(x[column]):
            x[column] = x[column].astype(str).astype("category")
        else:
            x[column] = x[column].astype(np.float64)
    return x


def _restricted(limits: pd.DataFrame, initial: pd.DataFrame) -> list[str]:
    return [c for c in limits.columns
            if limits.loc[0, c] > initial.loc[0, c] or limits.loc[1, c] < initial.loc[1, c]]


def _choose(trajectory: pd.DataFrame, min_coverage: float) -> int:
    """The densest step whose coverage is at least ``min_coverage`` of the coverage the peeling started from
    (ties: fewer restricted dimensions, then the earlier step)."""
    eligible = trajectory[trajectory["coverage"] >= min_coverage * trajectory["coverage"].iloc[0] - 1e-12]
    ranked = eligible.sort_values(["density", "res_dim", "id"], ascending=[False, True, True], kind="stable")
    return int(ranked["id"].iloc[0])


@dataclass
class Boxes:
    trajectory: pd.DataFrame   # box, step, coverage, density, mass, n, cases_of_interest, res_dim, chosen
    boxes: pd.DataFrame        # per box and restricted dimension: limits, ranges, quasi-p-values, box statistics
    limits: list[pd.DataFrame] # the chosen limits of each box (rows 0 = low, 1 = high, a column per parameter)


def prim(x: pd.DataFrame, y: np.ndarray, factors, *, mass_min: float = DEFAULT_MASS_MIN,
         min_coverage: float = DEFAULT_MIN_COVERAGE, boxes: int = 1) -> Boxes:
    """Up to ``boxes`` PRIM boxes, each found on the cases outside the earlier ones. A further box is kept only if
    it is denser in cases of interest than the whole sample and holds at least ``MIN_CASES_PER_BOX`` of them."""
    prim_module, _ = _ema()
    frame = prim_frame(x)
    ranges = {f.name: (f.low, f.high) for f in factors}
    with warnings.catch_warnings():  # pandas deprecations inside EMA Workbench, not actionable by a user
        warnings.simplefilter("ignore")
        algorithm = prim_module.Prim(frame, np.asarray(y, dtype=np.int64), mass_min=mass_min)
    base_rate = float(np.mean(y))
    trajectories, rows, limits = [], [], []
    for number in range(1, boxes + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = algorithm.find_box()
        if box is None:
            break
        trajectory = box.peeling_trajectory.copy()
        chosen = _choose(trajectory, min_coverage)
        step = trajectory.loc[chosen]
        if number > 1 and not (step["density"] > base_rate and step["k"] >= MIN_CASES_PER_BOX):
            break  # what is left is no denser than the data as a whole: not a box worth reporting
        box.select(chosen)
        trajectory = pd.DataFrame({
            "box": number, "step": trajectory["id"].astype(int), "coverage": trajectory["coverage"],
            "density": trajectory["density"], "mass": trajectory["mass"], "cases": trajectory["n"].astype(int),
            "cases_of_interest": trajectory["k"].astype(int), "restricted": trajectory["res_dim"].astype(int),
            "chosen": trajectory["id"].astype(int) == chosen})
        trajectories.append(trajectory)
        lims = box.box_lims[chosen]
        restricted = _restricted(lims, algorithm.box_init)
        quasi_p = box.p_values[chosen]
        stats = trajectory.loc[trajectory["step"] == chosen].iloc[0]
        for name in restricted or [None]:
            row = {"box": number, "step": chosen, "coverage": stats["coverage"], "density": stats["density"],
                   "mass": stats["mass"], "cases": stats["cases"], "cases_of_interest": stats["cases_of_interest"],
                   "restricted": len(restricted), "parameter": name}
            if name is not None:
                low, high = float(lims.loc[0, name]), float(lims.loc[1, name])
                low_restricted = lims.loc[0, name] > algorithm.box_init.loc[0, name]
                high_restricted = lims.loc[1, name] < algorithm.box_init.loc[1, name]
                qp_low, qp_high = (float(v) for v in quasi_p.get(name, (math.nan, math.nan)))
                row.update({
                    "low": low if low_restricted else ranges[name][0],
                    "high": high if high_restricted else ranges[name][1],
                    "range_low": ranges[name][0], "range_high": ranges[name][1],
                    "low_restricted": bool(low_restricted), "high_restricted": bool(high_restricted),
                    # EMA marks a side that is not restricted with -1
                    "qp_low": qp_low if low_restricted and qp_low >= 0 else math.nan,
                    "qp_high": qp_high if high_restricted and qp_high >= 0 else math.nan})
            rows.append(row)
        limits.append(lims)
    columns = ["box", "step", "parameter", "low", "high", "range_low", "range_high", "low_restricted",
               "high_restricted", "qp_low", "qp_high", "coverage", "density", "mass", "cases", "cases_of_interest",
               "restricted"]
    return Boxes(pd.concat(trajectories, ignore_index=True), pd.DataFrame(rows).reindex(columns=columns),
                 limits)


def cart(x: pd.DataFrame, y: np.ndarray, *, mass_min: float = DEFAULT_MASS_MIN) -> pd.DataFrame:
    """CART's leaves as boxes: per leaf its coverage, density, mass, restricted dimensions and limits (text)."""
    from sklearn.tree import DecisionTreeClassifier

    _, cart_module = _ema()
    frame = prim_frame(x)
    y = np.asarray(y, dtype=np.int64)
    tree = cart_module.CART(frame, y, mass_min=mass_min)
    # CART.build_tree leaves the tree's random_state unset, and scikit-learn then breaks ties between equally good
    # splits at random; a fixed state makes the leaves the same on every run. The inputs are all numeric, so the
    # tree is fitted on them as they are (CART's dummy coding only expands text columns).
    tree.clf = DecisionTreeClassifier(min_samples_leaf=max(1, int(mass_min * len(frame))), random_state=0)
    tree.clf.fit(frame.to_numpy(), y)
    # The workbench looks up a name for every node, leaves included, whose feature is scikit-learn's -2 (none): with
    # a single parameter that index is out of range. One name more makes it valid; a leaf's name is never read.
    tree.feature_names = [*frame.columns, "(leaf)"]
    initial = frame.agg(["min", "max"]).reset_index(drop=True)
    rows = []
    for number, (lims, stats) in enumerate(zip(tree.boxes, tree.stats, strict=True), start=1):
        restricted = _restricted(lims.reset_index(drop=True), initial)
        rows.append({"leaf": number, "coverage": stats["coverage"], "density": stats["density"],
                     "mass": stats["mass"], "restricted": len(restricted),
                     "limits": "; ".join(f"{n} {_interval(lims.iloc[0][n], lims.iloc[1][n], initial, n)}"
                                         for n in restricted)})
    return pd.DataFrame(rows)


def _interval(low, high, initial, name) -> str:
    left = f">= {low:.4g}" if low > initial.loc[0, name] else ""
    right = f"<= {high:.4g}" if high < initial.loc[1, name] else ""
    return " and ".join(p for p in (left, right) if p)


def in_box(x: pd.DataFrame, limits: pd.DataFrame) -> np.ndarray:
    inside = np.ones(len(x), dtype=bool)
    for name in limits.columns:
        values = x[name].to_numpy(dtype=np.float64)
        inside &= (values >= limits.loc[0, name]) & (values <= limits.loc[1, name])
    return inside


def cart_agreement(x: pd.DataFrame, y: np.ndarray, first_box: pd.DataFrame, leaves: pd.DataFrame,
                   mass_min: float) -> dict:
    """How well CART's leaves dense in cases of interest (density > 0.5) agree with PRIM's first box: the share
    of cases classified alike (inside both, or outside both)."""
    from sklearn.tree import DecisionTreeClassifier

    frame = prim_frame(x)
    y = np.asarray(y, dtype=np.int64)
    tree = DecisionTreeClassifier(min_samples_leaf=max(1, int(mass_min * len(frame))), random_state=0)
    predicted = tree.fit(frame.to_numpy(), y).predict(frame.to_numpy()).astype(bool)
    inside = in_box(frame, first_box)
    return {"cart_leaves": int(len(leaves)), "cart_leaves_of_interest": int((leaves["density"] > 0.5).sum()),
            "cases_classified_alike": float(np.mean(predicted == inside))}


# ---------------------------------------------------------------------------------------------- policies
def robustness(outcome: Outcome, cases_by_scenario: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For each scenario (the base and each package) across the same conditions: the share of conditions with the
    outcome on the good side, and, when the outcome compares one quantity with a limit, the regret in each
    condition (the best scenario's quantity minus its own, on the good side's direction). Returns the summary and
    the per-condition table."""
    names = list(cases_by_scenario)
    first = cases_by_scenario[names[0]]
    per_condition = first[["point_id"]].copy()
    scores = {}
    for name, frame in cases_by_scenario.items():
        if not np.array_equal(frame["point_id"].to_numpy(), first["point_id"].to_numpy()):
            raise ValueError(f"{name}: not run over the same design points")
        per_condition[f"{name}_outcome"] = outcome.holds(frame)
        score = outcome.score(frame)
        if score is not None:
            scores[name] = score
    rows = []
    if scores:
        matrix = np.column_stack([scores[n] for n in names])
        best = np.nanmax(matrix, axis=1)
        best_names = np.array(names)[np.nanargmax(np.where(np.isnan(matrix), -np.inf, matrix), axis=1)]
        per_condition["best"] = best_names
    for j, name in enumerate(names):
        good = ~per_condition[f"{name}_outcome"].to_numpy()
        row = {"scenario": name, "role": "base" if j == 0 else "package", "conditions": len(good),
               "good_share": float(good.mean())}
        if scores:
            regret = best - matrix[:, j]  # >= 0, in the quantity's own units
            per_condition[f"{name}_regret"] = regret
            row.update({"best_share": float(np.mean(best_names == name)), "regret_mean": float(np.mean(regret)),
                        "regret_p90": float(np.quantile(regret, 0.9)), "regret_max": float(np.max(regret))})
        rows.append(row)
    return pd.DataFrame(rows), per_condition


# ---------------------------------------------------------------------------------------------- analysis
@dataclass
class Result:
    cases: pd.DataFrame              # per design point: parameters, scalars, of_interest
    boxes: Boxes
    cart: pd.DataFrame
    agreement: dict
    robustness: pd.DataFrame | None
    regret: pd.DataFrame | None


def analyse(plan: Discovery, out, outcome: Outcome, *, mass_min: float = DEFAULT_MASS_MIN,
            min_coverage: float = DEFAULT_MIN_COVERAGE, boxes: int = 1) -> Result:
    """PRIM and CART on the base scenario's cases, and the packages' robustness. Raises DiscoveryError when no or
    every case is of interest, or when a scalar the outcome reads is undefined for some design point."""
    names = list(outcome.names)
    by_scenario = {s.name: cases(plan, out, s, names) for s in plan.scenarios}
    base = by_scenario[plan.scenario.name]
    undefined = base[base[names].isna().any(axis=1)]
    if len(undefined):
        shown = ", ".join(str(p) for p in undefined["point_id"].head(5))
        raise DiscoveryError(f"--outcome: {', '.join(names)} is undefined (NaN) at {len(undefined)} design points "
                             f"({shown}{'...' if len(undefined) > 5 else ''}); see analysis/scalars.py")
    values = outcome.quantity(base)
    if values is not None and not np.isfinite(values).all():
        bad = base.loc[~np.isfinite(values), "point_id"]
        shown = ", ".join(str(p) for p in bad.head(5))
        raise DiscoveryError(f"--outcome: {outcome.quantity_text} is not a finite number at {len(bad)} design points "
                             f"({shown}{'...' if len(bad) > 5 else ''}): a division by zero?")
    y = outcome.holds(base)
    if y.all() or not y.any():
        spread = "" if values is None else (f"; {outcome.quantity_text} runs from {np.min(values):.4g} to "
                                            f"{np.max(values):.4g}")
        which = "every" if y.all() else "no"
        raise DiscoveryError(f"--outcome: {which} case satisfies '{outcome.text}' ({len(y)} design points{spread}); "
                             f"the runs are kept in {store_directory(out, plan.scenario)}, so another --outcome "
                             f"reuses them")
    parameter_names = [f.name for f in plan.factors]
    x = base[parameter_names]
    found = prim(x, y, plan.factors, mass_min=mass_min, min_coverage=min_coverage, boxes=boxes)
    leaves = cart(x, y, mass_min=mass_min)
    agreement = cart_agreement(x, y, found.limits[0], leaves, mass_min)
    table = base.assign(of_interest=y)
    summary = regret = None
    if plan.policies:
        summary, regret = robustness(outcome, by_scenario)
    return Result(table, found, leaves, agreement, summary, regret)



# ---------------------------------------------------------------------------------------------- writing
OUTPUT_FILES = ("cases.csv", "boxes.csv", "trajectory.csv", "cart.csv", "robustness.csv", "regret.csv", MANIFEST)


def manifest(plan: Discovery, out, outcome: Outcome, result: Result, settings: dict) -> dict:
    """``discovery.json``: what was asked, what was found, and the provenance of the runs."""
    stores = {s.name: Store(store_directory(out, s)).design() for s in plan.scenarios}
    base = stores[plan.scenario.name]
    found = result.boxes.boxes.groupby("box", sort=True).first()
    return {
        "kind": "discovery",
        "scenario": plan.scenario.name,
        "description": plan.scenario.description,
        "outcome": outcome.text,
        "quantity": outcome.quantity_text,
        "parameters": [f.record() for f in plan.factors],
        "samples": len(plan.design),
        "replicates": plan.base.replicates,
        "runs": plan.base.runs * len(plan.scenarios),
        "seed": plan.base.seed,
        "scale": plan.base.scale,
        "months": plan.base.months,
        "start": base["start"],
        "end": base["end"],
        "engine": plan.base.engine,
        "sampling": "Latin hypercube, uniform over each parameter's range (calibrated parameters in the design "
                    "too; the others at the point estimate or at posterior draws)",
        "cases_of_interest": int(result.cases["of_interest"].sum()),
        "base_rate": float(result.cases["of_interest"].mean()),
        **settings,
        "boxes": [{"box": int(b), "coverage": float(r.coverage), "density": float(r.density), "mass": float(r.mass),
                   "restricted": int(r.restricted)} for b, r in found.iterrows()],
        "cart": result.agreement,
        "policies": [s.name for s in plan.policies],
        "stores": {name: {"path": str(Path(RUNS_DIR) / name), "fingerprint": record["fingerprint"],
                          "scenario_sha256": record["scenario"]["sha256"]} for name, record in stores.items()},
        "model_version": base["model_version"],
        "package_version": base.get("package_version"),
        "git_commit": base.get("git_commit"),
        "git_dirty": base.get("git_dirty"),
    }


def write(out, result: Result, record: dict) -> list[Path]:
    """Write the analysis files into ``out``: each is written whole to a hidden name, then renamed into place, and
    files of an earlier analysis that this one does not produce (robustness.csv without --policies) are removed."""
    import json
    import os

    out = Path(out)
    tables = {"cases.csv": result.cases, "boxes.csv": result.boxes.boxes, "trajectory.csv": result.boxes.trajectory,
              "cart.csv": result.cart}
    if result.robustness is not None:
        tables.update({"robustness.csv": result.robustness, "regret.csv": result.regret})
    staged = []
    for name, table in tables.items():
        temporary = out / f".{name}.tmp"
        table.to_csv(temporary, index=False)
        staged.append((temporary, out / name))
    temporary = out / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(record, indent=2, default=str) + "\n")
    staged.append((temporary, out / MANIFEST))
    for temporary, path in staged:
        os.replace(temporary, path)
    for name in set(OUTPUT_FILES) - {path.name for _, path in staged}:
        (out / name).unlink(missing_ok=True)
    return [path for _, path in staged]
