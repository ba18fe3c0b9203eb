"""FdcClient: FoodData Central API v1 over one HTTP session, with a read-through food cache.

Why it looks the way it does:

- **One request path.** Every HTTP call goes through ``FdcClient._request``, so timeouts,
  retries, rate-limit bookkeeping, error mapping and key redaction are written once.
- **The key is a secret.** It is sent only in the ``X-Api-Key`` header (a key in a URL ends up
  in proxy logs and tracebacks) and is replaced by ``***`` in every error message, log line,
  ``repr`` and raw body written to the cache.
- **Retries.** 429, 5xx and connection faults (including a read slower than the read timeout)
  are retried with exponential backoff and full jitter; ``Retry-After`` is a floor on the wait.
  Retries stop at ``max_attempts`` or when the next wait would pass ``max_retry_seconds``
  after the first attempt, whichever comes first: the client gives up rather than oversleep.
- **Rate-limit pacing.** FDC (through api.data.gov) reports ``X-RateLimit-Limit`` and
  ``X-RateLimit-Remaining`` on each response and blocks a key for an hour once it goes over.
  When the remaining budget falls to the reserve (``rate_limit_reserve`` of the limit, at
  least 1 request), the client leaves at least ``3600 / remaining`` seconds between requests,
  capped at ``pace_cap`` seconds: the window is a rolling hour whose start the client cannot
  see, so it spreads what is left over a full hour. At 0 remaining it does not send at all and
  raises :class:`~mealplan.errors.FdcRateLimitError` until ``Retry-After`` (when FDC gave one)
  or an hour has passed. Pacing waits are not counted in ``max_retry_seconds``.
- **Caching.** Only complete records (full format, no nutrient filter) are stored as foods;
  abridged and filtered answers are partial, so they are served *from* a cached full record
  when there is one but never stored. Search and list results are abridged: never stored.
  A cache that cannot be written is warned about once; the food is still returned.
- **Redirects are not followed.** A 3xx answer is a
  :class:`~mealplan.errors.FdcRedirectError` naming the target (key redacted), never retried:
  requests would carry ``X-Api-Key`` to whatever host the redirect names (it strips only
  ``Authorization``), and FDC itself does not redirect API calls, so a redirect means a wrong
  ``base_url`` or something in between that should not get the key. Point ``base_url`` at
  the final address instead.
- **Bounded bodies.** Bodies are streamed and decompressed here, in pieces, so a small gzip
  that inflates enormously is stopped at the cap, not after it has been inflated: at most
  ``max_food_bytes`` (one food, default 4 MiB) or ``max_page_bytes`` (a ``/foods`` batch, a
  search or list page, default 16 MiB) *decoded* bytes are accepted; beyond that the call
  fails with :class:`~mealplan.errors.FdcResponseTooLargeError` (not retried, nothing cached).
  Only ``gzip``/``deflate`` are asked for and accepted as content encodings.
- **Deadline.** Besides the per-read ``timeout``, every call has a deadline: the body of an
  attempt must be complete by ``max_retry_seconds`` after the call started, or one read
  timeout after the attempt started when that is later (so the last retry gets a fair
  chance). The time is checked between the pieces of a body, so a server that drips a byte
  now and then cannot hold a call open: it ends with :class:`~mealplan.errors.FdcDeadlineError`
  (an ``FdcUnavailableError``) after at most ``max_retry_seconds`` + one read timeout, plus
  the one read that was under way (itself bounded by the read timeout). A server that drips
  its *status line or headers* is bounded only by the read timeout of each read.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import os
import random
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from numbers import Integral
from types import TracebackType
from typing import Any, Literal, NoReturn, Self
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from mealplan.cache import FoodCache
from mealplan.errors import (
    FdcAuthError,
    FdcDeadlineError,
    FdcNotFoundError,
    FdcRateLimitError,
    FdcRedirectError,
    FdcResponseError,
    FdcResponseTooLargeError,
    FdcUnavailableError,
    MealplanError,
    OfflineCacheMissError,
)
from mealplan.fdc.normalize import excerpt, parse_food
from mealplan.models import Food
from mealplan.nutrients import nutrient_id_for_number

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.nal.usda.gov/fdc/v1"
DEMO_KEY = "DEMO_KEY"
API_KEY_ENV = "FDC_API_KEY"
API_KEY_SIGNUP_URL = "https://fdc.nal.usda.gov/api-key-signup"

#: FDC answers at most 20 ids per ``/foods`` request.
FOODS_BATCH_LIMIT = 20
#: FDC filters on at most 25 nutrient numbers.
MAX_NUTRIENT_FILTER = 25
MAX_PAGE_SIZE = 200

FORMATS: tuple[str, ...] = ("full", "abridged")
DATA_TYPES: tuple[str, ...] = (
    "Foundation",
    "SR Legacy",
    "Survey (FNDDS)",
    "Branded",
    "Experimental",
)
SORT_BY: tuple[str, ...] = (
    "dataType.keyword",
    "lowercaseDescription.keyword",
    "fdcId",
    "publishedDate",
)
SORT_ORDERS: tuple[str, ...] = ("asc", "desc")

#: api.data.gov counts requests over a rolling hour.
RATE_LIMIT_WINDOW_SECONDS = 3600.0
REDACTED = "***"

#: Decoded-body caps: one food (real full records are well under 1 MiB), and a page or batch.
DEFAULT_MAX_FOOD_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_PAGE_BYTES = 16 * 1024 * 1024
#: Of an error answer (4xx/5xx) only this much is read: enough for its message.
ERROR_BODY_BYTES = 64 * 1024
#: Bytes read from the socket at a time (compressed); also the most inflated in one step.
_CHUNK_BYTES = 64 * 1024
_ACCEPTED_ENCODINGS = {"": None, "identity": None, "gzip": 31, "x-gzip": 31, "deflate": 15}

_RETRIABLE_EXCEPTIONS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    # Raised while the body is streamed from response.raw (timeouts, resets, short bodies).
    urllib3.exceptions.HTTPError,
)
_NUTRIENT_NUMBER = re.compile(r"^\d+(\.\d+)?$")

Format = Literal["full", "abridged"]


class FdcArgumentError(MealplanError, ValueError):
    """An argument is outside what FDC accepts; caught before any request is sent."""

    def __init__(self, parameter: str, message: str, allowed: Iterable[object] = ()) -> None:
        self.parameter = parameter
        self.allowed = tuple(allowed)
        text = f"{parameter}: {message}"
        if self.allowed:
            text += "; allowed: " + ", ".join(repr(a) for a in self.allowed)
        super().__init__(text)


class FdcBadRequestError(FdcResponseError):
    """FDC rejected the request (HTTP 400 or another unexpected 4xx) and said why."""

    def __init__(
        self, message: str, status: int, fdc_id: int | None = None, excerpt: str = ""
    ) -> None:
        super().__init__(message, fdc_id=fdc_id, excerpt=excerpt)
        self.status = status


class FdcOfflineError(OfflineCacheMissError):
    """Offline mode and the call (a search, a listing) can only be answered by FDC itself."""

    def __init__(self, what: str) -> None:
        super().__init__([])
        self.args = (
            f"offline mode: {what} needs the network and no request is allowed; go online "
            "(unset MEALPLAN_OFFLINE or pass offline=False)",
        )


@dataclass(frozen=True)
class FoodsResult:
    """What ``get_foods`` found: foods in input order and the ids FDC did not return."""

    foods: list[Food]
    missing: list[int]
    #: How many of ``foods`` came from the cache without a request.
    from_cache: int = 0


@dataclass(frozen=True)
class SearchHit:
    """One search result: the normalized (abridged) food and FDC's relevance score."""

    food: Food
    #: FDC's relevance score; None when the response has none (e.g. when sorted by a field).
    score: float | None = None


