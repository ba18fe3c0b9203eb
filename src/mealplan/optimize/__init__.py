"""The menu optimizer: catalogue + targets + preferences → arrays → MILP → solution.

- :mod:`._problem` turns the inputs into plain arrays (foods, nutrients per serving, bounds);
- :mod:`._candidates` generates candidate meals per slot, each already a valid meal;
- :mod:`._model` builds the selection model (one candidate per slot and day) in PuLP, from
  the constraint families of :mod:`._families`, and reads the selection back;
- :mod:`._direct` builds the direct per-food model (free-form lists, continuous amounts, the
  classic diet problem) as arrays (:mod:`._arrays`);
- :mod:`._solve` runs HiGHS (or CBC) on a PuLP problem or on arrays, silenced, and reads
  HiGHS's own status;
- :mod:`._diagnose` explains infeasibility with an elastic LP over the allowed foods.
Nothing here builds plan objects or reads the network.

The names below are the package's internal API: the planner, the benchmarks and the tests may
use them; they are not part of :mod:`mealplan`'s public API and may change with the planner.

- arrays: ``Bounds``, ``FoodTable``, ``food_table``, ``ENERGY``;
- candidates: ``SlotSpec``, ``Candidates``, ``generate``, ``nutrient_weights``,
  ``portion_variants``;
- models: ``WeekRules``, ``SelectionVars``, ``SelectionModel``, ``build_selection``,
  ``chosen``, ``DirectModel``, ``build_direct``;
- solving: ``SolveResult``, ``solve``, ``ArrayModel``, ``solve_arrays``, ``to_pulp``,
  ``check_solver``, ``SOLVERS``;
- diagnosis: ``Shortfall``, ``EnergyUnreachable``, ``shortfalls``.

The constraint families themselves are the functions of :mod:`._families`; the tests call them
one at a time on a :class:`SelectionModel`.
"""

from mealplan.optimize._arrays import ArrayModel
from mealplan.optimize._candidates import (
    Candidates,
    SlotSpec,
    generate,
    nutrient_weights,
    portion_variants,
)
from mealplan.optimize._diagnose import EnergyUnreachable, Shortfall, shortfalls
from mealplan.optimize._direct import DirectModel, build_direct
from mealplan.optimize._model import (
    SelectionModel,
    SelectionVars,
    WeekRules,
    build_selection,
    chosen,
)
from mealplan.optimize._problem import ENERGY, Bounds, FoodTable, food_table
from mealplan.optimize._solve import (
    SOLVERS,
    SolveResult,
    check_solver,
    solve,
    solve_arrays,
    to_pulp,
)

__all__ = [
    "ENERGY",
    "SOLVERS",
    "ArrayModel",
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
    "solve_arrays",
    "to_pulp",
]
