"""How well scans were read: reads and grades compared with the simulation's truth.

Every answer bubble of a page the reader read is one of:

correct
    The read state (marked/blank) is what the candidate meant; the question is not listed for review.
correct, flagged
    The same, on a question listed for review.
ambiguous
    The reader would not decide (state ``ambiguous``); the question is listed for review.
misread, flagged
    The read state contradicts the candidate's intent, on a question listed for review: a person sees it.
misread, not flagged
    The read state contradicts the intent and nothing says so: a silent scoring error.  A sound reader
    has none.

Pages are checked against the statuses a careful reader may return (a blank
back must be ``blank``, a folded sheet may be quarantined), QR codes and
candidate numbers against the printed and intended ones.  Tallies are broken
down by degradation label, capture profile and mark kind.

:func:`read_scan_files` reads a simulation's scans and compares;
:func:`accuracy_from_store` compares what a grading run stored;
:func:`check_scores` compares graded scores with the scores of the intended answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from omr.layout import SheetLayout
from omr.read import read_sheet
from omr.result import MarkState, QuestionRead, SheetRead
from omr.scan_io import iter_pages
from papergen.errors import SimulationError
from papergen.i18n import _
from papergen.grading import POINT_DECIMALS, SheetScore, open_results, score_sheet
from papergen.simulate.truth import TruthFile, TruthPage, TruthQuestion, load_truth_dir

__all__ = [
    "Tally",
    "PageTally",
    "BubbleCase",
    "AccuracyReport",
    "ScoreCheck",
    "compare_page",
    "read_scan_files",
    "accuracy_from_store",
    "check_scores",
    "truth_read",
    "merge_reports",
    "CLEAN_KIND",
]

CLEAN_KIND = "clean"
"""Mark-kind label of a bubble nobody touched."""
MAX_LISTED_CASES = 200
"""Flagged misreads kept for the report (all unflagged ones are kept)."""


@dataclass
class Tally:
    """Counts of answer-bubble outcomes (see the module docstring)."""

    bubbles: int = 0
    correct: int = 0
    correct_flagged: int = 0
    ambiguous: int = 0
    misread_flagged: int = 0
    misread: int = 0

    @property
    def flagged(self) -> int:
        """Bubbles on questions listed for review."""
        return self.correct_flagged + self.ambiguous + self.misread_flagged

    @property
    def flagged_rate(self) -> float:
        """Share of bubbles on questions listed for review, in [0, 1]."""
        return self.flagged / self.bubbles if self.bubbles else 0.0

    def count(self, outcome: str) -> None:
        """Add one bubble with ``outcome`` (a field name)."""
        self.bubbles += 1
        setattr(self, outcome, getattr(self, outcome) + 1)

    def merge(self, other: "Tally") -> None:
        """Add another tally's counts."""
        for name in ("bubbles", "correct", "correct_flagged", "ambiguous", "misread_flagged", "misread"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class PageTally:
    """Page-level counts: statuses, QR codes, candidate numbers, questions.

    Attributes
    ----------
    pages : int
        Pages compared.
    expected_status : int
        Pages whose status is one the truth allows.
    sheets_read, sheets_quarantined : int
        Answer sheets read / quarantined by the reader.
    blanks_found : int
        Blank backs read as blank.
    qr_expected, qr_read, qr_wrong : int
        Read sheets with a QR code; codes decoded to the printed text; codes decoded to other text.
    numbers_expected, numbers_read, numbers_flagged, numbers_wrong : int
        Read sheets whose candidate filled the grid cleanly; numbers read exactly; read incomplete
        or flagged; read complete but wrong (a silent error).
    variants_expected, variants_read, variants_flagged, variants_wrong : int
        Read generic sheets of candidates (试卷类型 filled); variant read as one clear mark and
        right; unclear, none or two marks (the sheet goes to review); one clear mark but wrong.
    questions, questions_flagged : int
        Questions on read sheets; those listed for review.
    review_expected, review_expected_flagged : int
        Questions a careful reader lists for review; those the reader did list.
    """

    pages: int = 0
    expected_status: int = 0
    sheets_read: int = 0
    sheets_quarantined: int = 0
    blanks_found: int = 0
    qr_expected: int = 0
    qr_read: int = 0
    qr_wrong: int = 0
    numbers_expected: int = 0
    numbers_read: int = 0
    numbers_flagged: int = 0
    numbers_wrong: int = 0
    variants_expected: int = 0
    variants_read: int = 0
    variants_flagged: int = 0
    variants_wrong: int = 0
    questions: int = 0
    questions_flagged: int = 0
    review_expected: int = 0
    review_expected_flagged: int = 0

    def merge(self, other: "PageTally") -> None:
        """Add another tally's counts."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class BubbleCase:
    """One misread bubble, for the report: where, what was drawn, what was read."""

    file: str
    page: int
    question: int
    option: str
    kind: str
    intended: bool
    state: str
    fill: float
    flagged: bool
    profile: str
    tags: tuple[str, ...]

    def describe(self) -> str:
        """One line: file, page, question, option, kind, intent, read state and fill, capture."""
        meant = "meant" if self.intended else "not meant"
        return (f"{self.file} p{self.page} q{self.question}{self.option}: {self.kind} ({meant}) read "
                f"{self.state} at fill {self.fill:.2f}; {self.profile} [{', '.join(self.tags)}]")


@dataclass
class AccuracyReport:
    """Outcome counts of a set of pages, overall and broken down.

    Attributes
    ----------
    overall : Tally
        Every answer bubble of every read sheet.
    by_tag, by_profile, by_kind : dict of str to Tally
        The same by degradation label, capture profile and mark kind
        (``"clean"`` for untouched bubbles).
    pages : PageTally
        Page-level counts.
    misreads : list of BubbleCase
        Every misread not flagged.
    flagged_misreads : list of BubbleCase
        Misreads on flagged questions (the first :data:`MAX_LISTED_CASES`).
    status_problems : list of str
        Pages whose status the truth does not allow, with the reader's reason.
    number_problems : list of str
        Sheets whose candidate number was read complete but wrong.
    number_flags : list of str
        Sheets whose cleanly filled candidate number was not read complete (the first
        :data:`MAX_LISTED_CASES`).
    qr_problems : list of str
        Read sheets whose QR code was not decoded or decoded to other text.
    read_ms : list of float
        Reader time per page, milliseconds (when the pages were read in this run).
    """

    overall: Tally = field(default_factory=Tally)
    by_tag: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_profile: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    pages: PageTally = field(default_factory=PageTally)
    misreads: list[BubbleCase] = field(default_factory=list)
    flagged_misreads: list[BubbleCase] = field(default_factory=list)
    status_problems: list[str] = field(default_factory=list)
    number_problems: list[str] = field(default_factory=list)
    number_flags: list[str] = field(default_factory=list)
    qr_problems: list[str] = field(default_factory=list)
    read_ms: list[float] = field(default_factory=list)

    def merge(self, other: "AccuracyReport") -> None:
        """Add another report's counts and cases."""
        self.overall.merge(other.overall)
        for mine, theirs in ((self.by_tag, other.by_tag), (self.by_profile, other.by_profile),
                             (self.by_kind, other.by_kind)):
            for key, tally in theirs.items():
                mine.setdefault(key, Tally()).merge(tally)
        self.pages.merge(other.pages)
        self.misreads.extend(other.misreads)
        room = MAX_LISTED_CASES - len(self.flagged_misreads)
        self.flagged_misreads.extend(other.flagged_misreads[:max(room, 0)])
        self.status_problems.extend(other.status_problems)
        self.number_problems.extend(other.number_problems)
        self.number_flags.extend(other.number_flags[:max(MAX_LISTED_CASES - len(self.number_flags), 0)])
        self.qr_problems.extend(other.qr_problems)
        self.read_ms.extend(other.read_ms)

    @property
    def silent_errors(self) -> int:
        """Misreads not flagged plus candidate numbers, wrong QR texts and variants (试卷类型) read wrong without a flag."""
        return self.overall.misread + self.pages.numbers_wrong + self.pages.qr_wrong + self.pages.variants_wrong

    def lines(self) -> list[str]:
        """The report as a table: overall, then by degradation, profile and mark kind."""
        p = self.pages
        out = [
            f"pages {p.pages}: {p.expected_status} with the expected status; sheets read {p.sheets_read}, "
            f"quarantined {p.sheets_quarantined}; blank backs found {p.blanks_found}",
            f"QR codes read {_ratio(p.qr_read, p.qr_expected)}, wrong {p.qr_wrong}; candidate numbers read "
            f"{_ratio(p.numbers_read, p.numbers_expected)}, flagged {p.numbers_flagged}, wrong {p.numbers_wrong}",
            f"questions {p.questions}: flagged {_percent(p.questions_flagged, p.questions)}; needing review "
            f"{p.review_expected}, of which flagged {_ratio(p.review_expected_flagged, p.review_expected)}",
            *([f"试卷类型 (variant) read {_ratio(p.variants_read, p.variants_expected)}, flagged "
               f"{p.variants_flagged}, wrong {p.variants_wrong}"] if p.variants_expected else []),
            "",
            _row("", "bubbles", "misread unflagged", "misread flagged", "ambiguous", "flagged %"),
            _tally_row("all", self.overall),
        ]
        for title, table in (("by degradation", self.by_tag), ("by profile", self.by_profile),
                             ("by mark kind", self.by_kind)):
            out.append(f"-- {title}")
            out.extend(_tally_row(key, table[key]) for key in sorted(table))
        return out


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} ({_percent(part, whole)})"


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.2f} %" if whole else "n/a"


