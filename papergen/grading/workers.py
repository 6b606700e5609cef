"""Grading on several processes: workers decode, read, identify, score and encode; the parent stores.

The unit of work is one scan file, or a part of a long PDF or TIFF (a
feeder scanner writes a whole sitting into one file): a worker takes the
next unit, reads its pages and sends every page's outcome (the read,
identity and score encoded as stored, no image) back as soon as it is
assessed.  The parent receives them, puts them back in input order (unit by
unit, page by page) and stores them itself, so the results store keeps one
writer, the pages their order, and the duplicate checks see every earlier
page.  Pages whose content hash is already stored are not read by the
workers.  While the parent stores one unit, outcomes of later units finished
early wait in its memory (a few kilobytes a page).

Workers are started with ``spawn`` (no fork of a process holding OpenCV,
pdfium and SQLite state) and use one OpenCV thread each.
"""

from __future__ import annotations

import dataclasses
import io
import multiprocessing
import pickle
import queue
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omr.layout import SheetLayout
from papergen.exam import ExamManifest
from papergen.grading.assess import default_page_source, failure_reason
from papergen.grading.store import StoreParams
from papergen.i18n import _

__all__ = ["PageDone", "WorkUnit", "WorkerSetup", "input_files", "parallel_outcomes", "with_file_digests", "work_units"]

_POLL_S = 1.0
"""How often the parent looks whether its workers are still alive while waiting, seconds."""
PARTS_PER_JOB = 4
"""A long file is cut into this many parts per process, so that processes finish close together."""
MIN_PART_PAGES = 16
"""No part of a file is shorter than this many pages (each part opens the file anew)."""

_FIELDS: dict[type, tuple[str, ...]] = {}
"""Field names of the slotted dataclasses a message carries, by class (empty: pickled the usual way)."""


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker needs: the keys, the layout, and the page source and reader.

    ``pages`` and ``reader`` are None for the omr defaults, else picklable
    callables (module-level functions).  ``known`` holds the content hashes
    of pages already stored with a final outcome; ``store`` the store's
    parameters, as workers encode what it keeps.
    """

    keys: Mapping[str, ExamManifest]
    layout: SheetLayout
    pages: Callable[..., Iterable[Any]] | None
    reader: Callable[..., Any] | None
    known: frozenset[str]
    store: StoreParams


@dataclass(frozen=True)
class WorkUnit:
    """What a worker reads at a time: a whole file, or the pages ``numbers`` (1-based) of a long one.

    ``file_digest`` is the file's SHA-256 when a part of a TIFF needs it (its page digests are made from it).
    """

    path: Path
    numbers: range | None = None
    file_digest: str | None = None


@dataclass(frozen=True)
class PageDone:
    """One page as a worker sends it: the unit it belongs to, and its outcome (None if already stored)."""

    unit_index: int
    sha256: str
    outcome: Any


@dataclass(frozen=True)
class _UnitDone:
    unit_index: int
    pages: int
    error: str | None


def input_files(inputs: Sequence[str | Path]) -> list[Path]:
    """The files the page source reads, in its order: folders walked sorted, hidden files skipped.

    This is the walk of :func:`omr.scan_io.iter_pages`, so pages come in the order a
    one-process run stores them.
    """
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*"))
                         if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            files.append(path)
    return files


def work_units(files: Sequence[Path], jobs: int, *, split: bool = True) -> list[WorkUnit]:
    """The files as units of work, in input order; with ``split``, long PDFs and TIFFs in parts.

    Files are cut only when there are fewer than ``jobs * PARTS_PER_JOB`` of them
    (many files share out well whole); a file is cut into at most
    ``jobs * PARTS_PER_JOB`` parts of at least :data:`MIN_PART_PAGES` pages.
    Only headers are read; a part of a TIFF gets its file digest from :func:`with_file_digests`.
    """
    if not split or len(files) >= jobs * PARTS_PER_JOB:
        return [WorkUnit(path) for path in files]
    from omr.scan_io import count_file_pages

    units: list[WorkUnit] = []
    for path in files:
        pages = count_file_pages(path)
        if pages < 2 * MIN_PART_PAGES:
            units.append(WorkUnit(path))
            continue
        size = max(MIN_PART_PAGES, -(-pages // (jobs * PARTS_PER_JOB)))
        units.extend(WorkUnit(path, range(first, min(first + size, pages + 1))) for first in range(1, pages + 1, size))
    return units


def with_file_digests(units: Sequence[WorkUnit]) -> list[WorkUnit]:
    """The units, each part of a TIFF given its file's SHA-256 (computed once per file, here)."""
    from omr.scan_io import sniff_kind
    from omr.scan_page import file_sha256

    digests: dict[Path, str | None] = {}
    out = []
    for unit in units:
        if unit.numbers is not None and unit.path not in digests:
            try:
                with unit.path.open("rb") as handle:
                    digests[unit.path] = file_sha256(unit.path) if sniff_kind(handle.read(1024)) == "tiff" else None
            except OSError:  # gone since it was counted: each part's page source says so
                digests[unit.path] = None
        digest = digests.get(unit.path) if unit.numbers is not None else None
        out.append(dataclasses.replace(unit, file_digest=digest) if digest else unit)
    return out


