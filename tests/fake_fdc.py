"""A local fake of FDC API v1 that serves the real recorded responses in ``../shared/fdc``.

It runs a ``ThreadingHTTPServer`` on 127.0.0.1 (ephemeral port) under ``/fdc/v1``, records every
request so tests can count them and look at headers, and plays scripted faults queued by a test
(429, 5xx, reset connection, slow reply, malformed JSON, 401/403, 400, a redirect, a body
streamed piece by piece: huge, compressed or dripped) before normal routing.

What is real and what is assembled here:

- ``/food/{id}`` returns the recorded body byte for byte for the recorded foods (169901,
  170720, 787522, 426798, 480814, 2262077, 2262078) and the recorded abridged, nutrient-filtered
  body for 169756 (the only recording there is for that id, whatever format is asked). With a
  ``nutrients`` filter the fake drops the other nutrients from the real record and re-serializes.
  Unknown ids get the real api.data.gov 404 body.
- ``/foods`` (POST and GET) assembles an array from a pool of real records: every recorded full
  record, plus every food of all recorded search responses (407 distinct real ids). Search foods
  are in the search shape, not the full shape; full records win where an id is in both.
- ``/foods/search`` serves the recorded response whose query matches, treating its ``foods`` as the
  whole result set: the fake slices it into pages of ``pageSize`` and recomputes ``totalHits``,
  ``totalPages`` and ``currentPage`` from that slice (the real totals are far larger).
- ``/foods/list`` pages over the two real abridged records followed by the 50 foods of the
  recorded "pork" search (search shape), so that there is more than one page to walk.
- The 429 is the real recorded body and headers; only ``Retry-After`` can be overridden. The
  401/403/400 bodies were not recorded: they follow the api.data.gov error shape of the real 404
  and 429, and can echo the request's ``X-Api-Key`` so that tests can check redaction.
"""

from __future__ import annotations

import json
import math
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

#: Replaced, in a scripted body, by the ``X-Api-Key`` header of the request it answers.
ECHO_KEY = "__ECHO_API_KEY__"
PREFIX = "/fdc/v1"

FOOD_FILES = {
    169901: "food_169901_sr_legacy_full_2020_prettyprinted.json",
    170720: "food_170720_sr_legacy_full_2019.json",
    787522: "food_787522_survey_fndds_full_2020_prettyprinted.json",
    426798: "food_426798_branded_full_2020_prettyprinted.json",
    480814: "food_480814_branded_full_2020_prettyprinted.json",
    2262077: "food_2262077_sample_composite_full.json",
    2262078: "food_2262078_market_acquisition_full.json",
    169756: "food_169756_sr_legacy_abridged_nutrients_filter_prettierformatted.json",
}
MULTI_FILE = "foods_2262077_2262078_multi_full.json"
LIST_FILE = "foods_list_foundation_pagesize1_page1_publishedDate_asc_abridged.json"
SEARCH_FILES = {
    "sweet potatoes": "search_sweet_potatoes_pageSize50_page1_mixed_2022-09-09.json",
    "cheddar cheese": "search_cheddar_cheese_pageSize50_page1_2022-09-09.json",
    "butter": "search_butter_pageSize50_page1_with_foundation_2022-02-23.json",
    "pork": "search_pork_pageSize50_page1_sr_legacy_heavy_2022-05-27.json",
    "chocolate chips": "search_chocolate_chips_pageSize50_page1_2021-10-25.json",
    "big mac": "search_big_mac_page1_2019.json",
    "": "search_empty_query_pageSize50_page1_sr_legacy_2022-11-21.json",
}
ERROR_404 = "error_404_not_found_api_data_gov_2022-02-23.json"
ERROR_429 = "error_429_over_rate_limit_DEMO_KEY_2026-10-08"

_API_ERROR_TEMPLATE = '{{"error":{{"code":"{code}","message":"{message}"}}}}'


def _api_error(code: str, message: str) -> bytes:
    return _API_ERROR_TEMPLATE.format(code=code, message=message).encode()