def _row(*cells: object) -> str:
    first, *rest = (str(c) for c in cells)
    return f"{first:<22}" + "".join(f"{c:>19}" for c in rest)


def _tally_row(name: str, t: Tally) -> str:
    return _row(name, t.bubbles, t.misread, t.misread_flagged, t.ambiguous, f"{100.0 * t.flagged_rate:.2f}")


# -- comparing one page ----------------------------------------------------------


def compare_page(report: AccuracyReport, file: str, truth: TruthPage, read: SheetRead) -> None:
    """Add one page's comparison to ``report``.

    Parameters
    ----------
    report : AccuracyReport
        Accumulates the outcome.
    file : str
        Scan file name (for the cases listed).
    truth : TruthPage
        What is on the page.
    read : SheetRead
        What the reader made of it.
    """
    pages = report.pages
    pages.pages += 1
    if read.status in truth.expect:
        pages.expected_status += 1
    else:
        report.status_problems.append(f"{file} page {truth.page} ({truth.kind}, {truth.profile}): expected "
                                      f"{' or '.join(truth.expect)}, got {read.status}: {read.reason}")
    if truth.kind == "blank":
        pages.blanks_found += read.status == "blank"
        return
    pages.sheets_quarantined += read.status == "quarantined"
    if read.status != "read":
        return
    pages.sheets_read += 1
    _compare_codes(report, file, truth, read)
    _compare_variant(report, truth, read)
    reads = {q.number: q for q in read.questions}
    for question in truth.questions:
        got = reads.get(question.number)
        if got is None:
            raise SimulationError(_("{file} page {page}: the read has no question {question}; "
                                    "the scans and the truth are of different layouts").format(
                file=file, page=truth.page, question=question.number))
        _compare_question(report, file, truth, question, got)


