"""Batch planning: many requests, in input order, on any ``concurrent.futures.Executor``.

``plan_many(requests)`` plans each :class:`PlanRequest` and yields one :class:`PlanResult` per
request, in the order given. A bad or infeasible request yields its error or diagnosis and the
batch goes on. With ``executor=None`` the requests are planned here, one after the other; with
an executor (a ``ProcessPoolExecutor``, Dask's ``client.get_executor()``, Ray's), chunks of
requests travel to the workers as JSON text and come back as JSON text, so the workers need
only ``mealplan`` installed: each builds its catalogue once per process
(:meth:`FoodCatalog.default` is cached) and one :class:`Planner` per chunk.

Identical requests (the same canonical JSON, ``id`` aside) are planned once per batch. The
planner is deterministic and stops on work, not time, so a request gives the same plan here, in
a process pool or on a cluster.

The solve holds the GIL: threads do not plan faster than one thread. Processes are the way to
scale, on one machine (a process pool) or many (Dask, Ray).
"""

from __future__ import annotations

import json
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mealplan.catalog import FoodCatalog
from mealplan.domain.diagnosis import Diagnosis
from mealplan.domain.plan import DayPlan, WeekPlan
from mealplan.errors import InfeasiblePlanError, MealplanError, PlannerError, UnknownFoodError
from mealplan.preferences import Preferences
from mealplan.targets import Profile, Targets

#: Chunks in flight at once on an executor: enough to keep every worker of a large pool busy,
#: few enough that a batch of millions is not held in memory as futures.
_IN_FLIGHT = 64


