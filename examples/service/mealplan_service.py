"""A reference web service for mealplan: FastAPI in front, a process pool behind.

Install and run (from the repository root)::

    pip install -e ".[service]"
    uvicorn --factory --app-dir examples/service mealplan_service:create_app

Endpoints (``/docs`` shows them, ``/openapi.json`` is their schema, built from the models):

- ``POST /plans``: one :class:`mealplan.PlanRequest`; 200 with the ``WeekPlan`` or ``DayPlan``
  JSON, 409 with the diagnosis when no plan meets the targets, 422 for bad input (the message
  names the field), 503 when the worker process died, 500 for a bug.
- ``POST /plans/batch``: a list of up to :data:`MAX_BATCH` requests; 200 with one
  :class:`mealplan.PlanResult` per request, in order (a bad or infeasible request gets its error
  or diagnosis and the others are planned); 422 for more than :data:`MAX_BATCH`.
- ``GET /foods/search?q=salmon&limit=10``: foods of the default catalogue whose name matches.
- ``GET /targets?age=34&sex=female``: the daily targets (``Targets.cramp_support``) for the
  profile given as query parameters, with units and sources.

Planning runs in a ``ProcessPoolExecutor`` created when the app starts and shut down when it
stops: ``MEALPLAN_SERVICE_WORKERS`` processes (default 2), or ``create_app(workers=...)``. A
solve holds the GIL, so processes, not threads, let two requests plan at once; the endpoint
waits for the pool on a thread of its own limiter (:data:`PLANNING_THREADS`), so the event
loop and the other endpoints keep serving however many plans wait. The queue of waiting plans
has no bound: put a limit in front of the service (a proxy's) for a public deployment.
Each planning response names the worker process that planned it in ``X-Mealplan-Worker``.

The service logs through :mod:`logging` (the ``mealplan.service`` logger) and prints nothing.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
import threading
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from typing import Annotated, Any, ParamSpec, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import Body, FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from mealplan import (
    DayPlan,
    Diagnosis,
    FoodCatalog,
    MealplanError,
    PlanRequest,
    PlanResult,
    Profile,
    Targets,
    WeekPlan,
    plan_many,
)

__all__ = ["MAX_BATCH", "WORKERS_ENV", "create_app"]

log = logging.getLogger("mealplan.service")

#: The environment variable giving the number of planning processes.
WORKERS_ENV = "MEALPLAN_SERVICE_WORKERS"
DEFAULT_WORKERS = 2
#: The most requests one ``POST /plans/batch`` may carry.
MAX_BATCH = 100
#: The most foods one ``GET /foods/search`` returns.
MAX_SEARCH = 50
#: Planning requests that wait for the pool at once, each on a thread of its own limiter:
#: more wait without a thread. The default thread pool (``/foods/search``, ``/targets``) is
#: never taken by planning requests waiting for a worker.
PLANNING_THREADS = 16

_P = ParamSpec("_P")
_T = TypeVar("_T")


# -- response models (the request models are mealplan's own) ------------------------------------


class ErrorBody(BaseModel):
    """Why a request has no answer: ``error`` is ``validation_error`` (a field is wrong; the
    message starts with it, ``detail`` holds FastAPI's list of problems), ``bad_request`` (the
    planner refused the request; ``details`` may map fields to the food ids it did not know),
    ``infeasible`` (no plan meets the targets; ``diagnosis`` says which and by how much),
    ``worker_failed`` or ``internal_error``."""

    error: str
    message: str
    details: Any = None
    detail: list[dict[str, Any]] | None = None
    diagnosis: Diagnosis | None = None


class FoodHit(BaseModel):
    """A food of the default catalogue. Foods as eaten (FNDDS) have a ``food_code`` and no
    ``fdc_id``; their ``id`` (what ``locks``, ``likes`` or ``exclude_foods`` take) is minus the
    food code. ``match`` says how the name matched: word, prefix, substring or fuzzy."""

    id: int
    name: str
    food_code: int | None
    fdc_id: int | None
    category: str | None
    serving_text: str
    serving_g: float | None
    role: str
    match: str | None


class ProfileQuery(Profile):
    """:class:`mealplan.Profile` read from query parameters, where every value is text:
    ``trimester=2`` is read as the number 2 (``Profile`` takes only the numbers 1, 2 or 3)."""

    @model_validator(mode="before")
    @classmethod
    def _trimester_from_text(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("trimester"), str):
            text = data["trimester"].strip()
            if text.isdigit():
                return {**data, "trimester": int(text)}
        return data


# -- the process pool ------------------------------------------------------------------------


def _warm_worker(ready: Any) -> None:
    """Each worker reads the catalogue when it starts, not during its first request, then
    waits at ``ready`` (a barrier of all the pool's workers) until every worker has."""
    FoodCatalog.default()
    ready.wait()


def _noop() -> int:
    return os.getpid()


def _call_in_worker(
    fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[int, Any]:
    return os.getpid(), fn(*args, **kwargs)


class _WorkerRecorder(Executor):
    """The pool, for one request: it runs each task there and notes the worker's process id,
    and whether the pool broke (a worker process died).

    ``plan_many`` takes any executor; this one only adds the pid to what the pool returns."""

    def __init__(self, pool: Executor) -> None:
        self._pool = pool
        self.pids: list[int] = []
        self.broken = False

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        outer: Future[_T] = Future()
        try:
            inner = self._pool.submit(_call_in_worker, fn, args, kwargs)
        except BrokenProcessPool as exc:  # a worker died earlier: plan_many's worker_failed
            self.broken = True
            outer.set_exception(exc)
            return outer

        def done(future: Future[tuple[int, Any]]) -> None:
            try:
                pid, value = future.result()
            except BaseException as exc:  # handed on: plan_many turns it into worker_failed
                self.broken = self.broken or isinstance(exc, BrokenProcessPool)
                outer.set_exception(exc)
                return
            self.pids.append(pid)
            outer.set_result(value)

        inner.add_done_callback(done)
        return outer


class _Workers:
    """The planning processes: a ``ProcessPoolExecutor``, replaced when a worker dies (a
    process pool whose worker was killed refuses all further work)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._lock = threading.Lock()
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # spawn: a fresh interpreter per worker, the same on Linux, macOS and Windows, and
        # safe beside the server's threads (fork would copy a process mid-flight).
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            max_workers=self.count,
            mp_context=context,
            initializer=_warm_worker,
            initargs=(context.Barrier(self.count),),
        )
        # Start every worker now (a pool starts one more process per task waiting for one),
        # and serve once all of them have read the catalogue: the first requests then plan
        # in parallel at once.
        wait([pool.submit(_noop) for _ in range(self.count)])
        return pool

    def renew(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self.pool is broken:
                log.warning("a planning worker died; starting a new pool of %d", self.count)
                self.pool = self._start()
                broken.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        with self._lock:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _worker_count(workers: int | None) -> int:
    if workers is None:
        text = os.environ.get(WORKERS_ENV, "").strip()
        if not text:
            return DEFAULT_WORKERS
        try:
            workers = int(text)
        except ValueError:
            raise ValueError(f"{WORKERS_ENV}: must be a whole number ≥ 1 (got {text!r})") from None
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers: must be a whole number ≥ 1 (got {workers!r})")
    return workers


def _plan(
    requests: Sequence[PlanRequest | dict[str, Any]], workers: _Workers
) -> tuple[list[PlanResult], list[int]]:
    """Plan on the pool; blocks, so it runs on a thread, never on the event loop."""
    pool = workers.pool
    recorder = _WorkerRecorder(pool)
    results = list(plan_many(requests, executor=recorder))
    if recorder.broken:  # these requests get worker_failed; the next ones a new pool
        workers.renew(pool)
    return results, recorder.pids


async def _planned(
    requests: Sequence[PlanRequest | dict[str, Any]], request: Request
) -> tuple[list[PlanResult], list[int]]:
    """:func:`_plan` on a thread of the planning limiter, so the event loop and the default
    thread pool keep serving while the requests wait for a worker."""
    state = request.app.state
    return await to_thread.run_sync(_plan, requests, state.workers, limiter=state.planning)


def _pids_header(pids: list[int]) -> dict[str, str]:
    return {"X-Mealplan-Worker": ",".join(str(pid) for pid in dict.fromkeys(pids))} if pids else {}


# -- errors ------------------------------------------------------------------------------------


def _field_message(problem: dict[str, Any]) -> str:
    """``profile.sex: Input should be 'female' or 'male'``: the field, without FastAPI's
    ``body``/``query`` prefix, then the reason (a validator's own words, when it has them)."""
    loc = [str(part) for part in problem.get("loc") or ()]
    # pydantic names the member of a union it tried ("dict[str,any]"): not a field.
    fields = [part for part in loc[1:] if "[" not in part]
    where = ".".join(fields)
    if not where and problem.get("type") != "value_error":
        # The whole body or query; a check across fields (a day of 3 days) names its field.
        where = loc[0] if loc else ""
    context = problem.get("ctx") or {}
    if problem.get("type") == "too_long" and not fields and loc[:1] == ["body"]:
        reason = (
            f"a batch holds at most {context.get('max_length')} requests "
            f"(got {context.get('actual_length')}); send several batches"
        )
    else:
        reason = str(context.get("error") or problem.get("msg") or "invalid")
    return f"{where}: {reason}" if where else reason


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = list(exc.errors())
    message = _field_message(problems[0]) if problems else "invalid request"
    body = {"error": "validation_error", "message": message, "detail": problems}
    return JSONResponse(status_code=422, content=jsonable_encoder(body))


def _kind(result: PlanResult) -> str:
    return result.error.type if result.error is not None else "no plan"


def _error_json(body: ErrorBody) -> dict[str, Any]:
    """The error as JSON, leaving out the parts it does not have (not inside the diagnosis)."""
    return {key: value for key, value in body.model_dump(mode="json").items() if value is not None}


def _error_response(result: PlanResult) -> JSONResponse:
    if result.diagnosis is not None:
        body = ErrorBody(
            error="infeasible", message=result.diagnosis.message, diagnosis=result.diagnosis
        )
        return JSONResponse(status_code=409, content=_error_json(body))
    assert result.error is not None
    status = {"worker_failed": 503, "internal_error": 500}.get(result.error.type, 422)
    body = ErrorBody(
        error=result.error.type, message=result.error.message, details=result.error.details
    )
    return JSONResponse(status_code=status, content=_error_json(body))


_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "A bad field (named in the message)"},
}
_PLAN_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    409: {"model": ErrorBody, "description": "No plan meets the targets: the diagnosis"},
    500: {"model": ErrorBody, "description": "A bug (the message names the exception)"},
    503: {"model": ErrorBody, "description": "The worker process died"},
}