def _compare_variant(report: AccuracyReport, truth: TruthPage, read: SheetRead) -> None:
    """The 试卷类型 bubbles of a candidate's generic sheet against the candidate's variant."""
    mark = read.marks.get("variant")
    if mark is None or truth.kind != "sheet" or not truth.variant:
        return
    pages = report.pages
    pages.variants_expected += 1
    if len(mark.marked) != 1 or mark.needs_review:
        pages.variants_flagged += 1
    elif mark.marked[0] == truth.variant:
        pages.variants_read += 1
    else:
        pages.variants_wrong += 1


def _compare_codes(report: AccuracyReport, file: str, truth: TruthPage, read: SheetRead) -> None:
    pages = report.pages
    if truth.qr_text:
        pages.qr_expected += 1
        pages.qr_read += read.qr_text == truth.qr_text
        pages.qr_wrong += read.qr_text is not None and read.qr_text != truth.qr_text
        if read.qr_text != truth.qr_text:
            report.qr_problems.append(f"{file} page {truth.page}: QR code read as {read.qr_text!r} "
                                      f"({truth.profile} [{', '.join(truth.tags)}])")
    if truth.candidate_review or not truth.candidate:
        return
    pages.numbers_expected += 1
    grid = read.candidate
    if grid is not None and grid.complete and grid.digits == truth.candidate:
        pages.numbers_read += 1
    elif grid is not None and grid.complete:
        pages.numbers_wrong += 1
        report.number_problems.append(f"{file} page {truth.page}: candidate {truth.candidate} read as "
                                      f"{grid.digits} ({truth.profile} [{', '.join(truth.tags)}])")
    else:
        pages.numbers_flagged += 1
        if len(report.number_flags) < MAX_LISTED_CASES:
            got = f"{grid.digits} {list(grid.flags)}" if grid is not None else "nothing"
            report.number_flags.append(f"{file} page {truth.page}: candidate {truth.candidate} read as {got} "
                                       f"({truth.profile} [{', '.join(truth.tags)}])")