class PlanRequest(BaseModel):
    """One plan to make: who, what they eat, a week of ``days`` days or one ``day``.

    ``days`` defaults to 7 for a week and must be 1 (or left out) for a day. The targets are
    :meth:`Targets.cramp_support` for the profile. Unknown keys are refused.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    profile: Profile
    preferences: Preferences = Field(default_factory=Preferences)
    kind: Literal["week", "day"] = "week"
    #: Strict: a JSON integer from 1 to 14, not "3", 2.5 or true.
    days: int | None = Field(default=None, ge=1, le=14, strict=True)
    #: The caller's name for the request, echoed in its result (default: its position).
    id: str | None = None

    @model_validator(mode="after")
    def _days_fit_kind(self) -> PlanRequest:
        if self.kind == "day" and self.days not in (None, 1):
            raise ValueError(f"days: a day plan has 1 day (got {self.days}); use kind 'week'")
        return self

    @property
    def day_count(self) -> int:
        """The number of days planned: ``days``, or 7 for a week and 1 for a day."""
        if self.days is not None:
            return self.days
        return 1 if self.kind == "day" else 7

    def canonical_json(self) -> str:
        """The request without its ``id``, as sorted compact JSON: equal for equal requests."""
        data = self.model_dump(mode="json", exclude={"id"})
        data["days"] = self.day_count
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class BatchError(BaseModel):
    """Why a request has no plan, other than infeasibility: ``type`` is ``validation_error``
    (the request does not parse; ``details`` holds pydantic's problems), ``bad_request`` (the
    planner refused it; the message starts with the field), ``worker_failed`` (its worker
    died) or ``internal_error`` (a bug; the message names the exception)."""

    model_config = ConfigDict(frozen=True)

    type: Literal["validation_error", "bad_request", "worker_failed", "internal_error"]
    message: str
    details: Any = None


class PlanResult(BaseModel):
    """The answer to one request: a ``plan``, or a ``diagnosis`` (no plan meets the targets),
    or an ``error``; exactly one is set. ``seconds`` is the planning time in the worker (0 for
    a duplicate planned once for an earlier request)."""

    model_config = ConfigDict(frozen=True)

    id: str
    plan: WeekPlan | DayPlan | None = None
    diagnosis: Diagnosis | None = None
    error: BatchError | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.plan is not None


def plan_many(
    requests: Iterable[PlanRequest | Mapping[str, Any] | str | bytes],
    *,
    executor: Executor | None = None,
    catalog: FoodCatalog | None = None,
    chunksize: int = 1,
) -> Iterator[PlanResult]:
    """Plan every request; the iterator yields a :class:`PlanResult` per request in input order.

    ``requests`` may be :class:`PlanRequest` objects, mappings or JSON text (a line of a JSONL
    file); one that does not parse yields a ``validation_error`` result. They are read when
    ``plan_many`` is called (the arguments are checked then too), so that duplicates can be
    found: a finite batch, whose canonical request texts stay in memory until their results
    are handed out; for an endless stream, call it on one slice at a time. The results come
    as the caller reads them; at most a few dozen chunks are in flight, and those are
    cancelled when the caller stops reading (``close()`` or leaving a ``for`` loop early).

    ``catalog`` defaults to :meth:`FoodCatalog.default` (built once per worker process); a
    catalogue of your own is pickled with every chunk, so give larger chunks. ``chunksize``
    requests travel together to a worker (larger chunks cost less to send, smaller ones
    balance better).
    """
    if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
        raise PlannerError(f"chunksize: must be a whole number ≥ 1 (got {chunksize!r})")
    if executor is not None and not isinstance(executor, Executor):
        raise PlannerError(
            "executor: must be a concurrent.futures.Executor (a process pool, Dask's "
            f"client.get_executor(), Ray's) or None (got {type(executor).__name__})"
        )
    if catalog is not None and not isinstance(catalog, FoodCatalog):
        raise PlannerError(f"catalog: must be a FoodCatalog or None (got {type(catalog).__name__})")
    if isinstance(requests, PlanRequest | Mapping | str | bytes):
        raise PlannerError(
            f"requests: must be an iterable of requests (got one {type(requests).__name__}); "
            "wrap a single request in a list"
        )
    entries = [_entry(position, request) for position, request in enumerate(requests)]
    return _results(entries, executor, catalog, chunksize)


class RayExecutor(Executor):
    """Ray as a ``concurrent.futures.Executor``, for :func:`plan_many` on a Ray cluster.

    Each task is a Ray remote call, and its future Ray's own (``ObjectRef.future()``). Connect
    first (``ray.init()``, or ``ray.init(address="auto")`` inside a cluster); ``options`` are
    Ray's remote options, e.g. ``num_cpus=1``. Needs ``pip install "mealplan[ray]"``.
    """

    def __init__(self, **options: Any) -> None:
        import ray

        self._ray = ray
        self._options = options
        self._remote: dict[Any, Any] = {}

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        remote = self._remote.get(fn)
        if remote is None:
            wrap = self._ray.remote(**self._options) if self._options else self._ray.remote
            remote = self._remote[fn] = wrap(fn)
        future: Future[Any] = remote.remote(*args, **kwargs).future()
        return future


# -- the parent's side ----------------------------------------------------------------------


class _Entry:
    """A request as read: its id, and the canonical JSON to plan (or the result it already
    has, when it did not parse)."""

    __slots__ = ("id", "key", "result")

    def __init__(self, id: str, key: str | None, result: PlanResult | None) -> None:
        self.id = id
        self.key = key
        self.result = result


def _entry(position: int, raw: PlanRequest | Mapping[str, Any] | str | bytes) -> _Entry:
    fallback = str(position)
    try:
        if isinstance(raw, PlanRequest):
            request = raw
        elif isinstance(raw, str | bytes):
            request = PlanRequest.model_validate_json(raw)
        elif isinstance(raw, Mapping):
            request = PlanRequest.model_validate(raw)
        else:
            raise PlannerError(
                f"requests[{position}]: must be a PlanRequest, a mapping or JSON text "
                f"(got {type(raw).__name__})"
            )
    except ValidationError as exc:
        return _Entry(_raw_id(raw) or fallback, None, _invalid(_raw_id(raw) or fallback, exc))
    except PlannerError as exc:
        error = BatchError(type="bad_request", message=str(exc))
        return _Entry(fallback, None, PlanResult(id=fallback, error=error))
    return _Entry(request.id or fallback, request.canonical_json(), None)


def _raw_id(raw: object) -> str | None:
    """The ``id`` of a request that did not parse, when it has a usable one."""
    data: object = raw
    if isinstance(raw, str | bytes):
        try:
            data = json.loads(raw)
        except ValueError:
            return None
    if isinstance(data, Mapping) and isinstance(data.get("id"), str):
        return str(data["id"])
    return None


def _invalid(id: str, exc: ValidationError) -> PlanResult:
    problems = json.loads(exc.json(include_url=False, include_input=False))
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"])
    reason = str((first.get("ctx") or {}).get("error") or first["msg"])
    # A check across fields (a day of 3 days) has no location; its reason names the field.
    message = f"{where}: {reason}" if where else reason
    error = BatchError(type="validation_error", message=message, details=problems)
    return PlanResult(id=id, error=error)


def _results(
    entries: list[_Entry],
    executor: Executor | None,
    catalog: FoodCatalog | None,
    chunksize: int,
) -> Iterator[PlanResult]:
    """Plan each distinct key once and hand out its result to every entry that asked for it.

    A key's answer is kept only until its last entry has been given it."""
    remaining = Counter(entry.key for entry in entries if entry.key is not None)
    order = list(dict.fromkeys(entry.key for entry in entries if entry.key is not None))
    answers = _answers(order, executor, catalog, chunksize)
    known: dict[str, PlanResult] = {}
    for entry in entries:
        if entry.result is not None:
            yield entry.result
            continue
        assert entry.key is not None
        if entry.key not in known:
            while True:
                key, result = next(answers)
                known[key] = result
                if key == entry.key:
                    break
        result = known[entry.key]
        remaining[entry.key] -= 1
        if remaining[entry.key] == 0:
            del known[entry.key]
        else:
            # A repeat costs nothing: later copies report no planning time of their own.
            known[entry.key] = result.model_copy(update={"seconds": 0.0})
        yield result.model_copy(update={"id": entry.id})


