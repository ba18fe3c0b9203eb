"""plan_many: many requests, in input order, alone, on a process pool and on a Dask cluster."""

from __future__ import annotations

import copy
import json
import os
import pickle
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

import pytest

from mealplan import batch
from mealplan.batch import PlanRequest, PlanResult, plan_many
from mealplan.catalog import FoodCatalog
from mealplan.errors import PlannerError

#: Infeasible for certain: a vegan menu without fortified foods lacks vitamins D and B12.
INFEASIBLE = {
    "id": "no-b12",
    "profile": {"age": 30, "sex": "female"},
    "preferences": {"diet": "vegan", "allow_fortified": False},
    "kind": "day",
}


def fifty_requests() -> list[Any]:
    """50 different requests: days and one-day weeks for 48 adults of every age from 19 to 66,
    an infeasible request in the middle and one that does not parse."""
    requests: list[Any] = []
    for index in range(48):
        kind = "day" if index % 4 == 0 else "week"
        requests.append(
            PlanRequest(
                id=f"r{index}",
                profile={"age": 19 + index, "sex": ("female", "male")[index % 2]},
                preferences={"diet": "pescatarian" if index % 3 == 0 else "omnivore"},
                kind=kind,
                days=None if kind == "day" else 1,
            )
        )
    requests.insert(25, INFEASIBLE)
    requests.insert(30, '{"id": "typo", "profile": {"age": 40, "sex": "female"}, "dayz": 3}')
    return requests


def outcome(result: PlanResult) -> str:
    """A result as JSON without its timing, which never repeats exactly."""
    return result.model_dump_json(exclude={"seconds"})


@pytest.fixture(scope="module")
def serial() -> list[PlanResult]:
    return list(plan_many(fifty_requests()))


def test_every_request_gets_its_result_in_input_order(serial: list[PlanResult]) -> None:
    requests = fifty_requests()
    assert len(serial) == len(requests) == 50
    expected_ids = [
        request.id
        if isinstance(request, PlanRequest)
        else json.loads(request if isinstance(request, str) else json.dumps(request))["id"]
        for request in requests
    ]
    assert [result.id for result in serial] == expected_ids
    planned = [result for result in serial if result.ok]
    assert len(planned) == 48
    for request, result in zip(requests, serial, strict=True):
        if isinstance(request, PlanRequest) and request.kind == "day":
            assert type(result.plan).__name__ == "DayPlan"
        elif isinstance(request, PlanRequest):
            assert result.plan is not None and len(result.plan.days) == request.day_count  # type: ignore[union-attr]


def test_an_infeasible_and_a_bad_request_do_not_stop_the_batch(serial: list[PlanResult]) -> None:
    infeasible = serial[25]
    assert (infeasible.id, infeasible.plan, infeasible.error) == ("no-b12", None, None)
    assert infeasible.diagnosis is not None
    assert "vitamin" in infeasible.diagnosis.message
    typo = serial[30]
    assert typo.id == "typo" and typo.plan is None and typo.error is not None
    assert typo.error.type == "validation_error"
    assert typo.error.message.startswith("dayz:")
    # the requests after both were planned
    assert all(result.ok for result in serial[31:])


def test_a_process_pool_gives_the_same_plans(serial: list[PlanResult]) -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = list(plan_many(fifty_requests(), executor=pool, chunksize=3))
    assert [outcome(result) for result in pooled] == [outcome(result) for result in serial]


