"""The review workstation: a small Starlette application over one results folder.

Every request must carry the access token (``?token=``, the ``X-Review-Token``
header, or the cookie set when the page is first opened with it).  Pages are
plain HTML, CSS and JavaScript shipped in ``papergen/review/static``; the
JSON API below is all they use:

=====================================  ==================================================
GET  /api/summary                      counts, roster reconciliation, set-aside pages
GET  /api/queue?after_source=&after_page=&limit=
                                       open sheets with their items, by file and page
GET  /api/sheet/{page_id}              one sheet's items (also decided ones)
POST /api/decide                       record or withdraw an answer or candidate decision
POST /api/absent                       confirm (or withdraw) a roster candidate's absence
GET  /api/page/{page_id}               a page not graded: preview size and scale, exams, questions
POST /api/register/{page_id}           read a set-aside page from four clicked corner marks
POST /api/manual/{page_id}             key a set-aside page in by hand (two entries)
GET  /api/audit?limit=                 the latest decisions
GET  /img/question/{page_id}/{n}       the question's row, PNG
GET  /img/grid/{page_id}               the candidate-number grid, PNG
GET  /img/page/{page_id}               the whole page, JPEG
GET  /font/ui.ttf                      the bundled CJK font (no system font needed)
=====================================  ==================================================

Exports are rewritten in a worker process once the reviewer pauses
(:class:`ExportWriter`), so a decision's round trip never waits for them.
"""

from __future__ import annotations

import multiprocessing
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from omr.layout import SheetLayout
from papergen.errors import PapergenError, ReviewError
from papergen.exam import resolve_layout
from papergen.grading import (
    ABSENT,
    STORE_FILENAME,
    NewDecision,
    PageRow,
    Store,
    flag_counts,
    format_answer,
    format_options,
    write_exports,
)
from papergen.files import csv_encoding
from papergen.grading.labels import reader_reason, status_label
from papergen.i18n import _, language, using_language
from papergen.resources import font_path
from papergen.review.images import PagePicture, ScanPictures
from papergen.review.queue import SheetItems, open_sheets, sheet_items
from papergen.review.sitting import RosterPerson, reconcile
from papergen.review.setaside import key_in_by_hand, register_by_corners

__all__ = ["ReviewConfig", "ExportWriter", "create_app", "TOKEN_COOKIE", "TOKEN_HEADER"]

TOKEN_COOKIE = "papergen_review"
TOKEN_HEADER = "X-Review-Token"
_STATIC = files("papergen.review") / "static"
_WHO_CHARS = 40  # longest reviewer name kept


@dataclass(frozen=True)
class ReviewConfig:
    """What one review server serves.

    Attributes
    ----------
    results_dir : Path
        The grading output folder.
    token : str
        The access token every request must carry.
    who : str
        The reviewer recorded with each decision.
    roster : sequence of RosterPerson or None
        Roster to reconcile with instead of the exams' own.
    layout : SheetLayout or path or None
        The sheet layout; None for the bundled layout the keys name.
    export_delay_s : float
        Seconds without a decision before the exports are rewritten (decisions in between share one write).
    lang : str
        The language the workstation opens in (``"zh"`` or ``"en"``; a button switches it) and the exports
        and messages use; default: the language in use.
    """

    results_dir: Path
    token: str
    who: str
    roster: Sequence[RosterPerson] | None = None
    layout: SheetLayout | Path | None = None
    export_delay_s: float = 2.0
    lang: str = field(default_factory=language)

    @classmethod
    def new(cls, results_dir: str | Path, who: str, roster: Sequence[RosterPerson] | None = None,
            layout: SheetLayout | Path | None = None) -> "ReviewConfig":
        """A configuration with a fresh random token."""
        return cls(Path(results_dir), secrets.token_urlsafe(18), who, roster, layout)


