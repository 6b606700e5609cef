"""Small formats and synthetic banks for the assembly, ledger and build tests."""

from __future__ import annotations

from collections import Counter

from papergen.assembly.synthetic import SyntheticSpec, synthetic_bank
from papergen.bank.model import Bank
from papergen.exam.paper import Paper
from papergen.exam.format import PaperFormat

__all__ = ["item_ids", "section_counts", "small_bank", "small_format"]


def small_format(
    single: int = 20,
    judge: int = 6,
    multi: int = 4,
    *,
    options: int = 4,
    multi_options: int = 5,
    mix: dict[str, float] | None = None,
    true_share: tuple[float, float] = (0.4, 0.6),
    format_id: str = "t-30",
) -> PaperFormat:
    """A format with the three section types (sections with count 0 are left out)."""
    sections = [
        {"key": "single", "type": "single", "title": "单项选择题", "count": single, "points": 1, "options": options},
        {"key": "judge", "type": "judge", "title": "判断题", "count": judge, "points": 1, "options": 2,
         "judge_true_share": list(true_share)},
        {"key": "multi", "type": "multi", "title": "多项选择题", "count": multi, "points": 2, "options": multi_options},
    ]
    return PaperFormat.model_validate({
        "id": format_id,
        "title": "测试试卷",
        "duration_min": 60,
        "layout": "a4-180",
        "sections": [s for s in sections if s["count"]],
        "difficulty_mix": mix or {"easy": 6, "medium": 3, "hard": 1},
    })


def small_bank(items: int = 300, *, topics: int = 3, seed: int = 0, **spec: object) -> Bank:
    """A synthetic bank (see :class:`~papergen.assembly.synthetic.SyntheticSpec`)."""
    return synthetic_bank(SyntheticSpec(items=items, topics=topics, **spec), seed=seed)  # type: ignore[arg-type]


def section_counts(paper: Paper, section: str, attr: str) -> dict[str, int]:
    """How many questions of a section have each value of ``attr`` (topic, difficulty...)."""
    return dict(Counter(getattr(q, attr) for q in paper.section_questions(section)))


def item_ids(paper: Paper) -> set[str]:
    """The item ids on a paper."""
    return {q.item_id for q in paper.questions}
