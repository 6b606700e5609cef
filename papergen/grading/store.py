"""The results store: one SQLite file (``results.sqlite``) in a grading output folder.

This is the only module that speaks SQL; what to store is decided by the
batch runner (:mod:`~papergen.grading.batch`) and by rescoring
(:mod:`~papergen.grading.rescore`).  The store keeps every page a
grading run saw (one row per page image, unique by content hash), every
bubble's fill and state (one JSON document per page), the score of each
graded sheet, sheet-level flags, the key manifests used, and a log of
rescoring runs.  Each page is written all-or-nothing; a grading run commits
pages in groups (:meth:`Store.grouped_writes`), so stopping a run loses at
most the pages of the open group; the database runs in WAL mode so a
report can read while a run writes.

Tables (schema version :data:`SCHEMA_VERSION`, kept in ``PRAGMA user_version``)
------------------------------------------------------------------------------
batch
    One row per grading run: start and end time, arguments, summary (JSON).
exam
    The key manifest (JSON) of every exam graded, as last applied.
page
    One row per page image: source file, page number, ``sha256`` (UNIQUE),
    status (:class:`~papergen.grading.records.StoredStatus`), reason, exam id, variant, candidate, QR
    text, candidate-grid read, registration fit error and homography (so a
    report can draw on the original scan), timings.
marks
    One row per read page: every question's options, fills, states, marked
    options, reader flags and confidence as one JSON document of parallel
    arrays (see :func:`_encode_marks`); one document per page keeps a
    180-question sheet at about 6 KB and one write.
score
    One row per graded sheet: variant, key checksum, total, maximum,
    per-section points and per-question results (JSON: number, section,
    marked, answer, points, max points, status, review reasons), number of
    questions under review.
flag
    Sheet-level flags (candidate mismatch, duplicate scan...).
rescore, rescore_change
    Rescoring runs (after a key correction) and the sheets whose score changed.
decision (schema 2)
    The reviewers' decisions, append-only (triggers refuse updates and
    deletes): who, when, the page (by content hash, so a decision outlives
    the page row a regrade replaces), question or candidate number, what the
    reader flagged, the value before and after, and why.  Every score and
    page candidate is kept equal to the reads overridden by the latest
    decision per target; ``score.decisions`` counts the decisions a score
    includes.

A store of an older schema version is migrated in place when opened.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any


from omr.result import CandidateRead, MarkState, QuestionRead, SheetRead
from papergen.errors import GradeError, NoResultsError, ReviewError, StoreError
from papergen.exam import ExamManifest, key_digest, seal_manifest
from papergen.files import make_folder
from papergen.grading.decisions import (
    ABSENT,
    DECISION_KINDS,
    Decision,
    NewDecision,
    parse_answer,
    parse_candidate,
    score_with_decisions,
)
from papergen.grading.records import (
    Flag,
    GradedSheet,
    PageRecord,
    PageRow,
    StoredStatus,
    RescoreResult,
    ScoreChange,
    StoredMarks,
)
from papergen.grading.labels import status_label
from papergen.grading.scoring import QuestionScore, SectionScore, SheetScore
from papergen.i18n import N_, _

__all__ = [
    "SCHEMA_VERSION",
    "STORE_FILENAME",
    "StoreParams",
    "Store",
    "EncodedPage",
    "encode_page",
    "open_results",
    "manifest_sha256",
]

SCHEMA_VERSION = 2
STORE_FILENAME = "results.sqlite"

_READ_STATUS = {"graded": "read", "refused": "read", "blank": "blank",
                "not_a_sheet": "not_a_sheet", "quarantined": "quarantined", "error": "quarantined"}
_STATE_LETTER = {MarkState.MARKED: "m", MarkState.BLANK: "b", MarkState.AMBIGUOUS: "a"}
_LETTER_STATE = {letter: state for state, letter in _STATE_LETTER.items()}

_SCHEMA = """
CREATE TABLE batch (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    args TEXT NOT NULL,
    summary TEXT
);
CREATE TABLE exam (
    exam_id TEXT PRIMARY KEY,
    manifest TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    saved TEXT NOT NULL
);
CREATE TABLE page (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batch(id),
    source TEXT NOT NULL,
    page_no INTEGER NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN
        ('graded', 'refused', 'blank', 'not_a_sheet', 'quarantined', 'error')),
    reason TEXT NOT NULL DEFAULT '',
    exam_id TEXT,
    variant TEXT,
    candidate TEXT,
    qr_text TEXT,
    read_reason TEXT NOT NULL DEFAULT '',
    grid_digits TEXT,
    grid_flags TEXT,
    grid_fills TEXT,
    rotation_deg INTEGER,
    fit_error_px REAL,
    dpi REAL,
    homography TEXT,
    working_dpi REAL,
    elapsed_ms REAL,
    timings TEXT NOT NULL DEFAULT '{}',
    read_at TEXT NOT NULL
);
CREATE INDEX page_exam_candidate ON page (exam_id, candidate);
CREATE INDEX page_status ON page (status);
CREATE TABLE marks (
    page_id INTEGER PRIMARY KEY REFERENCES page(id) ON DELETE CASCADE,
    questions TEXT NOT NULL
);
CREATE TABLE score (
    page_id INTEGER PRIMARY KEY REFERENCES page(id) ON DELETE CASCADE,
    variant TEXT NOT NULL,
    key_checksum TEXT NOT NULL,
    total REAL NOT NULL,
    max_total REAL NOT NULL,
    sections TEXT NOT NULL,
    questions TEXT NOT NULL,
    review_count INTEGER NOT NULL,
    scored_at TEXT NOT NULL
);
CREATE TABLE flag (
    id INTEGER PRIMARY KEY,
    page_id INTEGER NOT NULL REFERENCES page(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX flag_page ON flag (page_id);
CREATE TABLE rescore (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    exam_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    old_manifest_sha256 TEXT,
    new_manifest_sha256 TEXT NOT NULL,
    sheets INTEGER NOT NULL
);
CREATE TABLE rescore_change (
    rescore_id INTEGER NOT NULL REFERENCES rescore(id) ON DELETE CASCADE,
    page_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    page_no INTEGER NOT NULL,
    candidate TEXT,
    variant TEXT NOT NULL,
    old_total REAL NOT NULL,
    new_total REAL NOT NULL,
    questions TEXT NOT NULL
);
"""

_PAGE_COLUMNS = (
    "page.id, page.batch_id, page.source, page.page_no, page.sha256, page.status, page.reason, "
    "page.exam_id, page.variant, page.candidate, page.qr_text, page.fit_error_px, page.read_at"
)


@dataclass(frozen=True)
class StoreParams:
    """Tunables of the store.

    Attributes
    ----------
    fill_decimals : int
        Bubble fills and confidences (ratios in [0, 1]) are stored rounded to
        this many decimals.
    busy_timeout_ms : int
        How long a writer waits for another connection's lock, milliseconds.
    """

    fill_decimals: int = 3
    busy_timeout_ms: int = 5000


@dataclass(frozen=True, slots=True)
class EncodedPage:
    """A page's read and score as the text and numbers the store keeps (see :func:`encode_page`).

    Encoding is most of the cost of storing a page, so with several processes
    the workers encode and the single storing process only inserts.
    """

    read: tuple[Any, ...] | None
    """The page table's read columns (qr_text ... timings), or None for a page without a read."""
    marks: str | None
    """The marks table's question reads (JSON), or None for a page without a read."""
    score: tuple[Any, ...] | None
    """The score table's columns (variant ... review_count), or None for a page without a score."""


def encode_page(read: SheetRead | None, score: SheetScore | None, params: StoreParams = StoreParams()) -> EncodedPage:
    """The stored form of a page's read and score, ready for :meth:`Store.save_page`."""
    if read is None:
        read_columns, marks = None, None
    else:
        grid = read.candidate
        read_columns = (
            read.qr_text, read.reason,
            grid.digits if grid else None, _json(list(grid.flags)) if grid else None,
            _json([list(col) for col in grid.fills]) if grid else None,
            read.rotation_deg, read.fit_error_px, read.dpi,
            _json([list(row) for row in read.homography]) if read.homography is not None else None,
            read.working_dpi, _json(dict(read.timings_ms)),
        )
        marks = _encode_marks(read.questions, params.fill_decimals)
    return EncodedPage(read_columns, marks, _score_columns(score) if score is not None else None)


def _sql_errors_named(cls: type) -> type:
    """Wrap every public method so an SQLite failure reaches the user as a :class:`StoreError` with a fix."""
    for name, method in list(vars(cls).items()):
        if name.startswith("_") or not callable(method) or isinstance(method, classmethod):
            continue
        setattr(cls, name, _named_sql_errors(method))
    return cls


def _named_sql_errors(method: Any) -> Any:
    @functools.wraps(method)
    def wrapper(self: "Store", *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(sql_error_message(self.path, exc)) from exc

    return wrapper


def sql_error_message(path: Path, exc: sqlite3.Error) -> str:
    """``<path>: <what went wrong>; <how to fix>`` for an SQLite failure."""
    text = str(exc)
    if "full" in text:
        message = _("{path}: cannot write results ({error}); free disk space and rerun: pages stored so far are kept")
    elif "locked" in text or "busy" in text:
        message = _("{path}: another program holds the results store ({error}); close it and rerun")
    else:
        message = _("{path}: the results store is damaged or unreadable ({error}); grade the scans again into a "
                    "new --out folder (the scans and key.json hold everything it held)")
    return message.format(path=path, error=text)


@_sql_errors_named
class Store:
    """The SQLite results store of one output folder.

    Open it with :func:`open_results` and use it as a context manager::

        with open_results(out_dir, create=True) as store:
            if not store.has_page(sha256):
                store.save_page(record, batch_id=batch_id, score=score)
    """

    def __init__(self, connection: sqlite3.Connection, path: Path, params: StoreParams) -> None:
        self._db = connection
        self.path = path
        self.params = params
        self._group_pages = 0
        self._pending = 0

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, params: StoreParams = StoreParams(), *, create: bool = False) -> "Store":
        """Open the store at ``path``; with ``create``, make an empty one where none exists.

        Prefer :func:`open_results`, which takes the results folder.

        Raises
        ------
        NoResultsError
            If ``path`` does not exist and ``create`` is false.
        StoreError
            If the file cannot be opened, is not a papergen store, or was
            written by a newer schema version.
        """
        path = Path(path)
        if not create and not path.is_file():
            raise NoResultsError(_("{path}: no results store here; give the {store} 'papergen grade' wrote").format(
                path=path, store=STORE_FILENAME))
        try:
            connection = sqlite3.connect(path, isolation_level=None, timeout=params.busy_timeout_ms / 1000)
        except sqlite3.Error as exc:
            raise StoreError(_("{path}: cannot open results store ({error})").format(path=path, error=exc)) from exc
        connection.row_factory = sqlite3.Row
        try:
            _prepare(connection, path, params)
        except (sqlite3.Error, StoreError) as exc:
            connection.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(_("{path}: not a usable results store ({error})").format(path=path, error=exc)) from exc
        return cls(connection, path, params)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file."""
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def grouped_writes(self, pages: int) -> Iterator[None]:
        """Commit page writes in groups of ``pages`` instead of one transaction each.

        Inside, every write is still all-or-nothing (a savepoint each) and
        reads on this store see the writes not yet committed.  Stopping the
        process loses at most the writes of the open group; leaving the block
        (normally or by an exception) commits the writes completed so far.
        """
        self._group_pages, self._pending = max(1, pages), 0
        try:
            yield
        finally:
            self._group_pages = 0
            if self._db.in_transaction:
                self._db.execute("COMMIT")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self._group_pages:
            with self._grouped_write():
                yield self._db
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            if self._db.in_transaction:  # SQLite may have rolled back already (disk full)
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def _grouped_write(self) -> Iterator[None]:
        if not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("SAVEPOINT one_write")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK TO one_write")
            self._db.execute("RELEASE one_write")
            raise
        self._db.execute("RELEASE one_write")
        self._pending += 1
        if self._pending >= self._group_pages:
            self._db.execute("COMMIT")
            self._pending = 0

    # -- batches and keys --------------------------------------------------

    def begin_batch(self, args: Mapping[str, Any]) -> int:
        """Record the start of a grading run; returns its batch id."""
        with self._transaction() as db:
            cursor = db.execute("INSERT INTO batch (started, args) VALUES (?, ?)", (_now(), _json(args)))
        return int(cursor.lastrowid)

    def finish_batch(self, batch_id: int, summary: Mapping[str, Any]) -> None:
        """Record the end of a grading run with its summary."""
        with self._transaction() as db:
            db.execute("UPDATE batch SET finished = ?, summary = ? WHERE id = ?", (_now(), _json(summary), batch_id))

    def batches(self) -> list[dict[str, Any]]:
        """Every run as ``{"id", "started", "finished", "args", "summary"}``, oldest first."""
        rows = self._db.execute("SELECT id, started, finished, args, summary FROM batch ORDER BY id")
        return [
            {"id": r["id"], "started": r["started"], "finished": r["finished"],
             "args": json.loads(r["args"]), "summary": json.loads(r["summary"]) if r["summary"] else None}
            for r in rows
        ]

    def save_manifest(self, manifest: ExamManifest) -> None:
        """Store (or replace) the key manifest of an exam, sealed (a key without a digest gets one here)."""
        with self._transaction() as db:
            _upsert_manifest(db, manifest)

    def manifest(self, exam_id: str) -> ExamManifest | None:
        """The stored manifest of an exam, None if the exam was never graded here."""
        row = self._db.execute("SELECT manifest FROM exam WHERE exam_id = ?", (exam_id,)).fetchone()
        return self._checked_manifest(row["manifest"]) if row else None

    def manifests(self) -> dict[str, ExamManifest]:
        """Every stored manifest by exam id."""
        rows = self._db.execute("SELECT manifest FROM exam ORDER BY exam_id")
        manifests = [self._checked_manifest(r["manifest"]) for r in rows]
        return {m.exam_id: m for m in manifests}

    def _checked_manifest(self, text: str) -> ExamManifest:
        """A stored manifest whose digest matches its content (stores written before sealing: sealed here)."""
        manifest = ExamManifest.model_validate_json(text)
        if manifest.digest is None:
            return seal_manifest(manifest)
        if manifest.digest != key_digest(manifest):
            raise StoreError(_("{path}: the stored key of exam {exam} was changed outside papergen (digest "
                               "recorded {recorded}, content gives {actual}); grade the scans again into a new "
                               "--out folder").format(path=self.path, exam=manifest.exam_id,
                                                      recorded=manifest.digest[:12],
                                                      actual=key_digest(manifest)[:12]))
        return manifest

    # -- pages -------------------------------------------------------------

    def has_page(self, sha256: str) -> bool:
        """True if a page with this content hash is stored with a final outcome.

        Pages stored with status ``"error"`` do not count: they are tried again.
        """
        row = self._db.execute("SELECT status FROM page WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None and row["status"] != "error"

    def final_hashes(self) -> frozenset[str]:
        """Content hashes of every page :meth:`has_page` counts as stored."""
        return frozenset(r[0] for r in self._db.execute("SELECT sha256 FROM page WHERE status != 'error'"))

    def save_page(
        self,
        record: PageRecord,
        *,
        batch_id: int,
        score: SheetScore | None = None,
        flags: Sequence[Flag] = (),
        related: Sequence[tuple[int, Flag]] = (),
        encoded: EncodedPage | None = None,
    ) -> int:
        """Store one page all-or-nothing (its own transaction, or a savepoint in a group); returns its page id.

        A page already stored under the same ``sha256`` (an earlier error or
        refusal) is replaced.

        Parameters
        ----------
        record : PageRecord
            The page and its read.
        batch_id : int
            The run saving it (:meth:`begin_batch`).
        score : SheetScore, optional
            The score of a graded sheet.
        flags : sequence of Flag
            Sheet-level flags of this page.
        related : sequence of (page id, Flag)
            Flags to add to other stored pages (e.g. the other half of a duplicate).
        encoded : EncodedPage, optional
            ``encode_page(record.read, score)``, when encoded elsewhere (the record's
            ``read`` may then be None); encoded here if not given.
        """
        if encoded is None:
            encoded = encode_page(record.read, score, self.params)
        with self._transaction() as db:
            db.execute("DELETE FROM page WHERE sha256 = ?", (record.sha256,))
            page_id = _insert_page(db, record, batch_id, encoded.read)
            if encoded.marks is not None:
                db.execute("INSERT INTO marks (page_id, questions) VALUES (?, ?)", (page_id, encoded.marks))
            if encoded.score is not None:
                _write_score(db, page_id, encoded.score)
            db.executemany(
                "INSERT INTO flag (page_id, kind, detail) VALUES (?, ?, ?)",
                [(page_id, f.kind, f.detail) for f in flags] + [(pid, f.kind, f.detail) for pid, f in related],
            )
            _apply_page_decisions(db, record.sha256)
        return page_id

    def pages(self, statuses: Iterable[StoredStatus] | None = None) -> list[PageRow]:
        """Stored pages (all, or those with the given statuses), by source file and page number."""
        sql = f"SELECT {_PAGE_COLUMNS} FROM page"
        wanted = list(statuses) if statuses is not None else None
        if wanted is not None:
            sql += f" WHERE status IN ({', '.join('?' * len(wanted))})"
        rows = self._db.execute(sql + " ORDER BY source, page_no, id", wanted or [])
        return [_page_row(r) for r in rows]

    def sheet_read(self, page_id: int) -> SheetRead:
        """Rebuild the reader's output of a stored page (no image is read).

        Raises
        ------
        StoreError
            If no page has this id.
        """
        page = self._db.execute("SELECT * FROM page WHERE id = ?", (page_id,)).fetchone()
        if page is None:
            raise StoreError(_("{path}: no page with id {page_id}").format(path=self.path, page_id=page_id))
        marks = self._db.execute("SELECT questions FROM marks WHERE page_id = ?", (page_id,)).fetchone()
        return _sheet_read(page, _decode_marks(marks["questions"]) if marks else ())

    def stored_read(self, page_id: int) -> SheetRead | None:
        """The reader's output of a stored page as :meth:`sheet_read` rebuilds it; None if the page was never read."""
        row = self._db.execute("SELECT rotation_deg FROM page WHERE id = ?", (page_id,)).fetchone()
        return self.sheet_read(page_id) if row is not None and row["rotation_deg"] is not None else None

    def page_flags(self, page_id: int) -> tuple[Flag, ...]:
        """The sheet-level flags of one page, oldest first."""
        rows = self._db.execute("SELECT kind, detail FROM flag WHERE page_id = ? ORDER BY id", (page_id,))
        return tuple(Flag(r["kind"], r["detail"]) for r in rows)

    def iter_pages(self) -> Iterator[PageRow]:
        """Every stored page in the order it was stored, from a cursor."""
        for row in self._db.execute(f"SELECT {_PAGE_COLUMNS} FROM page ORDER BY id"):
            yield _page_row(row)

    def count_candidate_pages(self, exam_id: str, candidate: str) -> int:
        """How many graded sheets of an exam carry this candidate number."""
        row = self._db.execute("SELECT count(*) FROM page WHERE status = 'graded' AND exam_id = ? AND candidate = ?",
                               (exam_id, candidate)).fetchone()
        return int(row[0])

    def first_candidate_page(self, exam_id: str, candidate: str) -> PageRow | None:
        """The first graded sheet of an exam stored with this candidate number, if any."""
        row = self._db.execute(f"SELECT {_PAGE_COLUMNS} FROM page WHERE status = 'graded' AND exam_id = ? "
                               "AND candidate = ? ORDER BY id LIMIT 1", (exam_id, candidate)).fetchone()
        return _page_row(row) if row is not None else None

    def marks_for_candidate(self, exam_id: str, candidate: str) -> list[StoredMarks]:
        """Graded sheets of an exam carrying this candidate number, with their marks."""
        rows = self._db.execute(
            f"SELECT {_PAGE_COLUMNS}, score.questions AS score_questions FROM page "
            "JOIN score ON score.page_id = page.id "
            "WHERE page.status = 'graded' AND page.exam_id = ? AND page.candidate = ? ORDER BY page.id",
            (exam_id, candidate),
        )
        return [
            StoredMarks(_page_row(row), {q[0]: tuple(q[2]) for q in json.loads(row["score_questions"])})
            for row in rows
        ]

    def graded_sheets(self, exam_id: str | None = None) -> list[GradedSheet]:
        """Graded sheets with scores and flags, ordered by exam, candidate, file and page."""
        return list(self.iter_graded_sheets(exam_id))

    def iter_graded_sheets(self, exam_id: str | None = None, *, for_review: bool = False) -> Iterator[GradedSheet]:
        """The graded sheets of :meth:`graded_sheets` one at a time, from a cursor (memory stays flat).

        With ``for_review``, only sheets with a flag or a question under review.
        """
        where, args = ("AND page.exam_id = ?", [exam_id]) if exam_id is not None else ("", [])
        if for_review:
            where += " AND (score.review_count > 0 OR page.id IN (SELECT page_id FROM flag))"
        pages = self._db.execute(
            f"SELECT {_PAGE_COLUMNS}, score.variant AS score_variant, score.key_checksum, score.sections, "
            "score.questions AS score_questions, score.decisions FROM page JOIN score ON score.page_id = page.id "
            f"WHERE page.status = 'graded' {where} "
            "ORDER BY page.exam_id, page.candidate, page.source, page.page_no",
            args,
        )
        flags = self.flags()
        shared: dict[tuple, QuestionScore] = {}
        for p in pages:
            yield GradedSheet(_page_row(p), _sheet_score(p, shared), tuple(flags.get(p["id"], ())), p["decisions"])

    def max_question_number(self) -> int:
        """The highest question number of any stored score (0 if none)."""
        row = self._db.execute("SELECT max(json_extract(questions, '$[#-1][0]')) FROM score").fetchone()
        return int(row[0] or 0)

    def flags(self) -> dict[int, list[Flag]]:
        """Sheet-level flags by page id."""
        out: dict[int, list[Flag]] = defaultdict(list)
        for row in self._db.execute("SELECT page_id, kind, detail FROM flag ORDER BY id"):
            out[row["page_id"]].append(Flag(row["kind"], row["detail"]))
        return dict(out)

    # -- rescoring ---------------------------------------------------------

    def save_rescore(
        self, manifest: ExamManifest, scores: Sequence[tuple[int, SheetScore]], result: RescoreResult
    ) -> None:
        """Replace stored scores, log the rescoring run and store its manifest, in one transaction.

        Parameters
        ----------
        manifest : ExamManifest
            The key the scores were computed with; it replaces the stored one.
        scores : sequence of (page id, SheetScore)
            The new score of each rescored sheet.
        result : RescoreResult
            The run to log (see :func:`papergen.grading.rescore.rescore_store`).
        """
        old_row = self._db.execute("SELECT manifest_sha256 FROM exam WHERE exam_id = ?", (manifest.exam_id,)).fetchone()
        with self._transaction() as db:
            for page_id, score in scores:
                _write_score(db, page_id, _score_columns(score))
            _log_rescore(db, result, old_row["manifest_sha256"] if old_row else None, manifest_sha256(manifest))
            _upsert_manifest(db, manifest)
            for page_id, _ in scores:  # the reviewers' decisions stand over the new key
                page = db.execute("SELECT sha256 FROM page WHERE id = ?", (page_id,)).fetchone()
                if page is not None:
                    _apply_page_decisions(db, page["sha256"])

    def rescore_history(self, exam_id: str | None = None) -> list[RescoreResult]:
        """Logged rescoring runs (of one exam or all), oldest first."""
        where, args = ("WHERE exam_id = ?", [exam_id]) if exam_id is not None else ("", [])
        runs = self._db.execute(f"SELECT * FROM rescore {where} ORDER BY id", args).fetchall()
        out = []
        for run in runs:
            rows = self._db.execute("SELECT * FROM rescore_change WHERE rescore_id = ? ORDER BY page_id", (run["id"],))
            changes = tuple(_change_from_row(r) for r in rows)
            out.append(RescoreResult(run["exam_id"], run["at"], run["reason"], run["sheets"], changes))
        return out

    # -- review decisions (schema 2) -----------------------------------------

    def record_decisions(self, requests: Sequence[NewDecision], *, who: str) -> list[Decision]:
        """Record reviewers' decisions in one transaction and recompute what they touch.

        Scores and page candidates of the pages named are recomputed from the
        stored reads overridden by the latest decisions.  If any request fails,
        nothing is recorded.

        Parameters
        ----------
        requests : sequence of NewDecision
            The decisions, applied in order.
        who : str
            The reviewer, recorded with each decision.

        Returns
        -------
        list of Decision
            The rows written, in order.

        Raises
        ------
        ReviewError
            If a request names no stored page, a page that is not graded, a
            question the page does not have, an answer or number that cannot
            be, or withdraws a decision that was never made.
        """
        with self._transaction() as db:
            rows = [_insert_decision(db, request, who.strip() or "?") for request in requests]
            for sha256 in dict.fromkeys(r.sha256 for r in rows if r.sha256 is not None):
                _apply_page_decisions(db, sha256)
        return rows

    def decided_answers(self, sha256: str) -> dict[int, str]:
        """The answers reviewers settled on one page: question number -> option keys (latest decision each)."""
        return _decided_answers(self._db, sha256)

    def decisions(self, sha256: str | None = None) -> list[Decision]:
        """The audit trail (of one page or all), oldest first."""
        where, args = ("WHERE sha256 = ?", [sha256]) if sha256 is not None else ("", [])
        return [_decision(r) for r in self._db.execute(f"SELECT * FROM decision {where} ORDER BY id", args)]

    def latest_decisions(self) -> dict[tuple, Decision]:
        """The effective decision per target (:attr:`Decision.target`); withdrawn ones left out."""
        latest = {d.target: d for d in self.decisions()}
        return {target: d for target, d in latest.items() if d.after is not None}

    def page(self, page_id: int) -> PageRow | None:
        """The stored page with this id, None if there is none."""
        row = self._db.execute(f"SELECT {_PAGE_COLUMNS} FROM page WHERE id = ?", (page_id,)).fetchone()
        return _page_row(row) if row is not None else None

    def page_by_sha256(self, sha256: str) -> PageRow | None:
        """The stored page with this content hash, None if there is none."""
        row = self._db.execute(f"SELECT {_PAGE_COLUMNS} FROM page WHERE sha256 = ?", (sha256,)).fetchone()
        return _page_row(row) if row is not None else None

    def page_geometry(self, page_id: int) -> tuple[tuple[tuple[float, ...], ...] | None, float]:
        """The stored homography (layout px -> image px) of a page and its working dpi; (None, 0) if unregistered."""
        row = self._db.execute("SELECT homography, working_dpi FROM page WHERE id = ?", (page_id,)).fetchone()
        if row is None or not row["homography"]:
            return None, 0.0
        return tuple(tuple(r) for r in json.loads(row["homography"])), float(row["working_dpi"] or 0.0)

    def review_counts(self) -> dict[int, int]:
        """Questions still under review per graded page id (pages with none left out)."""
        rows = self._db.execute(
            "SELECT page_id, review_count FROM score JOIN page ON page.id = score.page_id "
            "WHERE page.status = 'graded' AND review_count > 0"
        )
        return {r["page_id"]: r["review_count"] for r in rows}

    def open_sheets(self, identity_kinds: Sequence[str], *, after: tuple[str, int] | None = None,
                    limit: int | None = None) -> list[PageRow]:
        """Graded pages with a question under review or an identity flag no candidate decision settles.

        Ordered by file and page; ``after`` (file, page number) and ``limit``
        page through them.  ``identity_kinds`` are the flag kinds a candidate
        decision settles.
        """
        source, page_no = after if after is not None else ("", 0)
        rows = self._db.execute(
            f"SELECT {_PAGE_COLUMNS} FROM page WHERE page.id IN ({_OPEN_REVIEW} UNION "
            f"{_open_identity(len(identity_kinds))}) AND (page.source > ? OR (page.source = ? AND page.page_no > ?)) "
            "ORDER BY page.source, page.page_no, page.id LIMIT ?",
            (*identity_kinds, source, source, page_no, -1 if limit is None else limit),
        )
        return [_page_row(r) for r in rows]

    def open_counts(self, identity_kinds: Sequence[str], *, sheets: bool = True) -> dict[str, int]:
        """Flags left: ``questions`` under review, ``identity`` sheets unsettled, ``sheets`` with either.

        ``sheets=False`` leaves out the sheet count (-1), the one part that reads every open sheet.
        """
        identity = _open_identity(len(identity_kinds))
        both = f"(SELECT count(*) FROM ({_OPEN_REVIEW} UNION {identity}))" if sheets else "-1"
        row = self._db.execute(
            "SELECT (SELECT coalesce(sum(review_count), 0) FROM score) AS questions, "
            f"(SELECT count(*) FROM ({identity})) AS identity, {both} AS sheets",
            (*identity_kinds, *(identity_kinds if sheets else ())),
        ).fetchone()
        return {"questions": row["questions"], "identity": row["identity"], "sheets": row["sheets"]}

    def sheet_score(self, page_id: int) -> SheetScore | None:
        """The stored score of a page, None if it has none."""
        row = self._db.execute("SELECT variant AS score_variant, key_checksum, sections, questions AS score_questions "
                               "FROM score WHERE page_id = ?", (page_id,)).fetchone()
        return _sheet_score(row) if row is not None else None

    def replace_read(self, sha256: str, read: SheetRead, *, status: StoredStatus, reason: str = "",
                     exam_id: str | None = None, variant: str | None = None, candidate: str | None = None,
                     score: SheetScore | None = None, flags: Sequence[Flag] = ()) -> int:
        """Store a new read of a stored page (e.g. registered by hand), keeping its file, page and batch.

        Returns the new page id.

        Raises
        ------
        ReviewError
            If no page has this content hash.
        """
        page = self.page_by_sha256(sha256)
        if page is None:
            raise ReviewError(_("{path}: no page with content hash {sha256}").format(path=self.path,
                                                                                     sha256=sha256[:12]))
        record = PageRecord(page.source, page.page_no, sha256, status, reason, read, exam_id, variant, candidate)
        return self.save_page(record, batch_id=page.batch_id, score=score, flags=flags)


def open_results(results_dir: str | Path, *, create: bool = False, params: StoreParams = StoreParams()) -> Store:
    """Open the results store of a results folder (``results_dir/results.sqlite``).

    Parameters
    ----------
    results_dir : path
        The folder ``papergen grade`` writes.
    create : bool
        Create the folder and an empty store where none exists (only grading does).
    params : StoreParams
        Tunables.

    Raises
    ------
    NoResultsError
        If ``create`` is false and the folder holds no results store.
    GradeError
        If ``create`` is true and the folder cannot be created.
    StoreError
        If the store cannot be opened, is not a papergen store, or is from a newer version.
    """
    folder = Path(results_dir)
    if create:
        make_folder(folder, GradeError, N_("the output folder"))
    elif not (folder / STORE_FILENAME).is_file():
        raise NoResultsError(_("{folder}: no {store} here; give the folder 'papergen grade' wrote").format(
            folder=folder, store=STORE_FILENAME))
    return Store.open(folder / STORE_FILENAME, params, create=create)


# -- schema ----------------------------------------------------------------


def _prepare(connection: sqlite3.Connection, path: Path, params: StoreParams) -> None:
    connection.execute(f"PRAGMA busy_timeout = {int(params.busy_timeout_ms)}")
    connection.execute("PRAGMA foreign_keys = ON")
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(_("{path}: results store has schema version {version}, this papergen reads up to "
                           "{supported}; upgrade papergen or grade into a new folder").format(
                               path=path, version=version, supported=SCHEMA_VERSION))
    if version == 0:
        tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if tables:
            raise StoreError(_("{path}: not a papergen results store (got an SQLite file with {tables} other "
                               "tables)").format(path=path, tables=tables))
        connection.execute("PRAGMA journal_mode = WAL")
        connection.executescript(f"BEGIN; {_SCHEMA} PRAGMA user_version = 1; COMMIT;")
        version = 1
    _migrate(connection, version)
    connection.execute("PRAGMA synchronous = NORMAL")


# -- writing ---------------------------------------------------------------


_NO_READ = (None, "", None, None, None, None, None, None, None, None, "{}")
"""The read columns of a page without a read (:class:`EncodedPage`)."""


def _insert_page(db: sqlite3.Connection, record: PageRecord, batch_id: int, read: tuple[Any, ...] | None) -> int:
    cursor = db.execute(
        "INSERT INTO page (batch_id, source, page_no, sha256, status, reason, exam_id, variant, candidate, "
        "qr_text, read_reason, grid_digits, grid_flags, grid_fills, rotation_deg, fit_error_px, dpi, "
        "homography, working_dpi, timings, elapsed_ms, read_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (batch_id, record.source, record.page_no, record.sha256, record.status, record.reason,
         record.exam_id, record.variant, record.candidate, *(read or _NO_READ), record.elapsed_ms, _now()),
    )
    return int(cursor.lastrowid)


def _encode_marks(questions: Sequence[QuestionRead], decimals: int) -> str:
    """One page's question reads as JSON of parallel arrays.

    Fills and confidences become integers in units of ``10**-decimals``
    (``"scale"``), flattened over the page; states one letter per option;
    option labels a string where every label is one character (see :func:`_labels`).
    """
    import numpy as np  # loaded with the first page stored (a run without scans never needs it)

    scale = 10**decimals
    fills = np.fromiter(chain.from_iterable(q.fills for q in questions), dtype=np.float64)
    confidence = np.fromiter((q.confidence for q in questions), dtype=np.float64, count=len(questions))
    return _json({
        "scale": scale,
        "number": [q.number for q in questions],
        "options": [_labels(q.options) for q in questions],
        "fills": np.rint(fills * scale).astype(np.int64).tolist(),
        "states": [_state_letters(q.states) for q in questions],
        "marked": [_labels(q.marked) for q in questions],
        "flags": [list(q.flags) for q in questions],
        "confidence": np.rint(confidence * scale).astype(np.int64).tolist(),
    })


@functools.lru_cache(maxsize=4096)
def _state_letters(states: tuple[MarkState, ...]) -> str:
    """One letter per bubble state (a page repeats a few dozen state patterns, so they are cached)."""
    return "".join(_STATE_LETTER[s] for s in states)


def _decode_marks(text: str) -> tuple[QuestionRead, ...]:
    data = json.loads(text)
    scale = data["scale"]
    fills = [f / scale for f in data["fills"]]
    out, start = [], 0
    for i, options in enumerate(data["options"]):
        end = start + len(options)
        out.append(QuestionRead(
            number=data["number"][i], options=tuple(options), fills=tuple(fills[start:end]),
            states=tuple(_LETTER_STATE[letter] for letter in data["states"][i]),
            marked=tuple(data["marked"][i]), flags=tuple(data["flags"][i]),
            confidence=data["confidence"][i] / scale,
        ))
        start = end
    return tuple(out)


def _labels(labels: Sequence[str]) -> str | list[str]:
    """Option labels for JSON: ``"ACD"`` when every label is one character, else a list.

    ``tuple()`` of either form gives the labels back.  Tuples (what reads and
    scores carry) are cached: a page repeats a few dozen label patterns.
    """
    if isinstance(labels, tuple):
        return _tuple_labels(labels)
    return "".join(labels) if all(len(label) == 1 for label in labels) else list(labels)


@functools.lru_cache(maxsize=4096)
def _tuple_labels(labels: tuple[str, ...]) -> str | tuple[str, ...]:
    joined = "".join(labels)
    return joined if len(joined) == len(labels) and "" not in labels else labels


def _score_columns(score: SheetScore) -> tuple[Any, ...]:
    """The score table's columns of a score, from ``variant`` to ``review_count``."""
    sections = [[s.key, s.title, s.points, s.max_points] for s in score.sections]
    questions = "[" + ",".join(map(_question_json, score.questions)) + "]"
    return (score.variant, score.key_checksum, score.total, score.max_total, _json(sections), questions,
            len(score.review_questions))


_QUESTION_JSON: dict[int, tuple[QuestionScore, str]] = {}
"""The JSON of question scores by ``id``, with the score itself (so the id stays its own)."""


def _question_json(q: QuestionScore) -> str:
    """One question's score as the score table's ``questions`` column holds it (a JSON array).

    Sheets share their question scores (see :func:`~papergen.grading.scoring.score_sheet`),
    so each is encoded once; the memo starts afresh beyond 65,536 scores.
    """
    cached = _QUESTION_JSON.get(id(q))
    if cached is not None and cached[0] is q:
        return cached[1]
    text = _json([q.number, q.section, _labels(q.marked), _labels(q.answer), q.points, q.max_points, q.status,
                  list(q.review)])
    if len(_QUESTION_JSON) >= 65_536:
        _QUESTION_JSON.clear()
    _QUESTION_JSON[id(q)] = (q, text)
    return text


def _write_score(db: sqlite3.Connection, page_id: int, columns: tuple[Any, ...]) -> None:
    db.execute(
        "INSERT OR REPLACE INTO score (page_id, variant, key_checksum, total, max_total, sections, questions, "
        "review_count, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (page_id, *columns, _now()),
    )


def _upsert_manifest(db: sqlite3.Connection, manifest: ExamManifest) -> None:
    db.execute(
        "INSERT INTO exam (exam_id, manifest, manifest_sha256, saved) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (exam_id) DO UPDATE SET manifest = excluded.manifest, "
        "manifest_sha256 = excluded.manifest_sha256, saved = excluded.saved",
        (manifest.exam_id, seal_manifest(manifest).model_dump_json(), manifest_sha256(manifest), _now()),
    )


def _log_rescore(db: sqlite3.Connection, result: RescoreResult, old_sha: str | None, new_sha: str) -> None:
    cursor = db.execute(
        "INSERT INTO rescore (at, exam_id, reason, old_manifest_sha256, new_manifest_sha256, sheets) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (result.at, result.exam_id, result.reason, old_sha, new_sha, result.sheets),
    )
    db.executemany(
        "INSERT INTO rescore_change (rescore_id, page_id, source, page_no, candidate, variant, old_total, "
        "new_total, questions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (cursor.lastrowid, c.page_id, c.source, c.page_no, c.candidate, c.variant, c.old_total, c.new_total,
             _json([list(q) for q in c.questions]))
            for c in result.changes
        ],
    )


