"""The question-bank file format, defined once as pydantic models.

A bank is a JSON file whose shape is :class:`Bank`.  Unknown keys are errors
(a typo such as ``"anwser"`` must fail, not vanish).  The JSON Schema for
editors is exported from these models by ``python -m papergen.bank.schema``
into ``banks/bank.schema.json``; a test keeps the two equal.

Answers are written as the item type suggests:

- ``single``: one option label, ``"answer": "B"``
- ``multi``: two or more labels, ``"answer": ["A", "C", "D"]``
- ``judge`` (true/false): a boolean, ``"answer": true`` for 对
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator
from papergen.i18n import _, pgettext

__all__ = [
    "BANK_SCHEMA_VERSION",
    "OPTION_LABELS",
    "ItemType",
    "Difficulty",
    "Option",
    "Figure",
    "FIGURE_SUFFIXES",
    "Provenance",
    "ReviewStatus",
    "REVIEW_STATUSES",
    "Review",
    "ItemStats",
    "Item",
    "Topic",
    "Bank",
    "type_name",
    "difficulty_name",
]

BANK_SCHEMA_VERSION = 1
OPTION_LABELS = ("A", "B", "C", "D", "E", "F")

ItemType = Literal["single", "multi", "judge"]
Difficulty = Literal["easy", "medium", "hard"]
ReviewStatus = Literal["draft", "reviewed", "approved", "retired"]
REVIEW_STATUSES: tuple[ReviewStatus, ...] = ("draft", "reviewed", "approved", "retired")
"""Review statuses; the first three in rising order of trust, ``retired`` never drawn."""
Label = Literal["A", "B", "C", "D", "E", "F"]


def type_name(item_type: str) -> str:
    """An item type (``single``, ``multi``, ``judge``) as a person reads it: the code in English, 单选题… in Chinese."""
    names = {"single": pgettext("item type", "single"), "multi": pgettext("item type", "multi"),
             "judge": pgettext("item type", "judge")}
    return names.get(item_type, item_type)


def difficulty_name(difficulty: str) -> str:
    """A difficulty (``easy``, ``medium``, ``hard``) as a person reads it: the code in English, 易/中/难 in Chinese."""
    names = {"easy": pgettext("difficulty", "easy"), "medium": pgettext("difficulty", "medium"),
             "hard": pgettext("difficulty", "hard")}
    return names.get(difficulty, difficulty)
NonEmpty = Annotated[str, Field(min_length=1)]

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Option(_Model):
    """One answer option of a single- or multi-choice item."""

    label: Label = Field(description="Option letter as written in the source, A-F.")
    text: NonEmpty = Field(description="Option text without its letter.")
    pinned: bool = Field(
        False,
        description="Keep this option last when shuffling (以上都对 / 以上都不对 / 都不是).",
    )


class Provenance(_Model):
    """Where an item comes from."""

    kind: Literal["source", "authored"] = Field(
        description="'source': copied from a document; 'authored': written for this bank from a passage."
    )
    document: NonEmpty = Field(description="Source document file name.")
    number: str | None = Field(None, description="The item's number in the source document, as printed.")
    section: str | None = Field(None, description="The source section heading, e.g. '一、单选题'.")
    quote: str | None = Field(
        None, description="For authored items: the passage of the source document the item tests, verbatim."
    )
    also_in: list[str] = Field(
        default_factory=list,
        description="Other places (document#number) where the same item appears.",
    )
    changes: list[str] = Field(
        default_factory=list,
        description="Edits made to the item after it was taken from its source, each with its reason.",
    )


FIGURE_SUFFIXES = (".png", ".jpg", ".jpeg")
"""File types a figure may be: what the booklet renderer embeds as it is."""


class Figure(_Model):
    """A picture a question needs (a chart, a form, a diagram), kept as a file beside the bank."""

    path: Annotated[str, Field(pattern=r"^[^/\\][^\\]*\.(png|jpg|jpeg)$")] = Field(
        description="File path relative to the bank file's folder, with / between folders, e.g. "
        "'figures/3f2a9c0d1e7b4a55.png'; PNG or JPEG."
    )
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="SHA-256 of the file's bytes (hex): validate and build refuse a file that differs."
    )
    width_mm: float | None = Field(
        None, gt=0, le=170, description="Printed width in the booklet, mm; default: the picture's own size at "
        "150 dpi, at most the text width."
    )
    caption: str | None = Field(None, description="Text printed under the picture, e.g. '图1 某公司投诉流程'.")

    @field_validator("path")
    @classmethod
    def _inside_the_bank_folder(cls, value: str) -> str:
        if ".." in value.split("/"):
            raise ValueError(_("a figure path stays inside the bank's folder (got {value!r}); drop the '..'").format(
                    value=value))
        return value


class Review(_Model):
    """One reviewer's sign-off of an item."""

    reviewer: NonEmpty = Field(description="Who reviewed, e.g. a name or '某鉴定站 学科组'.")
    date: datetime.date = Field(description="Date of the review, YYYY-MM-DD.")
    status: Literal["reviewed", "approved", "retired"] = Field(
        description="What the reviewer decided: 'reviewed' (checked), 'approved' (fit for a live exam), 'retired'."
    )
    key_reference: str | None = Field(
        None, description="What the key was checked against: source document and number, or textbook and page."
    )
    note: str | None = Field(None, description="What was checked or changed, or why the item was retired.")