@dataclass
class _RateState:
    """The latest rate-limit figures FDC reported, and what they imply for the next send."""

    limit: int | None = None
    remaining: int | None = None
    #: Monotonic time before which no request may be sent (budget spent).
    blocked_until: float = 0.0
    #: Monotonic time before which the next request should not start (pacing).
    next_send_at: float = 0.0


# -- argument checks ------------------------------------------------------------------------------
def _check_fdc_id(value: object, parameter: str = "fdc_id") -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or int(value) <= 0:
        raise FdcArgumentError(parameter, f"must be a positive integer FDC id, got {value!r}")
    return int(value)


def _check_choice(parameter: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise FdcArgumentError(parameter, f"unknown value {value!r}", allowed)
    return value


def _check_data_types(data_types: Iterable[str] | str | None) -> str | None:
    if data_types is None:
        return None
    values = [data_types] if isinstance(data_types, str) else list(data_types)
    if not values:
        raise FdcArgumentError("data_types", "must name at least one data type", DATA_TYPES)
    for value in values:
        _check_choice("data_types", value, DATA_TYPES)
    return ",".join(dict.fromkeys(values))


def _check_page_size(page_size: object) -> int:
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, Integral)
        or not 1 <= int(page_size) <= MAX_PAGE_SIZE
    ):
        raise FdcArgumentError(
            "page_size", f"must be an integer from 1 to {MAX_PAGE_SIZE}, got {page_size!r}"
        )
    return int(page_size)


