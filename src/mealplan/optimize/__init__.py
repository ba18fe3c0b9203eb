"""The menu optimizer: catalogue + targets + preferences → arrays → MILP → solution.

- :mod:`._problem` turns the inputs into plain arrays (foods, nutrients per serving, bounds);
- :mod:`._candidates` generates candidate meals per slot, each already a valid meal;
- :mod:`._model` builds the selection model (one candidate per slot and day) and the direct
  per-food model (free-form lists, continuous amounts, and the benchmark's comparison);
- :mod:`._solve` runs HiGHS (or CBC) through PuLP, silenced, and reads HiGHS's own status;
- :mod:`._diagnose` explains infeasibility with an elastic LP over the allowed foods.
Nothing here builds plan objects or reads the network.
"""
