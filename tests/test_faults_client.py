"""FdcClient under hostile servers (issue #10: items 1, 3, 6): redirects, bombs, huge bodies, drips.

Every server is real: the fake FDC of ``tests/fake_fdc.py`` on 127.0.0.1 (ephemeral ports),
scripted with a redirect or a body streamed piece by piece.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from fake_fdc import ECHO_KEY, FakeFdc, FdcData
from mealplan import FdcClient
from mealplan.cache import FoodCache
from mealplan.errors import (
    FdcDeadlineError,
    FdcRedirectError,
    FdcResponseError,
    FdcResponseTooLargeError,
    FdcUnavailableError,
)
from mealplan.fdc.client import DEFAULT_MAX_FOOD_BYTES, DEFAULT_MAX_PAGE_BYTES

pytestmark = pytest.mark.shared

logger = logging.getLogger(__name__)

SECRET = "s3cret-key-4711"
MIB = 1024 * 1024
BOMB_DECODED = 1024 * MIB


def make_client(fake: FakeFdc, cache: FoodCache, **overrides: Any) -> FdcClient:
    options: dict[str, Any] = {
        "api_key": SECRET,
        "base_url": fake.base_url,
        "cache": cache,
        "backoff_base": 0.01,
        "backoff_cap": 0.05,
        "timeout": (2.0, 5.0),
        "rng": 7,
    }
    options.update(overrides)
    return FdcClient(**options)


def assert_no_secret(error: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    assert SECRET not in str(error) and SECRET not in repr(error)
    assert SECRET not in getattr(error, "excerpt", "")
    for record in caplog.records:
        assert SECRET not in record.getMessage()


def cached_files(cache: FoodCache) -> list[Path]:
    return [p for p in cache.path.rglob("*") if p.is_file()] if cache.path.exists() else []


@pytest.fixture
def other_origin(fake_fdc_data: FdcData) -> Iterator[FakeFdc]:
    """A second fake on another port: another origin, recording the headers it receives."""
    fake = FakeFdc(fake_fdc_data).start()
    try:
        yield fake
    finally:
        fake.stop()


# -- 1. redirects ---------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_to_another_origin_never_carries_the_key(
    fake_fdc: FakeFdc,
    other_origin: FakeFdc,
    tmp_cache: FoodCache,
    caplog: pytest.LogCaptureFixture,
    status: int,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert other_origin.base_url != fake_fdc.base_url  # same host, another port
    target = f"{other_origin.base_url}/food/169901?leak={ECHO_KEY}"  # the fake echoes the key
    fake_fdc.queue_redirect(target, status=status)
    fdc = make_client(fake_fdc, tmp_cache)

    with pytest.raises(FdcRedirectError) as caught:
        fdc.get_food(169901)

    error = caught.value
    assert isinstance(error, FdcResponseError)
    assert error.status == status
    expected = f"{other_origin.base_url}/food/169901?leak=***"
    assert error.location == expected  # the target, key redacted
    assert expected in str(error) and "another host" in str(error)
    assert_no_secret(error, caplog)
    assert fake_fdc.count() == 1  # not retried either
    assert fake_fdc.requests[0].headers["X-Api-Key"] == SECRET
    # The other origin was never contacted, so it never saw the key in any header.
    assert other_origin.requests == []
    assert cached_files(tmp_cache) == []


def test_the_redirect_setup_does_catch_a_leak(fake_fdc: FakeFdc, other_origin: FakeFdc) -> None:
    """Plain requests, following the same redirect, hands the key over: the check above bites."""
    fake_fdc.queue_redirect(f"{other_origin.base_url}/food/169901")
    with requests.get(
        f"{fake_fdc.base_url}/food/169901", headers={"X-Api-Key": SECRET}, timeout=5
    ) as response:
        assert response.status_code == 200
    (received,) = other_origin.requests
    assert received.headers["X-Api-Key"] == SECRET


def test_same_origin_redirect_is_not_followed_either(
    fake_fdc: FakeFdc, tmp_cache: FoodCache, caplog: pytest.LogCaptureFixture
) -> None:
    fake_fdc.queue_redirect("/fdc/v1/food/170720", status=307)
    fdc = make_client(fake_fdc, tmp_cache)
    with pytest.raises(FdcRedirectError) as caught:
        fdc.get_foods([169901])
    assert caught.value.location == f"{fake_fdc.base_url}/food/170720"
    assert "another host" not in str(caught.value)
    assert "base_url" in str(caught.value)
    assert fake_fdc.count() == 1
    assert_no_secret(caught.value, caplog)
    # The client is not left in a bad state: the next call works.
    assert fdc.get_food(170720).fdc_id == 170720


# -- 3. decompression bomb and huge bodies ---------------------------------------------------------
@pytest.fixture(scope="session")
def gzip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1 GiB of zeros as one gzip stream (about 1 MB), built once in 1 MiB pieces."""
    path = tmp_path_factory.mktemp("bomb") / "zeros.json.gz"
    squeezer = zlib.compressobj(4, zlib.DEFLATED, 31)
    zeros = bytes(MIB)
    with path.open("wb") as handle:
        for _ in range(BOMB_DECODED // MIB):
            handle.write(squeezer.compress(zeros))
        handle.write(squeezer.flush())
    assert path.stat().st_size < 2 * MIB
    return path


def _pieces(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_gzip_bomb_is_refused_in_bounded_memory(
    fake_fdc: FakeFdc, tmp_path: Path, gzip_bomb: Path
) -> None:
    bomb = gzip_bomb.read_bytes()
    assert zlib.decompressobj(31).decompress(bomb[:4096], 1 << 20)  # a real gzip of zeros
    fake_fdc.queue_stream(
        lambda: _pieces(bomb),
        headers={"Content-Encoding": "gzip", "Content-Length": str(len(bomb))},
    )
    script = textwrap.dedent(
        """
        import json, resource, sys, time
        import mealplan
        from mealplan import FdcClient
        from mealplan.cache import FoodCache
        from mealplan.errors import FdcResponseTooLargeError

        def peak_mib():
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)

        before = peak_mib()
        cache = FoodCache(sys.argv[2], starter=False)
        client = FdcClient("k-bomb", base_url=sys.argv[1], cache=cache, max_attempts=1)
        started = time.monotonic()
        try:
            client.get_food(169901)
            outcome = "no error"
        except FdcResponseTooLargeError as exc:
            outcome = type(exc).__name__ + ": " + str(exc)
        print(json.dumps({"before": before, "after": peak_mib(), "outcome": outcome,
                          "seconds": time.monotonic() - started}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, fake_fdc.base_url, str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    logger.info(
        f"gzip bomb: peak RSS {result['before']:.1f} -> {result['after']:.1f} MiB, "
        f"{result['seconds']:.2f} s"
    )
    assert result["outcome"].startswith("FdcResponseTooLargeError"), result
    assert str(DEFAULT_MAX_FOOD_BYTES) in result["outcome"]
    assert "/food/169901" in result["outcome"]
    assert result["after"] - result["before"] < 100, result
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.json"))


def _json_ish(total: int) -> Iterator[bytes]:
    """About ``total`` bytes of a JSON array of food-like objects, made as it is sent."""
    item = json.dumps({"fdcId": 169901, "description": "x" * 900}).encode() + b","
    yield b"["
    for _ in range(total // len(item)):
        yield item * 64
        total -= len(item) * 64
        if total <= 0:
            break
    yield b"{}]"


def test_oversized_batch_body_without_length_is_refused_and_nothing_cached(
    fake_fdc: FakeFdc, tmp_cache: FoodCache, caplog: pytest.LogCaptureFixture
) -> None:
    fake_fdc.queue_stream(lambda: _json_ish(40 * MIB))
    fdc = make_client(fake_fdc, tmp_cache)
    started = time.monotonic()
    with pytest.raises(FdcResponseTooLargeError) as caught:
        fdc.get_foods([169901, 170720])
    error = caught.value
    assert error.limit == DEFAULT_MAX_PAGE_BYTES == 16 * MIB
    assert error.path == "/foods"
    assert "max_page_bytes" in str(error) and str(16 * MIB) in str(error)
    assert_no_secret(error, caplog)
    assert fake_fdc.count() == 1  # not retried
    assert cached_files(tmp_cache) == []
    assert tmp_cache.get(169901) is None
    assert time.monotonic() - started < 30


def test_caps_are_constructor_arguments(fake_fdc: FakeFdc, tmp_cache: FoodCache) -> None:
    record = fake_fdc.data.food_bodies[169901]
    fdc = make_client(fake_fdc, tmp_cache, max_food_bytes=len(record) - 1, max_page_bytes=MIB)
    # A declared Content-Length above the cap is refused before the body is read.
    with pytest.raises(FdcResponseTooLargeError) as caught:
        fdc.get_food(169901)
    assert caught.value.limit == len(record) - 1
    assert caught.value.path == "/food/169901"
    assert caught.value.fdc_id == 169901
    assert "max_food_bytes" in str(caught.value)
    # A gzip'd search page of 2 MiB (no length) against a 1 MiB page cap.
    page = json.dumps({"foods": [{"fdcId": i, "description": "y" * 1000} for i in range(2048)]})
    packed = zlib.compressobj(6, zlib.DEFLATED, 31)
    body = packed.compress(page.encode()) + packed.flush()
    fake_fdc.queue_stream(lambda: _pieces(body), headers={"Content-Encoding": "gzip"})
    with pytest.raises(FdcResponseTooLargeError) as page_error:
        next(fdc.search("pork"))
    assert (page_error.value.limit, page_error.value.path) == (MIB, "/foods/search")
    assert cached_files(tmp_cache) == []
    # Within the caps, gzip'd answers work as before.
    small = zlib.compressobj(6, zlib.DEFLATED, 31)
    gzipped = small.compress(record) + small.flush()
    fake_fdc.queue_stream(lambda: _pieces(gzipped, 1000), headers={"Content-Encoding": "gzip"})
    roomy = make_client(fake_fdc, tmp_cache)
    assert roomy.get_food(169901).description == "Cheese, american cheddar, imitation"
    with pytest.raises(ValueError, match="max_food_bytes"):
        make_client(fake_fdc, tmp_cache, max_food_bytes=0)


# -- 6. slow drip ---------------------------------------------------------------------------------
def test_slow_drip_ends_at_the_deadline(
    fake_fdc: FakeFdc, tmp_cache: FoodCache, caplog: pytest.LogCaptureFixture
) -> None:
    record = fake_fdc.data.food_bodies[169901]
    fake_fdc.queue_stream(
        lambda: _pieces(record, 1), interval=0.4, max_seconds=20
    )  # one byte every 0.4 s: each read is well inside the 1.5 s read timeout
    max_retry_seconds = 3.0
    fdc = make_client(fake_fdc, tmp_cache, timeout=(1.0, 1.5), max_retry_seconds=max_retry_seconds)
    started = time.monotonic()
    with pytest.raises(FdcDeadlineError) as caught:
        fdc.get_food(169901)
    elapsed = time.monotonic() - started
    logger.info(f"slow drip: FdcDeadlineError after {elapsed:.2f} s")
    assert isinstance(caught.value, FdcUnavailableError)
    assert "169901" in str(caught.value) and "deadline" in str(caught.value)
    assert_no_secret(caught.value, caplog)
    assert max_retry_seconds - 0.5 < elapsed < max_retry_seconds + 2.0
    assert fake_fdc.count() == 1
    assert cached_files(tmp_cache) == []


def test_slow_drip_after_a_retry_still_ends_near_the_budget(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    fake_fdc.queue_status(503)
    fake_fdc.queue_stream(lambda: _pieces(b"[" * 500, 1), interval=0.3, max_seconds=20)
    fdc = make_client(fake_fdc, tmp_cache, timeout=(1.0, 1.5), max_retry_seconds=2.0)
    started = time.monotonic()
    with pytest.raises(FdcDeadlineError):
        fdc.get_foods([169901])
    elapsed = time.monotonic() - started
    assert elapsed < 2.0 + 1.5 + 1.0  # max_retry_seconds + one read timeout + slack
    assert fake_fdc.count() == 2


def test_quick_bodies_are_unaffected_by_the_deadline(
    fake_fdc: FakeFdc, tmp_cache: FoodCache
) -> None:
    record = fake_fdc.data.food_bodies[170720]
    fake_fdc.queue_stream(lambda: _pieces(record, 4096), interval=0.01)
    fdc = make_client(fake_fdc, tmp_cache, timeout=(1.0, 1.5), max_retry_seconds=0.0)
    assert fdc.get_food(170720).description == "McDONALD'S, BIG MAC"
    assert tmp_cache.get(170720) is not None