def test_a_dask_cluster_gives_the_same_plans(serial: list[PlanResult]) -> None:
    """A real Dask LocalCluster of 2 worker processes, through ``client.get_executor()``."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        Client(cluster) as client,
    ):
        clustered = list(plan_many(fifty_requests(), executor=client.get_executor()))
    assert [outcome(result) for result in clustered] == [outcome(result) for result in serial]


class InlineExecutor(Executor):
    """Runs each task at once in this process and records what it was given."""

    def __init__(self) -> None:
        self.tasks: list[tuple[Any, ...]] = []

    def submit(  # type: ignore[override]
        self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Future[Any]:
        self.tasks.append(args)
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def test_identical_requests_are_planned_once() -> None:
    woman = {"profile": {"age": 34, "sex": "female"}, "days": 1}
    requests = [
        {**woman, "id": "a"},
        {"profile": {"age": 60, "sex": "male"}, "days": 1, "id": "b"},
        {**woman, "id": "c"},
        # the same request written another way: default preferences spelled out, keys reordered
        {"days": 1, "preferences": {}, "profile": {"sex": "female", "age": 34.0}, "id": "d"},
    ]
    executor = InlineExecutor()
    results = list(plan_many(requests, executor=executor))
    planned = [key for (chunk, _catalog) in executor.tasks for key in chunk]
    assert len(planned) == 2
    assert [result.id for result in results] == ["a", "b", "c", "d"]
    assert results[0].plan == results[2].plan == results[3].plan
    assert results[0].plan != results[1].plan
    assert results[0].seconds > 0 and results[2].seconds == results[3].seconds == 0


def test_order_holds_when_more_chunks_than_fit_in_flight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "_IN_FLIGHT", 2)
    requests = [
        PlanRequest(id=f"p{age}", profile={"age": age, "sex": "male"}, days=1)
        for age in (20, 40, 60, 80, 25, 45, 65)
    ]
    executor = InlineExecutor()
    results = list(plan_many(requests, executor=executor, chunksize=2))
    assert [result.id for result in results] == [request.id for request in requests]
    assert [len(chunk) for (chunk, _catalog) in executor.tasks] == [2, 2, 2, 1]
    assert all(result.ok for result in results)


class DeadWorkers(Executor):
    """Every task fails as a process pool's does when its worker was killed."""

    def submit(  # type: ignore[override]
        self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(RuntimeError("worker process died"))
        return future


def test_a_dead_worker_yields_worker_failed_and_the_batch_goes_on() -> None:
    requests = [
        {"id": "x", "profile": {"age": 30, "sex": "male"}, "days": 1},
        {"id": "bad", "profile": {"age": 30}},
        {"id": "y", "profile": {"age": 31, "sex": "male"}, "days": 1},
    ]
    results = list(plan_many(requests, executor=DeadWorkers()))
    assert [result.id for result in results] == ["x", "bad", "y"]
    assert [result.error.type for result in results if result.error] == [
        "worker_failed",
        "validation_error",
        "worker_failed",
    ]
    assert "worker process died" in (results[0].error.message if results[0].error else "")


class DyingCatalog(FoodCatalog):
    """A catalogue whose unpickling ends the worker process: the pool breaks for good."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (os._exit, (1,))


def test_a_broken_process_pool_fails_each_request_and_the_batch_ends_normally(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker that dies breaks a process pool: every later submit raises. More chunks than
    fit in flight are still each answered ``worker_failed``, in order, and nothing raises."""
    monkeypatch.setattr(batch, "_IN_FLIGHT", 2)
    requests = [
        PlanRequest(id=f"k{age}", profile={"age": age, "sex": "female"}, days=1)
        for age in (21, 31, 41, 51, 61)
    ]
    dying = DyingCatalog.__new__(DyingCatalog)
    with ProcessPoolExecutor(max_workers=1) as pool:
        results = list(plan_many(requests, executor=pool, catalog=dying))
    assert [result.id for result in results] == [request.id for request in requests]
    assert {result.error.type for result in results if result.error} == {"worker_failed"}
    assert not any(result.ok for result in results)


class FirstOnly(Executor):
    """Runs the first task; the others wait, never started, until cancelled."""

    def __init__(self) -> None:
        self.futures: list[Future[Any]] = []

    def submit(  # type: ignore[override]
        self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Future[Any]:
        future: Future[Any] = Future()
        if not self.futures:
            future.set_result(fn(*args, **kwargs))
        self.futures.append(future)
        return future


def test_work_in_flight_is_cancelled_when_the_caller_stops_reading() -> None:
    requests = [
        PlanRequest(id=f"c{age}", profile={"age": age, "sex": "male"}, days=1)
        for age in (22, 32, 42, 52)
    ]
    executor = FirstOnly()
    results = plan_many(requests, executor=executor)
    assert next(results).id == "c22"
    results.close()  # type: ignore[attr-defined]
    assert len(executor.futures) == 4
    assert [future.cancelled() for future in executor.futures] == [False, True, True, True]


def test_arguments_are_checked_when_called_not_when_read() -> None:
    with pytest.raises(PlannerError, match=r"^chunksize:"):
        plan_many([], chunksize=0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"chunksize": 0}, "chunksize"),
        ({"chunksize": True}, "chunksize"),
        ({"executor": "processes"}, "executor"),
        ({"catalog": {"foods": []}}, "catalog"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(PlannerError, match=f"^{field}:"):
        list(plan_many([], **kwargs))


@pytest.mark.parametrize(
    "single",
    [PlanRequest(profile={"age": 30, "sex": "male"}), {"profile": {}}, '{"profile": {}}'],
    ids=["PlanRequest", "mapping", "text"],
)
def test_one_request_not_in_a_list_is_refused(single: Any) -> None:
    with pytest.raises(PlannerError, match=r"^requests: must be an iterable of requests"):
        list(plan_many(single))


@pytest.mark.parametrize(
    ("request_data", "where"),
    [
        ({"profile": {"age": 30, "sex": "male"}, "kind": "day", "days": 3}, "days"),
        ({"profile": {"age": 30, "sex": "male"}, "days": "3"}, "days"),
        ({"profile": {"age": 30, "sex": "male"}, "days": 15}, "days"),
        ({"profile": {"age": 30, "sex": "male"}, "kind": "month"}, "kind"),
        ({"profile": {"age": 30, "sex": "robot"}}, "profile.sex"),
    ],
)
def test_a_request_that_does_not_parse_names_its_field(
    request_data: dict[str, Any], where: str
) -> None:
    (result,) = plan_many([request_data])
    assert result.error is not None and result.error.type == "validation_error"
    assert result.error.message.startswith(f"{where}:")


def test_a_request_the_planner_refuses_is_a_bad_request() -> None:
    request = {
        "profile": {"age": 30, "sex": "female"},
        "preferences": {"locks": [{"food": "no-such-food", "meal": "lunch"}]},
        "days": 1,
    }
    (result,) = plan_many([request])
    assert result.error is not None and result.error.type == "bad_request"
    assert "no-such-food" in result.error.message


def test_requests_and_results_pickle_and_read_back_from_json(serial: list[PlanResult]) -> None:
    request = fifty_requests()[0]
    for value in (request, serial[0], serial[25], serial[30]):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value
    for result in serial[:6]:
        again = PlanResult.model_validate_json(result.model_dump_json())
        assert outcome(again) == outcome(result)
        assert type(again.plan) is type(result.plan)


def test_results_come_as_the_caller_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planned here, the first result is there before the second request is planned."""
    planned: list[str] = []
    plan_one = batch._plan_one

    def recording(planner: Any, key: str) -> PlanResult:
        planned.append(key)
        return plan_one(planner, key)

    monkeypatch.setattr(batch, "_plan_one", recording)
    requests = [
        PlanRequest(id=f"lazy{age}", profile={"age": age, "sex": "female"}, days=1)
        for age in (30, 40)
    ]
    results = plan_many(requests)
    first = next(results)
    assert first.id == "lazy30" and first.ok and len(planned) == 1
    assert [result.id for result in results] == ["lazy40"] and len(planned) == 2


def test_a_ray_instance_gives_the_same_plans(serial: list[PlanResult]) -> None:
    """A real local Ray instance of 2 CPUs, through ``RayExecutor``."""
    import ray

    from mealplan.batch import RayExecutor

    requests = fifty_requests()[20:32]  # the infeasible and the unparsable request among them
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        results = list(plan_many(requests, executor=RayExecutor(num_cpus=1), chunksize=2))
    finally:
        ray.shutdown()
    assert [outcome(result) for result in results] == [outcome(r) for r in serial[20:32]]
