"""FdcClient against a local fake FDC serving the real recorded responses (tests/fake_fdc.py)."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from fake_fdc import ECHO_KEY, FakeFdc
from mealplan import FdcClient, FoodsResult, SearchHit
from mealplan.cache import FoodCache
from mealplan.errors import (
    FdcAuthError,
    FdcError,
    FdcNotFoundError,
    FdcRateLimitError,
    FdcResponseError,
    FdcUnavailableError,
    OfflineCacheMissError,
)
from mealplan.fdc.client import (
    DATA_TYPES,
    FdcArgumentError,
    FdcBadRequestError,
    FdcOfflineError,
    _parse_retry_after,
)

pytestmark = pytest.mark.shared

SECRET = "secret123"


class FakeTime:
    """A clock that moves only when the client sleeps: waits are observed, not spent."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(fake: FakeFdc, cache: FoodCache, **overrides: Any) -> FdcClient:
    options: dict[str, Any] = {
        "api_key": "test-key",
        "base_url": fake.base_url,
        "cache": cache,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        "timeout": (2.0, 5.0),
        "rng": 7,
    }
    options.update(overrides)
    return FdcClient(**options)


def search_ids(fake: FakeFdc, query: str) -> list[int]:
    return [food["fdcId"] for food in fake.data.searches[query]["foods"]]


