"""The menu optimizer: catalogue + targets + preferences → arrays → MILP → solution.

- :mod:`._problem` turns the inputs into plain arrays (foods, nutrients per serving, bounds);
- :mod:`._candidates` generates candidate meals per slot, each already a valid meal;
- :mod:`._model` builds the selection model (one candidate per slot and day) and the direct
  per-food model (free-form lists, continuous amounts, and the benchmark's comparison), from
  the constraint families of :mod:`._families`, and reads the selection back;
- :mod:`._solve` runs HiGHS (or CBC) through PuLP, silenced, and reads HiGHS's own status;
- :mod:`._diagnose` explains infeasibility with an elastic LP over the allowed foods.
Nothing here builds plan objects or reads the network.

The names below are the package's internal API: the planner, the benchmarks and the tests may
use them; they are not part of :mod:`mealplan`'s public API and may change with the planner.

- arrays: ``Bounds``, ``FoodTable``, ``food_table``, ``ENERGY``;
- candidates: ``SlotSpec``, ``Candidates``, ``generate``, ``nutrient_weights``,
  ``portion_variants``;
- models: ``WeekRules``, ``SelectionVars``, ``SelectionModel``, ``build_selection``,
  ``chosen``, ``DirectModel``, ``build_direct``;
- solving: ``SolveResult``, ``solve``, ``check_solver``, ``SOLVERS``;
- diagnosis: ``Shortfall``, ``EnergyUnreachable``, ``shortfalls``.

The constraint families themselves are the functions of :mod:`._families`; the tests call them
one at a time on a :class:`SelectionModel`.
"""

from mealplan.optimize._candidates import (
    Candidates,
    SlotSpec,
    generate,
    nutrient_weights,
    portion_variants,
)
from mealplan.optimize._diagnose import EnergyUnreachable, Shortfall, shortfalls
from mealplan.optimize._model import (
    DirectModel,
    SelectionModel,
    SelectionVars,
    WeekRules,
    build_direct,
    build_selection,
    chosen,
)
from mealplan.optimize._problem import ENERGY, Bounds, FoodTable, food_table
from mealplan.optimize._solve import SOLVERS, SolveResult, check_solver, solve

__all__ = [
    "ENERGY",
    "SOLVERS",
    "Bounds",
    "Candidates",
    "DirectModel",
    "EnergyUnreachable",
    "FoodTable",
    "SelectionModel",
    "SelectionVars",
    "Shortfall",
    "SlotSpec",
    "SolveResult",
    "WeekRules",
    "build_direct",
    "build_selection",
    "check_solver",
    "chosen",
    "food_table",
    "generate",
    "nutrient_weights",
    "portion_variants",
    "shortfalls",
    "solve",
]
