"""Parsing and normalizing real FDC responses: every recorded file, and the rules one by one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mealplan.errors import FdcResponseError
from mealplan.fdc.normalize import parse_food
from mealplan.nutrients import BY_KEY


def _raw_amount(raw_food: dict[str, Any], nutrient_id: int, number: str) -> float | None:
    """The amount FDC gives for a nutrient, read straight from the raw JSON (no mealplan code)."""
    for item in raw_food.get("foodNutrients") or []:
        nested = item.get("nutrient") or {}
        if (
            nested.get("id") == nutrient_id
            or item.get("nutrientId") == nutrient_id
            or str(item.get("number", nested.get("number", item.get("nutrientNumber")))) == number
        ):
            value = item.get("amount", item.get("value"))
            if value is not None:
                return float(value)
    return None


def _foods_in(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return body
    if "foods" in body:
        return body["foods"]
    if "fdcId" in body:
        return [body]
    return []


def _response_files(fdc_shared: Path) -> list[Path]:
    return sorted(
        p for p in (fdc_shared / "api_responses").glob("*.json") if not p.name.startswith("error_")
    )


def test_every_recorded_response_parses_and_matches_the_raw_amounts(fdc_shared: Path) -> None:
    files = [p for p in _response_files(fdc_shared) if not p.name.endswith(".headers.json")]
    assert len(files) >= 20
    checked = 0
    for path in files:
        body = json.loads(path.read_text(encoding="utf-8"))
        raw_foods = _foods_in(body)
        assert raw_foods, f"{path.name} holds no foods"
        for raw in raw_foods:
            food = parse_food(raw)
            assert food.fdc_id == raw["fdcId"]
            assert food.description == raw.get("description", "")
            for key in ("calcium", "magnesium", "potassium", "vitamin_b12", "sodium", "protein"):
                nutrient_id, number = BY_KEY[key].sources[0]
                expected = _raw_amount(raw, nutrient_id, number)
                if expected is None:
                    assert food.amount(key) is None, f"{path.name} {food.fdc_id} {key}"
                else:
                    assert food.amount(key) == pytest.approx(expected), f"{path.name} {key}"
                    assert food.nutrients[key].nutrient_id == nutrient_id
                    checked += 1
    assert checked > 1000


def test_single_record_bulk_files_parse(fdc_shared: Path) -> None:
    paths = sorted((fdc_shared / "bulk").glob("*single_records*/*.json"))
    assert len(paths) == 10
    for path in paths:
        raw = json.loads(path.read_text(encoding="utf-8"))
        food = parse_food(raw)
        assert food.amount("calcium") == pytest.approx(_raw_amount(raw, 1087, "301"))
        assert food.portions, f"{path.name} has portions in FDC"


def _full(nutrients: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "fdcId": 1,
        "description": "test food",
        "dataType": "SR Legacy",
        **extra,
        "foodNutrients": nutrients,
    }


def _n(nid: int, amount: float, unit: str = "mg", number: str = "") -> dict[str, Any]:
    return {"nutrient": {"id": nid, "number": number, "unitName": unit}, "amount": amount}


def test_id_number_and_search_nutrient_id_map_to_the_same_key() -> None:
    full = parse_food(_full([_n(1090, 42.0)]))
    abridged = parse_food(
        _full([{"number": "304", "name": "Magnesium, Mg", "amount": 42.0, "unitName": "MG"}])
    )
    search = parse_food(
        _full([{"nutrientId": 1090, "nutrientNumber": "304", "unitName": "MG", "value": 42.0}])
    )
    for food in (full, abridged, search):
        assert food.nutrients["magnesium"].amount == 42.0
        assert food.nutrients["magnesium"].nutrient_id == 1090
        assert food.nutrients["magnesium"].unit == "mg"


@pytest.mark.parametrize(
    ("present", "expected_source", "expected_kcal"),
    [
        ({1008: 100.0, 2048: 110.0, 2047: 120.0}, "1008", 100.0),
        ({2048: 110.0, 2047: 120.0}, "2048", 110.0),
        ({2047: 120.0}, "2047", 120.0),
        ({}, "macros_4_9_4", 4 * 10 + 9 * 5 + 4 * 20),
    ],
)
def test_energy_fallback_order(
    present: dict[int, float], expected_source: str, expected_kcal: float
) -> None:
    macros = [_n(1003, 10.0, "g"), _n(1004, 5.0, "g"), _n(1005, 20.0, "g")]
    energy = [_n(nid, kcal, "kcal") for nid, kcal in present.items()]
    food = parse_food(_full(macros + energy))
    assert food.energy_source == expected_source
    assert food.amount("energy") == pytest.approx(expected_kcal)


def test_energy_stays_unknown_without_energy_or_all_macros() -> None:
    food = parse_food(_full([_n(1003, 10.0, "g"), _n(1004, 5.0, "g")]))
    assert food.amount("energy") is None
    assert food.energy_source is None
    assert "energy" in food.unknown_nutrients


def test_foundation_food_without_1008_takes_atwater(fdc_shared: Path) -> None:
    path = (
        fdc_shared
        / "api_responses"
        / "foods_list_foundation_pagesize1_page1_publishedDate_asc_abridged.json"
    )
    raw = json.loads(path.read_text())[0]
    food = parse_food(raw)
    numbers = {item["number"] for item in raw["foodNutrients"]}
    if "208" in numbers:
        assert food.energy_source == "1008"
    elif "958" in numbers:
        assert food.energy_source == "2048"
    else:
        assert food.energy_source in ("2047", "macros_4_9_4")


def test_vitamin_d_prefers_micrograms_and_converts_iu_only_as_fallback() -> None:
    both = parse_food(_full([_n(1114, 2.5, "µg"), _n(1110, 400.0, "IU")]))
    assert both.nutrients["vitamin_d"].amount == 2.5
    assert both.nutrients["vitamin_d"].nutrient_id == 1114
    iu_only = parse_food(_full([_n(1110, 400.0, "IU")]))
    assert iu_only.nutrients["vitamin_d"].amount == pytest.approx(10.0)
    assert iu_only.nutrients["vitamin_d"].nutrient_id == 1110
    assert "IU" in (iu_only.nutrients["vitamin_d"].note or "")
    neither = parse_food(_full([_n(1087, 10.0)]))
    assert neither.amount("vitamin_d") is None


def test_units_are_converted_to_the_key_unit() -> None:
    food = parse_food(_full([_n(1087, 0.5, "g"), _n(1178, 2400.0, "ng")]))
    assert food.amount("calcium") == pytest.approx(500.0)
    assert food.amount("vitamin_b12") is None  # ng is not a unit FDC uses: not guessed


def test_branded_label_values_are_per_serving_and_kept_apart(fdc_shared: Path) -> None:
    path = fdc_shared / "api_responses" / "food_426798_branded_full_2020_prettyprinted.json"
    raw = json.loads(path.read_text())
    food = parse_food(raw)
    assert food.label_nutrients_per_serving is not None
    assert food.label_nutrients_per_serving["sodium"] == raw["labelNutrients"]["sodium"]["value"]
    # per 100 g = per serving × 100 / serving size, give or take label rounding
    per_100g = food.amount("sodium")
    per_serving = food.label_nutrients_per_serving["sodium"]
    assert per_100g == pytest.approx(per_serving * 100 / raw["servingSize"], rel=0.1)
    assert per_100g != per_serving
    assert any(p.gram_weight == raw["servingSize"] for p in food.portions)


def test_absent_nutrients_are_unknown_not_zero() -> None:
    food = parse_food(_full([_n(1087, 0.0)]))
    assert food.amount("calcium") == 0.0
    assert food.amount("magnesium") is None
    assert "magnesium" in food.unknown_nutrients
    assert "calcium" not in food.unknown_nutrients
    assert "magnesium" not in food.model_dump()["nutrients"]


def test_portions_in_grams_from_sr_legacy_and_survey(fdc_shared: Path) -> None:
    sr = parse_food(
        json.loads(
            (
                fdc_shared / "api_responses" / "food_169901_sr_legacy_full_2020_prettyprinted.json"
            ).read_text()
        )
    )
    assert sr.portions[0].description == "1 slice"
    assert sr.portions[0].gram_weight == 21.0
    survey = parse_food(
        json.loads(
            (
                fdc_shared
                / "api_responses"
                / "food_787522_survey_fndds_full_2020_prettyprinted.json"
            ).read_text()
        )
    )
    assert len(survey.portions) == 16
    assert survey.category == "Carrots"


# -- property tests -----------------------------------------------------------------------------
_SAMPLE_FILES = (
    "food_169901_sr_legacy_full_2020_prettyprinted.json",
    "food_787522_survey_fndds_full_2020_prettyprinted.json",
    "food_426798_branded_full_2020_prettyprinted.json",
    "food_2262077_sample_composite_full.json",
)


def _samples(fdc_shared: Path) -> list[dict[str, Any]]:
    folder = fdc_shared / "api_responses"
    samples = [json.loads((folder / name).read_text()) for name in _SAMPLE_FILES]
    search = json.loads(
        (folder / "search_sweet_potatoes_pageSize50_page1_mixed_2022-09-09.json").read_text()
    )
    samples += search["foods"][:3]
    listed = json.loads(
        (
            folder / "foods_list_foundation_pagesize1_page1_publishedDate_asc_abridged.json"
        ).read_text()
    )
    return [*samples, listed[0]]


_OPTIONAL_TOP = (
    "description",
    "dataType",
    "ndbNumber",
    "publicationDate",
    "foodNutrients",
    "foodPortions",
    "foodCategory",
    "labelNutrients",
    "servingSize",
    "foodMeasures",
    "publishedDate",
    "wweiaFoodCategory",
    "brandedFoodCategory",
)
_json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)
)


@settings(
    max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(data=st.data())
def test_missing_and_extra_fields_never_crash(fdc_shared: Path, data: st.DataObject) -> None:
    raw = copy.deepcopy(data.draw(st.sampled_from(_samples(fdc_shared))))
    for key in data.draw(st.lists(st.sampled_from(_OPTIONAL_TOP), max_size=5)):
        raw.pop(key, None)
    for item in raw.get("foodNutrients", []):
        if data.draw(st.booleans()):
            for sub in data.draw(st.lists(st.sampled_from(sorted(item)), max_size=2)):
                if sub not in ("nutrient", "nutrientId", "number", "nutrientNumber"):
                    item.pop(sub, None)
    extra = data.draw(st.dictionaries(st.text(min_size=1, max_size=8), _json_scalars, max_size=4))
    for key, value in extra.items():
        raw.setdefault(f"x_{key}", value)
    food = parse_food(raw)
    assert food.fdc_id == raw["fdcId"]
    for value in food.nutrients.values():
        assert value.amount >= 0


# Letters only, without those of "e", "inf", "nan", "infinity": never parseable as a number.
_bad_values = st.one_of(
    st.text(alphabet="abcdghjklmopqrsuvwxz", min_size=1, max_size=6),
    st.dictionaries(st.text(max_size=3), st.integers(), min_size=1, max_size=2),
)


@settings(
    max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(data=st.data())
def test_bad_shapes_raise_fdc_response_error(fdc_shared: Path, data: st.DataObject) -> None:
    raw = copy.deepcopy(data.draw(st.sampled_from(_samples(fdc_shared))))
    breakage = data.draw(
        st.sampled_from(
            ["no_id", "id_text", "nutrients_scalar", "amount_text", "not_object", "portions_scalar"]
        )
    )
    if breakage == "no_id":
        del raw["fdcId"]
    elif breakage == "id_text":
        raw["fdcId"] = data.draw(st.text(max_size=5).filter(lambda s: not s.strip().isdigit()))
    elif breakage == "nutrients_scalar":
        raw["foodNutrients"] = data.draw(st.one_of(st.integers(), st.text(min_size=1)))
    elif breakage == "amount_text":
        items = raw.setdefault("foodNutrients", [])
        items.append({"nutrient": {"id": 1087, "unitName": "mg"}, "amount": data.draw(_bad_values)})
    elif breakage == "portions_scalar":
        raw["foodPortions"] = data.draw(st.one_of(st.integers(), st.text(min_size=1)))
    else:
        raw = data.draw(st.one_of(st.lists(st.integers(), max_size=2), st.text(), st.integers()))
    with pytest.raises(FdcResponseError) as caught:
        parse_food(raw)
    assert str(caught.value)
