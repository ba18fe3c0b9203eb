"""Models as arrays, in HiGHS's own column-and-row form.

The models over every allowed food (the classic diet problem, the diagnosis LPs) have one
column per food and a few dozen dense rows. PuLP builds them term by term in Python, which over
:meth:`~mealplan.catalog.FoodCatalog.full` (15,153 foods) cost more than the solve itself; as
arrays they go to HiGHS in one call. The selection model stays in PuLP, where named rows keep the
formulation readable and the build is small.

A model is columns (cost, bounds, integrality) and rows ``lower ≤ Σ a·x ≤ upper``, row-wise
sparse; names are kept for the tests and the logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mealplan.optimize._candidates import Bools, Floats, Ints

INF = float("inf")


@dataclass(frozen=True)
class Row:
    """``lower ≤ Σ coefficients·v ≤ upper`` over a model's variables ``v`` (dense): a row of a
    constraint family, before it is written into a PuLP problem or an :class:`ArrayModel`."""

    name: str
    coefficients: Floats
    lower: float = -INF
    upper: float = INF


@dataclass(frozen=True)
class ArrayModel:
    """``min (or max) c·x`` subject to ``row_lower ≤ A·x ≤ row_upper`` and ``lower ≤ x ≤ upper``,
    ``x`` integer where ``integer``. ``A`` is row-wise: row ``r`` has the entries
    ``indices[starts[r]:starts[r+1]]`` with ``values`` at the same places."""

    column_names: tuple[str, ...]
    cost: Floats
    lower: Floats
    upper: Floats
    integer: Bools
    row_names: tuple[str, ...]
    row_lower: Floats
    row_upper: Floats
    starts: Ints
    indices: Ints
    values: Floats
    maximize: bool = False

    @property
    def is_mip(self) -> bool:
        return bool(self.integer.any())

    def row(self, name: str) -> dict[str, float]:
        """Row ``name``'s coefficients by column name (for tests and logs)."""
        r = self.row_names.index(name)
        span = slice(int(self.starts[r]), int(self.starts[r + 1]))
        return {
            self.column_names[int(i)]: float(v)
            for i, v in zip(self.indices[span], self.values[span], strict=True)
        }

    def rows(self, prefix: str) -> list[str]:
        """The names of the rows that start with ``prefix``, in order."""
        return [name for name in self.row_names if name.startswith(prefix)]


@dataclass
class ModelBuilder:
    """Columns and rows added in turn (their order is the model's order), then :meth:`build`."""

    _names: list[str] = field(default_factory=list)
    _cost: list[Floats] = field(default_factory=list)
    _lower: list[Floats] = field(default_factory=list)
    _upper: list[Floats] = field(default_factory=list)
    _integer: list[Bools] = field(default_factory=list)
    _row_names: list[str] = field(default_factory=list)
    _row_lower: list[float] = field(default_factory=list)
    _row_upper: list[float] = field(default_factory=list)
    _indices: list[Ints] = field(default_factory=list)
    _values: list[Floats] = field(default_factory=list)

    def columns(
        self,
        prefix: str,
        count: int,
        *,
        lower: Floats | float = 0.0,
        upper: Floats | float = INF,
        integer: Bools | bool = False,
        cost: Floats | float = 0.0,
    ) -> Ints:
        """``count`` new columns ``{prefix}_0 …``; returns their indices."""
        first = len(self._names)
        self._names += [f"{prefix}_{i}" for i in range(count)]
        for store, value in ((self._cost, cost), (self._lower, lower), (self._upper, upper)):
            store.append(np.broadcast_to(np.asarray(value, dtype=float), (count,)).copy())
        self._integer.append(np.broadcast_to(np.asarray(integer, dtype=bool), (count,)).copy())
        return np.arange(first, first + count)

    @property
    def width(self) -> int:
        """The number of columns so far."""
        return len(self._names)

    def column(
        self,
        name: str,
        *,
        lower: float = 0.0,
        upper: float = INF,
        integer: bool = False,
        cost: float = 0.0,
    ) -> int:
        """One column named ``name``; returns its index."""
        self._names.append(name)
        self._cost.append(np.array([cost]))
        self._lower.append(np.array([lower]))
        self._upper.append(np.array([upper]))
        self._integer.append(np.array([integer]))
        return len(self._names) - 1

    def set_cost(self, columns: Ints, cost: Floats) -> None:
        """The objective's coefficients of ``columns`` (columns made earlier)."""
        every = np.concatenate(self._cost)
        every[columns] = cost
        self._cost = [every]

    def row(
        self,
        name: str,
        columns: Ints,
        coefficients: Floats,
        *,
        lower: float = -INF,
        upper: float = INF,
    ) -> None:
        """``lower ≤ Σ coefficients·x[columns] ≤ upper``; zero coefficients are left out."""
        keep = coefficients != 0.0
        self._row_names.append(name)
        self._row_lower.append(float(lower))
        self._row_upper.append(float(upper))
        self._indices.append(np.asarray(columns, dtype=np.int_)[keep])
        self._values.append(np.asarray(coefficients, dtype=float)[keep])

    def add_rows(self, columns: Ints, rows: list[Row]) -> None:
        """Each row of a constraint family over ``columns``."""
        for row in rows:
            self.row(row.name, columns, row.coefficients, lower=row.lower, upper=row.upper)

    def build(self, *, maximize: bool = False) -> ArrayModel:
        def joined(parts: Sequence[np.ndarray], dtype: type) -> Any:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        lengths = [len(i) for i in self._indices]
        return ArrayModel(
            column_names=tuple(self._names),
            cost=joined(self._cost, float),
            lower=joined(self._lower, float),
            upper=joined(self._upper, float),
            integer=joined(self._integer, bool),
            row_names=tuple(self._row_names),
            row_lower=np.array(self._row_lower, dtype=float),
            row_upper=np.array(self._row_upper, dtype=float),
            starts=np.concatenate([[0], np.cumsum(lengths, dtype=np.int_)]).astype(np.int_),
            indices=joined(self._indices, np.int_),
            values=joined(self._values, float),
            maximize=maximize,
        )
