"""Paper formats: how many items of each type a paper has, their points and scoring.

A format is data (``formats/*.json``), so a centre can define a 100-item paper
with partial credit without touching code.  The shipped ``cs-180`` format is
140 single-choice x 0.5 + 20 true/false x 0.5 + 20 multiple-choice x 1 = 100.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from papergen.errors import FormatError
from papergen.files import load_json_model
from papergen.i18n import N_, _

__all__ = [
    "DEFAULT_BOOKLET_INSTRUCTIONS",
    "DEFAULT_SHEET_INSTRUCTIONS",
    "PaperFormat",
    "Scoring",
    "Section",
    "Wording",
    "load_format",
    "wording_problems",
]

MARKING_TOOL = "{marking_tool}"
"""Placeholder for the marking tool in instruction lines: one word for booklet and sheet."""
DURATION = "{duration_min}"
"""Placeholder for the exam duration in minutes."""
_TOOL_WORDS = ("铅笔", "签字笔", "钢笔", "圆珠笔", "中性笔", "水笔")
"""Words that name a marking tool: printed only through the placeholder, so booklet and sheet agree."""

DEFAULT_BOOKLET_INSTRUCTIONS = (
    f"考试时间：{DURATION}分钟。",
    "请首先在答题卡上填写姓名、考场号、座位号，签名，并填涂准考证号。",
    "请仔细阅读各种题目的回答要求，所有答案须填涂在答题卡上，写在试卷上无效。",
    f"请用{MARKING_TOOL}将所选选项涂满、涂黑；修改时用橡皮擦干净。",
    "不要在答题卡上乱写乱画，不要折叠、污损答题卡。",
)
"""注意事项 of the booklet when a format gives none."""

DEFAULT_SHEET_INSTRUCTIONS = (
    "答题前，考生须将姓名、考场号、座位号填写清楚并签名，在准考证号栏内填写号码、填涂对应数字。",
    f"选择题须用{MARKING_TOOL}将所选选项涂满、涂黑，修改时用橡皮擦干净，不留痕迹。",
    "单选题、判断题每题只涂一个选项；多选题涂所有正确选项。",
    "保持答题卡清洁，不要折叠、污损，不要在定位方块和二维码上书写。",
)
"""注意事项 of the answer sheet when a format gives none."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scoring(_Model):
    """How one question of a section earns its points.

    Rules
    -----
    exact
        Full points when the marked set equals the key, else 0 (单选, 判断, and 多选 by default).
    subset
        Full points for an exact match; ``partial_fraction`` of the points when the
        marks are a non-empty proper subset of the key; 0 for any wrong mark.
    per_option
        Each correct mark earns points / len(key); each wrong mark costs the same;
        never below 0.
    """

    rule: Literal["exact", "subset", "per_option"] = "exact"
    partial_fraction: Annotated[float, Field(ge=0, le=1)] = Field(
        0.5, description="Share of the points for a correct proper subset (rule 'subset')."
    )
    multiple_marks: Literal["zero", "review"] = Field(
        "zero",
        description="Single-answer questions with two marks: score 0, or hold for review (scored 0 until resolved).",
    )


class Section(_Model):
    """One section of a paper (一、单项选择题 ...)."""

    key: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")] = Field(description="Machine name, e.g. 'single'.")
    type: Literal["single", "multi", "judge"] = Field(description="Item type drawn for this section.")
    title: str = Field(description="Heading without counts, e.g. '单项选择题'.")
    count: int = Field(ge=1, description="Number of questions.")
    points: float = Field(gt=0, description="Points per question.")
    instructions: str = Field("", description="One-line instruction printed under the heading.")
    scoring: Scoring = Field(default_factory=Scoring)
    options: int = Field(4, ge=2, le=6, description="Options printed per question (judge: 2).")
    judge_true_share: tuple[float, float] = Field(
        (0.4, 0.6), description="For judge sections: allowed range of the share of 对 keys."
    )


class Wording(_Model):
    """What booklet and sheet tell the candidate about marking, from one source."""

    marking_tool: str = Field("2B铅笔", min_length=1, description="What candidates mark with, e.g. '2B铅笔'.")
    sheet_instructions: tuple[str, ...] = Field(
        DEFAULT_SHEET_INSTRUCTIONS,
        description="注意事项 printed on the answer sheet; write the tool as {marking_tool}.",
    )
    legend_note: str = Field(
        f"用{MARKING_TOOL}涂满、涂黑；打勾、打叉、半涂、点涂均无法识别。",
        description="Note under the fill example on the sheet; write the tool as {marking_tool}.",
    )

    def fill(self, line: str) -> str:
        """A line with ``{marking_tool}`` replaced by the marking tool."""
        return line.replace(MARKING_TOOL, self.marking_tool)


