"""Declared shortfalls: ``Preferences(shortfalls="declare")`` plans the closest menu when no menu
meets every minimum, states each missed target, and ``verify`` holds the plan to that statement.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from mealplan import (
    DayPlan,
    FoodCatalog,
    InfeasiblePlanError,
    Planner,
    Preferences,
    Profile,
    Targets,
    verify,
)
from mealplan.domain.plan import PlanShortfall
from mealplan.domain.wording import SHORTFALL_OPTION_NOTE
from mealplan.planning import build_problem, diagnose

WOMAN_34 = Profile(age=34, sex="female")
#: A vegan day without fortified foods has no reliable vitamin B12 at all.
NO_B12 = {"diet": "vegan", "allow_fortified": False}


@pytest.fixture(scope="module")
def declared(curated_catalog: FoodCatalog) -> tuple[DayPlan, Targets, Preferences]:
    targets = Targets.cramp_support(WOMAN_34)
    prefs = Preferences(**NO_B12, shortfalls="declare")
    return Planner(curated_catalog).plan_day(targets, prefs), targets, prefs


def test_refusing_is_the_default_and_the_diagnosis_names_the_way_out(
    curated_catalog: FoodCatalog,
) -> None:
    with pytest.raises(InfeasiblePlanError) as caught:
        Planner(curated_catalog).plan_day(Targets.cramp_support(WOMAN_34), Preferences(**NO_B12))
    assert SHORTFALL_OPTION_NOTE in caught.value.diagnosis.notes


def test_declared_plan_states_the_missing_target_in_numbers_and_words(
    declared: tuple[DayPlan, Targets, Preferences], curated_catalog: FoodCatalog
) -> None:
    day, targets, prefs = declared
    short = {s.nutrient: s for s in day.shortfalls}
    b12 = short["vitamin_b12"]
    assert b12.amount == pytest.approx(0.0) and b12.minimum == pytest.approx(2.4)
    assert b12.unit == "µg" and b12.percent_of_target == pytest.approx(0.0) and b12.day == 1
    assert b12.amount == pytest.approx(day.totals["vitamin_b12"].amount)
    assert b12.message in day.notes and "doctor" in b12.message
    assert "supplement" not in day.model_dump_json().lower()
    assert "shortfalls" in day.model_dump(mode="json")
    # Everything else holds: the independent check finds nothing once the shortfall is stated.
    assert verify(day, curated_catalog, targets, prefs) == []


def test_verify_holds_the_plan_to_its_statement(
    declared: tuple[DayPlan, Targets, Preferences], curated_catalog: FoodCatalog
) -> None:
    day, targets, prefs = declared
    # Unstated, or with shortfalls refused, the missed minimum is a violation again.
    unstated = day.model_copy(update={"shortfalls": []})
    assert "nutrient_min" in {v.rule for v in verify(unstated, curated_catalog, targets, prefs)}
    refused = verify(day, curated_catalog, targets, Preferences(**NO_B12))
    assert "nutrient_min" in {v.rule for v in refused}
    # A stated amount that is not what the plan gives, or a shortfall the plan does not have.
    wrong = [s.model_copy(update={"amount": 1.0}) for s in day.shortfalls]
    forged = day.model_copy(update={"shortfalls": wrong})
    assert "shortfall_mismatch" in {v.rule for v in verify(forged, curated_catalog, targets, prefs)}
    extra = day.shortfalls[0].model_copy(update={"nutrient": "magnesium", "amount": 1.0})
    invented = day.model_copy(update={"shortfalls": [*day.shortfalls, extra]})
    rules = {v.rule for v in verify(invented, curated_catalog, targets, prefs)}
    assert "shortfall_mismatch" in rules


def test_a_plan_that_can_meet_every_minimum_declares_nothing(
    curated_catalog: FoodCatalog,
) -> None:
    targets = Targets.cramp_support(WOMAN_34)
    prefs = Preferences(shortfalls="declare")
    week = Planner(curated_catalog).plan_week(targets, prefs, days=3)
    assert week.shortfalls == [] and verify(week, curated_catalog, targets, prefs) == []


#: The planner's log line when a pool's menu declares a shortfall and another pool is drawn.
REDRAWN = "declares a shortfall"


def test_a_day_declares_no_shortfall_another_pool_meets(caplog: pytest.LogCaptureFixture) -> None:
    """On every 8th food of the default catalogue, a vegetarian girl of 6's first pool of
    meals reaches 96 % of her vitamin D; a later pool meets it, and the day declares nothing
    (it once declared the 96 %)."""
    catalog = FoodCatalog.default()
    catalog = catalog.filter(ids=catalog.ids[::8])
    targets = Targets.cramp_support(Profile(age=6, sex="female"))
    prefs = Preferences(diet="vegetarian", shortfalls="declare")
    with caplog.at_level("INFO", logger="mealplan.planner"):
        day = Planner(catalog).plan_day(targets, prefs)
    assert day.shortfalls == [] and verify(day, catalog, targets, prefs) == []
    redrawn = [r.getMessage() for r in caplog.records if REDRAWN in r.getMessage()]
    assert redrawn and "vitamin_d" in redrawn[0]


def test_a_day_short_of_what_no_food_gives_is_not_drawn_again(
    declared: tuple[DayPlan, Targets, Preferences],
    curated_catalog: FoodCatalog,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No food of a vegan day without fortified foods carries vitamin B12: the first pool's
    day is the answer, with no further pool drawn (the log line of a redraw, which the test
    above sees, is absent)."""
    _, targets, prefs = declared
    with caplog.at_level("INFO", logger="mealplan.planner"):
        day = Planner(curated_catalog).plan_day(targets, prefs)
    assert "vitamin_b12" in {s.nutrient for s in day.shortfalls}
    assert not [r for r in caplog.records if REDRAWN in r.getMessage()]