# -- reading ---------------------------------------------------------------


def _page_row(row: sqlite3.Row) -> PageRow:
    return PageRow(
        page_id=row["id"], batch_id=row["batch_id"], source=row["source"], page_no=row["page_no"],
        sha256=row["sha256"], status=StoredStatus(row["status"]), reason=row["reason"], exam_id=row["exam_id"],
        variant=row["variant"], candidate=row["candidate"], qr_text=row["qr_text"],
        fit_error_px=row["fit_error_px"], read_at=row["read_at"],
    )


def _sheet_read(page: sqlite3.Row, questions: tuple[QuestionRead, ...]) -> SheetRead:
    candidate = None
    if page["grid_digits"] is not None:
        candidate = CandidateRead(
            page["grid_digits"],
            tuple(json.loads(page["grid_flags"])),
            tuple(tuple(col) for col in json.loads(page["grid_fills"])),
        )
    return SheetRead(
        status=_READ_STATUS[page["status"]],  # type: ignore[arg-type]
        reason=page["read_reason"],
        qr_text=page["qr_text"],
        candidate=candidate,
        questions=questions,
        rotation_deg=page["rotation_deg"] or 0,
        fit_error_px=page["fit_error_px"] or 0.0,
        dpi=page["dpi"] or 0.0,
        timings_ms=json.loads(page["timings"]),
        homography=tuple(tuple(row) for row in json.loads(page["homography"])) if page["homography"] else None,
        working_dpi=page["working_dpi"] or 0.0,
    )


