"""The review workflow of a bank: statuses, who may draw what, and the notice on unapproved papers.

Every item carries a status (:data:`papergen.bank.model.REVIEW_STATUSES`):

- ``draft``: written or imported, not yet checked;
- ``reviewed``: checked against its source by a reviewer (a review names the
  reference the key was checked against);
- ``approved``: signed off for live exams by a centre's subject experts;
- ``retired``: out of use, with a reason; never drawn.

A build draws the items at or above a minimum status (:func:`live_bank`); a
paper holding items below ``approved`` carries :func:`review_notice` in its
key manifest and build report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from papergen.bank.model import REVIEW_STATUSES, Bank, Item, ReviewStatus
from papergen.bank.problems import Problem
from papergen.i18n import N_, _, language

__all__ = [
    "DRAWABLE_STATUSES",
    "DEFAULT_MIN_STATUS",
    "is_drawable",
    "live_bank",
    "status_counts",
    "format_status_counts",
    "review_notice",
    "review_problems",
]

DRAWABLE_STATUSES: tuple[ReviewStatus, ...] = ("draft", "reviewed", "approved")
"""Statuses a build may draw, in rising order of trust."""

DEFAULT_MIN_STATUS: ReviewStatus = "draft"
"""Default minimum status of ``build``: a bank nobody has approved yet stays buildable, and its papers say so."""

_STATUS_NAMES = {"draft": "草稿", "reviewed": "已复核", "approved": "已审定", "retired": "已停用"}
_STATUS_LABELS = {"draft": N_("草稿 draft"), "reviewed": N_("已复核 reviewed"), "approved": N_("已审定 approved"),
                  "retired": N_("已停用 retired")}
"""Each status as the command line shows it: Chinese and English in English, Chinese alone in Chinese."""


def is_drawable(item: Item, min_status: ReviewStatus = DEFAULT_MIN_STATUS) -> bool:
    """Whether a build with ``min_status`` may draw the item (never when retired).

    Raises
    ------
    ValueError
        If ``min_status`` is ``retired`` or not a status.
    """
    if min_status not in DRAWABLE_STATUSES:
        raise ValueError(f"minimum status must be one of {', '.join(DRAWABLE_STATUSES)} (got {min_status!r})")
    if item.status == "retired":
        return False
    return DRAWABLE_STATUSES.index(item.status) >= DRAWABLE_STATUSES.index(min_status)


def live_bank(bank: Bank, min_status: ReviewStatus = DEFAULT_MIN_STATUS) -> Bank:
    """A copy of the bank holding only the items a build with ``min_status`` may draw."""
    return bank.model_copy(update={"items": [item for item in bank.items if is_drawable(item, min_status)]})


def status_counts(items: Iterable[Item]) -> dict[str, int]:
    """Items per review status, every status listed (zero included)."""
    counts = Counter(item.status for item in items)
    return {status: counts[status] for status in REVIEW_STATUSES}


def format_status_counts(items: Iterable[Item]) -> str:
    """One line such as ``审核状态 status: 草稿 draft 500, 已复核 reviewed 100, ...``."""
    counts = status_counts(items)
    # Translators: the separator between the entries of a list
    shown = _(", ").join(f"{_(_STATUS_LABELS[s])} {n}" for s, n in counts.items())
    return _("审核状态 status: {counts}").format(counts=shown)


def notice_text(notice: str) -> str:
    """A stored :func:`review_notice` in the language in use: its Chinese part, or its English one.

    >>> from papergen.i18n import using_language
    >>> notice = "本次组卷含 2 道未经学科专家审定（approved）的试题：草稿（draft）2 道。正式考试前须由鉴定中心学科专家审定；" \\
    ...          "not approved: 2 items below 'approved' (draft 2)"
    >>> notice_text(notice)
    "not approved: 2 items below 'approved' (draft 2)"
    >>> with using_language("zh"):
    ...     notice_text(notice)[-17:]
    '正式考试前须由鉴定中心学科专家审定'
    """
    chinese, separator, english = notice.partition(_NOTICE_SEPARATOR)
    if not separator:
        return notice
    return chinese if language() == "zh" else _NOTICE_SEPARATOR.lstrip("；") + english


_NOTICE_SEPARATOR = "；not approved: "
"""Between the Chinese and the English part of a review notice (both are kept in key.json)."""


def review_notice(items: Iterable[Item]) -> str | None:
    """The notice a paper gets when it holds items not approved by subject experts; None if all are approved."""
    counts = status_counts(items)
    below = {s: counts[s] for s in ("draft", "reviewed") if counts[s]}
    if not below:
        return None
    shown = "，".join(f"{_STATUS_NAMES[s]}（{s}）{n} 道" for s, n in below.items())
    return (
        f"本次组卷含 {sum(below.values())} 道未经学科专家审定（approved）的试题：{shown}。"
        "正式考试前须由鉴定中心学科专家审定；"
        f"not approved: {sum(below.values())} items below 'approved' ({', '.join(f'{s} {n}' for s, n in below.items())})"
    )


def review_problems(index: int, item: Item) -> Iterator[Problem]:
    """Errors of an item's review record: a status must be backed by a review, a retirement by a reason."""
    where = f"items[{index}]"
    if item.status == "retired" and not item.retired_reason:
        yield Problem("error", f"{where}.retired_reason", item.id, _("a retired item needs \"retired_reason\""))
    if item.status != "retired" and item.retired_reason:
        yield Problem(
            "error", f"{where}.retired_reason", item.id,
            _(
                "only a retired item has a \"retired_reason\" (status is {status}); set \"status\": \"retired\" or "
                "remove it").format(status=item.status),
        )
    if item.status in ("reviewed", "approved"):
        backing = [r for r in item.reviews if r.status == item.status or r.status == "approved"]
        if not backing:
            yield Problem(
                "error", f"{where}.status", item.id,
                _("status \"{status}\" needs a review with that status in \"reviews\" (got none)").format(
                        status=item.status),
            )
        elif not any(r.key_reference for r in backing):
            yield Problem(
                "error", f"{where}.reviews", item.id,
                _("a \"{status}\" item needs the reference its key was checked against (\"key_reference\")").format(
                        status=item.status),
            )