def test_a_refused_day_says_how_close_its_closest_menu_came() -> None:
    """On every 8th food of the default catalogue, a man of 22 who eats no milk: the best menu
    of each of three pools misses calcium, though these foods meet it in free amounts. The
    refusal used to say only that no plan was found within the work limit; it now names what
    the closest menu misses and by how much (``diagnosis.closest_menu`` and the message), and
    declaring shortfalls plans that same menu."""
    catalog = FoodCatalog.default()
    catalog = catalog.filter(ids=catalog.ids[::8])
    targets = Targets.cramp_support(Profile(age=22, sex="male"))
    prefs = Preferences(exclude_allergens=("milk",))
    with pytest.raises(InfeasiblePlanError) as caught:
        Planner(catalog).plan_day(targets, prefs)
    diagnosis = caught.value.diagnosis
    assert diagnosis.shortfalls == []  # not a fact about the foods
    assert diagnosis.closest_menu, diagnosis.message
    for short in diagnosis.closest_menu:
        assert short.percent_of_target < 100 and short.amount < short.minimum
        label = short.nutrient.replace("_", " ")
        assert f"{label} at {short.percent_of_target:g} %" in diagnosis.message.lower()
    assert "every target can be met by these foods in free amounts" in diagnosis.message
    assert SHORTFALL_OPTION_NOTE in diagnosis.notes
    assert "supplement" not in diagnosis.model_dump_json().lower()

    declared = Preferences(exclude_allergens=("milk",), shortfalls="declare")
    day = Planner(catalog).plan_day(targets, declared)
    assert [(s.nutrient, s.percent_of_target) for s in day.shortfalls] == [
        (s.nutrient, s.percent_of_target) for s in diagnosis.closest_menu
    ]


def _missed(
    nutrient: str, unit: str, minimum: float, percent: float, day: int | None
) -> PlanShortfall:
    amount = minimum * percent / 100
    return PlanShortfall(
        nutrient=nutrient,
        unit=unit,
        amount=amount,
        minimum=minimum,
        percent_of_target=percent,
        day=day,
        message=f"{nutrient} short",
    )


