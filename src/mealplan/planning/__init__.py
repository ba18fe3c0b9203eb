"""The steps between a request and a plan, as a documented internal API.

:class:`~mealplan.Planner` composes them; benchmarks and tests may call them one by one:

1. :func:`build_problem` — the request resolved into a :class:`PlanningProblem` (allowed foods
   as arrays, bounds, meal slots, locks, seed);
2. :func:`candidate_pools` — candidate meals per slot and day (:class:`CandidatePools`);
   :func:`week_pools` for a week: a scouting pass, the week's basket and schedule of mains,
   then the pools;
3. :func:`selection_model` / :func:`direct_model` — the optimizer's model for the problem
   (:func:`selection_arguments` gives what the selection model is built from);
   :func:`portion_pools` offers a chosen menu again with its portions free to move, when it
   misses a minimum (:func:`misses_a_minimum`);
4. :func:`selection_week` / :func:`free_form_day` — the solution as a plan;
5. :func:`diagnose` — why no plan exists, in numbers and words.

Nothing here is public API: names may change between releases.
"""

from mealplan.planning.assemble import free_form_day, mark_cap_lifted, selection_week
from mealplan.planning.basket import week_pools
from mealplan.planning.explain import diagnose, unreachable_nutrients
from mealplan.planning.formulation import (
    SelectionArguments,
    direct_model,
    misses_a_minimum,
    selection_arguments,
    selection_model,
)
from mealplan.planning.polish import portion_pools
from mealplan.planning.pools import CandidatePools, candidate_pools
from mealplan.planning.problem import PlanningProblem, build_problem

__all__ = [
    "CandidatePools",
    "PlanningProblem",
    "SelectionArguments",
    "build_problem",
    "candidate_pools",
    "diagnose",
    "direct_model",
    "free_form_day",
    "mark_cap_lifted",
    "misses_a_minimum",
    "portion_pools",
    "selection_arguments",
    "selection_model",
    "selection_week",
    "unreachable_nutrients",
    "week_pools",
]
