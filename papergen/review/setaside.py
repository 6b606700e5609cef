"""Set-aside (quarantined) sheets: registered from four clicked corner marks, or keyed in by hand.

:func:`register_by_corners` reads the page with :func:`omr.manual.read_from_corners`
and grades the read as a grading run would (identification by QR code,
roster and duplicate flags); :func:`key_in_by_hand` takes every answer
entered twice, refuses the entry if the two differ anywhere, and scores it
against the variant the reviewer names.  Both record a decision (kind
``register`` or ``manual``) with what was done.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from omr.layout import SheetLayout
from omr.manual import read_from_corners
from omr.result import MarkState, QuestionRead, SheetRead
from papergen.errors import ReviewError
from papergen.i18n import N_, _
from papergen.grading import (
    NewDecision,
    PageRecord,
    PageRow,
    Store,
    format_answer,
    grade_stored_read,
    parse_answer,
    parse_candidate,
    score_with_decisions,
)
from papergen.grading.identify import roster_flags
from papergen.grading.labels import reader_reason, status_label

__all__ = ["SetAsideOutcome", "register_by_corners", "key_in_by_hand", "KEYED_IN_NOTE"]

KEYED_IN_NOTE = N_("keyed in by hand (two entries agreed)")


@dataclass(frozen=True)
class SetAsideOutcome:
    """What became of a set-aside page: its new id, status, reason and candidate number."""

    page_id: int
    status: str
    reason: str
    candidate: str | None
    flagged: int

    def to_json(self) -> dict[str, Any]:
        """As JSON for the browser."""
        return {"page_id": self.page_id, "status": self.status, "reason": self.reason,
                "candidate": self.candidate, "flagged": self.flagged}


def register_by_corners(store: Store, page: PageRow, image: np.ndarray, corners: Any, *, layout: SheetLayout,
                        who: str) -> SetAsideOutcome:
    """Read a set-aside page from four corner-mark centres and grade it.

    Parameters
    ----------
    store : Store
        The open results store.
    page : PageRow
        The set-aside page.
    image : ndarray of uint8, shape (H, W)
        The page as the scan gives it (as it was read).
    corners : sequence of 4 (x, y)
        Corner-mark centres in image pixels: top-left, top-right, bottom-right, bottom-left of the printed sheet.
    layout : SheetLayout
        The sheet layout the exams were printed with.
    who : str
        The reviewer.

    Raises
    ------
    ReviewError
        If the page is not set aside or the corners are unusable.
    """
    _check_set_aside(page)
    manifests = list(store.manifests().values())
    try:
        read = read_from_corners(image, layout, corners)
    except (ValueError, TypeError) as exc:
        raise ReviewError(_("{source} page {page}: {error}").format(source=page.source, page=page.page_no,
                                                                    error=exc)) from None
    store.record_decisions([NewDecision("register", json.dumps([list(map(float, c)) for c in corners]),
                                        sha256=page.sha256)], who=who)
    record = PageRecord(page.source, page.page_no, page.sha256, "error")
    page_id = grade_stored_read(store, record, read, manifests, layout=layout, batch_id=page.batch_id)
    return _outcome(store, page_id)


def key_in_by_hand(store: Store, page: PageRow, layout: SheetLayout, *, exam_id: str, variant: str, candidate: str,
                   first: Mapping[str, str], second: Mapping[str, str], who: str) -> SetAsideOutcome:
    """Grade a set-aside page from answers keyed in twice.

    Parameters
    ----------
    store : Store
        The open results store.
    page : PageRow
        The set-aside page.
    layout : SheetLayout
        The sheet layout.
    exam_id, variant : str
        The exam and variant printed on the sheet.
    candidate : str
        The candidate number written on the sheet.
    first, second : mapping of str to str
        Question number (as text) to the answer keyed (letters, 对/错, 空 or empty for blank), twice.
    who : str
        The reviewer.

    Raises
    ------
    ReviewError
        Naming every question whose two entries differ or do not parse, an unknown exam or variant,
        or a bad candidate number; nothing is stored then.
    """
    _check_set_aside(page)
    manifest = store.manifest(exam_id)
    if manifest is None:
        graded = ", ".join(store.manifests())
        raise ReviewError(_("keyed entry: exam {exam} is not among the graded exams ({graded})").format(
            exam=repr(exam_id), graded=graded))
    if variant not in {v.variant for v in manifest.variants}:
        raise ReviewError(_("keyed entry: exam {exam} has no variant {variant}").format(exam=exam_id,
                                                                                       variant=repr(variant)))
    number = parse_candidate(candidate)
    answers = _agreed_answers(layout, first, second)
    read = _keyed_read(layout, answers)
    key = manifest.variant(variant)
    score = score_with_decisions(read, key, manifest.format, {})
    flags = roster_flags(manifest, number, variant)
    entry = {"exam_id": exam_id, "variant": variant, "candidate": number,
             "answers": {str(n): format_answer(a) for n, a in sorted(answers.items())}}
    store.record_decisions([NewDecision("manual", json.dumps(entry, ensure_ascii=False), sha256=page.sha256)], who=who)
    page_id = store.replace_read(page.sha256, read, status="graded", reason=_(KEYED_IN_NOTE), exam_id=exam_id,
                                 variant=variant, candidate=number, score=score, flags=flags)
    return _outcome(store, page_id)


def _check_set_aside(page: PageRow) -> None:
    if page.status != "quarantined":
        raise ReviewError(_("{source} page {page} is not set aside (status {status}); only quarantined pages are "
                            "registered or keyed in by hand").format(source=page.source, page=page.page_no,
                                                                     status=status_label(page.status)))


def _agreed_answers(layout: SheetLayout, first: Mapping[str, str], second: Mapping[str, str]) -> dict[int, str]:
    problems, answers = [], {}
    for spec in layout.questions():
        texts = [str(entry.get(str(spec.number), "")).strip() for entry in (first, second)]
        try:
            keys = [parse_answer(t, spec.options) if t else "" for t in texts]
        except ReviewError as exc:
            problems.append(_("question {number}: {error}").format(number=spec.number, error=exc))
            continue
        if keys[0] != keys[1]:
            problems.append(_("question {number}: the two entries differ (first {first}, second {second})").format(
                number=spec.number, first=format_answer(keys[0]), second=format_answer(keys[1])))
        answers[spec.number] = keys[0]
    if problems:
        raise ReviewError(_("keyed entry: {problems}; look at the sheet and enter these again").format(
            problems="; ".join(problems)))
    return answers


def _keyed_read(layout: SheetLayout, answers: Mapping[int, str]) -> SheetRead:
    questions = []
    for spec in layout.questions():
        keys = answers.get(spec.number, "")
        states = tuple(MarkState.MARKED if o in keys else MarkState.BLANK for o in spec.options)
        fills = tuple(1.0 if o in keys else 0.0 for o in spec.options)
        questions.append(QuestionRead(spec.number, spec.options, fills, states,
                                      tuple(o for o in spec.options if o in keys)))
    return SheetRead("read", reason=_(KEYED_IN_NOTE), questions=tuple(questions))


def _outcome(store: Store, page_id: int) -> SetAsideOutcome:
    page = store.page(page_id)
    assert page is not None
    score = store.sheet_score(page_id)
    flagged = len(score.review_questions) + len(store.page_flags(page_id)) if score is not None else 0
    reason = page.reason or store.sheet_read(page_id).reason
    return SetAsideOutcome(page_id, page.status, reader_reason(reason), page.candidate, flagged)

