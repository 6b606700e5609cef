"""Loading one exam's graded sheets from the results store into arrays.

A *cohort* is every graded sheet of one exam, one row per candidate, and one
column per bank item the exam used.  Columns are items, not question
numbers: in a shuffled exam item ``cs-0042`` is question 12 on variant A and
question 87 on variant B, and its statistics must pool both.  Marks are
turned from the printed labels the sheet carries back into the item's own
(bank) labels through each variant's option permutation, so option counts
pool across variants too.

A sheet scanned twice (flagged ``duplicate_scan`` by grading) is counted
once: the copy stored first stays, the others are listed in
:attr:`Cohort.excluded`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from papergen.bank.model import OPTION_LABELS, Bank
from papergen.errors import ReportError
from papergen.exam import ExamManifest, KeyQuestion, PaperFormat
from papergen.grading import DUPLICATE_SCAN, GradedSheet, QuestionScore, Store, printed_to_bank
from papergen.i18n import _

__all__ = [
    "CohortItem",
    "Cohort",
    "ExcludedSheet",
    "load_cohort",
    "build_cohort",
    "JUDGE_OPTIONS",
]

JUDGE_OPTIONS = ("T", "F")
"""Option keys of a true/false item: T (对), F (错)."""


@dataclass(frozen=True)
class CohortItem:
    """One bank item of the exam.

    Attributes
    ----------
    item_id : str
        The bank item's id.
    section : str
        Key of the format section it belongs to.
    type : str
        ``"single"``, ``"multi"`` or ``"judge"``.
    points : float
        Points it is worth on a paper (its section's points).
    options : tuple of str
        The item's own option labels in bank order (judge: ``("T", "F")``).
    key : tuple of str
        Its correct options, in bank labels.
    also_accept : tuple of tuple of str
        Further accepted answers (key corrections), in bank labels.
    dropped : bool
        True if a key correction dropped it from scoring.
    awarded : bool
        True if a key correction gave every candidate its points (送分).
    numbers : dict
        Variant name -> question number on that variant's sheet.
    topic : str or None
        Topic code: from the bank if one was given, else from the key.
    permutations : dict
        Variant name -> the item's bank labels in printed order on that variant
        (empty for true/false items and keys without a permutation).
    """

    item_id: str
    section: str
    type: str
    points: float
    options: tuple[str, ...]
    key: tuple[str, ...]
    also_accept: tuple[tuple[str, ...], ...]
    dropped: bool
    numbers: dict[str, int]
    topic: str | None = None
    awarded: bool = False
    permutations: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def printed(self, variant: str, labels: Sequence[str]) -> tuple[str, ...]:
        """Bank labels as printed on one variant, sorted (``("A", "C")`` -> ``("B", "D")``)."""
        order = self.permutations.get(variant)
        if not order:
            return tuple(sorted(labels))
        printed = {bank: OPTION_LABELS[i] for i, bank in enumerate(order)}
        return tuple(sorted(printed.get(label, label) for label in labels))

    @property
    def label(self) -> str:
        """Question numbers per variant, e.g. ``"A12 B87"`` (``"12"`` for a single variant)."""
        if len(self.numbers) == 1:
            return str(next(iter(self.numbers.values())))
        return " ".join(f"{v}{n}" for v, n in sorted(self.numbers.items()))


@dataclass(frozen=True)
class ExcludedSheet:
    """A second copy of a sheet scanned twice, left out of the cohort statistics.

    Attributes
    ----------
    sheet : GradedSheet
        The copy left out.
    duplicate_of : GradedSheet
        The copy counted (stored first).
    """

    sheet: GradedSheet
    duplicate_of: GradedSheet


@dataclass(frozen=True)
class Cohort:
    """One exam's graded sheets as arrays (see the module docstring).

    Attributes
    ----------
    manifest : ExamManifest
        The exam's key as last applied to the store.
    items : tuple of CohortItem
        The columns, ordered by section, then question number on the first variant.
    sheets : tuple of GradedSheet
        The rows, ordered by candidate number, file and page.
    names : tuple of str
        Candidate names from the roster (``""`` if unknown), one per row.
    points : ndarray of float64, shape (n_sheets, n_items)
        Points earned per sheet and item; NaN where the item was not on the
        sheet's variant or was dropped.
    marked : ndarray of bool, shape (n_sheets, n_items, max_options)
        ``marked[s, i, k]``: option ``items[i].options[k]`` was read as marked.
    presented : ndarray of bool, shape (n_sheets, n_items)
        The item was on the sheet's variant.
    totals, max_totals : ndarray of float64, shape (n_sheets,)
        Each sheet's total and maximum, points.
    section_points, section_max : ndarray of float64, shape (n_sheets, n_sections)
        Per format section (print order), points.
    topic_names : dict
        Topic code -> name, from the bank if given, else from the key.
    excluded : tuple of ExcludedSheet
        Graded sheets left out (second copies of a sheet scanned twice).
    """

    manifest: ExamManifest
    items: tuple[CohortItem, ...]
    sheets: tuple[GradedSheet, ...]
    names: tuple[str, ...]
    points: np.ndarray
    marked: np.ndarray
    presented: np.ndarray
    totals: np.ndarray
    max_totals: np.ndarray
    section_points: np.ndarray
    section_max: np.ndarray
    topic_names: dict[str, str] = field(default_factory=dict)
    excluded: tuple[ExcludedSheet, ...] = ()

    @property
    def format(self) -> PaperFormat:
        """The exam's paper format."""
        return self.manifest.format

    @property
    def exam_id(self) -> str:
        """The exam's id."""
        return self.manifest.exam_id

    @property
    def size(self) -> int:
        """Number of sheets (candidates) in the cohort."""
        return len(self.sheets)

    @property
    def max_points(self) -> np.ndarray:
        """Points each item is worth, shape (n_items,); 0 for dropped items."""
        return np.array([0.0 if it.dropped else it.points for it in self.items], dtype=np.float64)

    @property
    def scored(self) -> np.ndarray:
        """Boolean mask of items that count (not dropped), shape (n_items,)."""
        return np.array([not it.dropped for it in self.items], dtype=bool)

    def columns_of_section(self, key: str) -> np.ndarray:
        """Column indices of the scored items of one section."""
        return np.array([i for i, it in enumerate(self.items) if it.section == key and not it.dropped], dtype=np.intp)


def load_cohort(store: Store, exam_id: str, *, bank: Bank | None = None) -> Cohort:
    """Load one exam's graded sheets from the store.

    Parameters
    ----------
    store : Store
        An open results store.
    exam_id : str
        The exam to load.
    bank : Bank, optional
        The exam's bank, for each item's topic.

    Raises
    ------
    ReportError
        If the store has no key for the exam or no graded sheet of it, or the
        key gives one item different answers on different variants.
    """
    manifest = store.manifest(exam_id)
    if manifest is None:
        known = sorted(store.manifests())
        raise ReportError(_("{path}: no exam {exam!r} in the results store (has {known})").format(
            path=store.path, exam=exam_id, known=known))
    sheets = store.graded_sheets(exam_id)
    if not sheets:
        raise ReportError(_("{path}: exam {exam}: no graded sheet yet; grade scans first").format(
            path=store.path, exam=exam_id))
    return build_cohort(manifest, sheets, bank=bank)


def build_cohort(manifest: ExamManifest, sheets: Sequence[GradedSheet], *, bank: Bank | None = None) -> Cohort:
    """Arrange graded sheets of one exam into a :class:`Cohort` (no store needed).

    Raises
    ------
    ReportError
        If there is no sheet, a sheet's variant is not in the key, or the key
        gives one item different answers on different variants.
    """
    kept, excluded = _drop_second_copies(sheets)
    if not kept:
        raise ReportError(_("exam {exam}: no graded sheet to report on").format(exam=manifest.exam_id))
    items = _cohort_items(manifest, bank)
    column = {it.item_id: i for i, it in enumerate(items)}
    by_variant = {v.variant: v for v in manifest.variants}
    n, m = len(kept), len(items)
    width = max((len(it.options) for it in items), default=1)
    points = np.full((n, m), np.nan)
    marked = np.zeros((n, m, width), dtype=bool)
    presented = np.zeros((n, m), dtype=bool)
    for row, sheet in enumerate(kept):
        key = by_variant.get(sheet.score.variant)
        if key is None:
            raise ReportError(_("exam {exam}: {file} page {page}: variant {variant!r} is not in the key "
                                "(has {known})").format(exam=manifest.exam_id, file=sheet.page.source,
                                                        page=sheet.page.page_no, variant=sheet.score.variant,
                                                        known=sorted(by_variant)))
        _fill_row(row, sheet, key.questions, items, column, points, marked, presented)
    return _assemble(manifest, items, kept, excluded, points, marked, presented, bank)


def _assemble(manifest: ExamManifest, items: tuple[CohortItem, ...], kept: list[GradedSheet],
              excluded: list[ExcludedSheet], points: np.ndarray, marked: np.ndarray, presented: np.ndarray,
              bank: Bank | None) -> Cohort:
    sections = manifest.format.sections
    section_scores = [{s.key: s for s in sheet.score.sections} for sheet in kept]
    section_points = np.array([[sc[s.key].points if s.key in sc else 0.0 for s in sections] for sc in section_scores])
    section_max = np.array([[sc[s.key].max_points if s.key in sc else 0.0 for s in sections] for sc in section_scores])
    roster = {c.number: c.name for c in manifest.candidates}
    return Cohort(
        manifest=manifest, items=items, sheets=tuple(kept),
        names=tuple(roster.get(s.page.candidate or "", "") for s in kept),
        points=points, marked=marked, presented=presented,
        totals=np.array([s.score.total for s in kept], dtype=np.float64),
        max_totals=np.array([s.score.max_total for s in kept], dtype=np.float64),
        section_points=section_points.reshape(len(kept), len(sections)),
        section_max=section_max.reshape(len(kept), len(sections)),
        topic_names=bank.topic_names() if bank is not None else dict(manifest.topic_names),
        excluded=tuple(excluded),
    )


def _drop_second_copies(sheets: Sequence[GradedSheet]) -> tuple[list[GradedSheet], list[ExcludedSheet]]:
    kept: list[GradedSheet] = []
    excluded: list[ExcludedSheet] = []
    first: dict[tuple[str, str], GradedSheet] = {}
    for sheet in sorted(sheets, key=lambda s: s.page.page_id):
        if any(f.kind == DUPLICATE_SCAN for f in sheet.flags):
            identity = (sheet.page.candidate or "", sheet.score.variant)
            if identity in first:
                excluded.append(ExcludedSheet(sheet, first[identity]))
                continue
            first[identity] = sheet
        kept.append(sheet)
    order = {id(s): i for i, s in enumerate(sheets)}
    kept.sort(key=lambda s: order[id(s)])
    return kept, excluded


# -- items -----------------------------------------------------------------------


def _cohort_items(manifest: ExamManifest, bank: Bank | None) -> tuple[CohortItem, ...]:
    topics = {item.id: item.topic for item in bank.items} if bank is not None else {}
    option_counts = {s.key: s.options for s in manifest.format.sections}
    seen: dict[str, CohortItem] = {}
    problems: list[str] = []
    for variant in sorted(manifest.variants, key=lambda v: v.variant):
        for q in sorted(variant.questions, key=lambda q: q.number):
            topic = topics.get(q.item_id) if bank is not None else q.topic
            item = _item_of(q, variant.variant, topic, option_counts.get(q.section, 0))
            known = seen.get(q.item_id)
            if known is None:
                seen[q.item_id] = item
                continue
            if ((known.key, known.also_accept, known.dropped, known.awarded)
                    != (item.key, item.also_accept, item.dropped, item.awarded)):
                problems.append(_("item {item}: variant {variant} question {question} has key {key}, another "
                                  "variant {other}").format(item=q.item_id, variant=variant.variant,
                                                            question=q.number, key="".join(item.key),
                                                            other="".join(known.key)))
            known.numbers[variant.variant] = q.number
            known.permutations.update(item.permutations)
    if problems:
        raise ReportError(_("exam {exam}: the key is inconsistent across variants: {problems}").format(
            exam=manifest.exam_id, problems="; ".join(problems)))
    order = {s.key: i for i, s in enumerate(manifest.format.sections)}
    variants = sorted(v.variant for v in manifest.variants)

    def position(it: CohortItem) -> tuple[int, int, int]:
        first = next(iter(it.numbers))  # the first variant (by name) that carries the item
        return order.get(it.section, len(order)), variants.index(first), it.numbers[first]

    return tuple(sorted(seen.values(), key=position))


def _item_of(question: KeyQuestion, variant: str, topic: str | None, option_count: int) -> CohortItem:
    to_bank = printed_to_bank(question)
    if question.type == "judge":
        options = JUDGE_OPTIONS
    elif question.permutation:
        options = tuple(sorted(question.permutation))
    else:
        options = OPTION_LABELS[:option_count]
    return CohortItem(
        item_id=question.item_id,
        section=question.section,
        type=question.type,
        points=question.points,
        options=options,
        key=_in_bank_labels(question.answer, to_bank),
        also_accept=tuple(_in_bank_labels(a, to_bank) for a in question.also_accept),
        dropped=question.dropped,
        awarded=question.awarded,
        numbers={variant: question.number},
        topic=topic,
        permutations={variant: tuple(question.permutation)} if question.permutation else {},
    )


def _in_bank_labels(labels: Sequence[str], to_bank: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(sorted(to_bank.get(label, label) for label in labels))


# -- one row ---------------------------------------------------------------------


def _fill_row(row: int, sheet: GradedSheet, questions: Sequence[KeyQuestion], items: tuple[CohortItem, ...],
              column: Mapping[str, int], points: np.ndarray, marked: np.ndarray, presented: np.ndarray) -> None:
    scores: dict[int, QuestionScore] = {q.number: q for q in sheet.score.questions}
    for question in questions:
        col = column[question.item_id]
        score = scores.get(question.number)
        if score is None:
            continue
        presented[row, col] = True
        if score.status != "dropped":
            points[row, col] = score.points
        to_bank = printed_to_bank(question)
        options = items[col].options
        for label in score.marked:
            bank_label = to_bank.get(label, label)
            if bank_label in options:
                marked[row, col, options.index(bank_label)] = True
