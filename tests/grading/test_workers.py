"""The messages grading workers send their parent."""

import pickle
from dataclasses import dataclass, field
from pathlib import Path

from omr.result import CandidateRead, MarkState, QuestionRead, SheetRead
from papergen.grading.scoring import QuestionScore
from papergen.grading.workers import PageDone, _packed


@dataclass(frozen=True, slots=True)
class _Derived:
    """A slotted dataclass with a field its constructor does not take."""

    value: int
    double: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "double", 2 * self.value)


def test_a_packed_page_comes_back_equal_to_what_the_worker_sent():
    questions = tuple(QuestionRead(n, ("A", "B", "C", "D"), (0.9, 0.01, 0.0, 0.02),
                                   (MarkState.MARKED, MarkState.BLANK, MarkState.BLANK, MarkState.AMBIGUOUS),
                                   ("A",), ("ambiguous",) if n == 2 else (), 0.8) for n in range(1, 4))
    read = SheetRead("read", qr_text="PG1|X|A|1|", candidate=CandidateRead("12?4", ("unclear",), ((0.1, 0.9),)),
                     questions=questions, homography=((1.0, 0.0, 2.0), (0.0, 1.0, 3.0), (0.0, 0.0, 1.0)),
                     marks={"variant": questions[0]}, timings_ms={"total": 12.5})
    scores = (QuestionScore(1, "single", ("A",), ("A",), 0.5, 0.5, "correct"), _Derived(21))
    message = PageDone(3, "ab" * 32, (Path("scans/p.jpg"), read, scores))

    back = pickle.loads(_packed(message))

    assert back == message
    assert type(back.outcome[1].questions[0].states[3]) is MarkState
    assert back.outcome[2][1].double == 42