class PaperFormat(_Model):
    """A paper format: sections in print order, duration, instructions, difficulty mix."""

    schema_version: Literal[1] = 1
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]+$")]
    title: str = Field(description="Paper title printed on booklets, e.g. '客户服务管理师 理论知识试卷'.")
    duration_min: int = Field(ge=1, description="Exam duration, minutes.")
    layout: str = Field(
        "auto", description="Id of the answer-sheet layout in layouts/ that fits this format; \"auto\" (the default): computed from the sections."
    )
    sections: tuple[Section, ...] = Field(min_length=1)
    instructions: tuple[str, ...] = Field(
        DEFAULT_BOOKLET_INSTRUCTIONS,
        description="Booklet instructions (注意事项), one per line; write the tool as {marking_tool}, "
                    "the duration as {duration_min}.",
    )
    wording: Wording = Field(default_factory=Wording, description="Marking tool and the sheet's instructions.")
    seal_line: bool = Field(False, description="Print a 密封线 strip with name and 准考证号 fields on booklet pages.")
    difficulty_mix: dict[Literal["easy", "medium", "hard"], float] = Field(
        default_factory=lambda: {"easy": 6, "medium": 3, "hard": 1},
        description="Relative shares of easy:medium:hard items (易:中:难), per section.",
    )
    total_points: float | None = Field(None, description="If given, must equal the sum of section points.")
    pass_mark: float | None = Field(None, description="Default cut score for reports.")

    @model_validator(mode="after")
    def _check(self) -> "PaperFormat":
        keys = [s.key for s in self.sections]
        if len(set(keys)) != len(keys):
            raise ValueError(_("section keys repeat (got {keys})").format(keys=keys))
        if self.total_points is not None and abs(self.computed_total - self.total_points) > 1e-9:
            raise ValueError(
                _("total_points is {total_points} but sections add up to {computed_total}").format(
                        total_points=self.total_points, computed_total=self.computed_total)
            )
        if not any(v > 0 for v in self.difficulty_mix.values()):
            raise ValueError(_("difficulty_mix needs at least one positive share"))
        return self

    @property
    def computed_total(self) -> float:
        """Sum of count x points over the sections."""
        return sum(s.count * s.points for s in self.sections)

    @property
    def question_count(self) -> int:
        """Number of questions on a paper."""
        return sum(s.count for s in self.sections)

    def section(self, key: str) -> Section:
        """The section with this key."""
        for s in self.sections:
            if s.key == key:
                return s
        raise FormatError(_("format {format}: no section {key!r} (has {keys})").format(
                format=self.id, key=key, keys=[s.key for s in self.sections]))

    def numbering(self) -> list[tuple[Section, int]]:
        """(section, question number) for every question, numbers 1..N in print order."""
        out, n = [], 0
        for s in self.sections:
            for _ in range(s.count):
                n += 1
                out.append((s, n))
        return out

    def _filled(self, line: str) -> str:
        return self.wording.fill(line).replace(DURATION, str(self.duration_min))

    def booklet_instructions(self) -> tuple[str, ...]:
        """The booklet's 注意事项 with the marking tool and duration filled in."""
        return tuple(self._filled(line) for line in self.instructions)

    def sheet_instructions(self) -> tuple[str, ...]:
        """The answer sheet's 注意事项 with the marking tool filled in."""
        return tuple(self._filled(line) for line in self.wording.sheet_instructions)

    def legend_note(self) -> str:
        """The note under the sheet's fill example, with the marking tool filled in."""
        return self._filled(self.wording.legend_note)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the canonical JSON."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def wording_problems(fmt: PaperFormat) -> list[str]:
    """Instruction lines that name a marking tool literally instead of through ``{marking_tool}``.

    Booklet and sheet then could disagree (one saying pencil, the other pen);
    checked when an exam is built, so keys written earlier still load.
    """
    lines = [(f"instructions[{i}]", line) for i, line in enumerate(fmt.instructions)]
    lines += [(f"wording.sheet_instructions[{i}]", line) for i, line in enumerate(fmt.wording.sheet_instructions)]
    lines.append(("wording.legend_note", fmt.wording.legend_note))
    problems = []
    for where, line in lines:
        named = [word for word in _TOOL_WORDS if word in line.replace(MARKING_TOOL, "")]
        if named:
            problems.append(_(
                "format {format}: {where} names the marking tool itself (got {line!r}); write {placeholder} and set "
                "wording.marking_tool (now {marking_tool!r})").format(
                    format=fmt.id, where=where, line=line, placeholder=MARKING_TOOL,
                    marking_tool=fmt.wording.marking_tool))
    return problems


def load_format(path: str | Path) -> PaperFormat:
    """Read and validate a paper-format JSON file.

    Raises
    ------
    FormatError
        Naming the file and the JSON path of every problem.
    """
    return load_json_model(path, PaperFormat, FormatError, N_("paper format"))