def _paging_params(
    page_size: object,
    data_types: Iterable[str] | str | None,
    sort_by: str | None,
    sort_order: str | None,
) -> dict[str, str]:
    """The checked query parameters that search and list share."""
    params = {"pageSize": str(_check_page_size(page_size))}
    data_type = _check_data_types(data_types)
    if data_type:
        params["dataType"] = data_type
    if _check_choice("sort_by", sort_by, SORT_BY):
        params["sortBy"] = str(sort_by)
    if _check_choice("sort_order", sort_order, SORT_ORDERS):
        params["sortOrder"] = str(sort_order)
    return params


def _check_max_results(max_results: object) -> int | None:
    if max_results is None:
        return None
    if isinstance(max_results, bool) or not isinstance(max_results, Integral) or max_results < 1:
        raise FdcArgumentError(
            "max_results", f"must be None or a positive integer, got {max_results!r}"
        )
    return int(max_results)


def _check_nutrients(nutrients: Iterable[int | str] | None) -> list[str] | None:
    """Nutrient *numbers* ("301", 304), not ids: that is what FDC's filter takes."""
    if nutrients is None:
        return None
    values = [nutrients] if isinstance(nutrients, str | int) else list(nutrients)
    numbers: list[str] = []
    for value in values:
        text = str(value).strip() if not isinstance(value, bool) else ""
        if not _NUTRIENT_NUMBER.match(text) or float(text) <= 0:
            raise FdcArgumentError(
                "nutrients", f"{value!r} is not a nutrient number such as 301 or '304'"
            )
        numbers.append(text)
    numbers = list(dict.fromkeys(numbers))
    if not 1 <= len(numbers) <= MAX_NUTRIENT_FILTER:
        raise FdcArgumentError(
            "nutrients", f"give 1 to {MAX_NUTRIENT_FILTER} nutrient numbers, got {len(numbers)}"
        )
    return numbers


# -- helpers ---------------------------------------------------------------------------------------
def _parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number of seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _filter_nutrients(food: Food, numbers: list[str]) -> Food:
    """A cached full food reduced to the nutrients read from the asked nutrient numbers.

    A value is kept when the FDC nutrient it was read from is among those asked (vitamin D
    converted from IU is kept when 324 is asked, not 328). Energy computed from the macros is
    kept only when protein, fat and carbohydrate all are, which is what normalizing FDC's own
    filtered answer would give.
    """
    wanted = {nutrient_id_for_number(n) for n in numbers} - {None}
    kept = {k: v for k, v in food.nutrients.items() if v.nutrient_id in wanted}
    energy = food.nutrients.get("energy")
    macros_kept = all(k in kept for k in ("protein", "fat", "carbohydrate"))
    if energy is not None and energy.nutrient_id == 0 and macros_kept:
        kept["energy"] = energy
    energy_source = food.energy_source if "energy" in kept else None
    return food.model_copy(update={"nutrients": kept, "energy_source": energy_source})


