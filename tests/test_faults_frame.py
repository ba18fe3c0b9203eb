"""Issue #10, item 10: ``FoodCatalog.from_frame`` refuses values a plan cannot trust, naming
the argument, the column and the first bad rows; an explicit NaN or None stays "unknown"."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mealplan.catalog import CatalogError, FoodCatalog
from mealplan.errors import MealplanError


def _frame(**columns: list[Any]) -> pd.DataFrame:
    base: dict[str, list[Any]] = {
        "id": ["a", "b", "c"],
        "name": ["Apple", "Bread", "Cheese"],
        "zinc": [1.0, 2.0, 3.0],
        "grams": [100.0, 50.0, 30.0],
        "price": [0.5, 0.2, 0.9],
        "most": [2, 3, 4],
    }
    base.update(columns)
    return pd.DataFrame(base)


OPTIONS: dict[str, Any] = {
    "nutrient_columns": ["zinc"],
    "serving_g_column": "grams",
    "cost_column": "price",
    "max_servings_column": "most",
}


@pytest.mark.parametrize(
    ("columns", "words"),
    [
        ({"zinc": [1.0, math.inf, 3.0]}, ("nutrient_columns", "'zinc'", "infinite", "'b'")),
        ({"zinc": [1.0, -math.inf, 3.0]}, ("nutrient_columns", "'zinc'", "< 0", "'b'")),
        ({"zinc": [-0.1, 2.0, -3.0]}, ("nutrient_columns", "'zinc'", "≥ 0", "'a'", "'c'")),
        ({"zinc": [1.0, "lots", 3.0]}, ("nutrient_columns", "'zinc'", "not numbers", "'lots'")),
        ({"price": [0.5, -0.2, 0.9]}, ("cost_column", "'price'", "≥ 0", "'b'")),
        ({"price": ["cheap", 0.2, 0.9]}, ("cost_column", "'price'", "not numbers", "'a'")),
        ({"price": [0.5, 0.2, math.inf]}, ("cost_column", "'price'", "infinite", "'c'")),
        ({"grams": [100.0, 0.0, 30.0]}, ("serving_g_column", "'grams'", "> 0", "'b'")),
        ({"grams": [100.0, 50.0, -30.0]}, ("serving_g_column", "'grams'", "> 0", "'c'")),
        ({"most": [2, -1, 4]}, ("max_servings_column", "'most'", "≥ 0", "'b'")),
        ({"most": [2, 3, "many"]}, ("max_servings_column", "'most'", "not numbers", "'c'")),
        ({"id": ["a", None, "c"]}, ("id_column", "'id'", "missing", "[1]")),
        ({"id": [1.0, 2.0, np.nan]}, ("id_column", "'id'", "missing", "[2]")),
    ],
)
def test_bad_values_raise_a_catalog_error_naming_the_column_and_rows(
    columns: dict[str, list[Any]], words: tuple[str, ...]
) -> None:
    with pytest.raises(CatalogError) as raised:
        FoodCatalog.from_frame(_frame(**columns), **OPTIONS)
    assert isinstance(raised.value, MealplanError)
    message = str(raised.value)
    assert message.startswith(words[0]), message
    for word in words:
        assert word in message, message


def test_at_most_five_bad_rows_are_listed() -> None:
    frame = pd.DataFrame({"id": list(range(8)), "zinc": [-1.0] * 8})
    with pytest.raises(CatalogError) as raised:
        FoodCatalog.from_frame(frame)
    message = str(raised.value)
    assert "id 4 = -1.0" in message and "id 5 =" not in message
    assert message.endswith("and 3 more")


def test_explicit_unknowns_stay_unknown() -> None:
    frame = _frame(
        zinc=[1.0, np.nan, None],
        price=[0.5, None, np.nan],
        grams=[100.0, np.nan, 30.0],
        most=[2, np.nan, None],
    )
    frame["zinc"] = frame["zinc"].astype(object)
    frame.loc[2, "zinc"] = None
    catalog = FoodCatalog.from_frame(frame, **OPTIONS)
    assert catalog["b"].per_serving == {"zinc": None}
    assert catalog["c"].per_serving == {"zinc": None}
    assert catalog["b"].cost is None and catalog["b"].serving_g is None
    assert catalog.foods.at["b", "max_servings"] == math.inf  # missing means no limit
    assert catalog.foods.at["a", "max_servings"] == 2


def test_numeric_text_is_read_as_a_number() -> None:
    frame = _frame(zinc=["1.5", "2", "0"], price=["0.5", "1", "0"])
    catalog = FoodCatalog.from_frame(frame, **OPTIONS)
    assert catalog["a"].per_serving == {"zinc": 1.5} and catalog["b"].cost == 1.0


def test_per_100g_needs_every_serving_weight() -> None:
    frame = _frame(grams=[100.0, np.nan, 30.0])
    with pytest.raises(CatalogError, match=r"serving_g_column: .*'grams'.*\['b'\]"):
        FoodCatalog.from_frame(frame, amounts="per_100g", **OPTIONS)


def test_without_a_name_column_the_ids_are_the_names() -> None:
    frame = pd.DataFrame({"code": ["oat-1", "milk-2"], "zinc": [1.0, 2.0]})
    catalog = FoodCatalog.from_frame(frame, id_column="code")
    assert catalog["oat-1"].name == "oat-1"
    assert [food.id for food in catalog.find("milk")] == ["milk-2"]


def test_an_explicit_missing_name_column_is_still_an_error() -> None:
    frame = pd.DataFrame({"id": [1], "zinc": [1.0]})
    with pytest.raises(CatalogError, match="name_column"):
        FoodCatalog.from_frame(frame, name_column="label")


def test_a_missing_name_falls_back_to_the_id() -> None:
    frame = pd.DataFrame({"id": ["x", "y"], "name": ["Ex", None], "zinc": [1.0, 2.0]})
    catalog = FoodCatalog.from_frame(frame)
    assert [catalog["x"].name, catalog["y"].name] == ["Ex", "y"]