class ItemStats(_Model):
    """Statistics written back from item analysis of graded sittings."""

    p_value: float = Field(ge=0, le=1, description="Proportion of candidates answering correctly.")
    discrimination: float = Field(ge=-1, le=1, description="Upper-lower 27 % discrimination index D.")
    point_biserial: float | None = Field(None, ge=-1, le=1, description="Point-biserial correlation with total.")
    candidates: int = Field(ge=1, description="Number of candidates the statistics come from.")
    exam_id: str = Field(description="Exam the statistics were computed from.")


class Item(_Model):
    """One question."""

    id: Annotated[str, Field(pattern=_ID_PATTERN)] = Field(description="Stable identifier, unique in the bank.")
    type: ItemType = Field(description="single (单选), multi (多选) or judge (判断, true/false).")
    stem: NonEmpty = Field(description="Question text; a blank is written （　）.")
    options: list[Option] = Field(default_factory=list, description="Options; empty for judge items.")
    answer: Label | list[Label] | StrictBool = Field(
        description="single: one label; multi: a list of labels; judge: true (对) or false (错)."
    )
    topic: NonEmpty = Field(description="Topic code from the bank's topic list.")
    difficulty: Difficulty = Field(description="easy (易), medium (中) or hard (难).")
    no_shuffle: bool = Field(False, description="Options refer to each other (e.g. 'A和B'): never reorder them.")
    enemy_group: str | None = Field(
        None, description="Items sharing a group cue each other's answers; at most one per paper."
    )
    explanation: str | None = Field(None, description="Why the answer is right, for instructors.")
    figures: list[Figure] = Field(
        default_factory=list, description="Pictures printed under the stem, in order (files beside the bank)."
    )
    provenance: Provenance = Field(description="Where the item comes from.")
    stats: ItemStats | None = Field(None, description="Latest item-analysis statistics, if any.")
    status: ReviewStatus = Field(
        "draft",
        description="Review status: draft, reviewed (checked against its source), approved (by a centre's "
        "subject experts, fit for a live exam) or retired (never drawn).",
    )
    reviews: list[Review] = Field(default_factory=list, description="Reviews of the item, oldest first.")
    retired_reason: str | None = Field(None, description="Why a retired item is out of use.")

    @field_validator("answer", mode="before")
    @classmethod
    def _normalise_multi(cls, value: object) -> object:
        if isinstance(value, list):
            return sorted(value) if all(isinstance(v, str) for v in value) else value
        return value

    @property
    def answer_labels(self) -> tuple[str, ...]:
        """The correct option labels; for judge items ``("T",)`` or ``("F",)``."""
        if isinstance(self.answer, bool):
            return ("T",) if self.answer else ("F",)
        if isinstance(self.answer, str):
            return (self.answer,)
        return tuple(self.answer)

    @property
    def labels(self) -> tuple[str, ...]:
        """The item's option labels in source order."""
        return tuple(o.label for o in self.options)


class Topic(_Model):
    """A knowledge area (鉴定要素) with its weight in a paper."""

    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]+$")] = Field(description="Short code, e.g. '03'.")
    name: NonEmpty = Field(description="Topic name, e.g. '客户投诉处理'.")
    weight: float = Field(gt=0, description="Relative share of a paper's items; normalised over the bank.")


class Bank(_Model):
    """A question bank."""

    schema_version: Literal[1] = Field(description="Version of this file format.")
    id: Annotated[str, Field(pattern=_ID_PATTERN)] = Field(description="Stable bank identifier.")
    title: NonEmpty = Field(description="Bank title, e.g. '客户服务管理师 理论知识题库'.")
    language: str = Field("zh-CN", description="BCP 47 language tag of the items.")
    version: NonEmpty = Field(description="Bank content version, e.g. '2026.11'.")
    topics: list[Topic] = Field(min_length=1, description="Knowledge areas (鉴定要素) with their weights.")
    items: list[Item] = Field(description="The questions.")

    def topic_names(self) -> dict[str, str]:
        """Topic code -> name."""
        return {t.code: t.name for t in self.topics}


_STEM_NOISE = re.compile(r"[\s（）()【】\[\]，,。.．、:：;；?？!！“”\"'‘’_—\-…　]+")
"""Blanks, punctuation and spaces, which duplicate detection ignores (compiled once: it runs per text)."""


def normalise_stem(text: str) -> str:
    """A stem reduced for duplicate detection: no blanks, punctuation or spaces."""
    return _STEM_NOISE.sub("", text)
