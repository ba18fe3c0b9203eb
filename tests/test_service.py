"""The reference web service (examples/service): its endpoints through FastAPI's TestClient,
then once as a real uvicorn server process answering HTTP.

Plans are kept small (a day, or a week of 1 day): a day takes a second or two per worker.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient

from mealplan import DayPlan, Diagnosis, PlanResult, Targets, WeekPlan

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "examples" / "service"
#: Offline: the service must work from the shipped data alone.
ENV = {**os.environ, "MEALPLAN_OFFLINE": "1"}

WOMAN = {"age": 34, "sex": "female"}
DAY: dict[str, Any] = {"profile": WOMAN, "kind": "day"}
#: No vitamin B12 or D without fortified foods or animal foods: no plan exists.
VEGAN_UNFORTIFIED: dict[str, Any] = {
    "profile": WOMAN,
    "kind": "day",
    "preferences": {"diet": "vegan", "allow_fortified": False},
}


@pytest.fixture(scope="module")
def service() -> Iterator[ModuleType]:
    """examples/service/mealplan_service.py, imported by its name as uvicorn imports it: the
    pool's spawned workers import it too (they run its functions), with the parent's
    sys.path."""
    sys.path.insert(0, str(SERVICE))
    try:
        import mealplan_service

        yield mealplan_service
    finally:
        sys.path.remove(str(SERVICE))


@pytest.fixture(scope="module")
def client(service: ModuleType) -> Iterator[TestClient]:
    """One app for the module; ``with`` runs its lifespan (the pool starts and stops)."""
    with TestClient(service.create_app(workers=2)) as test_client:
        yield test_client


def _message(response: Any) -> str:
    body = response.json()
    assert isinstance(body["message"], str)
    return body["message"]


# -- POST /plans ------------------------------------------------------------------------------


def test_plans_a_day(client: TestClient) -> None:
    response = client.post("/plans", json={**DAY, "id": "mine"})
    assert response.status_code == 200, response.text
    plan = DayPlan.model_validate_json(response.content)
    assert plan.request is not None and plan.request.profile is not None
    assert plan.request.profile["age"] == 34
    assert int(response.headers["X-Mealplan-Worker"]) != os.getpid()


def test_plans_a_week_of_one_day(client: TestClient) -> None:
    response = client.post("/plans", json={"profile": {"age": 50, "sex": "male"}, "days": 1})
    assert response.status_code == 200, response.text
    week = WeekPlan.model_validate_json(response.content)
    assert len(week.days) == 1


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ({"age": 34, "sex": "robot"}, "profile.sex"),
        ({"age": -3, "sex": "female"}, "profile.age"),
        ({"age": 34}, "profile.sex"),
        ({"age": 60, "sex": "female", "pregnant": True}, "profile.pregnant"),
    ],
)
def test_bad_profile_is_422_naming_the_field(
    client: TestClient, profile: dict[str, Any], field: str
) -> None:
    response = client.post("/plans", json={"profile": profile, "kind": "day"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["message"].startswith(f"{field}: ")
    # FastAPI's own list of problems is kept, for clients that read it.
    assert body["detail"][0]["loc"] == ["body", *field.split(".")]


@pytest.mark.parametrize(
    ("body", "start"),
    [
        ({**DAY, "days": 3}, "days: a day plan has 1 day"),
        ({"profile": WOMAN, "days": "3"}, "days: "),
        ({"profile": WOMAN, "colour": "red"}, "colour: "),
        ([1, 2], "body: "),
    ],
)
def test_other_bad_requests_are_422(client: TestClient, body: Any, start: str) -> None:
    response = client.post("/plans", json=body)
    assert response.status_code == 422
    assert _message(response).startswith(start)


def test_infeasible_request_is_409_with_the_diagnosis(client: TestClient) -> None:
    response = client.post("/plans", json=VEGAN_UNFORTIFIED)
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["error"] == "infeasible"
    diagnosis = Diagnosis.model_validate(body["diagnosis"])
    assert {s.nutrient for s in diagnosis.shortfalls} == {"vitamin_d", "vitamin_b12"}
    assert body["message"] == diagnosis.message


def test_request_the_planner_refuses_is_422_with_its_message(client: TestClient) -> None:
    """Food ids the catalogue lacks: plan_many's bad_request, with the ids by field."""
    request = {**DAY, "preferences": {"exclude_foods": [123]}}
    response = client.post("/plans", json=request)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "bad_request"
    assert body["message"].startswith("preferences.exclude_foods: ")
    assert body["details"] == {"preferences.exclude_foods": [123]}


# -- POST /plans/batch ------------------------------------------------------------------------


