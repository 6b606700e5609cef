"""Grading on several processes: workers decode, read, identify, score and encode; the parent stores.

The unit of work is one scan file: a worker takes the next file, runs the
page source on it and sends every page's outcome (the read, identity and
score, no image) back as soon as it is assessed.  The parent receives them,
puts them back in input order (file by file, page by page) and stores them
itself, so the results store keeps one writer, the pages their order, and
the duplicate checks see every earlier page.  Pages whose content hash is
already stored are not read by the workers.  While the parent stores one
file, outcomes of later files finished early wait in its memory (a few tens
of kilobytes a page).

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
from papergen.grading.store import StoreParams

__all__ = ["PageDone", "WorkerSetup", "input_files", "parallel_outcomes"]

_POLL_S = 1.0
"""How often the parent looks whether its workers are still alive while waiting, seconds."""

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
class PageDone:
    """One page as a worker sends it: where it is, and its outcome (None if already stored)."""

    file_index: int
    sha256: str
    outcome: Any


@dataclass(frozen=True)
class _FileDone:
    file_index: int
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


def parallel_outcomes(files: Sequence[Path], setup: WorkerSetup, jobs: int) -> Iterator[PageDone | str]:
    """Assess the files' pages on ``jobs`` worker processes; yield them in input order.

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
    for index, path in enumerate(files):
        tasks.put((index, str(path)))
    workers = [context.Process(target=_work, args=(setup, tasks, results), daemon=True) for _ in range(jobs)]
    for _ in workers:
        tasks.put(None)
    for worker in workers:
        worker.start()
    try:
        yield from _in_order(len(files), results, workers)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _in_order(count: int, results: Any, workers: list[Any]) -> Iterator[PageDone | str]:
    """Receive the workers' messages and release them file by file."""
    waiting: dict[int, deque[PageDone]] = defaultdict(deque)
    done: dict[int, _FileDone] = {}
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
                yield (f"grading workers stopped (exit codes {codes}) before every file was read; "
                       f"{count - current} files not graded, run again to grade them")
                return
            continue
        message = pickle.loads(message)
        if isinstance(message, _FileDone):
            done[message.file_index] = message
        else:
            waiting[message.file_index].append(message)


def _work(setup: WorkerSetup, tasks: Any, results: Any) -> None:
    """A worker's loop: take files until the ``None`` that ends the queue."""
    import cv2  # one thread per process: the processes are the parallelism

    from papergen.grading.assess import assess_and_encode, default_page_source, default_reader

    cv2.setNumThreads(1)
    pages = setup.pages or default_page_source()
    reader = setup.reader or default_reader()
    while (task := tasks.get()) is not None:
        index, path = task
        count, error = 0, None
        try:
            for page in pages([Path(path)]):
                count += 1
                skipped = page.sha256 in setup.known
                outcome = None if skipped else assess_and_encode(page, setup.keys, setup.layout, reader, setup.store)
                results.put(_packed(PageDone(index, page.sha256, outcome)))
        except Exception as exc:  # the file's page source stopped: say so, go on with the next file
            error = f"{path}: reading the file stopped after {count} pages ({type(exc).__name__}: {exc})"
        results.put(_packed(_FileDone(index, count, error)))


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


def _packed(message: PageDone | _FileDone) -> bytes:
    """A worker's message as the bytes the parent unpickles (see :class:`_CompactPickler`)."""
    buffer = io.BytesIO()
    _CompactPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(message)
    return buffer.getvalue()