def _compare_question(report: AccuracyReport, file: str, truth: TruthPage, question: TruthQuestion,
                      read: QuestionRead) -> None:
    flagged = read.needs_review
    pages = report.pages
    pages.questions += 1
    pages.questions_flagged += flagged
    pages.review_expected += question.review
    pages.review_expected_flagged += question.review and flagged
    states = dict(zip(read.options, read.states, strict=True))
    fills = dict(zip(read.options, read.fills, strict=True))
    for option, kind, intended in zip(question.options, question.kinds, question.intended, strict=True):
        state = states[option]
        outcome = _outcome(intended, state, flagged)
        label = kind or CLEAN_KIND
        for tally in (report.overall, report.by_profile[truth.profile], report.by_kind[label],
                      *(report.by_tag[tag] for tag in truth.tags)):
            tally.count(outcome)
        if outcome in ("misread", "misread_flagged"):
            case = BubbleCase(file, truth.page, question.number, option, label, intended, state.value,
                              fills[option], flagged, truth.profile, tuple(truth.tags))
            if outcome == "misread":
                report.misreads.append(case)
            elif len(report.flagged_misreads) < MAX_LISTED_CASES:
                report.flagged_misreads.append(case)


def _outcome(intended: bool, state: MarkState, flagged: bool) -> str:
    if state is MarkState.AMBIGUOUS:
        return "ambiguous"
    if (state is MarkState.MARKED) == intended:
        return "correct_flagged" if flagged else "correct"
    return "misread_flagged" if flagged else "misread"


# -- reading scans ---------------------------------------------------------------


def read_scan_files(scans_dir: str | Path, truth_dir: str | Path, layout: SheetLayout, *,
                    workers: int = 1) -> AccuracyReport:
    """Read every scan file that has a truth file and compare.

    Parameters
    ----------
    scans_dir, truth_dir : path
        A simulation's ``scans`` and ``truth`` folders.
    layout : SheetLayout
        The sheet layout.
    workers : int
        Processes reading files in parallel.

    Raises
    ------
    SimulationError
        If there is no truth, a scan file is missing, or its page count differs from its truth.
    """
    truths = load_truth_dir(truth_dir)
    jobs = [(Path(scans_dir) / name, truth) for name, truth in truths.items()]
    missing = [str(path) for path, _truth in jobs if not path.is_file()]
    if missing:
        raise SimulationError(_("{folder}: {n} scan files of the truth are missing (e.g. {example})").format(
            folder=scans_dir, n=len(missing), example=missing[0]))
    report = AccuracyReport()
    if workers <= 1 or len(jobs) < 2:
        parts = [_read_file(path, truth, layout) for path, truth in jobs]
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            parts = list(pool.map(_read_file, *zip(*jobs), [layout] * len(jobs)))
    for part in parts:
        report.merge(part)
    return report


def _read_file(path: Path, truth: TruthFile, layout: SheetLayout) -> AccuracyReport:
    report = AccuracyReport()
    pages = list(iter_pages([path]))
    if len(pages) != len(truth.pages):
        raise SimulationError(_("{path}: has {pages} pages, its truth {truth}").format(
            path=path, pages=len(pages), truth=len(truth.pages)))
    for page, page_truth in zip(pages, truth.pages, strict=True):
        if page.image is None:
            read = SheetRead(status="quarantined", reason=f"cannot decode the page: {page.error}")
        else:
            read = read_sheet(page.image, layout, dpi=page.dpi)
            report.read_ms.append(read.timings_ms.get("total", 0.0))
        compare_page(report, path.name, page_truth, read)
    return report