class ExportWriter:
    """Rewrites a results folder's CSV exports once the reviewer pauses, in a separate process.

    Scores change in the store with every decision; the exports (which for
    ten thousand sheets take seconds to write) follow ``delay_s`` seconds
    after the last decision, in a worker process so that writing them never
    slows a decision down.
    """

    def __init__(self, results_dir: Path, delay_s: float, roster: Sequence[RosterPerson] | None = None, *,
                 lang: str | None = None, encoding: str | None = None) -> None:
        self.results_dir, self.delay_s = results_dir, delay_s
        self.roster = list(roster) if roster is not None else None
        self.lang, self.encoding = lang or language(), encoding or csv_encoding()  # the worker has its own
        self.error: str | None = None
        self.written_at: float | None = None
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._thread = threading.Thread(target=self._run, name="review-exports", daemon=True)
        self._thread.start()

    def touch(self) -> None:
        """Note that the exports are out of date."""
        self._idle.clear()
        self._wake.set()

    def flush(self, timeout_s: float = 60.0) -> bool:
        """Wait until no write is pending; True if the exports are up to date."""
        return self._idle.wait(timeout_s)

    def write_now(self) -> None:
        """Write the exports now (in the worker process) and wait for them.

        If no worker process can run (e.g. a script without a ``__main__``
        guard), they are written in this thread instead.
        """
        with self._lock:
            try:
                try:
                    if self._pool is None:
                        context = multiprocessing.get_context("spawn")
                        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
                    self._pool.submit(write_results_exports, str(self.results_dir), self.roster, lang=self.lang,
                                      encoding=self.encoding).result()
                except (BrokenProcessPool, OSError, RuntimeError):
                    self._pool = None
                    write_results_exports(str(self.results_dir), self.roster, lang=self.lang,
                                          encoding=self.encoding)
                self.error, self.written_at = None, time.time()
            except PapergenError as exc:
                self.error = str(exc)

    def close(self) -> None:
        """Stop the worker process."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._wake.wait(self.delay_s):  # another decision came: wait for a pause
                continue
            self.write_now()
            if not self._wake.is_set():
                self._idle.set()


def write_results_exports(results_dir: str, roster: Sequence[RosterPerson] | None = None, *, lang: str = "en",
                          encoding: str | None = None) -> None:
    """Rewrite the CSV exports of a results folder in ``lang`` and ``encoding`` (run in the export worker process)."""
    with using_language(lang), Store.open(Path(results_dir) / STORE_FILENAME) as store:
        write_exports(store, results_dir, roster=roster, encoding=encoding)


class _TokenCheck:
    """ASGI middleware: refuses every request without the access token; remembers a token given in the URL
    in a cookie, so the page's own requests (pictures, scripts) carry it."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.token = app, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        in_url = request.query_params.get("token")
        given = in_url or request.headers.get(TOKEN_HEADER) or request.cookies.get(TOKEN_COOKIE) or ""
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            refusal = Response(_("403 access token missing or wrong; open the URL the 'papergen review' command "
                                 "printed"), status_code=403,
                               media_type="text/plain; charset=utf-8")
            await refusal(scope, receive, send)
            return
        if not in_url:
            await self.app(scope, receive, send)
            return
        cookie = f"{TOKEN_COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def create_app(config: ReviewConfig, *, pictures: ScanPictures | None = None) -> Starlette:
    """The review application for one results folder.

    Parameters
    ----------
    config : ReviewConfig
        Folder, token, reviewer, roster.
    pictures : ScanPictures, optional
        Where crops come from; default: the scans named in the store, read with the exams' layout.

    Raises
    ------
    ReviewError
        If the folder has no results store or no exam graded yet.
    """
    store_path = config.results_dir / STORE_FILENAME
    if not store_path.is_file():
        raise ReviewError(_("{folder}: no {store} here; give the folder 'papergen grade' wrote").format(
            folder=config.results_dir, store=STORE_FILENAME))
    with Store.open(store_path) as store:
        manifests = list(store.manifests().values())
    if not manifests:
        raise ReviewError(_("{path}: no exam graded yet; run 'papergen grade' first").format(path=store_path))
    layout = resolve_layout(manifests, config.layout)
    api = _Api(config, layout, pictures or ScanPictures(layout, config.results_dir.parent),
               ExportWriter(config.results_dir, config.export_delay_s, config.roster, lang=config.lang))
    routes = [
        Route("/", api.index),
        Route("/api/summary", api.summary),
        Route("/api/queue", api.queue),
        Route("/api/sheet/{page_id:int}", api.sheet),
        Route("/api/decide", api.decide, methods=["POST"]),
        Route("/api/absent", api.absent, methods=["POST"]),
        Route("/api/page/{page_id:int}", api.page),
        Route("/api/register/{page_id:int}", api.register, methods=["POST"]),
        Route("/api/manual/{page_id:int}", api.manual, methods=["POST"]),
        Route("/api/audit", api.audit),
        Route("/img/question/{page_id:int}/{number:int}", api.question_image),
        Route("/img/grid/{page_id:int}", api.grid_image),
        Route("/img/page/{page_id:int}", api.page_image),
        Route("/font/ui.ttf", api.font),
        Route("/favicon.ico", api.no_icon),
        Mount("/static", StaticFiles(directory=str(_STATIC)), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(_TokenCheck, token=config.token)],
                    exception_handlers={ReviewError: _review_error, PapergenError: _review_error})
    app.state.exports = api.exports
    app.state.config = config
    return app