def test_batch_answers_each_request_in_order(client: TestClient) -> None:
    batch = [
        {**DAY, "id": "first"},
        {"profile": {"age": 34, "sex": "robot"}, "id": "bad"},
        "not a request",
        {**VEGAN_UNFORTIFIED, "id": "vegan"},
        {**DAY, "id": "again"},
    ]
    response = client.post("/plans/batch", json=batch[:2] + batch[3:])
    assert response.status_code == 200, response.text
    results = [PlanResult.model_validate(item) for item in response.json()]
    assert [r.id for r in results] == ["first", "bad", "vegan", "again"]
    assert results[0].ok and results[3].ok
    assert results[1].error is not None and results[1].error.type == "validation_error"
    assert results[1].error.message.startswith("profile.sex: ")
    assert results[2].diagnosis is not None and results[2].plan is None
    # The same request twice is planned once: the same plan, no time of its own.
    assert results[3].plan == results[0].plan and results[3].seconds == 0.0
    assert response.headers["X-Mealplan-Worker"]

    # An item that is not an object at all is a bad body: 422 naming its position.
    response = client.post("/plans/batch", json=batch)
    assert response.status_code == 422
    assert _message(response).startswith("2: ")


def test_batch_over_the_cap_is_422(client: TestClient, service: ModuleType) -> None:
    response = client.post("/plans/batch", json=[DAY] * (service.MAX_BATCH + 1))
    assert response.status_code == 422
    assert _message(response) == (
        f"body: a batch holds at most {service.MAX_BATCH} requests "
        f"(got {service.MAX_BATCH + 1}); send several batches"
    )


def test_empty_batch_is_an_empty_list(client: TestClient) -> None:
    response = client.post("/plans/batch", json=[])
    assert (response.status_code, response.json()) == (200, [])


# -- GET /foods/search, GET /targets, the schema -----------------------------------------------


def test_search_finds_foods_of_the_default_catalogue(client: TestClient) -> None:
    response = client.get("/foods/search", params={"q": "salmon", "limit": 3})
    assert response.status_code == 200, response.text
    foods = response.json()
    assert len(foods) == 3
    for food in foods:
        assert "salmon" in food["name"].lower()
        # Foods as eaten: filed under minus their FNDDS food code.
        assert food["food_code"] == -food["id"] and food["fdc_id"] is None
        assert food["serving_text"] and food["serving_g"] > 0 and food["category"]
        assert food["match"] == "word"


@pytest.mark.parametrize(
    ("params", "start"),
    [
        ({"q": "salmon", "limit": 51}, "limit: "),
        ({"q": "salmon", "limit": 0}, "limit: "),
        ({"q": ""}, "q: "),
        ({}, "q: "),
    ],
)
def test_search_bad_parameters_are_422(
    client: TestClient, params: dict[str, Any], start: str
) -> None:
    response = client.get("/foods/search", params=params)
    assert response.status_code == 422
    assert _message(response).startswith(start)


def test_targets_for_a_profile(client: TestClient) -> None:
    params = {"age": 29, "sex": "female", "pregnant": "true", "trimester": "3"}
    response = client.get("/targets", params=params)
    assert response.status_code == 200, response.text
    targets = Targets.model_validate(response.json())
    assert targets.profile is not None and targets.profile.trimester == 3
    magnesium = targets["magnesium"]
    assert magnesium.min is not None and magnesium.unit == "mg" and "DRI" in magnesium.source
    assert [b.nutrient for b in targets.bounds][:2] == ["magnesium", "potassium"]


@pytest.mark.parametrize(
    ("params", "start"),
    [
        ({"age": 34, "sex": "robot"}, "sex: "),
        ({"age": 300, "sex": "female"}, "age: must be between 1 and 120"),
        ({"age": "old", "sex": "female"}, "age: "),
        ({"age": 34, "sex": "male", "pregnant": "true"}, "pregnant: allowed only when sex"),
        ({"sex": "female"}, "age: "),
    ],
)
def test_targets_bad_values_are_422_naming_the_field(
    client: TestClient, params: dict[str, Any], start: str
) -> None:
    response = client.get("/targets", params=params)
    assert response.status_code == 422
    assert _message(response).startswith(start)


def test_openapi_describes_the_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    models = schema["components"]["schemas"]
    for name in ("PlanRequest", "PlanResult", "WeekPlan", "DayPlan", "Diagnosis", "Targets"):
        assert name in models, name
    assert set(schema["paths"]) == {"/plans", "/plans/batch", "/foods/search", "/targets"}
    plans = schema["paths"]["/plans"]["post"]
    assert plans["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PlanRequest"
    }
    assert {"200", "409", "422"} <= set(plans["responses"])


# -- the pool ---------------------------------------------------------------------------------