def _curl_headers(text: str) -> list[tuple[str, str]]:
    """Headers of the last response block of a ``curl -D`` dump (a proxy CONNECT block first)."""
    blocks = [b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    lines = blocks[-1].splitlines()[1:]  # drop the status line
    return [
        (k.strip(), v.strip()) for k, v in (line.split(":", 1) for line in lines if ":" in line)
    ]


@dataclass(frozen=True)
class FdcData:
    """The real recordings, loaded once per test session."""

    food_bodies: dict[int, bytes]
    pool: dict[int, dict[str, Any]]
    searches: dict[str, dict[str, Any]]
    list_pool: list[dict[str, Any]]
    error_404: bytes
    error_429_body: bytes
    error_429_headers: list[tuple[str, str]]

    @classmethod
    def load(cls, shared_fdc: Path) -> FdcData:
        folder = shared_fdc / "api_responses"
        food_bodies = {fdc_id: (folder / name).read_bytes() for fdc_id, name in FOOD_FILES.items()}
        searches = {
            query: json.loads((folder / name).read_text(encoding="utf-8"))
            for query, name in SEARCH_FILES.items()
        }
        pool: dict[int, dict[str, Any]] = {}
        for path in sorted(folder.glob("search_*.json")):
            if not path.name.endswith(".headers.json"):
                for food in json.loads(path.read_text(encoding="utf-8"))["foods"]:
                    pool.setdefault(food["fdcId"], food)
        full_records = [json.loads(body) for body in food_bodies.values()]
        full_records += json.loads((folder / MULTI_FILE).read_text(encoding="utf-8"))
        for record in full_records:
            pool[record["fdcId"]] = record  # full records win over search-shaped ones
        list_pool = [
            *json.loads((folder / LIST_FILE).read_text(encoding="utf-8")),
            json.loads(food_bodies[169756]),
            *searches["pork"]["foods"],
        ]
        return cls(
            food_bodies=food_bodies,
            pool=pool,
            searches=searches,
            list_pool=list_pool,
            error_404=(folder / ERROR_404).read_bytes(),
            error_429_body=(folder / f"{ERROR_429}.json").read_bytes(),
            error_429_headers=_curl_headers(
                (folder / f"{ERROR_429}.headers.txt").read_text(encoding="utf-8")
            ),
        )


@dataclass(frozen=True)
class Recorded:
    """One request as the fake received it."""

    method: str
    path: str  # without the /fdc/v1 prefix and without the query
    raw_path: str  # as sent on the request line, query included
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Scripted:
    """A canned answer for the next request, whatever it asks for."""

    kind: Literal["reply", "reset", "slow", "stream"]
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    #: For "stream": makes the body's pieces, sent ``delay`` seconds apart, for at most
    #: ``max_seconds`` (the connection is then closed: the body ends without a length).
    chunks: Callable[[], Iterable[bytes]] | None = None
    max_seconds: float = 30.0


@dataclass
class FakeFdc:
    """The fake server. Start it with :meth:`start`; ``base_url`` is what the client needs."""

    data: FdcData
    #: Rate-limit headers sent with routed answers; ``remaining`` is decremented per request.
    #: Set ``remaining`` to None to send no rate-limit headers.
    rate_limit: int = 1000
    remaining: int | None = 1000
    _requests: list[Recorded] = field(default_factory=list)
    _script: deque[Scripted] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> FakeFdc:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{PREFIX}"

    # -- inspection --------------------------------------------------------------------------------
    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def count(self, path: str | None = None, method: str | None = None) -> int:
        return sum(
            1
            for r in self.requests
            if (path is None or r.path == path) and (method is None or r.method == method)
        )

    # -- scripting ---------------------------------------------------------------------------------
    def script(self, *items: Scripted) -> None:
        with self._lock:
            self._script.extend(items)

    def queue_reply(
        self, status: int, body: bytes, headers: dict[str, str] | None = None, times: int = 1
    ) -> None:
        merged = {"Content-Type": "application/json", **(headers or {})}
        item = Scripted("reply", status=status, body=body, headers=tuple(merged.items()))
        self.script(*[item] * times)

    def queue_429(self, retry_after: str | None = None, times: int = 1) -> None:
        """The real recorded 429 (body and headers), optionally with another Retry-After."""
        headers = [(k, v) for k, v in self.data.error_429_headers if k.lower() != "content-length"]
        if retry_after is not None:
            headers = [(k, retry_after if k.lower() == "retry-after" else v) for k, v in headers]
        item = Scripted("reply", status=429, body=self.data.error_429_body, headers=tuple(headers))
        self.script(*[item] * times)

    def queue_status(self, status: int, message: str = "", times: int = 1) -> None:
        """An api.data.gov-style error body (not a recording) for 5xx/4xx faults."""
        text = message or f"fake error {status} ({ECHO_KEY})"
        self.queue_reply(status, _api_error(f"HTTP_{status}", text), times=times)

    def queue_auth_error(self, status: int = 401) -> None:
        """A key rejection that echoes the key it got, as a careless gateway might."""
        body = _api_error(
            "API_KEY_INVALID",
            f"An invalid api_key was supplied ({ECHO_KEY}). Get one at https://api.nal.usda.gov:443",
        )
        self.queue_reply(status, body)

    def queue_malformed(self, fdc_id: int = 169901, echo_key: bool = False) -> None:
        """200 with the real record of ``fdc_id`` cut short (as a dropped proxy would)."""
        body = self.data.food_bodies[fdc_id][:300]
        self.queue_reply(200, body + (ECHO_KEY.encode() if echo_key else b""))

    def queue_reset(self, times: int = 1) -> None:
        self.script(*[Scripted("reset")] * times)

    def queue_redirect(self, location: str, status: int = 302) -> None:
        """A redirect; ``ECHO_KEY`` in ``location`` becomes the request's key, as a leaky proxy."""
        self.queue_reply(status, b"", {"Location": location})

    def queue_stream(
        self,
        chunks: Callable[[], Iterable[bytes]],
        *,
        headers: dict[str, str] | None = None,
        interval: float = 0.0,
        max_seconds: float = 30.0,
    ) -> None:
        """200 whose body is ``chunks()`` sent piece by piece, ``interval`` seconds apart.

        No Content-Length unless ``headers`` gives one; the server closes the connection at
        the end, when the client hangs up, or after ``max_seconds``.
        """
        merged = {"Content-Type": "application/json", **(headers or {})}
        self.script(
            Scripted(
                "stream",
                headers=tuple(merged.items()),
                delay=interval,
                chunks=chunks,
                max_seconds=max_seconds,
            )
        )

    def queue_slow(self, delay: float, times: int = 1) -> None:
        """Answer normally, but only after ``delay`` seconds."""
        self.script(*[Scripted("slow", delay=delay)] * times)

    # -- serving -----------------------------------------------------------------------------------
    def _record(self, recorded: Recorded) -> Scripted | None:
        with self._lock:
            self._requests.append(recorded)
            return self._script.popleft() if self._script else None

    def _rate_headers(self) -> list[tuple[str, str]]:
        with self._lock:
            if self.remaining is None:
                return []
            self.remaining = max(0, self.remaining - 1)
            return [
                ("X-RateLimit-Limit", str(self.rate_limit)),
                ("X-RateLimit-Remaining", str(self.remaining)),
            ]

    def route(self, request: Recorded) -> tuple[int, bytes]:
        """The normal answer to a request: (status, body)."""
        path, query = request.path, request.query
        if request.method == "GET" and path.startswith("/food/"):
            return self._food(path.removeprefix("/food/"), query)
        if path == "/foods" and request.method in ("GET", "POST"):
            return self._foods(request)
        if path == "/foods/search" and request.method == "GET":
            return self._search(query)
        if path == "/foods/list" and request.method == "GET":
            return self._list(query)
        return 404, self.data.error_404

    def _food(self, id_text: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        fdc_id = int(id_text) if id_text.isdigit() else -1
        if fdc_id in self.data.food_bodies:
            body = self.data.food_bodies[fdc_id]
        elif fdc_id in self.data.pool:
            body = json.dumps(self.data.pool[fdc_id]).encode()
        else:
            return 404, self.data.error_404
        numbers = _csv(query.get("nutrients"))
        if numbers:
            record = json.loads(body)
            record["foodNutrients"] = [
                n for n in record.get("foodNutrients", []) if _nutrient_number(n) in numbers
            ]
            body = json.dumps(record).encode()
        return 200, body

    def _foods(self, request: Recorded) -> tuple[int, bytes]:
        if request.method == "POST":
            criteria = json.loads(request.body or b"{}")
            ids = [str(i) for i in criteria.get("fdcIds", [])]
        else:
            ids = _csv(request.query.get("fdcIds"))
        if not 1 <= len(ids) <= 20:
            # Not a recording: FDC answers 400 when fdcIds is empty or longer than 20.
            return 400, _api_error("BAD_REQUEST", "fdcIds: size must be between 1 and 20")
        records = [self.data.pool[int(i)] for i in ids if i.isdigit() and int(i) in self.data.pool]
        return 200, json.dumps(records).encode()

    def _search(self, query: dict[str, list[str]]) -> tuple[int, bytes]:
        text = " ".join(query.get("query", [""])[0].lower().split())
        recorded = self.data.searches.get(text)
        foods = list(recorded["foods"]) if recorded else []
        types = _csv(query.get("dataType"))
        if types:
            foods = [f for f in foods if f.get("dataType") in types]
        if "brandOwner" in query:
            foods = [f for f in foods if f.get("brandOwner") == query["brandOwner"][0]]
        page_size = int(query.get("pageSize", ["50"])[0])
        page = int(query.get("pageNumber", ["1"])[0])
        total_pages = math.ceil(len(foods) / page_size)
        body = dict(recorded or {})
        body.update(
            totalHits=len(foods),
            currentPage=page,
            totalPages=total_pages,
            pageList=list(range(1, min(total_pages, 10) + 1)),
            foods=foods[(page - 1) * page_size : page * page_size],
        )
        return 200, json.dumps(body).encode()

    def _list(self, query: dict[str, list[str]]) -> tuple[int, bytes]:
        foods = self.data.list_pool
        types = _csv(query.get("dataType"))
        if types:
            foods = [f for f in foods if f.get("dataType") in types]
        page_size = int(query.get("pageSize", ["50"])[0])
        page = int(query.get("pageNumber", ["1"])[0])
        return 200, json.dumps(foods[(page - 1) * page_size : page * page_size]).encode()


def _csv(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _nutrient_number(item: dict[str, Any]) -> str | None:
    nutrient = item.get("nutrient")
    if isinstance(nutrient, dict):
        return str(nutrient.get("number"))
    number = item.get("number", item.get("nutrientNumber"))
    return None if number is None else str(number)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeFdc

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that timed out and hung up is part of the tests, not a failure."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``FakeFdc.requests`` instead."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Recorded(
            method=self.command,
            path=parts.path.removeprefix(PREFIX),
            raw_path=self.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
            body=body,
        )
        scripted = fake._record(request)
        if scripted is not None and scripted.kind == "reset":
            # RST instead of FIN: the client sees "connection reset by peer", no reply at all.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if scripted is not None and scripted.kind == "reply":
            key = request.headers.get("X-Api-Key", "")
            self._send(
                scripted.status,
                scripted.body.replace(ECHO_KEY.encode(), key.encode()),
                [(k, v.replace(ECHO_KEY, key)) for k, v in scripted.headers],
            )
            return
        if scripted is not None and scripted.kind == "stream":
            self._stream(scripted)
            return
        if scripted is not None and scripted.kind == "slow":
            time.sleep(scripted.delay)
        status, payload = fake.route(request)
        headers = [("Content-Type", "application/json"), *fake._rate_headers()]
        self._send(status, payload, headers)

    def _stream(self, scripted: Scripted) -> None:
        assert scripted.chunks is not None
        self.close_connection = True
        self.send_response(scripted.status)
        for name, value in scripted.headers:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        stop_at = time.monotonic() + scripted.max_seconds
        try:
            for chunk in scripted.chunks():
                self.wfile.write(chunk)
                self.wfile.flush()
                if time.monotonic() > stop_at:
                    break
                if scripted.delay:
                    time.sleep(scripted.delay)
        except OSError:
            pass  # the client hung up: that is what these faults are for

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