def _server_message(body: Any, text: str) -> str:
    """The human part of an error body: api.data.gov's ``error.message`` or FDC's ``message``."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            code, message = error.get("code"), error.get("message")
            parts = [str(p) for p in (code, message) if p]
            if parts:
                return ": ".join(parts)
        for key in ("message", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    return excerpt(text) if text else "(empty body)"


def _when(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB"


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port (the default one filled in) of a URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


class _BodyDecoder:
    """A body's bytes as sent turned into its bytes as meant, a bounded piece at a time.

    Bounded so that a small compressed body cannot inflate past the size cap in one call; a
    gzip member followed by another is read on, as curl does.
    """

    def __init__(self, content_encoding: str, what: str, fdc_id: int | None) -> None:
        encoding = content_encoding.strip().lower()
        if encoding not in _ACCEPTED_ENCODINGS:
            raise FdcResponseError(
                f"FDC answered {what} in content encoding {encoding!r}, which the client did "
                f"not ask for (only gzip and deflate)",
                fdc_id=fdc_id,
            )
        self._encoding = encoding
        self._what = what
        self._fdc_id = fdc_id
        self._wbits = _ACCEPTED_ENCODINGS[encoding]
        self._inflater = None if self._wbits is None else zlib.decompressobj(self._wbits)

    @property
    def identity(self) -> bool:
        """Whether the body is sent as is, so that its Content-Length is its decoded size."""
        return self._inflater is None

    def decode(self, pending: bytes, limit: int) -> tuple[bytes, bytes]:
        """At most ``limit`` decoded bytes of ``pending``, and the part of it still to decode."""
        if self._inflater is None or self._wbits is None:
            return pending, b""
        try:
            piece = self._inflater.decompress(pending, limit)
        except zlib.error as exc:
            raise FdcResponseError(
                f"FDC sent a damaged {self._encoding} body for {self._what}: {exc}",
                fdc_id=self._fdc_id,
            ) from None
        if self._inflater.eof and self._inflater.unused_data:  # another gzip member follows
            rest = self._inflater.unused_data
            self._inflater = zlib.decompressobj(self._wbits)
            return piece, rest
        return piece, self._inflater.unconsumed_tail


class FdcClient:
    """FoodData Central API v1 client: cached food lookups, search and listing.

    ``FdcClient()`` reads the key from ``FDC_API_KEY`` (else uses the rate-limited
    ``DEMO_KEY``) and caches foods in ``FoodCache()``. ``sleep``, ``clock`` and ``rng`` are
    injectable so that tests can observe waits; ``rng`` also takes an int seed.
    ``max_food_bytes`` and ``max_page_bytes`` cap the decoded size of one food's answer and of
    a ``/foods`` batch, search or list page. Redirects are never followed (see the module).
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        cache: FoodCache | None = None,
        offline: bool | None = None,
        timeout: float | tuple[float, float] = (3.05, 30.0),
        max_attempts: int = 5,
        max_retry_seconds: float = 60.0,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        rate_limit_reserve: float = 0.05,
        pace_cap: float = 30.0,
        max_food_bytes: int = DEFAULT_MAX_FOOD_BYTES,
        max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES,
        session: requests.Session | None = None,
        rng: random.Random | int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise FdcArgumentError("max_attempts", f"must be an integer >= 1, got {max_attempts!r}")
        for name, number in (
            ("max_retry_seconds", max_retry_seconds),
            ("backoff_base", backoff_base),
            ("backoff_cap", backoff_cap),
            ("pace_cap", pace_cap),
        ):
            if not number >= 0:
                raise FdcArgumentError(name, f"must be a number >= 0, got {number!r}")
        for name, size in (("max_food_bytes", max_food_bytes), ("max_page_bytes", max_page_bytes)):
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise FdcArgumentError(name, f"must be an integer >= 1 (bytes), got {size!r}")
        if not 0 <= rate_limit_reserve < 1:
            raise FdcArgumentError(
                "rate_limit_reserve", f"must be a fraction in [0, 1), got {rate_limit_reserve!r}"
            )

        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise FdcArgumentError("base_url", f"must be an http(s) URL, got {base_url!r}")

        key = api_key if api_key else os.environ.get(API_KEY_ENV, "").strip()
        if not key:
            key = DEMO_KEY
            logger.warning(
                "no FDC API key (api_key= or env %s): using %s, which allows only about 30 "
                "requests an hour and 50 a day per IP address; get a free key at %s",
                API_KEY_ENV,
                DEMO_KEY,
                API_KEY_SIGNUP_URL,
            )
        self._api_key = key
        self.base_url = base_url.rstrip("/")
        self.cache = cache if cache is not None else FoodCache()
        #: Never call the network when True (defaults to the cache's own flag).
        self.offline = self.cache.offline if offline is None else bool(offline)
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_retry_seconds = float(max_retry_seconds)
        self.backoff_base = float(backoff_base)
        self.backoff_cap = float(backoff_cap)
        self.rate_limit_reserve = float(rate_limit_reserve)
        self.pace_cap = float(pace_cap)
        self.max_food_bytes = max_food_bytes
        self.max_page_bytes = max_page_bytes
        self._owns_session = session is None
        self._session = session if session is not None else requests.Session()
        self._rng = rng if isinstance(rng, random.Random) else random.Random(rng)
        self._sleep = sleep
        self._clock = clock
        self._rate = _RateState()

    # -- lifecycle -------------------------------------------------------------------------------
    def __getstate__(self) -> NoReturn:
        """A client does not pickle or deep-copy: the copy would carry the API key and an open
        HTTP session to wherever it goes. Make one client in each process."""
        raise TypeError(
            "FdcClient does not pickle or deep-copy: it holds the API key and an open HTTP "
            f"session; make one in each process (FdcClient(api_key=...) or {API_KEY_ENV})"
        )

    def __repr__(self) -> str:
        shown = DEMO_KEY if self._api_key == DEMO_KEY else REDACTED
        return f"FdcClient(base_url={self.base_url!r}, api_key={shown}, offline={self.offline})"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session (only when the client created it)."""
        if self._owns_session:
            self._session.close()

    @property
    def uses_demo_key(self) -> bool:
        return self._api_key == DEMO_KEY

    # -- redaction -------------------------------------------------------------------------------
    def _redact(self, text: str) -> str:
        """The text with the API key replaced by ``***`` (DEMO_KEY is public, so left alone)."""
        if self._api_key and self._api_key != DEMO_KEY:
            return text.replace(self._api_key, REDACTED)
        return text

    def _scrub(self, value: Any) -> Any:
        """A copy of a decoded JSON value with the key redacted from every string in it."""
        if isinstance(value, str):
            return self._redact(value)
        if isinstance(value, dict):
            return {self._redact(str(k)): self._scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._scrub(v) for v in value]
        return value

    # -- foods -----------------------------------------------------------------------------------
    def get_food(
        self,
        fdc_id: int,
        format: Format = "full",
        nutrients: Iterable[int | str] | None = None,
    ) -> Food:
        """One food by FDC id, from the cache when possible.

        ``nutrients`` are FDC nutrient *numbers* (``301`` calcium, ``304`` magnesium), at most
        25. A full-format, unfiltered answer is cached with its raw body. An abridged or
        filtered request is answered from a cached full record when there is one (filtered as
        :func:`_filter_nutrients` says); otherwise it is fetched and not cached, being partial.
        """
        fdc_id = _check_fdc_id(fdc_id)
        _check_choice("format", format, FORMATS)
        numbers = _check_nutrients(nutrients)
        complete = format == "full" and numbers is None

        cached = self.cache.get(fdc_id)
        if cached is not None:
            return cached if numbers is None else _filter_nutrients(cached, numbers)
        if self.offline:
            raise OfflineCacheMissError([fdc_id])

        params: dict[str, str] = {"format": format}
        if numbers is not None:
            params["nutrients"] = ",".join(numbers)
        raw = self._request("GET", f"/food/{fdc_id}", params=params, fdc_id=fdc_id)
        food = self._parse(raw, fdc_id)
        if food.fdc_id != fdc_id:
            raise FdcResponseError(
                f"asked FDC for food {fdc_id} and got food {food.fdc_id}",
                fdc_id=fdc_id,
                excerpt=self._redact(excerpt(raw)),
            )
        if complete:
            self.cache.try_put(food, raw=raw)
        return food

    def get_foods(self, ids: Iterable[int], format: Format = "full") -> FoodsResult:
        """Many foods: cached ones without a request, the rest by POST ``/foods`` 20 at a time.

        Foods come back in input order with duplicates collapsed; ids FDC did not return are
        listed in ``missing``. Full-format answers are cached with their raw records; with
        ``format="abridged"`` a cached full record is returned as is and fetched ones are not
        cached.
        """
        _check_choice("format", format, FORMATS)
        if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
            raise FdcArgumentError("ids", f"must be an iterable of FDC ids, got {ids!r}")
        wanted = list(dict.fromkeys(_check_fdc_id(i, "ids") for i in ids))
        found = self.cache.get_many(wanted)
        from_cache = len(found)
        uncached = [i for i in wanted if i not in found]
        if uncached and self.offline:
            raise OfflineCacheMissError(uncached)

        for start in range(0, len(uncached), FOODS_BATCH_LIMIT):
            batch = uncached[start : start + FOODS_BATCH_LIMIT]
            body = self._request("POST", "/foods", json_body={"fdcIds": batch, "format": format})
            if not isinstance(body, list):
                raise FdcResponseError(
                    f"/foods for ids {batch} answered {type(body).__name__}, not a JSON array",
                    excerpt=self._redact(excerpt(body)),
                )
            asked = set(batch)
            for raw in body:
                food = self._parse(raw, None)
                if food.fdc_id not in asked:
                    logger.debug(
                        "FDC returned food %s that was not asked for: ignored", food.fdc_id
                    )
                    continue
                if food.fdc_id in found:
                    continue
                found[food.fdc_id] = food
                if format == "full":
                    self.cache.try_put(food, raw=raw)

        return FoodsResult(
            foods=[found[i] for i in wanted if i in found],
            missing=[i for i in wanted if i not in found],
            from_cache=from_cache,
        )

    # -- search and list -------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        data_types: Iterable[str] | str | None = None,
        page_size: int = 50,
        brand_owner: str | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        max_results: int | None = None,
    ) -> Iterator[SearchHit]:
        """Every match of ``query`` as :class:`SearchHit`, page after page, fetched lazily.

        Arguments are checked now; a page is requested only when iteration reaches it. Hits are
        abridged, so they are not cached. Offline, searching raises :class:`FdcOfflineError`.
        """
        if not isinstance(query, str):
            raise FdcArgumentError("query", f"must be a string, got {type(query).__name__}")
        params = {"query": query, **_paging_params(page_size, data_types, sort_by, sort_order)}
        if brand_owner is not None:
            params["brandOwner"] = str(brand_owner)
        limit = _check_max_results(max_results)
        if self.offline:
            raise FdcOfflineError("search")
        return self._search_pages(params, limit)

    def _search_pages(self, params: dict[str, str], limit: int | None) -> Iterator[SearchHit]:
        yielded = 0
        page = 1
        while True:
            body = self._request("GET", "/foods/search", params={**params, "pageNumber": str(page)})
            if not isinstance(body, dict) or not isinstance(body.get("foods"), list):
                raise FdcResponseError(
                    f"/foods/search page {page} is not a search result",
                    excerpt=self._redact(excerpt(body)),
                )
            for raw in body["foods"]:
                score = raw.get("score") if isinstance(raw, dict) else None
                food = self._parse(raw, None)
                yield SearchHit(food=food, score=float(score) if score is not None else None)
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
            current = body.get("currentPage")
            total = body.get("totalPages")
            current = current if isinstance(current, int) else page
            if not body["foods"] or not isinstance(total, int) or current >= total:
                return
            page = max(page, current) + 1

    def list_foods(
        self,
        *,
        data_types: Iterable[str] | str | None = None,
        page_size: int = 50,
        sort_by: str | None = None,
        sort_order: str | None = None,
        max_results: int | None = None,
    ) -> Iterator[Food]:
        """Every food of ``/foods/list`` (abridged), page after page, fetched lazily.

        Paging stops on an empty or short page or at ``max_results``. Not cached (abridged).
        """
        params = _paging_params(page_size, data_types, sort_by, sort_order)
        limit = _check_max_results(max_results)
        if self.offline:
            raise FdcOfflineError("list_foods")
        return self._list_pages(params, int(params["pageSize"]), limit)

    def _list_pages(
        self, params: dict[str, str], page_size: int, limit: int | None
    ) -> Iterator[Food]:
        yielded = 0
        page = 1
        while True:
            body = self._request("GET", "/foods/list", params={**params, "pageNumber": str(page)})
            if not isinstance(body, list):
                raise FdcResponseError(
                    f"/foods/list page {page} is not a JSON array",
                    excerpt=self._redact(excerpt(body)),
                )
            for raw in body:
                yield self._parse(raw, None)
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
            if len(body) < page_size:
                return
            page += 1

    # -- parsing ---------------------------------------------------------------------------------
    def _parse(self, raw: Any, fdc_id: int | None) -> Food:
        """parse_food, with the key redacted from any error it raises."""
        try:
            return parse_food(raw)
        except FdcResponseError as exc:
            raise FdcResponseError(
                self._redact(str(exc)),
                fdc_id=exc.fdc_id if exc.fdc_id is not None else fdc_id,
                excerpt=self._redact(exc.excerpt),
            ) from None

    # -- HTTP --------------------------------------------------------------------------------------
    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**(attempt-1)))."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return self._rng.uniform(0.0, ceiling)

    def _reserve(self, limit: int) -> int:
        return max(1, math.ceil(limit * self.rate_limit_reserve))

    def _before_send(self, what: str) -> None:
        """Refuse to send when the hourly budget is spent; pace when it is nearly spent."""
        now = self._clock()
        rate = self._rate
        if rate.remaining == 0 and now < rate.blocked_until:
            wait = rate.blocked_until - now
            raise FdcRateLimitError(
                f"FDC hourly rate limit spent ({rate.limit} requests an hour for this key): "
                f"{what} was not sent; retry in about {_when(wait)}. FDC blocks a key for an hour "
                "when it goes over its limit.",
                retry_after=wait,
            )
        wait = rate.next_send_at - now
        if wait > 0:
            logger.info(
                "FDC rate limit nearly spent (%s of %s left): waiting %.1f s before %s",
                rate.remaining,
                rate.limit,
                wait,
                what,
            )
            self._sleep(wait)

    def _observe_rate_limit(self, response: requests.Response, retry_after: float | None) -> None:
        remaining = _int_header(response.headers, "X-RateLimit-Remaining")
        limit = _int_header(response.headers, "X-RateLimit-Limit")
        if remaining is None:
            return
        now = self._clock()
        rate = self._rate
        rate.remaining = remaining
        rate.limit = limit if limit is not None else rate.limit
        reserve = self._reserve(rate.limit) if rate.limit else 1
        if remaining <= 0:
            hold = retry_after if retry_after is not None else RATE_LIMIT_WINDOW_SECONDS
            rate.blocked_until = now + hold
            rate.next_send_at = 0.0
        elif remaining <= reserve:
            interval = min(self.pace_cap, RATE_LIMIT_WINDOW_SECONDS / remaining)
            rate.next_send_at = now + interval
            rate.blocked_until = 0.0
        else:
            rate.next_send_at = 0.0
            rate.blocked_until = 0.0

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        fdc_id: int | None = None,
    ) -> Any:
        """Send one API call with retries; return the decoded JSON or raise a typed FdcError."""
        what = f"{method} {path}"
        cap = self.max_food_bytes if path.startswith("/food/") else self.max_page_bytes
        headers = {
            "X-Api-Key": self._api_key,
            "Accept": "application/json",
            "Accept-Encoding": "gzip, deflate",
        }
        started = self._clock()
        deadline = started + self.max_retry_seconds
        last_problem = ""
        last_status: int | None = None
        last_retry_after: float | None = None
        last_message = ""
        attempt = 0
        while True:
            attempt += 1
            self._before_send(what)
            retry_after: float | None = None
            # The body must be in by the deadline, or one read timeout from now when later.
            until = max(deadline, self._clock() + self._read_timeout)
            try:
                response, data = self._exchange(
                    method, path, params, json_body, headers, cap, until, fdc_id
                )
            except _RETRIABLE_EXCEPTIONS as exc:
                last_status = None
                last_problem = self._redact(f"{type(exc).__name__}: {exc}")
            else:
                status = response.status_code
                if status == 429 or 500 <= status < 600:
                    retry_after = _parse_retry_after(response.headers.get("Retry-After"))
                self._observe_rate_limit(response, retry_after)
                logger.debug("FDC %s -> HTTP %s", what, status)
                if 200 <= status < 300:
                    return self._decode(response, data, what, fdc_id)
                if status != 429 and not 500 <= status < 600:
                    raise self._status_error(response, data, what, fdc_id)
                last_status = status
                last_retry_after = retry_after
                last_message = self._redact(_server_message(*self._body(response, data)))
                last_problem = f"HTTP {status} ({last_message})"

            if attempt >= self.max_attempts:
                break
            delay = self._backoff(attempt)
            if retry_after is not None:
                delay = max(delay, retry_after)
            if self._clock() + delay > deadline:
                logger.warning(
                    "FDC %s: %s; not retrying, the next wait (%.1f s) would pass the %.0f s "
                    "retry budget",
                    what,
                    last_problem,
                    delay,
                    self.max_retry_seconds,
                )
                break
            logger.warning(
                "FDC %s: %s; retry %d of %d in %.2f s",
                what,
                last_problem,
                attempt,
                self.max_attempts - 1,
                delay,
            )
            self._sleep(delay)

        elapsed = self._clock() - started
        tried = f"after {attempt} attempt(s) in {elapsed:.1f} s"
        if last_status == 429:
            when = (
                f"retry after {_when(last_retry_after)} (Retry-After: {last_retry_after:.0f} s)"
                if last_retry_after is not None
                else "retry later (FDC gave no Retry-After; an hour is safe)"
            )
            raise FdcRateLimitError(
                f"FDC rate limit hit for {what} {tried}: {last_message}; {when}",
                retry_after=last_retry_after,
            )
        raise FdcUnavailableError(f"FDC unavailable for {what} {tried}: {last_problem}")

    @property
    def _read_timeout(self) -> float:
        timeout = self.timeout[1] if isinstance(self.timeout, tuple) else self.timeout
        return float(timeout) if timeout is not None else 0.0

    def _exchange(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json_body: Any,
        headers: Mapping[str, str],
        cap: int,
        until: float,
        fdc_id: int | None,
    ) -> tuple[requests.Response, bytes]:
        """One request and its whole body, read within ``cap`` and by ``until``.

        A redirect is raised as :class:`FdcRedirectError`, unread. The body of an error answer
        is cut at :data:`ERROR_BODY_BYTES` (only its message is wanted).
        """
        what = f"{method} {path}"
        url = self.base_url + path
        response = self._session.request(
            method,
            url,
            params=params,
            json=json_body,
            headers=headers,
            timeout=self.timeout,
            stream=True,
            allow_redirects=False,
        )
        with response:
            status = response.status_code
            if 300 <= status < 400:
                raise self._redirect_error(response, what, url)
            if 200 <= status < 300:
                data = self._read_body(response, path, what, cap, until, fdc_id)
            else:
                data = self._read_body(
                    response, path, what, ERROR_BODY_BYTES, until, fdc_id, cut=True
                )
        return response, data

    def _read_body(
        self,
        response: requests.Response,
        path: str,
        what: str,
        cap: int,
        until: float,
        fdc_id: int | None,
        *,
        cut: bool = False,
    ) -> bytes:
        """The decoded body, read and inflated piece by piece.

        More than ``cap`` decoded bytes raise :class:`FdcResponseTooLargeError` (or, with
        ``cut``, end the read: the first ``cap`` bytes are returned). Still reading at ``until``
        raises :class:`FdcDeadlineError`.
        """
        decoder = _BodyDecoder(response.headers.get("Content-Encoding", ""), what, fdc_id)

        def too_large(body: str) -> FdcResponseTooLargeError:
            setting = "max_food_bytes" if cap == self.max_food_bytes else "max_page_bytes"
            return FdcResponseTooLargeError(
                f"FDC answered {what} with {body} the {cap}-byte ({_mib(cap)}) cap "
                f"({setting}): refused, nothing cached",
                limit=cap,
                path=path,
                fdc_id=fdc_id,
            )

        declared = _int_header(response.headers, "Content-Length")
        if decoder.identity and declared is not None and declared > cap and not cut:
            raise too_large(f"a {declared}-byte body (Content-Length), over")

        raw = response.raw
        read = getattr(raw, "read1", None) or raw.read  # read1: whatever arrived, no waiting
        started = self._clock()
        parts: list[bytes] = []
        total = 0
        while True:
            chunk = read(_CHUNK_BYTES, decode_content=False)
            pending = chunk
            while pending:
                piece, pending = decoder.decode(pending, cap - total + 1)
                total += len(piece)
                if total > cap:
                    if cut:
                        parts.append(piece[: len(piece) - (total - cap)])
                        return b"".join(parts)
                    raise too_large("a (decoded) body over")
                parts.append(piece)
            if not chunk:
                return b"".join(parts)
            now = self._clock()
            if now > until:
                raise FdcDeadlineError(
                    f"FDC unavailable for {what}: the answer was still arriving "
                    f"{now - started:.1f} s into the body ({total} bytes so far), past the "
                    f"call's deadline (max_retry_seconds={self.max_retry_seconds:g}, read "
                    f"timeout {self._read_timeout:g} s)"
                )

    def _redirect_error(self, response: requests.Response, what: str, url: str) -> Exception:
        location = response.headers.get("Location")
        target = self._redact(urljoin(url, location)) if location else None
        if target is None:
            where = "with no Location"
        elif _origin(target) == _origin(self.base_url):
            where = f"to {excerpt(target)}"
        else:
            where = f"to {excerpt(target)}, another host than {self.base_url}"
        return FdcRedirectError(
            f"FDC answered {what} with a redirect (HTTP {response.status_code}) {where}: not "
            "followed, so that the API key goes to no other address; point base_url at the "
            "final address",
            status=response.status_code,
            location=target,
        )

    def _body(self, response: requests.Response, data: bytes) -> tuple[Any, str]:
        text = self._text(response, data)
        try:
            return json.loads(data), text
        except (ValueError, RecursionError):
            return None, text

    @staticmethod
    def _text(response: requests.Response, data: bytes) -> str:
        try:
            return data.decode(response.encoding or "utf-8", errors="replace")
        except LookupError:
            return data.decode("utf-8", errors="replace")

    def _decode(
        self, response: requests.Response, data: bytes, what: str, fdc_id: int | None
    ) -> Any:
        """The decoded body, key scrubbed, so that no food, cache entry or error can carry it."""
        try:
            return self._scrub(json.loads(data))
        except (ValueError, RecursionError):
            snippet = self._redact(excerpt(self._text(response, data)))
            subject = f"food {fdc_id}" if fdc_id is not None else what
            raise FdcResponseError(
                f"FDC sent a body that is not JSON for {subject} ({what}, HTTP "
                f"{response.status_code}): {snippet}",
                fdc_id=fdc_id,
                excerpt=snippet,
            ) from None

    def _status_error(
        self, response: requests.Response, data: bytes, what: str, fdc_id: int | None
    ) -> Exception:
        status = response.status_code
        body, text = self._body(response, data)
        message = self._redact(_server_message(body, text))
        if status in (401, 403):
            return FdcAuthError(
                f"FDC refused the API key for {what} (HTTP {status}: {message}). The key is "
                f"missing, invalid or blocked. Get a free key at {API_KEY_SIGNUP_URL} and set "
                f"{API_KEY_ENV} (or pass api_key=)."
            )
        if status == 404:
            subject = f"no food {fdc_id}" if fdc_id is not None else "no such resource"
            return FdcNotFoundError(
                f"FDC has {subject} ({what}, HTTP 404: {message})", fdc_id=fdc_id
            )
        return FdcBadRequestError(
            f"FDC rejected {what} (HTTP {status}): {message}",
            status=status,
            fdc_id=fdc_id,
            excerpt=self._redact(excerpt(text)),
        )