def test_workers_come_from_the_environment(
    service: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(service.WORKERS_ENV, "3")
    assert service._worker_count(None) == 3
    assert service._worker_count(1) == 1
    monkeypatch.delenv(service.WORKERS_ENV)
    assert service._worker_count(None) == 2
    monkeypatch.setenv(service.WORKERS_ENV, "many")
    with pytest.raises(ValueError, match=service.WORKERS_ENV):
        service.create_app()
    with pytest.raises(ValueError, match="workers"):
        service.create_app(workers=0)


def test_a_dead_worker_is_503_and_the_next_request_gets_a_new_pool(service: ModuleType) -> None:
    with TestClient(service.create_app(workers=1)) as client:
        first = client.post("/plans", json=DAY)
        assert first.status_code == 200, first.text
        os.kill(int(first.headers["X-Mealplan-Worker"]), signal.SIGKILL)
        # The pool notices the death in its own thread; until then it may still take a task.
        deadline = time.monotonic() + 30
        while True:
            response = client.post("/plans", json=DAY)
            if response.status_code != 200 or time.monotonic() > deadline:
                break
        assert response.status_code == 503, response.text
        assert response.json()["error"] == "worker_failed"
        again = client.post("/plans", json=DAY)
        assert again.status_code == 200, again.text
        assert again.headers["X-Mealplan-Worker"] != first.headers["X-Mealplan-Worker"]


# -- a real server ----------------------------------------------------------------------------


def test_plans_waiting_for_a_worker_leave_the_other_endpoints_serving(
    service: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 plans held in their solve (more than Starlette's 40 default threads): /targets and
    /foods/search still answer, because planning waits on threads of its own limiter."""
    import asyncio
    import threading

    import httpx

    release = threading.Event()

    def held(requests: Any, workers: Any) -> tuple[list[PlanResult], list[int]]:
        release.wait(timeout=120)
        return [PlanResult(id="held", error={"type": "internal_error", "message": "x"})], []

    monkeypatch.setattr(service, "_plan", held)
    app = service.create_app(workers=1)

    async def scenario() -> tuple[int, int]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                plans = [asyncio.create_task(client.post("/plans", json=DAY)) for _ in range(40)]
                await asyncio.sleep(0.5)
                try:
                    targets, found = await asyncio.wait_for(
                        asyncio.gather(
                            client.get("/targets", params=WOMAN),
                            client.get("/foods/search", params={"q": "lentil soup"}),
                        ),
                        timeout=60,
                    )
                finally:
                    release.set()
                    await asyncio.gather(*plans)
        return targets.status_code, found.status_code

    assert asyncio.run(scenario()) == (200, 200)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_real_uvicorn_server_answers_http_and_plans_in_parallel() -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "--app-dir",
        str(SERVICE),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "mealplan_service:create_app",
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**ENV, "MEALPLAN_SERVICE_WORKERS": "2"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()[0].decode()
            try:
                if requests.get(f"{url}/openapi.json", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the server did not answer within 60 s"
            time.sleep(0.2)

        found = requests.get(f"{url}/foods/search", params={"q": "lentil soup"}, timeout=30)
        assert found.status_code == 200
        assert any("lentil" in food["name"].lower() for food in found.json())

        # Two requests at once, on two threads: each is planned by a worker process, and
        # with two workers and two waiting requests both workers take one.
        bodies = [
            {"profile": WOMAN, "days": 1, "id": "a"},
            {"profile": {"age": 50, "sex": "male"}, "days": 1, "id": "b"},
        ]
        with ThreadPoolExecutor(2) as threads:
            answers = list(
                threads.map(
                    lambda body: requests.post(f"{url}/plans", json=body, timeout=120), bodies
                )
            )
        for answer in answers:
            assert answer.status_code == 200, answer.text
            assert len(WeekPlan.model_validate_json(answer.content).days) == 1
        workers = {answer.headers["X-Mealplan-Worker"] for answer in answers}
        assert server.pid not in {int(pid) for pid in workers}
        assert len(workers) == 2, workers

        bad = requests.get(f"{url}/targets", params={"age": 34, "sex": "robot"}, timeout=30)
        assert bad.status_code == 422 and bad.json()["message"].startswith("sex: ")
    finally:
        server.terminate()  # SIGTERM: uvicorn stops serving, the lifespan shuts the pool down
        try:
            output = server.communicate(timeout=60)[0].decode()
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0].decode()
            pytest.fail(f"the server did not stop within 60 s:\n{output}")
    # A clean stop: uvicorn ends the lifespan (the pool is shut down and its workers joined),
    # then exits 0 or, on recent releases, by the SIGTERM it was sent.
    assert server.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output and "Traceback" not in output, output
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid), 0)
