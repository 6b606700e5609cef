"""Assessing one page without the store: read it, identify its exam and variant, score it.

What a grading run does for each page before storing it, in this process or
in a worker process (:mod:`~papergen.grading.workers`).  Nothing here touches
the results store; duplicates are the store's to find.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from omr.layout import SheetLayout
from omr.result import SheetRead
from papergen.exam import ExamManifest
from papergen.grading.identify import Refusal, identify_sheet
from papergen.grading.records import Flag, PageRecord, StoredStatus
from papergen.grading.scoring import SheetScore, score_sheet
from papergen.grading.store import EncodedPage, StoreParams, encode_page
from papergen.i18n import _

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "Outcome",
    "PageImageLike",
    "PageSource",
    "Reader",
    "assess_page",
    "assess_and_encode",
    "assess_read",
    "default_page_source",
    "default_reader",
    "failure_reason",
]


class PageImageLike(Protocol):
    """One page of a scan file, as :func:`omr.scan_io.iter_pages` yields it."""

    source: Path
    page: int
    image: np.ndarray | None
    dpi: float | None
    sha256: str
    error: str | None


PageSource = Callable[[Sequence[Path]], Iterable[PageImageLike]]
"""``pages(paths) -> iterable of PageImageLike``, e.g. :func:`omr.scan_io.iter_pages`."""
Reader = Callable[..., SheetRead]
"""``reader(image, layout, dpi=...) -> SheetRead``, e.g. :func:`omr.read.read_sheet`."""


@dataclass(frozen=True)
class Outcome:
    """One assessed page: its record, score and flags, and what the store adds (flags on related pages)."""

    record: PageRecord
    score: SheetScore | None = None
    flags: tuple[Flag, ...] = ()
    related: tuple[tuple[int, Flag], ...] = ()
    encoded: EncodedPage | None = None
    """The record's read and the score as stored, when encoded where they were assessed (a worker)."""


def default_page_source(skip: Callable[[str], bool] | None = None) -> PageSource:
    """The page source of a real run: :func:`omr.scan_io.iter_pages`; pages whose digest ``skip``
    accepts (already stored) come without being decoded."""
    from omr.scan_io import iter_pages

    return iter_pages if skip is None else functools.partial(iter_pages, skip=skip)


def default_reader() -> Reader:
    """The sheet reader of a real run: :func:`omr.read.read_sheet`."""
    from omr.read import read_sheet

    return read_sheet


def default_read(image: np.ndarray, layout: SheetLayout, *, dpi: float | None = None) -> SheetRead:
    """:func:`omr.read.read_sheet`, imported on the first page (an empty run never loads the reader)."""
    return default_reader()(image, layout, dpi=dpi)


def assess_page(page: PageImageLike, keys: Mapping[str, ExamManifest], layout: SheetLayout,
                reader: Reader) -> Outcome:
    """Read, identify and score one page without the store (duplicates are the store's to find).

    Never raises: a page that fails anywhere becomes an ``error`` record with the reason.
    Its ``elapsed_ms`` is the time the assessment took.
    """
    started = time.perf_counter()
    base = PageRecord(str(page.source), page.page, page.sha256, StoredStatus.ERROR)
    try:
        outcome = _assess_image(base, page, keys, layout, reader)
    except Exception as exc:  # one bad page never aborts the batch
        outcome = Outcome(replace(base, reason=failure_reason(exc)))
    elapsed_ms = (time.perf_counter() - started) * 1000.0
    return replace(outcome, record=replace(outcome.record, elapsed_ms=elapsed_ms))


def assess_and_encode(page: PageImageLike, keys: Mapping[str, ExamManifest], layout: SheetLayout, reader: Reader,
                      params: StoreParams) -> Outcome:
    """:func:`assess_page`, with the read and score encoded as the store keeps them and the read left out.

    What a worker sends: the storing process inserts the encoded columns and
    never handles the page's question reads (about 180 objects) itself.
    """
    outcome = assess_page(page, keys, layout, reader)
    encoded = encode_page(outcome.record.read, outcome.score, params)
    return replace(outcome, record=replace(outcome.record, read=None), encoded=encoded)


def _assess_image(base: PageRecord, page: PageImageLike, keys: Mapping[str, ExamManifest], layout: SheetLayout,
                  reader: Reader) -> Outcome:
    if page.error is not None or page.image is None:
        reason = _("cannot decode the page: {error}").format(error=page.error or _("no image"))
        return Outcome(replace(base, status=StoredStatus.QUARANTINED, reason=reason))
    read = reader(page.image, layout, dpi=page.dpi)
    return assess_read(base, read, keys)


def assess_read(base: PageRecord, read: SheetRead, keys: Mapping[str, ExamManifest]) -> Outcome:
    """Identify and score a page already read; ``base`` gives its place (file, page, hash).

    A page that is not an answer sheet keeps the reader's status; one no key
    identifies is refused; otherwise it is graded.
    """
    if read.status != "read":
        return Outcome(replace(base, status=StoredStatus(read.status), reason=read.reason, read=read))
    identity = identify_sheet(read, keys)
    if isinstance(identity, Refusal):
        record = replace(base, status=StoredStatus.REFUSED, reason=identity.reason, read=read,
                         exam_id=identity.exam_id, variant=identity.variant)
        return Outcome(record)
    score = score_sheet(read, identity.key, identity.manifest.format)
    record = replace(base, status=StoredStatus.GRADED, reason="", read=read, exam_id=identity.manifest.exam_id,
                     variant=identity.key.variant, candidate=identity.candidate)
    return Outcome(record, score, identity.flags)


def failure_reason(exc: Exception) -> str:
    """The reason stored for a page whose assessment failed: the exception's class and message."""
    return f"{type(exc).__name__}: {exc}"
