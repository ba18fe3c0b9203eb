"""Limits the planner applies by default, apart from the planner so that the command's parser
can state them without importing the solvers (``mealplan.planner`` re-exports them)."""

from __future__ import annotations

#: The default work limit of each solve, in HiGHS's limit checks: on this project's 2-core
#: machine HiGHS makes 65-420 a second on the week models, so a solve stops after 2.5-15 s.
WORK_LIMIT = 1000