def _sheet_score(row: sqlite3.Row, shared: dict[tuple, QuestionScore] | None = None) -> SheetScore:
    """A stored score; ``shared`` (one dict per read of many sheets) hands out one
    :class:`QuestionScore` per distinct question outcome, so 10,000 sheets hold a
    few thousand question objects instead of 1.8 million (they are immutable)."""
    sections = tuple(SectionScore(k, title, p, m) for k, title, p, m in json.loads(row["sections"]))
    cache: dict[tuple, QuestionScore] = shared if shared is not None else {}
    questions = []
    for number, section, marked, answer, points, max_points, status, review in json.loads(row["score_questions"]):
        marked, answer, review = tuple(marked), tuple(answer), tuple(review)
        key = (number, section, marked, answer, points, max_points, status, review)
        question = cache.get(key)
        if question is None:
            question = cache[key] = QuestionScore(number, section, marked, answer, points, max_points, status, review)
        questions.append(question)
    return SheetScore(row["score_variant"], row["key_checksum"], tuple(questions), sections)


def _change_from_row(row: sqlite3.Row) -> ScoreChange:
    return ScoreChange(
        row["page_id"], row["source"], row["page_no"], row["candidate"], row["variant"],
        row["old_total"], row["new_total"], tuple(tuple(q) for q in json.loads(row["questions"])),
    )