def _answers(
    keys: list[str],
    executor: Executor | None,
    catalog: FoodCatalog | None,
    chunksize: int,
) -> Iterator[tuple[str, PlanResult]]:
    """(key, result) for each key, in order, planned here or on the executor."""
    chunks = [keys[start : start + chunksize] for start in range(0, len(keys), chunksize)]
    if executor is None:
        planner = _planner(catalog)
        for chunk in chunks:
            for key in chunk:
                yield key, _plan_one(planner, key)
        return
    pending: deque[tuple[list[str], Future[list[str]]]] = deque()
    queue = iter(chunks)
    try:
        for chunk in queue:
            pending.append((chunk, _submit(executor, chunk, catalog)))
            if len(pending) >= _IN_FLIGHT:
                break
        while pending:
            chunk, future = pending.popleft()
            for key, text in zip(chunk, _chunk_answers(chunk, future), strict=True):
                yield key, PlanResult.model_validate_json(text)
            following = next(queue, None)
            if following is not None:
                pending.append((following, _submit(executor, following, catalog)))
    finally:  # the caller stopped reading: what has not started yet is not wanted
        for _, future in pending:
            future.cancel()


def _submit(executor: Executor, chunk: list[str], catalog: FoodCatalog | None) -> Future[list[str]]:
    """The chunk's task on the executor, or a failed future when the executor refuses it (a
    process pool is broken for good once one of its workers has died)."""
    try:
        return executor.submit(_plan_chunk, chunk, catalog)
    except Exception as exc:  # the chunk's requests become worker_failed; the batch goes on
        refused: Future[list[str]] = Future()
        refused.set_exception(exc)
        return refused


def _chunk_answers(chunk: list[str], future: Future[list[str]]) -> list[str]:
    """The chunk's results, or a ``worker_failed`` result for each of its requests when the
    worker died (a killed process, a lost cluster node) or could not run the task."""
    try:
        return future.result()
    except Exception as exc:  # a dead worker must not end the batch
        error = BatchError(type="worker_failed", message=f"{type(exc).__name__}: {exc}")
        return [PlanResult(id="", error=error).model_dump_json() for _ in chunk]


# -- the worker's side ----------------------------------------------------------------------


def _plan_chunk(keys: list[str], catalog: FoodCatalog | None) -> list[str]:
    """Plan a chunk in a worker: canonical request JSON in, result JSON out."""
    planner = _planner(catalog)
    return [_plan_one(planner, key).model_dump_json() for key in keys]


def _planner(catalog: FoodCatalog | None) -> Any:
    from mealplan.planner import Planner

    return Planner(catalog if catalog is not None else FoodCatalog.default(), strict=True)


def _plan_one(planner: Any, key: str) -> PlanResult:
    """One request's result; never raises."""
    started = time.perf_counter()
    request = PlanRequest.model_validate_json(key)
    result: dict[str, Any] = {}
    try:
        targets = Targets.cramp_support(request.profile)
        if request.kind == "day":
            result["plan"] = planner.plan_day(targets, request.preferences)
        else:
            result["plan"] = planner.plan_week(targets, request.preferences, request.day_count)
    except InfeasiblePlanError as exc:
        result["diagnosis"] = exc.diagnosis
    except UnknownFoodError as exc:
        result["error"] = BatchError(type="bad_request", message=str(exc), details=exc.unknown)
    except MealplanError as exc:
        result["error"] = BatchError(type="bad_request", message=str(exc))
    except Exception as exc:  # one request's bug must not end the batch; its type names it
        result["error"] = BatchError(type="internal_error", message=f"{type(exc).__name__}: {exc}")
    return PlanResult(id="", seconds=time.perf_counter() - started, **result)
