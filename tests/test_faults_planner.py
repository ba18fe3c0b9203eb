"""Bad planner input is a typed error naming the argument, raised before any model is built."""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from mealplan import (
    DayPlan,
    Diagnosis,
    FoodCatalog,
    InfeasiblePlanError,
    Lock,
    Planner,
    PlannerError,
    Preferences,
    Profile,
    Targets,
    WeekPlan,
)
from mealplan.errors import UnknownFoodError
from mealplan.nutrients import NUTRIENT_KEYS

ROOT = Path(__file__).resolve().parents[1]
WOMAN_34 = Profile(age=34, sex="female")
#: An id no catalogue here has.
MISSING = 999_999_999


@pytest.fixture(scope="module")
def planner(curated_catalog: FoodCatalog) -> Planner:
    return Planner(curated_catalog)


@pytest.fixture(scope="module")
def targets() -> Targets:
    return Targets.for_profile(WOMAN_34)


@pytest.fixture
def no_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bad input must be refused before the planner filters foods, builds or solves a model."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("bad input reached the planner's set-up")

    monkeypatch.setattr("mealplan.planner.build_problem", refuse)


@pytest.fixture
def no_solve(monkeypatch: pytest.MonkeyPatch) -> None:
    """A diagnosis that needs no model: candidate meals and the solver are never reached."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the planner built candidates or solved")

    monkeypatch.setattr("mealplan.planner.week_pools", refuse)
    monkeypatch.setattr("mealplan.planner.direct_model", refuse)
    monkeypatch.setattr(Planner, "_solve", refuse)


# -- days -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "days", [2.5, "3", None, True, False, 3.0, np.float64(2), 0, 15, -1, np.int64(15)]
)
def test_days_must_be_a_whole_number_from_1_to_14(
    planner: Planner, targets: Targets, no_setup: None, days: Any
) -> None:
    with pytest.raises(PlannerError, match=r"^days: .*from 1 to 14") as caught:
        planner.plan_week(targets, Preferences(), days=days)
    assert repr(days) in str(caught.value)


def test_days_may_be_a_numpy_integer(planner: Planner, targets: Targets) -> None:
    week = planner.plan_week(targets, Preferences(), days=np.int64(2))  # type: ignore[arg-type]
    assert isinstance(week, WeekPlan) and len(week.days) == 2


@pytest.mark.parametrize("replan", ["1", [1.5], [None], 3])
def test_replan_must_be_day_numbers(
    planner: Planner, targets: Targets, no_setup: None, replan: Any
) -> None:
    with pytest.raises(PlannerError, match=r"^replan: "):
        planner.plan_week(targets, days=2, replan=replan)


def test_keep_must_be_a_week_plan(planner: Planner, targets: Targets, no_setup: None) -> None:
    with pytest.raises(PlannerError, match=r"^keep: must be a WeekPlan"):
        planner.plan_week(targets, days=2, keep={"days": []}, replan=[1])  # type: ignore[arg-type]


# -- time_limit, work_limit and gap -------------------------------------------------------------
@pytest.mark.parametrize(
    "time_limit", [math.nan, math.inf, -math.inf, "5", -1, 0, True, np.float64("nan")]
)
def test_time_limit_must_be_finite_positive_seconds(
    curated_catalog: FoodCatalog, time_limit: Any
) -> None:
    with pytest.raises(
        PlannerError, match=r"^time_limit: must be None or .*finite.*greater than 0"
    ):
        Planner(curated_catalog, time_limit=time_limit)


@pytest.mark.parametrize("work_limit", [0, -5, 2.5, 1000.0, "1000", True, math.inf, math.nan])
def test_work_limit_must_be_a_whole_number_of_at_least_1(
    curated_catalog: FoodCatalog, work_limit: Any
) -> None:
    with pytest.raises(PlannerError, match=r"^work_limit: must be None or a whole number of at"):
        Planner(curated_catalog, work_limit=work_limit)


def test_limits_default_to_work_not_wall_clock(curated_catalog: FoodCatalog) -> None:
    """By default a solve stops on work (the same plan on any machine load), never on time;
    both may be switched off, and a numpy integer is a whole number."""
    planner = Planner(curated_catalog)
    assert planner.time_limit is None and planner.work_limit is not None
    assert Planner(curated_catalog, work_limit=np.int64(7)).work_limit == 7  # type: ignore[arg-type]
    unbounded = Planner(curated_catalog, work_limit=None, time_limit=None)
    assert (unbounded.work_limit, unbounded.time_limit) == (None, None)


def test_cbc_without_a_time_limit_stops_after_10_s(curated_catalog: FoodCatalog) -> None:
    """CBC has no work limit here: unbounded, a week could run on."""
    assert Planner(curated_catalog, solver="cbc").time_limit == 10.0
    assert Planner(curated_catalog, solver="cbc", time_limit=3).time_limit == 3.0


@pytest.mark.parametrize("gap", [math.nan, math.inf, "0.1", True, -0.1, 1, None])
def test_gap_must_be_in_0_1(curated_catalog: FoodCatalog, gap: Any) -> None:
    with pytest.raises(PlannerError, match=r"^gap: .*\[0, 1\)"):
        Planner(curated_catalog, gap=gap)


def test_numbers_of_any_real_type_are_accepted(curated_catalog: FoodCatalog) -> None:
    planner = Planner(curated_catalog, time_limit=np.int64(5), gap=0)  # type: ignore[arg-type]
    assert (planner.time_limit, planner.gap) == (5.0, 0.0)
    assert type(planner.time_limit) is float and type(planner.gap) is float


@pytest.mark.parametrize(
    ("keyword", "value"),
    [("verbose", "no"), ("strict", 1), ("catalog", None)],
)
def test_other_planner_arguments(curated_catalog: FoodCatalog, keyword: str, value: Any) -> None:
    arguments: dict[str, Any] = {"catalog": curated_catalog, keyword: value}
    with pytest.raises(PlannerError, match=rf"^{keyword}: "):
        Planner(**arguments)


def test_integer_servings_must_be_a_bool(
    planner: Planner, targets: Targets, no_setup: None
) -> None:
    with pytest.raises(PlannerError, match=r"^integer_servings: must be True or False"):
        planner.plan_day(targets, integer_servings="false")  # type: ignore[arg-type]


# -- targets and preferences of the wrong type ------------------------------------------------
@pytest.mark.parametrize("bad", [None, {"minimums": {"magnesium": 400}}, "cramp_support"])
@pytest.mark.parametrize("method", ["plan_day", "plan_week"])
def test_targets_must_be_targets(planner: Planner, no_setup: None, method: str, bad: Any) -> None:
    with pytest.raises(PlannerError, match=r"^targets: must be a mealplan\.Targets") as caught:
        _plan(planner, method, bad, Preferences())
    assert type(bad).__name__ in str(caught.value)


@pytest.mark.parametrize("bad", [{"diet": "vegan"}, {}, "vegan", ["vegan"]])
@pytest.mark.parametrize("method", ["plan_day", "plan_week"])
def test_preferences_dict_is_refused_not_converted(
    planner: Planner, targets: Targets, no_setup: None, method: str, bad: Any
) -> None:
    """The chosen policy: a mapping is refused; Preferences.model_validate converts it."""
    with pytest.raises(PlannerError, match=r"^preferences: must be a mealplan\.Preferences") as e:
        _plan(planner, method, targets, bad)
    assert "Preferences.model_validate" in str(e.value)


def _plan(planner: Planner, method: str, targets: Any, preferences: Any) -> DayPlan | WeekPlan:
    if method == "plan_day":
        return planner.plan_day(targets, preferences)
    return planner.plan_week(targets, preferences, days=2)


# -- weekly_nutrients -------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["plan_day", "plan_week"])
def test_unknown_weekly_nutrient_is_refused_with_the_allowed_keys(
    planner: Planner, targets: Targets, no_setup: None, method: str
) -> None:
    prefs = Preferences(weekly_nutrients=("vitamin_d", "unobtainium"))
    with pytest.raises(PlannerError, match=r"^preferences\.weekly_nutrients: ") as caught:
        _plan(planner, method, targets, prefs)
    message = str(caught.value)
    assert "'unobtainium'" in message and "'vitamin_d'" not in message
    allowed = message.split("allowed: ", 1)[1].split(", ")
    assert allowed == [k for k in NUTRIENT_KEYS if k != "energy"]


def test_energy_is_never_a_weekly_nutrient() -> None:
    with pytest.raises(ValidationError, match="weekly_nutrients"):
        Preferences(weekly_nutrients=("energy",))


def test_weekly_nutrients_may_name_a_custom_target_key() -> None:
    """Custom targets carry custom keys: those are allowed, and listed as allowed."""
    frame = pd.DataFrame(
        {
            "food": ["lentils", "spinach", "oats"],
            "energy": [230, 40, 150],
            "iron": [6.6, 6.4, 2.1],
        }
    )
    catalog = FoodCatalog.from_frame(frame, id_column="food", name_column="food")
    targets = Targets(minimums={"energy": 1800, "iron": 18})
    planner = Planner(catalog)
    plan = planner.plan_day(targets, Preferences(meals=None, weekly_nutrients=("iron",)))
    assert plan.totals["iron"].amount >= 18
    allowed = r"weekly_nutrients.*allowed: .*vitamin_b6, .*caffeine, .*, iron$"
    with pytest.raises(PlannerError, match=allowed):
        planner.plan_day(targets, Preferences(meals=None, weekly_nutrients=("irn",)))


# -- locks ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("days", "day"), [(2, 3), (2, 14), (1, 2)])
def test_lock_beyond_the_planned_days_is_refused(
    planner: Planner,
    curated_catalog: FoodCatalog,
    targets: Targets,
    no_setup: None,
    days: int,
    day: int,
) -> None:
    prefs = Preferences(locks=(Lock(food=curated_catalog.ids[0], day=day),))
    with pytest.raises(PlannerError, match=r"^preferences\.locks: ") as caught:
        if days == 1:
            planner.plan_day(targets, prefs)
        else:
            planner.plan_week(targets, prefs, days=days)
    assert f"day(s) {day} " in str(caught.value)
    assert f"between 1 and {days}" in str(caught.value)


@pytest.mark.parametrize("food", [MISSING, "no-such-food"])
@pytest.mark.parametrize("strict", [False, True])
def test_lock_on_an_unknown_food_is_bad_input_not_infeasible(
    curated_catalog: FoodCatalog, targets: Targets, no_setup: None, food: Any, strict: bool
) -> None:
    prefs = Preferences(locks=(Lock(food=food, meal="dinner"),))
    with pytest.raises(UnknownFoodError, match=r"^preferences\.locks: ") as caught:
        Planner(curated_catalog, strict=strict).plan_day(targets, prefs)
    assert repr(food) in str(caught.value)
    assert caught.value.unknown == {"preferences.locks": [food]}
    assert isinstance(caught.value, PlannerError)
    assert not isinstance(caught.value, InfeasiblePlanError)


# -- unknown ids in exclude_foods, dislikes, likes --------------------------------------------
@pytest.mark.parametrize("field", ["exclude_foods", "dislikes", "likes"])
def test_unknown_food_ids_are_a_warning_by_default(
    planner: Planner, targets: Targets, caplog: pytest.LogCaptureFixture, field: str
) -> None:
    prefs = Preferences.model_validate({field: (MISSING, "nope")})
    with caplog.at_level(logging.WARNING, logger="mealplan"):
        plan = planner.plan_day(targets, prefs)
    assert isinstance(plan, DayPlan)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].name == "mealplan.planner"
    message = warnings[0].getMessage()
    assert message.startswith(f"preferences.{field}: ")
    assert str(MISSING) in message and "'nope'" in message


def test_known_food_ids_give_no_warning(
    planner: Planner,
    curated_catalog: FoodCatalog,
    targets: Targets,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second = curated_catalog.ids[:2]
    with caplog.at_level(logging.WARNING, logger="mealplan"):
        planner.plan_day(targets, Preferences(dislikes=(first,), exclude_foods=(second,)))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("field", ["exclude_foods", "dislikes", "likes"])
def test_unknown_food_ids_are_an_error_when_strict(
    curated_catalog: FoodCatalog, targets: Targets, no_setup: None, field: str
) -> None:
    prefs = Preferences.model_validate({field: (curated_catalog.ids[0], MISSING)})
    with pytest.raises(UnknownFoodError, match=rf"^preferences\.{field}: ") as caught:
        Planner(curated_catalog, strict=True).plan_week(targets, prefs, days=2)
    assert str(MISSING) in str(caught.value)
    assert caught.value.unknown == {f"preferences.{field}": [MISSING]}


def test_strict_names_every_field_at_once(
    curated_catalog: FoodCatalog, targets: Targets, no_setup: None
) -> None:
    prefs = Preferences(dislikes=(MISSING,), likes=("x",), locks=(Lock(food="y"),))
    with pytest.raises(UnknownFoodError) as caught:
        Planner(curated_catalog, strict=True).plan_day(targets, prefs)
    assert caught.value.unknown == {
        "preferences.locks": ["y"],
        "preferences.dislikes": [MISSING],
        "preferences.likes": ["x"],
    }
    assert all(field in str(caught.value) for field in caught.value.unknown)


# -- nothing left to eat ----------------------------------------------------------------------
def _diagnosis(error: InfeasiblePlanError) -> Diagnosis:
    assert isinstance(error.diagnosis, Diagnosis)
    return error.diagnosis


@pytest.mark.parametrize(
    ("method", "meals"),
    [("plan_day", "default"), ("plan_day", None), ("plan_week", "default")],
)
def test_excluding_every_food_is_diagnosed(
    planner: Planner,
    curated_catalog: FoodCatalog,
    targets: Targets,
    no_solve: None,
    method: str,
    meals: str | None,
) -> None:
    fields: dict[str, Any] = {"exclude_foods": tuple(curated_catalog.ids)}
    if meals is None:
        fields["meals"] = None
    prefs = Preferences.model_validate(fields)
    with pytest.raises(InfeasiblePlanError) as caught:
        _plan(planner, method, targets, prefs)
    diagnosis = _diagnosis(caught.value)
    assert not diagnosis.shortfalls
    assert len(diagnosis.conflicts) == 1
    assert diagnosis.conflicts[0].startswith("no food is left after the preferences")
    assert f"{len(curated_catalog)} excluded food(s)" in diagnosis.conflicts[0]
    assert str(caught.value) == diagnosis.message


def test_a_diet_with_no_food_left_is_diagnosed(
    planner: Planner, curated_catalog: FoodCatalog, targets: Targets, no_solve: None
) -> None:
    vegan = tuple(i for i in curated_catalog.ids if "vegan" in curated_catalog[i].diets)
    assert vegan and len(vegan) < len(curated_catalog)
    prefs = Preferences(diet="vegan", exclude_foods=vegan)
    with pytest.raises(InfeasiblePlanError) as caught:
        planner.plan_week(targets, prefs, days=2)
    (conflict,) = _diagnosis(caught.value).conflicts
    assert conflict.startswith("no food is left after the preferences: a vegan diet and ")
    assert f"{len(vegan)} excluded food(s)" in conflict


def test_a_meal_no_allowed_food_fits_is_diagnosed(
    planner: Planner, curated_catalog: FoodCatalog, targets: Targets
) -> None:
    snack_foods = tuple(i for i in curated_catalog.ids if "snack" in curated_catalog[i].meals)
    assert snack_foods and len(snack_foods) < len(curated_catalog)
    with pytest.raises(InfeasiblePlanError) as caught:
        planner.plan_day(targets, Preferences(exclude_foods=snack_foods))
    assert "no food fits snack" in " ".join(_diagnosis(caught.value).conflicts)


# -- the embedding example --------------------------------------------------------------------
def _embed(request: dict[str, Any]) -> tuple[int, dict[str, Any], bytes]:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "embed_in_app.py")],
        input=json.dumps(request).encode(),
        capture_output=True,
        env={**os.environ, "MEALPLAN_OFFLINE": "1"},
        cwd=ROOT,
        timeout=180,
        check=False,
    )
    return result.returncode, json.loads(result.stdout)["error"], result.stderr


PERSON = {"age": 34, "sex": "female"}


@pytest.mark.parametrize(
    ("preferences", "field", "named"),
    [
        ({"weekly_nutrients": ["unobtainium"]}, "preferences.weekly_nutrients", "unobtainium"),
        ({"locks": [{"food": MISSING}]}, "preferences.locks", str(MISSING)),
        ({"locks": [{"food": 167555, "day": 5}]}, "preferences.locks", "between 1 and 2"),
        ({"dislikes": [MISSING]}, "preferences.dislikes", str(MISSING)),
    ],
)
def test_embed_answers_a_refused_preference_in_json(
    preferences: dict[str, Any], field: str, named: str
) -> None:
    code, error, stderr = _embed({"profile": PERSON, "days": 2, "preferences": preferences})
    assert (code, error["type"]) == (2, "bad_request")
    assert error["message"].startswith(field + ": ") and named in error["message"]
    assert stderr == b""


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ({"days": "3"}, "days"),
        ({"days": 2.5}, "days"),
        ({"days": True}, "days"),
        ({"days": None}, "days"),
        ({"preferences": "vegan"}, "preferences"),
        ({"preferences": ["vegan"]}, "preferences"),
        ({"preferences": None}, "preferences"),
    ],
)
def test_embed_answers_a_bad_type_in_json(extra: dict[str, Any], where: str) -> None:
    code, error, stderr = _embed({"profile": PERSON, **extra})
    assert (code, error["type"]) == (2, "validation_error")
    assert error["message"].startswith(where + ": ")
    assert [problem["loc"][0] for problem in error["details"]] == [where]
    assert b"Traceback" not in stderr