def manifest_sha256(manifest: ExamManifest) -> str:
    """SHA-256 (hex) of a manifest's content (:func:`papergen.exam.key_digest`)."""
    return key_digest(manifest)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# -- schema migrations and review decisions ---------------------------------------

_OPEN_REVIEW = "SELECT page_id FROM score WHERE review_count > 0"
"""SQL: graded pages with a question under review (only graded pages have a score row; the score_review
index answers it without reading the scores themselves)."""

_OPEN_IDENTITY = (
    "SELECT flag.page_id FROM flag JOIN page ON page.id = flag.page_id WHERE page.status = 'graded' "
    "AND flag.kind IN ({kinds}) AND (SELECT after FROM decision WHERE decision.kind = 'candidate' "
    "AND decision.sha256 = page.sha256 ORDER BY decision.id DESC LIMIT 1) IS NULL GROUP BY flag.page_id"
)
"""SQL: graded pages with an identity flag and no standing candidate decision (``{kinds}``: placeholders)."""


def _open_identity(kinds: int) -> str:
    return _OPEN_IDENTITY.format(kinds=", ".join("?" * kinds) or "NULL")


_MIGRATIONS = {
    2: """
CREATE TABLE decision (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    kind TEXT NOT NULL,
    sha256 TEXT,
    source TEXT,
    page_no INTEGER,
    exam_id TEXT,
    question INTEGER,
    candidate TEXT,
    flag TEXT NOT NULL DEFAULT '',
    before TEXT,
    after TEXT,
    why TEXT NOT NULL DEFAULT ''
);
CREATE INDEX decision_sha256 ON decision (sha256);
CREATE TRIGGER decision_append_only_update BEFORE UPDATE ON decision
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER decision_append_only_delete BEFORE DELETE ON decision
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
ALTER TABLE score ADD COLUMN decisions INTEGER NOT NULL DEFAULT 0;
CREATE INDEX score_review ON score (review_count, decisions);
""",
}
"""Schema changes by the version they lead to; each runs in one transaction."""


