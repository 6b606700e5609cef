"""Time the review workstation on a large sitting: each decision's round trip and the queue page's load.

Run from the repository root::

    python bench/bench_review.py [--sheets 10000] [--decisions 200] [--seed 1]

A results store of ``--sheets`` graded sheets of the bundled ``a4-180``
layout and ``cs-180`` format is built with synthetic reads (no images), one
question on every sheet flagged for review: as many flags as sheets.  The
review server then runs on uvicorn on a free local port, as
``papergen review`` runs it, and is timed over HTTP with one keep-alive
connection:

- a decision: ``POST /api/decide`` (recorded, the sheet rescored, the
  sheet's items and the counts sent back), then its undo; target <= 50 ms;
- the queue page: the HTML, script and style sheet, then the first batch of
  the queue (``/api/queue``) and the dashboard counts; target <= 1 s.

The baseline, measured in the same run against the same server, is a
request that does nothing (``GET /favicon.ico``, 204): the HTTP floor.
The exports, rewritten in a worker process once the reviewer pauses, are
timed too (they never delay a decision).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import random
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from bench_grading import EXAM_ID, FakePage, make_manifest, random_labels

from omr.layout import SheetLayout, load_layout
from omr.result import CandidateRead, MarkState, QuestionRead, SheetRead
from papergen.exam import SheetCode, encode_sheet_code, load_format
from papergen.grading import STORE_FILENAME, Store, grade_batch, write_exports
from papergen.resources import bundled_format_path, bundled_layout_path
from papergen.review.app import TOKEN_HEADER, ReviewConfig, create_app
from papergen.review.serve import bind_socket

DECISION_TARGET_MS = 50.0
QUEUE_TARGET_MS = 1000.0


def flagged_read(layout: SheetLayout, qr: str, candidate: str, rng: random.Random) -> SheetRead:
    """A read with random marks and one question whose mark is ambiguous (flagged for review)."""
    flagged = rng.randint(1, layout.question_count)
    questions = []
    for spec in layout.questions():
        marked = random_labels(rng, spec.options, spec.multiple)
        states = [MarkState.MARKED if o in marked else MarkState.BLANK for o in spec.options]
        fills = [rng.uniform(0.7, 0.95) if o in marked else rng.uniform(0.0, 0.1) for o in spec.options]
        if spec.number == flagged:
            unsure = next(i for i, o in enumerate(spec.options) if o not in marked)
            states[unsure], fills[unsure] = MarkState.AMBIGUOUS, 0.4
        questions.append(QuestionRead(spec.number, spec.options, tuple(fills), tuple(states),
                                      tuple(o for o in spec.options if o in marked), (), 0.5))
    grid = CandidateRead(candidate, (), tuple((0.05,) * 10 for _ in candidate))
    return SheetRead("read", qr_text=qr, candidate=grid, questions=tuple(questions), dpi=200.0)


def build_store(out: Path, sheets: int, seed: int) -> float:
    """Grade ``sheets`` synthetic flagged sheets into ``out``; returns the seconds it took."""
    rng = random.Random(seed)
    layout = load_layout(bundled_layout_path("a4-180"))
    manifest = make_manifest(layout, load_format(bundled_format_path("cs-180")), rng)
    qr = encode_sheet_code(SheetCode(EXAM_ID, "A", manifest.variants[0].checksum))
    pages = [FakePage(Path(f"scans/box-{i // 500:03d}.pdf"), i % 500 + 1, np.zeros((1, 1), np.uint8), 200.0,
                      hashlib.sha256(str(i).encode()).hexdigest()) for i in range(sheets)]
    reads = {id(p.image): flagged_read(layout, qr, f"{i:010d}", rng) for i, p in enumerate(pages)}

    def source(paths: Sequence[Path]) -> Iterator[FakePage]:
        yield from pages

    def reader(image: np.ndarray, sheet_layout: SheetLayout, *, dpi: float | None = None) -> SheetRead:
        return reads[id(image)]

    started = time.perf_counter()
    grade_batch(["scans"], [manifest], out, layout=layout, pages=source, reader=reader)
    return time.perf_counter() - started


class Client:
    """One keep-alive HTTP connection to the server, with the token."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.connection.connect()
        self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as browsers do
        self.headers = {TOKEN_HEADER: token}

    def request(self, method: str, path: str, body: object | None = None) -> tuple[float, bytes]:
        """(milliseconds, response body) of one request."""
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {response.status}: {payload[:200]!r}")
        return elapsed, payload


def serve(results: Path) -> tuple[object, int, str, object]:
    import uvicorn

    config = ReviewConfig.new(results, "bench")
    app = create_app(config)
    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, sock.getsockname()[1], config.token, app.state.exports


def queue_page_ms(client: Client) -> float:
    """Loading the queue page: HTML, script, style, first queue batch, counts."""
    total = 0.0
    for path in ("/", "/static/review.js", "/static/review.css", "/api/queue?limit=30", "/api/summary"):
        total += client.request("GET", path)[0]
    return total


def describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):6.1f} ms, p95 {p95:6.1f} ms, max {ordered[-1]:6.1f} ms"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=10_000)
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results"
        build_s = build_store(results, args.sheets, args.seed)
        server, port, token, app_exports = serve(results)
        client = Client(port, token)
        baseline = [client.request("GET", "/favicon.ico")[0] for _ in range(200)]
        _, body = client.request("GET", f"/api/queue?limit={args.decisions}")
        sheets = json.loads(body)["sheets"]
        flags = json.loads(client.request("GET", "/api/summary")[1])["counts"]["questions"]
        decide, undo = [], []
        for sheet in sheets[: args.decisions]:
            question = sheet["questions"][0]
            target = {"kind": "answer", "sha256": sheet["sha256"], "question": question["number"]}
            decide.append(client.request("POST", "/api/decide", {**target, "after": question["read"] or "空"})[0])
            undo.append(client.request("POST", "/api/decide", {**target, "after": None})[0])
        queue = [queue_page_ms(client) for _ in range(10)]
        with Store.open(results / STORE_FILENAME) as store:
            started = time.perf_counter()
            write_exports(store, results)
            export_s = time.perf_counter() - started
        server.should_exit = True
        app_exports.close()

    base = statistics.median(baseline)
    print(f"{args.sheets} sheets, {flags} flagged questions (store built in {build_s:.0f} s)")
    print(f"  baseline: empty request (GET /favicon.ico)   {describe(baseline)}")
    print(f"  decision round trip (POST /api/decide)      {describe(decide)}  "
          f"{statistics.median(decide) / base:5.1f} x baseline; target <= {DECISION_TARGET_MS:.0f} ms: "
          f"{'met' if max(decide) <= DECISION_TARGET_MS else 'NOT met'} (max)")
    print(f"  undo round trip (POST /api/decide, null)    {describe(undo)}")
    print(f"  queue page load (5 requests)                {describe(queue)}  "
          f"{statistics.median(queue) / base:5.1f} x baseline; target <= {QUEUE_TARGET_MS:.0f} ms: "
          f"{'met' if max(queue) <= QUEUE_TARGET_MS else 'NOT met'} (max)")
    print(f"  exports rewritten (worker process, after a pause): {export_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