async def _review_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=400)


class _Api:
    """The request handlers (sync ones run in Starlette's thread pool, one store connection each)."""

    def __init__(self, config: ReviewConfig, layout: SheetLayout, pictures: ScanPictures,
                 exports: ExportWriter) -> None:
        self.config, self.layout, self.pictures, self.exports = config, layout, pictures, exports
        self._local = threading.local()

    @contextmanager
    def _store(self) -> Iterator[Store]:
        """This worker thread's store connection, opened once: its page cache stays warm between requests."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store.open(self.config.results_dir / STORE_FILENAME)
        yield store

    async def index(self, request: Request) -> Response:
        """The page, told the language to open in (``data-lang``; the reader's own choice in the tab wins)."""
        page = (_STATIC / "index.html").read_text(encoding="utf-8")
        lang = "en" if self.config.lang == "en" else "zh"
        page = page.replace('data-lang="zh"', f'data-lang="{lang}"', 1)
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def font(self, request: Request) -> Response:
        """The bundled CJK font, so the interface reads the same on a machine without Chinese fonts."""
        return FileResponse(str(font_path()), media_type="font/ttf",
                            headers={"Cache-Control": "private, max-age=86400"})

    async def no_icon(self, request: Request) -> Response:
        return Response(status_code=204)

    def summary(self, request: Request) -> JSONResponse:
        with self._store() as store:
            sitting = reconcile(store, self.config.roster)
            set_aside = store.pages(["quarantined"])
        return JSONResponse({
            "counts": {**asdict(sitting.flags), "total": sitting.flags.total},
            "decisions": sitting.decisions, "graded": sitting.graded, "settled": sitting.settled,
            "who": self.config.who, "results": str(self.config.results_dir),
            "exports": {"error": self.exports.error, "written_at": self.exports.written_at},
            "exams": [_roll_json(e) for e in sitting.exams],
            "not_graded": [_page_json(p) for p in sitting.not_graded],
            "set_aside": [_page_json(p) for p in set_aside],
        })

    def queue(self, request: Request) -> JSONResponse:
        params = request.query_params
        try:
            after = (params["after_source"], int(params.get("after_page", "0"))) if "after_source" in params else None
            limit = min(int(params.get("limit", "30")), 200)
        except ValueError:
            raise ReviewError(_("queue: after_page and limit must be whole numbers (got {params})").format(
                params=dict(params))) from None
        with self._store() as store:
            pages = open_sheets(store, after=after, limit=limit)
            sheets = [_sheet_json(sheet_items(store, p)) for p in pages]
            counts = flag_counts(store)
        return JSONResponse({"sheets": sheets, "counts": {**asdict(counts), "total": counts.total},
                             "more": len(pages) == limit})

    def sheet(self, request: Request) -> JSONResponse:
        with self._store() as store:
            return JSONResponse(_sheet_json(sheet_items(store, _graded_page(store, request.path_params["page_id"]))))

    async def decide(self, request: Request) -> JSONResponse:
        body = await request.json()
        kind = body.get("kind")
        if kind not in ("answer", "candidate"):
            raise ReviewError(_("decide: kind must be 'answer' or 'candidate' (got {kind})").format(kind=repr(kind)))
        question = body.get("question")
        request_ = NewDecision(kind, body.get("after"), sha256=str(body.get("sha256", "")),
                               question=int(question) if question is not None else None, why=str(body.get("why", "")))
        return await _in_thread(self._decide, request_, self._who(body))

    def _who(self, body: dict[str, Any]) -> str:
        """The reviewer a request names (several may share a server on a LAN), else the server's."""
        return str(body.get("who") or "").strip()[:_WHO_CHARS] or self.config.who

    def _decide(self, request: NewDecision, who: str) -> JSONResponse:
        with self._store() as store:
            [row] = store.record_decisions([request], who=who)
            page = store.page_by_sha256(row.sha256 or "")
            payload = {"decision": _decision_json(row), "sheet": _sheet_json(sheet_items(store, page)),
                       "counts": _counts_json(store)}
        self.exports.touch()
        return JSONResponse(payload)

    async def absent(self, request: Request) -> JSONResponse:
        body = await request.json()
        after = ABSENT if body.get("absent", True) else None
        request_ = NewDecision("absent", after, exam_id=str(body.get("exam_id", "")),
                               candidate=str(body.get("candidate", "")), why=str(body.get("why", "")))
        return await _in_thread(self._absent, request_, self._who(body))

    def _absent(self, request: NewDecision, who: str) -> JSONResponse:
        with self._store() as store:
            [row] = store.record_decisions([request], who=who)
        self.exports.touch()
        return JSONResponse({"decision": _decision_json(row)})

    def page(self, request: Request) -> JSONResponse:
        with self._store() as store:
            page = _stored_page(store, request.path_params["page_id"])
            picture = self._picture(store, page, ("page", page.sha256))
            manifests = store.manifests()
        assert isinstance(picture, PagePicture)
        exams = [{"exam_id": m.exam_id, "variants": [v.variant for v in m.variants]} for m in manifests.values()]
        questions = [{"number": q.number, "options": format_options(q.options)} for q in self.layout.questions()]
        return JSONResponse({**_page_json(page), "scale": picture.scale, "width": picture.width_px,
                             "height": picture.height_px, "exams": exams, "questions": questions})

    async def register(self, request: Request) -> JSONResponse:
        body = await request.json()
        corners = body.get("corners")
        return await _in_thread(self._register, request.path_params["page_id"], corners, self._who(body))

    def _register(self, page_id: int, corners: Any, who: str) -> JSONResponse:
        with self._store() as store:
            page = _stored_page(store, page_id)
            image = self._page_image(store, page)
            outcome = register_by_corners(store, page, image, corners, layout=self.layout, who=who)
        self.exports.touch()
        return JSONResponse(outcome.to_json())

    async def manual(self, request: Request) -> JSONResponse:
        body = await request.json()
        return await _in_thread(self._manual, request.path_params["page_id"], body)

    def _manual(self, page_id: int, body: dict[str, Any]) -> JSONResponse:
        with self._store() as store:
            page = _stored_page(store, page_id)
            outcome = key_in_by_hand(store, page, self.layout, exam_id=str(body.get("exam_id", "")),
                                     variant=str(body.get("variant", "")), candidate=str(body.get("candidate", "")),
                                     first=body.get("first") or {}, second=body.get("second") or {},
                                     who=self._who(body))
        self.exports.touch()
        return JSONResponse(outcome.to_json())

    def audit(self, request: Request) -> JSONResponse:
        text = request.query_params.get("limit", "50")
        if not text.isdigit():
            raise ReviewError(_("audit: limit must be a whole number (got {text})").format(text=repr(text)))
        limit = min(int(text), 1000)
        with self._store() as store:
            rows = store.decisions()[-limit:]
        return JSONResponse({"decisions": [_decision_json(d) for d in reversed(rows)]})

    def question_image(self, request: Request) -> Response:
        number = request.path_params["number"]
        with self._store() as store:
            page = _graded_page(store, request.path_params["page_id"])
            data = self._picture(store, page, ("question", page.sha256, number))
        return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    def grid_image(self, request: Request) -> Response:
        with self._store() as store:
            page = _stored_page(store, request.path_params["page_id"])
            data = self._picture(store, page, ("grid", page.sha256))
        return Response(data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    def page_image(self, request: Request) -> Response:
        with self._store() as store:
            page = _stored_page(store, request.path_params["page_id"])
            picture = self._picture(store, page, ("page", page.sha256))
        assert isinstance(picture, PagePicture)
        return Response(picture.jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})

    def _picture(self, store: Store, page: PageRow, key: tuple) -> bytes | PagePicture:
        """A picture of a page; a miss decodes the page's file and makes the pictures of its open pages."""
        return self.pictures.get(key, page.source, lambda: self._wanted(store, page))

    def _wanted(self, store: Store, page: PageRow) -> list:
        same_file = [p for p in store.pages() if p.source == page.source
                     and (p.status in ("graded", "quarantined") or p.page_id == page.page_id)]
        wanted = []
        for p in same_file:
            homography, dpi = store.page_geometry(p.page_id)
            questions = [q.number for q in sheet_items(store, p).questions] if p.status == "graded" else []
            wanted.append(ScanPictures.wanted(p.page_no, p.sha256, homography, dpi, questions=questions))
        return wanted

    def _page_image(self, store: Store, page: PageRow) -> Any:
        return self.pictures.image(page.source, page.page_no, page.sha256)


async def _in_thread(func: Callable[..., Any], *args: Any) -> Any:
    return await run_in_threadpool(func, *args)


def _stored_page(store: Store, page_id: int) -> PageRow:
    page = store.page(page_id)
    if page is None:
        raise ReviewError(_("no stored page {page_id}; reload the page (the sheet may have been registered "
                            "again)").format(page_id=page_id))
    return page


def _graded_page(store: Store, page_id: int) -> PageRow:
    page = _stored_page(store, page_id)
    if page.status != "graded":
        raise ReviewError(_("{source} page {page} is not graded (status {status})").format(
            source=page.source, page=page.page_no, status=status_label(page.status)))
    return page


def _counts_json(store: Store) -> dict[str, int]:
    counts = flag_counts(store, sheets=False)
    return {**asdict(counts), "total": counts.total}


def _page_json(page: PageRow) -> dict[str, Any]:
    return {"page_id": page.page_id, "sha256": page.sha256, "source": page.source, "file": Path(page.source).name,
            "page_no": page.page_no, "status": page.status, "reason": reader_reason(page.reason),
            "exam_id": page.exam_id, "variant": page.variant, "candidate": page.candidate}


def _sheet_json(items: SheetItems) -> dict[str, Any]:
    page = items.page
    identity = None
    if items.identity is not None:
        i = items.identity
        identity = {"flags": [{"kind": f.kind, "detail": f.detail} for f in i.flags], "digits": i.digits,
                    "candidate": i.candidate, "decided": i.decided, "fills": [list(col) for col in i.fills],
                    "image": f"/img/grid/{page.page_id}"}
    return {
        **_page_json(page),
        "questions": [
            {"number": q.number, "keys": list(q.options), "labels": list(format_options(q.options)),
             "fills": list(q.fills), "states": q.states, "read": q.read, "read_text": format_answer(q.read),
             "reasons": list(q.reasons), "answer": format_answer(q.answer), "decided": q.decided,
             "decided_text": format_answer(q.decided) if q.decided is not None else None,
             "image": f"/img/question/{page.page_id}/{q.number}"}
            for q in items.questions
        ],
        "identity": identity,
    }


def _decision_json(d: Any) -> dict[str, Any]:
    return {"id": d.id, "at": d.at, "who": d.who, "kind": d.kind, "source": d.source, "page_no": d.page_no,
            "exam_id": d.exam_id, "question": d.question, "candidate": d.candidate, "flag": d.flag,
            "before": d.before, "after": d.after, "why": d.why}


def _roll_json(roll: Any) -> dict[str, Any]:
    def person(p: RosterPerson) -> dict[str, str]:
        return {"number": p.number, "name": p.name, "variant": getattr(p, "variant", "")}

    return {
        "exam_id": roll.exam_id, "roster": len(roll.roster),
        "present": [{**person(p), "pages": [_page_json(x) for x in pages]} for p, pages in roll.present],
        "absent": [person(p) for p in roll.absent],
        "confirmed_absent": [person(p) for p in roll.confirmed_absent],
        "not_on_roster": [_page_json(p) for p in roll.not_on_roster] if roll.roster else [],
        "duplicates": [{"number": n, "pages": [_page_json(p) for p in pages]} for n, pages in roll.duplicates.items()],
    }
