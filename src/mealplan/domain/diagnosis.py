"""Why no plan exists: the numbers and the words, JSON-ready, carried by InfeasiblePlanError."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from mealplan.domain.plan import PlanShortfall


class Shortage(BaseModel):
    """One target that the allowed foods cannot reach."""

    model_config = ConfigDict(frozen=True)

    nutrient: str
    required: float
    achievable: float
    unit: str
    basis: str
    message: str
    helpful_foods: list[str] = Field(default_factory=list)


class Diagnosis(BaseModel):
    """Why no plan exists, in numbers and in words. Never recommends supplements."""

    model_config = ConfigDict(frozen=True)

    shortfalls: list[Shortage] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list)
    #: The smallest relaxation that works: the minimum each short nutrient can reach.
    relaxation: dict[str, float] = Field(default_factory=dict)
    #: When the foods could meet every target but no menu the planner found did: what the
    #: closest of those menus (refused, as the request refuses shortfalls) missed, so an app
    #: can show how near a plan came; the message says it too. Empty otherwise.
    closest_menu: list[PlanShortfall] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    message: str