def _migrate(connection: sqlite3.Connection, version: int) -> None:
    """Bring a store from ``version`` up to :data:`SCHEMA_VERSION`, one version per transaction."""
    for target in range(version + 1, SCHEMA_VERSION + 1):
        connection.executescript(f"BEGIN; {_MIGRATIONS[target]} PRAGMA user_version = {target}; COMMIT;")


def _insert_decision(db: sqlite3.Connection, request: NewDecision, who: str) -> Decision:
    if request.kind not in DECISION_KINDS:
        raise ReviewError(_("decision: unknown kind (got {kind}; expected one of {kinds})").format(
            kind=repr(request.kind), kinds=", ".join(DECISION_KINDS)))
    page = _decided_page(db, request) if request.kind != "absent" else None
    flag, stood, after = _page_values(db, page, request) if page is not None else ("", None, _absent_value(request))
    previous = _latest(db, request)
    if request.after is None and (previous is None or previous["after"] is None):
        raise ReviewError(_("{where}: nothing to undo (no {kind} decision stands)").format(
            where=_where(page, request), kind=request.kind))
    before = previous["after"] if previous is not None and previous["after"] is not None else stood
    values = (_now(), who, request.kind, request.sha256 if page else None, page["source"] if page else None,
              page["page_no"] if page else None, page["exam_id"] if page else request.exam_id,
              request.question, request.candidate if page is None else None, flag, before, after, request.why)
    cursor = db.execute(
        "INSERT INTO decision (at, who, kind, sha256, source, page_no, exam_id, question, candidate, flag, "
        "before, after, why) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
    return Decision(int(cursor.lastrowid), *values)  # type: ignore[arg-type]


def _decided_page(db: sqlite3.Connection, request: NewDecision) -> sqlite3.Row:
    page = db.execute("SELECT * FROM page WHERE sha256 = ?", (request.sha256 or "",)).fetchone()
    if page is None:
        raise ReviewError(_("decision: no stored page with content hash {sha256}").format(
            sha256=repr(str(request.sha256)[:12])))
    if request.kind in ("answer", "candidate") and page["status"] != "graded":
        raise ReviewError(_("{where}: the page is not graded (status {status}); register it or key it in "
                            "first").format(where=_where(page, request), status=status_label(page["status"])))
    return page


def _page_values(db: sqlite3.Connection, page: sqlite3.Row, request: NewDecision) -> tuple[str, str | None, str | None]:
    """(what the reader flagged, the reader's value, the checked value decided) of a decision on a page."""
    if request.kind == "answer":
        read = _question_read(db, page, request)
        reasons = list(read.flags) + (["ambiguous"] if MarkState.AMBIGUOUS in read.states else [])
        # "" is a decided blank (空): already option keys, nothing to parse
        after = (request.after if not request.after
                 else _checked(parse_answer, page, request, request.after, read.options))
        return ", ".join(dict.fromkeys(reasons)), "".join(read.marked), after
    if request.kind == "candidate":
        flags = db.execute("SELECT kind FROM flag WHERE page_id = ?", (page["id"],)).fetchall()
        digits = len(page["grid_digits"]) if page["grid_digits"] else None
        after = None if request.after is None else _checked(parse_candidate, page, request, request.after, digits)
        first = db.execute("SELECT before FROM decision WHERE kind = 'candidate' AND sha256 = ? ORDER BY id LIMIT 1",
                           (request.sha256,)).fetchone()
        read_number = first["before"] if first is not None else page["candidate"] or ""
        return ", ".join(dict.fromkeys(f["kind"] for f in flags)), read_number, after
    return page["reason"], page["status"], request.after


def _absent_value(request: NewDecision) -> str | None:
    if not request.exam_id or not request.candidate:
        raise ReviewError(_("decision absent: name the exam and the candidate number (got exam {exam}, "
                            "candidate {candidate})").format(exam=repr(request.exam_id),
                                                              candidate=repr(request.candidate)))
    if request.after is not None and request.after != ABSENT:
        raise ReviewError(_("exam {exam} candidate {candidate}: an absence is recorded as {absent} (got "
                            "{after})").format(exam=request.exam_id, candidate=request.candidate,
                                               absent=repr(ABSENT), after=repr(request.after)))
    return request.after


def _question_read(db: sqlite3.Connection, page: sqlite3.Row, request: NewDecision) -> QuestionRead:
    marks = db.execute("SELECT questions FROM marks WHERE page_id = ?", (page["id"],)).fetchone()
    reads = {q.number: q for q in _decode_marks(marks["questions"])} if marks else {}
    if request.question not in reads:
        raise ReviewError(_("{where}: the sheet has no question {question} (got {count} questions)").format(
            where=_where(page, request), question=request.question, count=len(reads)))
    return reads[request.question]  # type: ignore[index]


def _checked(parse: Any, page: sqlite3.Row, request: NewDecision, *args: Any) -> str:
    try:
        return parse(*args)
    except ReviewError as exc:
        raise ReviewError(f"{_where(page, request)}: {exc}") from None


def _where(page: sqlite3.Row | None, request: NewDecision) -> str:
    if page is None:
        return _("exam {exam} candidate {candidate}").format(exam=request.exam_id, candidate=request.candidate)
    if request.question is not None:
        return _("{source} page {page} question {question}").format(source=page["source"], page=page["page_no"],
                                                                    question=request.question)
    return _("{source} page {page}").format(source=page["source"], page=page["page_no"])


def _latest(db: sqlite3.Connection, request: NewDecision) -> sqlite3.Row | None:
    """The latest decision on the request's target, None if there is none."""
    if request.kind == "absent":
        return db.execute("SELECT after FROM decision WHERE kind = 'absent' AND exam_id = ? AND candidate = ? "
                          "ORDER BY id DESC LIMIT 1", (request.exam_id, request.candidate)).fetchone()
    return db.execute("SELECT after FROM decision WHERE kind = ? AND sha256 = ? AND question IS ? "
                      "ORDER BY id DESC LIMIT 1", (request.kind, request.sha256, request.question)).fetchone()


def _decided_answers(db: sqlite3.Connection, sha256: str) -> dict[int, str]:
    """The effective answer decisions of one page: question number -> option keys."""
    latest: dict[int, str | None] = {}
    for row in db.execute("SELECT question, after FROM decision WHERE kind = 'answer' AND sha256 = ? ORDER BY id",
                          (sha256,)):
        latest[row["question"]] = row["after"]
    return {q: after for q, after in latest.items() if after is not None}


def _apply_page_decisions(db: sqlite3.Connection, sha256: str) -> None:
    """Make a graded page's candidate and score those of its read overridden by the latest decisions."""
    rows = db.execute("SELECT kind, question, before, after FROM decision WHERE sha256 = ? AND kind IN "
                      "('answer', 'candidate') ORDER BY id", (sha256,)).fetchall()
    page = db.execute("SELECT * FROM page WHERE sha256 = ?", (sha256,)).fetchone()
    if not rows or page is None or page["status"] != "graded":
        return
    candidates = [r for r in rows if r["kind"] == "candidate"]
    if candidates:
        number = candidates[-1]["after"] if candidates[-1]["after"] is not None else candidates[0]["before"]
        db.execute("UPDATE page SET candidate = ? WHERE id = ?", (number, page["id"]))
    answers = _decided_answers(db, sha256)
    exam = db.execute("SELECT manifest FROM exam WHERE exam_id = ?", (page["exam_id"],)).fetchone()
    if any(r["kind"] == "answer" for r in rows) and exam is not None:
        manifest = _parsed_manifest(exam["manifest"])
        marks = db.execute("SELECT questions FROM marks WHERE page_id = ?", (page["id"],)).fetchone()
        read = _sheet_read(page, _decode_marks(marks["questions"]))
        _write_score(db, page["id"], _score_columns(score_with_decisions(read, manifest.variant(page["variant"]),
                                                                         manifest.format, answers)))
    effective = len(answers) + int(bool(candidates) and candidates[-1]["after"] is not None)
    db.execute("UPDATE score SET decisions = ? WHERE page_id = ?", (effective, page["id"]))


@lru_cache(maxsize=8)
def _parsed_manifest(text: str) -> ExamManifest:
    """A stored manifest, parsed once (every decision rescores against it)."""
    return ExamManifest.model_validate_json(text)


def _decision(row: sqlite3.Row) -> Decision:
    return Decision(row["id"], row["at"], row["who"], row["kind"], row["sha256"], row["source"], row["page_no"],
                    row["exam_id"], row["question"], row["candidate"], row["flag"], row["before"], row["after"],
                    row["why"])