def accuracy_from_store(results_dir: str | Path, truth_dir: str | Path) -> AccuracyReport:
    """Compare the reads a grading run stored with the truth of the scans it graded.

    Pages are matched by scan file name and page number.

    Raises
    ------
    SimulationError
        If there is no truth, or a stored page has no truth.
    StoreError
        If the results folder holds no usable store (:class:`~papergen.errors.NoResultsError`
        if it holds none: it is not a folder ``papergen grade`` wrote).
    """
    truths = load_truth_dir(truth_dir)
    report = AccuracyReport()
    with open_results(results_dir) as store:
        for row in store.pages():
            truth = _truth_of(truths, row.source, row.page_no)
            compare_page(report, Path(row.source).name, truth, store.sheet_read(row.page_id))
    return report


def _truth_of(truths: Mapping[str, TruthFile], source: str, page_no: int) -> TruthPage:
    truth = truths.get(Path(source).name)
    if truth is None or not 1 <= page_no <= len(truth.pages):
        raise SimulationError(_("{file} page {page}: no truth for this page; compare against the truth folder "
                                "of the simulation that wrote the scans").format(file=source, page=page_no))
    return truth.pages[page_no - 1]


# -- scores ----------------------------------------------------------------------


@dataclass
class ScoreCheck:
    """Graded scores compared with the scores of the intended answers.

    Attributes
    ----------
    sheets : int
        Graded sheets compared.
    unflagged, unflagged_equal : int
        Sheets not listed for review; those whose total equals the intended answers' total.
    flagged, flagged_equal : int
        The same for sheets listed for review.
    differences : list of str
        Every unflagged sheet whose score differs (a silent scoring error).
    """

    sheets: int = 0
    unflagged: int = 0
    unflagged_equal: int = 0
    flagged: int = 0
    flagged_equal: int = 0
    differences: list[str] = field(default_factory=list)


def truth_read(truth: TruthPage) -> SheetRead:
    """The read a perfect reader would return: exactly the intended marks, nothing flagged."""
    questions = []
    for q in truth.questions:
        states = tuple(MarkState.MARKED if meant else MarkState.BLANK for meant in q.intended)
        questions.append(QuestionRead(q.number, tuple(q.options), tuple(float(m) for m in q.intended),
                                      states, q.chosen()))
    return SheetRead(status="read", qr_text=truth.qr_text, questions=tuple(questions))


def check_scores(results_dir: str | Path, truth_dir: str | Path) -> ScoreCheck:
    """Compare every graded sheet's total with the total of the candidate's intended answers.

    Raises
    ------
    SimulationError
        If there is no truth, or a graded page has no truth.
    StoreError
        If the results folder holds no usable store (:class:`~papergen.errors.NoResultsError`
        if it holds none: it is not a folder ``papergen grade`` wrote).
    """
    truths = load_truth_dir(truth_dir)
    check = ScoreCheck()
    with open_results(results_dir) as store:
        manifests = store.manifests()
        for sheet in store.graded_sheets():
            truth = _truth_of(truths, sheet.page.source, sheet.page.page_no)
            manifest = manifests[sheet.page.exam_id]
            expected = score_sheet(truth_read(truth), manifest.variant(sheet.score.variant), manifest.format)
            _count_score(check, sheet.needs_review, sheet.score, expected, f"{Path(sheet.page.source).name} "
                                                                          f"page {sheet.page.page_no}")
    return check


def _count_score(check: ScoreCheck, flagged: bool, got: SheetScore, expected: SheetScore, where: str) -> None:
    equal = round(got.total - expected.total, POINT_DECIMALS) == 0
    check.sheets += 1
    if flagged:
        check.flagged += 1
        check.flagged_equal += equal
        return
    check.unflagged += 1
    check.unflagged_equal += equal
    if not equal:
        check.differences.append(f"{where}: graded {got.total:g}, intended answers score {expected.total:g}")


def merge_reports(reports: Iterable[AccuracyReport]) -> AccuracyReport:
    """One report adding up several."""
    total = AccuracyReport()
    for report in reports:
        total.merge(report)
    return total