def parallel_outcomes(units: Sequence[WorkUnit], setup: WorkerSetup, jobs: int) -> Iterator[PageDone | str]:
    """Assess the pages of the units of work (:func:`work_units`) on up to ``jobs`` worker processes;
    yield them in input order.

    The workers start, one per unit at most, and TIFF parts get their file digest while they load.

    Yields
    ------
    PageDone or str
        Each page in file order, then page order; a string for a problem not
        tied to one page (a file whose page source stopped, a worker that died),
        after which the run goes on with the other files.
    """
    context = multiprocessing.get_context("spawn")
    tasks: Any = context.Queue()
    results: Any = context.Queue(maxsize=256)
    workers = [context.Process(target=_work, args=(setup, tasks, results), daemon=True)
               for _ in range(min(jobs, len(units)))]
    for worker in workers:
        worker.start()
    try:
        for index, unit in enumerate(with_file_digests(units)):
            tasks.put((index, unit))
        for _ in workers:
            tasks.put(None)
        yield from _in_order(len(units), results, workers)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _in_order(count: int, results: Any, workers: list[Any]) -> Iterator[PageDone | str]:
    """Receive the workers' messages and release them unit by unit."""
    waiting: dict[int, deque[PageDone]] = defaultdict(deque)
    done: dict[int, _UnitDone] = {}
    current = 0
    while current < count:
        while waiting[current]:
            yield waiting[current].popleft()
        if current in done:
            if done[current].error:
                yield done[current].error
            del waiting[current]
            current += 1
            continue
        try:
            message = results.get(timeout=_POLL_S)
        except queue.Empty:
            if not any(w.is_alive() for w in workers):
                codes = ", ".join(str(w.exitcode) for w in workers)
                yield _("grading workers stopped (exit codes {codes}) before every page was read; run again to "
                        "grade the rest").format(codes=codes)
                return
            continue
        message = pickle.loads(message)
        if isinstance(message, _UnitDone):
            done[message.unit_index] = message
        else:
            waiting[message.unit_index].append(message)


def _work(setup: WorkerSetup, tasks: Any, results: Any) -> None:
    """A worker's loop: take units of work until the ``None`` that ends the queue."""
    import cv2  # one thread per process: the processes are the parallelism

    from papergen.grading.assess import assess_and_encode, default_reader

    cv2.setNumThreads(1)
    reader = setup.reader or default_reader()
    while (task := tasks.get()) is not None:
        index, unit = task
        count, error = 0, None
        try:
            for page in _unit_pages(unit, setup):
                count += 1
                skipped = page.sha256 in setup.known
                outcome = None if skipped else assess_and_encode(page, setup.keys, setup.layout, reader, setup.store)
                results.put(_packed(PageDone(index, page.sha256, outcome)))
        except Exception as exc:  # the unit's page source stopped: say so, go on with the next unit
            error = _stopped(unit, count, exc)
        results.put(_packed(_UnitDone(index, count, error)))


def _unit_pages(unit: WorkUnit, setup: WorkerSetup) -> Iterable[Any]:
    """The pages of one unit of work, from the run's page source (a part: omr's reader of file parts)."""
    if unit.numbers is None:
        return (setup.pages or default_page_source(skip=setup.known.__contains__))([unit.path])
    from omr.scan_io import iter_file_pages

    return iter_file_pages(unit.path, unit.numbers, file_digest=unit.file_digest, skip=setup.known.__contains__)


def _stopped(unit: WorkUnit, count: int, exc: Exception) -> str:
    """The run's note for a unit whose page source stopped after ``count`` pages."""
    cause = failure_reason(exc)
    if unit.numbers is None:
        return _("{path}: reading the file stopped after {count} pages ({error})").format(
            path=unit.path, count=count, error=cause)
    return _("{path} pages {first}-{last}: reading stopped after {count} pages ({error})").format(
        path=unit.path, first=unit.numbers.start, last=unit.numbers.stop - 1, count=count, error=cause)


class _CompactPickler(pickle.Pickler):
    """Pickles slotted dataclasses (a page's question reads and scores) as constructor calls.

    The default pickling of a slotted dataclass looks its fields up for every
    object on loading, which made unpickling a page's outcome (about 400 such
    objects) cost the storing parent 1.7 ms a page; as constructor calls it costs 0.3 ms.
    """

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        names = _FIELDS.get(cls)
        if names is None:
            names = _FIELDS[cls] = _init_fields(cls)
        if not names:
            return NotImplemented
        return cls, tuple(getattr(obj, name) for name in names)


def _init_fields(cls: type) -> tuple[str, ...]:
    """The fields of a slotted dataclass built by its constructor alone; () for any other class."""
    if not (dataclasses.is_dataclass(cls) and "__slots__" in vars(cls)):
        return ()
    fields = dataclasses.fields(cls)
    return tuple(f.name for f in fields) if all(f.init for f in fields) else ()


def _packed(message: PageDone | _UnitDone) -> bytes:
    """A worker's message as the bytes the parent unpickles (see :class:`_CompactPickler`)."""
    buffer = io.BytesIO()
    _CompactPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(message)
    return buffer.getvalue()