# -- batching and caching -------------------------------------------------------------------------
def test_45_ids_take_three_posts_in_input_order_with_missing(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    real = search_ids(fake_fdc, "pork")[:42]
    absent = [1, 2, 999_999_999]
    ids = [*real[:10], absent[0], *real[10:30], absent[1], *real[30:], absent[2], real[5]]

    with make_client(fake_fdc, tmp_cache) as fdc:
        result = fdc.get_foods(ids)

    assert isinstance(result, FoodsResult)
    posts = fake_fdc.requests
    assert [(r.method, r.path) for r in posts] == [("POST", "/foods")] * 3
    batches = [json.loads(r.body)["fdcIds"] for r in posts]
    assert [len(b) for b in batches] == [20, 20, 5]
    assert all(json.loads(r.body)["format"] == "full" for r in posts)
    assert [f.fdc_id for f in result.foods] == real  # input order, duplicate collapsed
    assert result.missing == absent
    assert result.from_cache == 0
    assert tmp_cache.get_raw(real[0])["fdcId"] == real[0]

    # Now cached: only the ids FDC lacked are asked for again, in one request.
    with make_client(fake_fdc, tmp_cache) as fdc:
        again = fdc.get_foods(ids)
    assert fake_fdc.count() == 4
    assert json.loads(fake_fdc.requests[-1].body)["fdcIds"] == absent
    assert again.from_cache == 42
    assert [f.fdc_id for f in again.foods] == real


def test_second_get_food_is_served_from_cache(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fdc = make_client(fake_fdc, tmp_cache)
    first = fdc.get_food(169901)
    assert first.description == "Cheese, american cheddar, imitation"
    assert first.amount("calcium") is not None
    (request,) = fake_fdc.requests
    assert (request.method, request.path, request.query) == (
        "GET",
        "/food/169901",
        {"format": ["full"]},
    )
    assert fdc.get_food(169901) == first
    assert fake_fdc.count() == 1
    assert tmp_cache.get_raw(169901)["fdcId"] == 169901


def test_abridged_and_filtered_requests_are_not_cached(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    fdc = make_client(fake_fdc, tmp_cache)
    rice = fdc.get_food(169756, format="abridged", nutrients=[203, "204"])
    (request,) = fake_fdc.requests
    assert request.query == {"format": ["abridged"], "nutrients": ["203,204"]}
    assert set(rice.nutrients) == {"protein", "fat"}
    assert rice.amount("protein") == pytest.approx(7.13)
    assert tmp_cache.get(169756) is None  # partial: never stored as the food

    # A cached full record answers abridged and filtered requests without a request.
    full = fdc.get_food(169901)
    filtered = fdc.get_food(169901, nutrients=[301, 304])
    assert set(filtered.nutrients) == {"calcium", "magnesium"}
    assert filtered.amount("calcium") == full.amount("calcium")
    assert filtered.energy_source is None
    assert fdc.get_food(169901, format="abridged") == full
    assert fake_fdc.count() == 2


def test_offline_miss_makes_no_request_and_offline_hit_works(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    offline = make_client(fake_fdc, tmp_cache, offline=True)
    with pytest.raises(OfflineCacheMissError) as miss:
        offline.get_food(170720)
    assert miss.value.missing_ids == [170720]
    assert "170720" in str(miss.value)
    with pytest.raises(OfflineCacheMissError) as many:
        offline.get_foods([787522, 170720, 787522])
    assert many.value.missing_ids == [170720, 787522]
    with pytest.raises(FdcOfflineError):
        offline.search("pork")
    assert fake_fdc.count() == 0

    make_client(fake_fdc, tmp_cache).get_food(170720)
    assert fake_fdc.count() == 1
    assert offline.get_food(170720).description == "McDONALD'S, BIG MAC"
    partial = offline.get_foods([170720])
    assert [f.fdc_id for f in partial.foods] == [170720]
    assert partial.from_cache == 1
    assert fake_fdc.count() == 1


def test_offline_flag_defaults_to_the_cache_flag(tmp_path: Any) -> None:
    cache = FoodCache(tmp_path / "c", starter=False, offline=True)
    assert FdcClient("k", cache=cache).offline is True
    assert FdcClient("k", cache=cache, offline=False).offline is False


# -- retries and faults ---------------------------------------------------------------------------
def test_429_retry_after_is_honoured_in_real_time(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fake_fdc.queue_429(retry_after="1")
    fdc = make_client(fake_fdc, tmp_cache)  # real time.sleep and time.monotonic
    started = time.monotonic()
    food = fdc.get_food(426798)
    elapsed = time.monotonic() - started
    assert food.fdc_id == 426798
    assert fake_fdc.count() == 2
    assert elapsed >= 1.0


def test_429_after_the_retry_budget_raises_rate_limit_error(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    fake_fdc.queue_429(retry_after="1", times=2)
    clock = FakeTime()
    fdc = make_client(fake_fdc, tmp_cache, max_attempts=2, sleep=clock.sleep, clock=clock.clock)
    with pytest.raises(FdcRateLimitError) as caught:
        fdc.get_food(426798)
    assert caught.value.retry_after == 1.0
    assert "retry after" in str(caught.value)
    assert fake_fdc.count() == 2
    assert len(clock.sleeps) == 1 and clock.sleeps[0] >= 1.0


def test_real_429_retry_after_beyond_the_deadline_gives_up_at_once(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    fake_fdc.queue_429()  # the recorded Retry-After: 41848 s, far past max_retry_seconds
    clock = FakeTime()
    fdc = make_client(fake_fdc, tmp_cache, sleep=clock.sleep, clock=clock.clock)
    with pytest.raises(FdcRateLimitError) as caught:
        fdc.get_food(426798)
    assert caught.value.retry_after == 41848.0
    assert "11.6 h" in str(caught.value)
    assert clock.sleeps == []
    assert fake_fdc.count() == 1


def test_500_then_success_is_retried(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fake_fdc.queue_status(500)
    clock = FakeTime()
    fdc = make_client(fake_fdc, tmp_cache, sleep=clock.sleep, clock=clock.clock)
    assert fdc.get_food(787522).description == "Carrots, raw"
    assert fake_fdc.count() == 2
    assert len(clock.sleeps) == 1
    assert 0 <= clock.sleeps[0] <= 0.01  # full jitter below backoff_base on the first retry


def test_5xx_until_the_attempts_run_out_is_unavailable(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    fake_fdc.queue_status(503, times=3)
    clock = FakeTime()
    fdc = make_client(fake_fdc, tmp_cache, max_attempts=3, sleep=clock.sleep, clock=clock.clock)
    with pytest.raises(FdcUnavailableError, match="HTTP 503"):
        fdc.get_food(787522)
    assert fake_fdc.count() == 3
    assert len(clock.sleeps) == 2


def test_reset_connection_is_retried(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fake_fdc.queue_reset()
    fdc = make_client(fake_fdc, tmp_cache)
    assert fdc.get_food(170720).fdc_id == 170720
    assert fake_fdc.count() == 2


def test_persistent_reset_ends_unavailable(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fake_fdc.queue_reset(times=3)
    fdc = make_client(fake_fdc, tmp_cache, max_attempts=3)
    with pytest.raises(FdcUnavailableError, match="ConnectionError"):
        fdc.get_food(170720)
    assert fake_fdc.count() == 3


def test_reply_slower_than_the_read_timeout_is_unavailable(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    fake_fdc.queue_slow(0.6, times=2)
    fdc = make_client(fake_fdc, tmp_cache, timeout=(1.0, 0.2), max_attempts=2)
    with pytest.raises(FdcUnavailableError, match="ReadTimeout"):
        fdc.get_food(170720)
    assert fake_fdc.count() == 2


def test_retries_stop_at_the_retry_deadline(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fake_fdc.queue_status(500, times=5)
    clock = FakeTime()
    fdc = make_client(
        fake_fdc,
        tmp_cache,
        backoff_base=4.0,
        backoff_cap=4.0,
        max_retry_seconds=5.0,
        rng=0,
        sleep=clock.sleep,
        clock=clock.clock,
    )
    with pytest.raises(FdcUnavailableError):
        fdc.get_food(170720)
    assert sum(clock.sleeps) <= 5.0
    assert fake_fdc.count() == len(clock.sleeps) + 1 < 5


def test_malformed_json_names_the_food_and_shows_an_excerpt(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    fake_fdc.queue_malformed(169901)
    fdc = make_client(fake_fdc, tmp_cache, max_attempts=1)
    with pytest.raises(FdcResponseError) as caught:
        fdc.get_food(169901)
    assert caught.value.fdc_id == 169901
    assert caught.value.excerpt.startswith("{")
    assert "Cheese, american cheddar" in caught.value.excerpt
    assert "169901" in str(caught.value)
    assert tmp_cache.get(169901) is None


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_key_is_an_auth_error(
    fake_fdc: FakeFdc, tmp_cache: FoodCache, status: int
) -> None:
    fake_fdc.queue_auth_error(status)
    fdc = make_client(fake_fdc, tmp_cache)
    with pytest.raises(FdcAuthError) as caught:
        fdc.get_food(169901)
    text = str(caught.value)
    assert "https://fdc.nal.usda.gov/api-key-signup" in text
    assert "FDC_API_KEY" in text
    assert "test-key" not in text
    assert fake_fdc.count() == 1  # not retried


def test_unknown_food_is_not_found_with_the_real_404(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    fdc = make_client(fake_fdc, tmp_cache)
    with pytest.raises(FdcNotFoundError) as caught:
        fdc.get_food(1)
    assert caught.value.fdc_id == 1
    assert "NOT_FOUND" in str(caught.value)
    assert fake_fdc.count() == 1


def test_400_carries_the_server_message(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fake_fdc.queue_status(400, message="nutrients: must be numbers")
    fdc = make_client(fake_fdc, tmp_cache)
    with pytest.raises(FdcBadRequestError) as caught:
        fdc.get_food(169901, nutrients=[301])
    assert isinstance(caught.value, FdcResponseError)
    assert caught.value.status == 400
    assert "nutrients: must be numbers" in str(caught.value)


# -- the key --------------------------------------------------------------------------------------
def test_the_key_leaks_nowhere(
    fake_fdc: FakeFdc,
    tmp_cache: FoodCache,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("FDC_API_KEY", SECRET)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3").setLevel(logging.DEBUG)
    clock = FakeTime()
    fdc = FdcClient(
        base_url=fake_fdc.base_url,
        cache=tmp_cache,
        max_attempts=2,
        timeout=(1.0, 0.2),
        rng=1,
        sleep=clock.sleep,
        clock=clock.clock,
    )
    errors: list[FdcError] = []

    def expect_error(call: Any) -> None:
        with pytest.raises(FdcError) as caught:
            call()
        errors.append(caught.value)

    # A food whose body carries the key: it must not reach the cache or the Food.
    record = fake_fdc.data.food_bodies[170720].replace(
        b"McDONALD'S, BIG MAC", f"BIG MAC {ECHO_KEY}".encode()
    )
    fake_fdc.queue_reply(200, record)
    assert SECRET not in fdc.get_food(170720).description
    fake_fdc.queue_auth_error(401)
    expect_error(lambda: fdc.get_food(169901))
    fake_fdc.queue_status(500, times=2)
    expect_error(lambda: fdc.get_food(169901))
    fake_fdc.queue_status(400)
    expect_error(lambda: fdc.get_foods([169901]))
    fake_fdc.queue_malformed(169901, echo_key=True)
    expect_error(lambda: fdc.get_food(169901))
    fake_fdc.queue_429(retry_after="1", times=2)
    expect_error(lambda: fdc.get_food(169901))
    clock.now += 2  # the recorded 429 says 0 left: wait out its Retry-After before the next send
    fake_fdc.queue_reset(times=2)
    expect_error(lambda: fdc.get_food(169901))
    fake_fdc.queue_slow(0.5, times=2)
    expect_error(lambda: fdc.get_food(169901))
    expect_error(lambda: fdc.get_food(1))  # 404
    assert fdc.get_foods([787522, 2262077]).missing == []
    assert [hit.food.fdc_id for hit in fdc.search("pork", max_results=3)]

    assert [type(e).__name__ for e in errors] == [
        "FdcAuthError",
        "FdcUnavailableError",
        "FdcBadRequestError",
        "FdcResponseError",
        "FdcRateLimitError",
        "FdcUnavailableError",
        "FdcUnavailableError",
        "FdcNotFoundError",
    ]
    for error in errors:
        assert SECRET not in str(error) and SECRET not in repr(error)
        assert SECRET not in getattr(error, "excerpt", "")
    assert "***" in str(errors[0])  # the server echoed it; the client redacted it
    assert any(r.name.startswith("urllib3") for r in caplog.records)
    for log_record in caplog.records:
        assert SECRET not in log_record.getMessage()
    assert SECRET not in caplog.text
    files = [p for p in tmp_cache.path.rglob("*") if p.is_file()]
    assert len(files) >= 6  # food and raw entries of 170720, 787522, 2262077
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
    assert SECRET not in repr(fdc)
    assert "api_key=***" in repr(fdc)

    assert fake_fdc.requests
    for request in fake_fdc.requests:
        assert request.headers["X-Api-Key"] == SECRET
        assert SECRET not in request.raw_path
        assert SECRET.encode() not in request.body


def test_demo_key_fallback_warns(
    fake_fdc: FakeFdc,
    tmp_cache: FoodCache,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.delenv("FDC_API_KEY", raising=False)
    caplog.set_level(logging.WARNING, logger="mealplan.fdc.client")
    fdc = FdcClient(base_url=fake_fdc.base_url, cache=tmp_cache)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "DEMO_KEY" in warnings[0].getMessage()
    assert "30 requests an hour" in warnings[0].getMessage()
    assert fdc.uses_demo_key
    fdc.get_food(169901)
    assert fake_fdc.requests[0].headers["X-Api-Key"] == "DEMO_KEY"

    caplog.clear()
    FdcClient("own-key", cache=tmp_cache)
    monkeypatch.setenv("FDC_API_KEY", "env-key")
    FdcClient(cache=tmp_cache)
    assert not caplog.records


# -- search and list ------------------------------------------------------------------------------
def test_search_walks_all_pages_lazily(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fdc = make_client(fake_fdc, tmp_cache)
    hits = fdc.search("sweet potatoes", page_size=20)
    assert fake_fdc.count() == 0  # nothing is sent before iteration
    first = next(hits)
    assert isinstance(first, SearchHit)
    assert isinstance(first.score, float)
    assert fake_fdc.count() == 1
    rest = [next(hits) for _ in range(19)]
    assert fake_fdc.count() == 1  # page 2 only when iteration reaches it
    rest += list(hits)
    assert [h.food.fdc_id for h in [first, *rest]] == search_ids(fake_fdc, "sweet potatoes")
    assert [r.query["pageNumber"] for r in fake_fdc.requests] == [["1"], ["2"], ["3"]]
    assert all(r.query["pageSize"] == ["20"] for r in fake_fdc.requests)
    assert tmp_cache.user_food_ids() == []  # abridged hits are not cached


def test_search_stops_at_max_results_and_filters(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fdc = make_client(fake_fdc, tmp_cache)
    hits = list(fdc.search("sweet potatoes", page_size=10, max_results=15))
    assert len(hits) == 15
    assert fake_fdc.count() == 2

    legacy = list(
        fdc.search(
            "Sweet  Potatoes",
            data_types=["SR Legacy", "Foundation"],
            sort_by="fdcId",
            sort_order="desc",
        )
    )
    request = fake_fdc.requests[-1]
    assert request.query["dataType"] == ["SR Legacy,Foundation"]
    assert (request.query["sortBy"], request.query["sortOrder"]) == (["fdcId"], ["desc"])
    assert len(legacy) == 9
    assert {h.food.data_type for h in legacy} == {"SR Legacy"}
    assert list(fdc.search("no such food at all")) == []


def test_list_foods_pages_until_a_short_or_empty_page(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    fdc = make_client(fake_fdc, tmp_cache)
    listed = list(fdc.list_foods(page_size=20))
    assert len(listed) == 52
    assert listed[0].fdc_id == 321611  # the real /foods/list record
    assert fake_fdc.count(path="/foods/list") == 3  # 20, 20, then a short page of 12

    before = fake_fdc.count()
    assert len(list(fdc.list_foods(page_size=26))) == 52
    assert fake_fdc.count() - before == 3  # 26, 26, then an empty page

    before = fake_fdc.count()
    foundation = list(fdc.list_foods(data_types="Foundation", max_results=5))
    assert [f.fdc_id for f in foundation] == [321611]
    assert fake_fdc.count() - before == 1
    assert tmp_cache.user_food_ids() == []


# -- rate-limit headers ---------------------------------------------------------------------------
def test_low_remaining_budget_paces_requests(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fake_fdc.rate_limit, fake_fdc.remaining = 1000, 4  # reserve: 5% of 1000 = 50
    clock = FakeTime()
    fdc = make_client(fake_fdc, tmp_cache, sleep=clock.sleep, clock=clock.clock)
    fdc.get_food(169901)  # FDC reports 3 left
    assert clock.sleeps == []
    fdc.get_food(170720)
    assert clock.sleeps == [pytest.approx(30.0)]  # 3600 s / 3 = 1200 s, capped at pace_cap

    fake_fdc.remaining = 5
    uncapped = FakeTime()
    fdc = make_client(
        fake_fdc, tmp_cache, pace_cap=10_000, sleep=uncapped.sleep, clock=uncapped.clock
    )
    fdc.get_food(787522)  # 4 left
    fdc.get_food(426798)
    assert uncapped.sleeps == [pytest.approx(900.0)]  # 3600 s / 4

    fake_fdc.remaining = 500
    fdc.get_food(480814)  # still paced by the last report (3 left), then FDC reports 499
    fdc.get_food(2262077)  # plenty left: no more pacing
    assert uncapped.sleeps == [pytest.approx(900.0), pytest.approx(1200.0)]


def test_zero_remaining_refuses_to_send(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    fake_fdc.rate_limit, fake_fdc.remaining = 1000, 1
    clock = FakeTime()
    fdc = make_client(fake_fdc, tmp_cache, sleep=clock.sleep, clock=clock.clock)
    fdc.get_food(169901)  # FDC reports 0 left
    with pytest.raises(FdcRateLimitError) as caught:
        fdc.get_food(170720)
    assert caught.value.retry_after == pytest.approx(3600.0)
    assert fake_fdc.count() == 1  # not sent
    assert fdc.get_food(169901).fdc_id == 169901  # cached answers still work
    clock.now += 3600.0
    fake_fdc.remaining = 900
    assert fdc.get_food(170720).fdc_id == 170720
    assert fake_fdc.count() == 2


# -- arguments ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda c: c.get_food(0), "fdc_id"),
        (lambda c: c.get_food("169901"), "fdc_id"),
        (lambda c: c.get_food(True), "fdc_id"),
        (lambda c: c.get_food(169901, format="json"), "format"),
        (lambda c: c.get_food(169901, nutrients=range(301, 327)), "nutrients"),
        (lambda c: c.get_food(169901, nutrients=["calcium"]), "nutrients"),
        (lambda c: c.get_food(169901, nutrients=[]), "nutrients"),
        (lambda c: c.get_foods([169901, -5]), "ids"),
        (lambda c: c.get_foods("169901"), "ids"),
        (lambda c: c.get_foods([169901], format="short"), "format"),
        (lambda c: c.search("x", page_size=0), "page_size"),
        (lambda c: c.search("x", page_size=201), "page_size"),
        (lambda c: c.search("x", data_types=["Legacy"]), "data_types"),
        (lambda c: c.search("x", sort_by="name"), "sort_by"),
        (lambda c: c.search("x", sort_order="up"), "sort_order"),
        (lambda c: c.search("x", max_results=0), "max_results"),
        (lambda c: c.search(None), "query"),
        (lambda c: c.list_foods(data_types=[]), "data_types"),
        (lambda c: c.list_foods(page_size=500), "page_size"),
    ],
)
def test_bad_arguments_name_the_parameter(tmp_cache: FoodCache, call: Any, parameter: str) -> None:
    # Port 9 (discard) is closed: a request would fail as FdcUnavailableError, not ValueError.
    fdc = FdcClient("k", base_url="http://127.0.0.1:9/fdc/v1", cache=tmp_cache, max_attempts=1)
    with pytest.raises(ValueError) as caught:
        call(fdc)
    assert isinstance(caught.value, FdcArgumentError)
    assert caught.value.parameter == parameter
    assert str(caught.value).startswith(f"{parameter}:")


def test_argument_errors_list_the_allowed_values(tmp_cache: FoodCache) -> None:
    fdc = FdcClient("k", cache=tmp_cache)
    with pytest.raises(ValueError, match=r"format: .*'full', 'abridged'"):
        fdc.get_food(169901, format="json")  # type: ignore[arg-type]
    with pytest.raises(ValueError) as caught:
        fdc.search("x", data_types="Legacy")
    assert all(repr(t) in str(caught.value) for t in DATA_TYPES)
    with pytest.raises(ValueError, match="max_attempts"):
        FdcClient("k", cache=tmp_cache, max_attempts=0)
    with pytest.raises(ValueError, match="base_url"):
        FdcClient("k", cache=tmp_cache, base_url="api.nal.usda.gov/fdc/v1")


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2026, 10, 8, 12, 22, 32, tzinfo=UTC)
    assert _parse_retry_after("41848", now) == 41848.0
    assert _parse_retry_after("Thu, 08 Oct 2026 12:23:02 GMT", now) == 30.0
    assert _parse_retry_after("Thu, 08 Oct 2026 12:00:00 GMT", now) == 0.0
    assert _parse_retry_after("soon", now) is None
    assert _parse_retry_after(None, now) is None


def test_repr_and_close(tmp_cache: FoodCache) -> None:
    with FdcClient("abc-very-secret", base_url="https://example.test/v1/", cache=tmp_cache) as c:
        text = repr(c)
    assert text == "FdcClient(base_url='https://example.test/v1', api_key=***, offline=False)"