def test_the_closest_menu_of_a_week_is_said_per_nutrient(curated_catalog: FoodCatalog) -> None:
    """A week's closest menu in words: a weekly minimum as its average, a daily one by its
    days (the lowest named), the cap said when that menu was planned without it; and nothing
    of it when the foods themselves cannot meet a target (that is the diagnosis then)."""
    targets = Targets.cramp_support(WOMAN_34)
    problem = build_problem(curated_catalog, targets, Preferences(), days=7, weekly=True)
    closest = [
        _missed("vitamin_d", "µg", 15.0, 92.5, None),
        _missed("magnesium", "mg", 310.0, 97.0, 2),
        _missed("magnesium", "mg", 310.0, 94.1, 5),
    ]
    diagnosis = diagnose(problem, stopped_at="the work limit", closest=closest, cap_lifted=True)
    assert diagnosis.shortfalls == [] and diagnosis.closest_menu == closest
    assert (
        "the closest menu found (without the distinct-food cap and staple limits) had vitamin D "
        "at 92.5 % of its 15.00 µg minimum a day on weekly average, magnesium short on 2 days, "
        "lowest 94.1 % of its 310.00 mg minimum (day 5)"
    ) in diagnosis.message
    assert "within the work limit" in diagnosis.message and "work_limit" in diagnosis.message

    plain = diagnose(problem, closest=closest[1:2])
    assert "had magnesium at 97 % of its 310.00 mg minimum on day 2; widen" in plain.message
    assert "without the distinct-food cap" not in plain.message

    no_b12 = build_problem(curated_catalog, targets, Preferences(**NO_B12), days=7, weekly=True)
    foods_fall_short = diagnose(no_b12, closest=closest)
    assert "vitamin_b12" in {s.nutrient for s in foods_fall_short.shortfalls}
    assert foods_fall_short.closest_menu == [] and "closest" not in foods_fall_short.message


def test_a_week_of_foods_as_eaten_for_a_toddler_states_its_vitamin_d() -> None:
    """A 2-year-old's week of foods as eaten: vitamin D cannot reach 15 µg a day from these
    meals, so without a declaration there is no plan; with one, the week comes with it."""
    catalog = FoodCatalog.as_eaten()
    targets = Targets.cramp_support(Profile(age=2, sex="male"))
    prefs = Preferences(diet="vegetarian", shortfalls="declare")
    week = Planner(catalog).plan_week(targets, prefs, days=7)
    assert verify(week, catalog, targets, prefs) == []
    stated = {(s.nutrient, s.day) for s in week.shortfalls}
    assert ("vitamin_d", None) in stated
    vitamin_d = next(s for s in week.shortfalls if s.nutrient == "vitamin_d")
    assert vitamin_d.amount == pytest.approx(week.weekly_average["vitamin_d"].amount)
    assert 0 < vitamin_d.percent_of_target < 100


def test_command_line_declares_or_refuses() -> None:
    base = [sys.executable, "-m", "mealplan", "day", "--age", "34", "--sex", "female"]
    base += ["--diet", "vegan", "--no-fortified"]
    refused = subprocess.run(base, capture_output=True, text=True, check=False, timeout=300)
    assert refused.returncode == 3 and "--shortfalls declare" in refused.stdout
    declared = subprocess.run(
        [*base, "--shortfalls", "declare"], capture_output=True, text=True, check=False, timeout=300
    )
    assert declared.returncode == 0, declared.stderr
    assert "Short of a target: Vitamin B12" in declared.stdout.replace("\n  ", " ")
    bad = subprocess.run(
        [*base, "--shortfalls", "maybe"], capture_output=True, text=True, check=False, timeout=300
    )
    assert bad.returncode == 2 and "--shortfalls" in bad.stderr
