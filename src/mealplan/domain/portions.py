"""How a food may be portioned for a person: the step its servings move in.

A household measure (a cup, a tablespoon) can be halved; a unit (a sandwich, an egg, a 6 oz
container) is served whole, once or twice, because an adult is not served half a sandwich or one
and a half yogurts. Young children are: their portions are half an adult's.
"""

from __future__ import annotations

#: Below this age (the DRI life stages 1-3 and 4-8 years) every food may be served by the half:
#: half a sandwich, half a banana, half a hamburger are a young child's portions.
HALVES_FOR_ALL_BELOW_AGE = 9.0


def halves_for_all(age: float | None) -> bool:
    """Whether a person of this age may be served half of any food, units included."""
    return age is not None and age < HALVES_FOR_ALL_BELOW_AGE


def serving_step(half_servings: bool, age: float | None) -> float:
    """The step of a food's servings for a person: 0.5 for a measure, or for a young child;
    1 for a unit."""
    return 0.5 if half_servings or halves_for_all(age) else 1.0