# -- the app ---------------------------------------------------------------------------------

#: A batch item: a PlanRequest, or any other JSON object, which gets a validation_error result
#: in its place. An item that is not an object (a string, a number, null) makes the whole body
#: a 422 naming its position.
_BatchItem = Annotated[PlanRequest | dict[str, Any], Field(union_mode="left_to_right")]


def create_app(workers: int | None = None) -> FastAPI:
    """The service, with a pool of ``workers`` planning processes (default: the
    ``MEALPLAN_SERVICE_WORKERS`` environment variable, else 2) started with the app."""
    count = _worker_count(workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Off the event loop: starting the workers waits until each has read the catalogue.
        workers = await asyncio.to_thread(_Workers, count)
        await run_in_threadpool(FoodCatalog.default)  # for /foods/search, read once here
        app.state.workers = workers
        app.state.planning = CapacityLimiter(PLANNING_THREADS)
        log.info("mealplan service: %d planning worker process(es)", count)
        try:
            yield
        finally:
            log.info("mealplan service: shutting down the planning workers")
            await asyncio.to_thread(workers.shutdown)

    app = FastAPI(
        title="mealplan service",
        summary="Daily and weekly meal plans from USDA data (a reference service; not medical "
        "advice).",
        lifespan=lifespan,
    )
    app.add_exception_handler(RequestValidationError, _validation_error)

    @app.post(
        "/plans",
        response_model=WeekPlan | DayPlan,
        responses=_PLAN_ERRORS,
        summary="Plan a week (kind 'week', 1-14 days) or a day (kind 'day')",
    )
    async def plan(body: PlanRequest, request: Request) -> Response:
        results, pids = await _planned([body], request)
        result = results[0]
        log.info(
            "plan %s: %s in %.2f s (worker %s)",
            result.id,
            "planned" if result.ok else "infeasible" if result.diagnosis else _kind(result),
            result.seconds,
            pids,
        )
        if result.plan is None:
            response: Response = _error_response(result)
        else:
            response = Response(result.plan.model_dump_json(), media_type="application/json")
        response.headers.update(_pids_header(pids))
        return response

    @app.post(
        "/plans/batch",
        response_model=list[PlanResult],
        responses=_ERRORS,
        summary=f"Plan up to {MAX_BATCH} requests; one result each, in order",
    )
    async def plan_batch(
        body: Annotated[list[_BatchItem], Body(max_length=MAX_BATCH)], request: Request
    ) -> Response:
        results, pids = await _planned(body, request)
        planned = sum(result.ok for result in results)
        log.info("batch of %d: %d planned (workers %s)", len(results), planned, sorted(set(pids)))
        text = "[" + ",".join(result.model_dump_json() for result in results) + "]"
        return Response(text, media_type="application/json", headers=_pids_header(pids))

    @app.get("/foods/search", response_model=list[FoodHit], responses=_ERRORS)
    def search_foods(
        q: Annotated[str, Query(min_length=1, max_length=200, description="words of the name")],
        limit: Annotated[int, Query(ge=1, le=MAX_SEARCH)] = 10,
    ) -> list[FoodHit]:
        # A plain def: FastAPI runs it on its thread pool, off the event loop.
        catalog = FoodCatalog.default()
        codes = catalog.foods["food_code"]
        hits = []
        for food in catalog.find(q, limit=limit):
            code = codes.get(food.id)
            hits.append(
                FoodHit(
                    id=int(food.id),
                    name=food.name,
                    food_code=None if code is None or math.isnan(code) else int(code),
                    fdc_id=food.fdc_id,
                    category=food.category,
                    serving_text=food.serving_text,
                    serving_g=food.serving_g,
                    role=food.role,
                    match=food.match,
                )
            )
        return hits

    @app.get(
        "/targets",
        response_model=Targets,
        responses=_ERRORS,
        summary="Daily targets (Targets.cramp_support) for a profile given as query parameters",
    )
    def targets(query: Annotated[ProfileQuery, Query()]) -> Response | Targets:
        try:
            return Targets.cramp_support(Profile.model_validate(query.model_dump()))
        except MealplanError as exc:  # a gap in the DRI tables for this profile
            body = ErrorBody(error="bad_request", message=str(exc))
            return JSONResponse(status_code=422, content=_error_json(body))

    return app
