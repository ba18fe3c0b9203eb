"""Every public object round-trips through pickle and copy.deepcopy (a process pool, Dask and
Ray send them between processes), except the FDC client, which refuses with a reason."""

from __future__ import annotations

import copy
import inspect
import pickle
from pathlib import Path
from typing import Any

import pytest

import mealplan
from mealplan import (
    Diagnosis,
    FdcClient,
    FoodCache,
    FoodCatalog,
    FoodsResult,
    InfeasiblePlanError,
    Lock,
    Planner,
    Preferences,
    Profile,
    SearchHit,
    Targets,
    Violation,
    verify,
)
from mealplan import errors as error_module
from mealplan.batch import PlanRequest
from mealplan.domain.plan import PlanShortfall

WOMAN = Profile(age=34, sex="female", pregnant=True, trimester=2)
#: What a refused menu missed, as a diagnosis carries it.
VITAMIN_D_SHORT = PlanShortfall(
    nutrient="vitamin_d",
    unit="µg",
    amount=13.9,
    minimum=15.0,
    percent_of_target=92.7,
    message="vitamin D short",
)


@pytest.fixture(scope="module")
def catalog() -> FoodCatalog:
    return FoodCatalog.default()


@pytest.fixture(scope="module")
def week(catalog: FoodCatalog) -> mealplan.WeekPlan:
    return Planner(catalog).plan_week(Targets.cramp_support(WOMAN), days=2)


def round_trips(value: Any) -> None:
    again = pickle.loads(pickle.dumps(value))
    deep = copy.deepcopy(value)
    assert type(again) is type(value) and type(deep) is type(value)
    if hasattr(value, "model_dump_json"):
        assert again.model_dump_json() == value.model_dump_json()
    assert again == value or isinstance(value, FoodCatalog | Planner | FoodCache | Exception)


def test_requests_round_trip() -> None:
    targets = Targets.cramp_support(WOMAN)
    preferences = Preferences(
        diet="vegetarian",
        exclude_allergens=["peanuts"],
        locks=[Lock(food=173904, meal="breakfast", day="tuesday")],
    )
    for value in (WOMAN, targets, targets["magnesium"], preferences, PlanRequest(profile=WOMAN)):
        round_trips(value)
    again = pickle.loads(pickle.dumps(targets))
    assert again["magnesium"] == targets["magnesium"] and list(again) == list(targets)


def test_plans_and_their_parts_round_trip(week: mealplan.WeekPlan) -> None:
    day = week.days[0]
    meal = day.meals[0]
    parts: list[Any] = [week, day, meal, meal.items[0], next(iter(day.totals.values()))]
    parts += list(week.food_groups.values())[:1]
    if day.drinking_water is not None:
        parts.append(day.drinking_water)
    for value in parts:
        round_trips(value)


def test_the_catalogue_and_planner_round_trip_and_plan_alike(
    catalog: FoodCatalog, week: mealplan.WeekPlan
) -> None:
    planner = pickle.loads(pickle.dumps(Planner(catalog)))
    assert planner.catalog.foods.equals(catalog.foods)
    again = planner.plan_week(Targets.cramp_support(WOMAN), days=2)
    assert again.model_dump_json() == week.model_dump_json()
    copied = copy.deepcopy(catalog)
    assert copied.foods.equals(catalog.foods) and copied is not catalog


def test_violations_and_diagnoses_round_trip(catalog: FoodCatalog, week: mealplan.WeekPlan) -> None:
    strict = Targets.cramp_support(WOMAN).replace(magnesium=(5000, None))
    violations = verify(week, catalog, strict)
    assert violations and all(isinstance(v, Violation) for v in violations)
    for violation in violations[:3]:
        round_trips(violation)
    diagnosis = Diagnosis(
        message="no plan",
        conflicts=["x"],
        relaxation={"magnesium": 300.0},
        closest_menu=[VITAMIN_D_SHORT],
    )
    round_trips(diagnosis)


def every_error_class() -> list[type[mealplan.MealplanError]]:
    found: list[type[mealplan.MealplanError]] = []
    for module in (error_module, mealplan):
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, mealplan.MealplanError) and value not in found:
                found.append(value)
    return found


def an_instance(cls: type[Exception]) -> Exception:
    """One of each error, built with the arguments its constructor asks for."""
    arguments = {
        "message": "it went wrong",
        "fdc_id": 173904,
        "retry_after": 2.0,
        "excerpt": "<html>",
        "missing_ids": [3, 1],
        "limit": 10,
        "path": "/v1/food/1",
        "status": 301,
        "location": "https://elsewhere.invalid/",
        "diagnosis": Diagnosis(
            message="no vitamin B12 without fortified foods", closest_menu=[VITAMIN_D_SHORT]
        ),
        "unknown": {"preferences.locks": ["no-such-food"]},
        "reason": "read-only folder",
    }
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if all(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters):
        return cls("it went wrong")
    positional = [arguments[p.name] for p in parameters if p.kind == p.POSITIONAL_OR_KEYWORD]
    keywords = {p.name: arguments[p.name] for p in parameters if p.kind == p.KEYWORD_ONLY}
    return cls(*positional, **keywords)


@pytest.mark.parametrize("cls", every_error_class(), ids=lambda cls: cls.__name__)
def test_every_error_round_trips_with_its_attributes(cls: type[Exception]) -> None:
    error = an_instance(cls)
    for again in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(again) is cls
        assert str(again) == str(error)
        assert vars(again) == vars(error)
    if isinstance(error, InfeasiblePlanError):
        assert pickle.loads(pickle.dumps(error)).diagnosis == error.diagnosis


def test_the_cache_round_trips(tmp_path: Path) -> None:
    cache = FoodCache(tmp_path)
    again = pickle.loads(pickle.dumps(cache))
    assert (again.path, again.offline) == (cache.path, cache.offline)


def test_foods_and_search_results_round_trip() -> None:
    cache = FoodCache(offline=True)
    food = cache.get(cache.starter_food_ids()[0])
    assert food is not None
    round_trips(food)
    round_trips(next(iter(food.nutrients.values())))
    round_trips(SearchHit(food=food, score=3.5))
    round_trips(FoodsResult(foods=[food], missing=[1], from_cache=1))


def test_the_fdc_client_refuses_to_pickle_without_showing_its_key(tmp_path: Path) -> None:
    """A pickle would carry the API key and an open HTTP session to wherever it goes."""
    client = FdcClient(api_key="SECRET-KEY-123", cache=FoodCache(tmp_path))
    for attempt in (pickle.dumps, copy.deepcopy):
        with pytest.raises(TypeError, match="FdcClient") as caught:
            attempt(client)
        assert "SECRET-KEY-123" not in str(caught.value)
