"""Answer markers and exam-page noise.

Pages copied from online exam platforms (学习通-style) print, after each
question, the candidate's own answer beside the right one::

    我的答案: B正确答案: C
    0.0分
    答案解析: …
    知识点: …

Only markers that state the right answer give a key (:data:`KEY_MARKERS`);
markers of a candidate's own answer (:data:`OWN_PREFIXES` + 答案) are found
so that their text is cut off, and are otherwise ignored.  The page's
decoration is removed: the type-and-points remark of a stem
(``(单选题, 1.0 分)``, ``（1分）``, ``【多选题】``), header lines (题量 / 满分 /
考试时间 …) and the tails after an answer (答案解析 / 知识点 / ``0.0分``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "KEY_MARKERS",
    "OWN_PREFIXES",
    "JUDGE_WORDS",
    "JUDGE_WORD_PATTERN",
    "AnswerMarker",
    "find_answer_markers",
    "find_tail",
    "EXPLANATION_MARK",
    "strip_stem_noise",
    "stem_kind",
    "is_page_header",
]

KEY_MARKERS = ("正确答案", "参考答案", "标准答案", "答案")
"""Markers that state the right answer (longest first)."""
OWN_PREFIXES = ("我的", "你的", "您的", "考生", "学生", "用户", "本人")
"""Prefixes that turn 答案 into a candidate's own answer (我的答案, 考生答案 …)."""

JUDGE_WORDS: dict[str, bool] = {
    "正确": True, "对": True, "√": True, "✓": True, "✔": True, "☑": True,
    "错误": False, "错": False, "×": False, "✗": False, "✘": False, "❌": False, "✕": False, "╳": False,
}
"""True/false answer words and marks (after NFKC; ✔ / ❌ have no compatibility form)."""
JUDGE_WORD_PATTERN = "|".join(re.escape(w) for w in sorted(JUDGE_WORDS, key=lambda w: -len(w)))

_ANSWER_MARK = re.compile(
    rf"(?<![(（])(?P<own>{'|'.join(OWN_PREFIXES)})?(?:{'|'.join(KEY_MARKERS)})"
    rf"[ \t]*(?:[:：][ \t]*|(?=[A-F]|{JUDGE_WORD_PATTERN}))"
)
EXPLANATION_MARK = re.compile(r"(?:答案)?解析[ \t]*[:：]")
"""Start of an explanation (解析: / 答案解析:)."""
_TAIL_MARK = re.compile(r"知识点[ \t]*[:：]|(?:本题)?得分[ \t]*[:：]|^[ \t]*\d+(?:\.\d+)?[ \t]*分[ \t]*$", re.MULTILINE)
_TYPE_NAMES = {
    "单选题": "single", "单项选择题": "single", "多选题": "multi", "多项选择题": "multi",
    "不定项选择题": "choice", "选择题": "choice", "判断题": "judge", "是非题": "judge",
    "填空题": "fill", "简答题": "essay", "论述题": "essay", "问答题": "essay", "名词解释": "essay",
    "案例分析题": "essay", "计算题": "essay",
}
_TYPE = "|".join(sorted(_TYPE_NAMES, key=lambda n: -len(n)))
_POINTS = r"(?:本题|共)?[ \t]*\d+(?:\.\d+)?[ \t]*分"
_STEM_NOISE = re.compile(
    rf"[(（【\[][ \t]*(?:(?P<type>{_TYPE})(?:[ \t]*[,，][ \t]*{_POINTS})?|{_POINTS})[ \t]*[)）】\]]"
)
_PAGE_HEADER = re.compile(
    r"^(?:题量|满分|总分|考试时间|答题时间|考试时长|作答时间|提交时间|姓名|班级|学号|成绩|得分)[ \t]*[:：]"
)


@dataclass(frozen=True)
class AnswerMarker:
    """One answer marker in a block: where it and its answer text lie, and whose answer it is.

    ``own`` is true for a candidate's own answer (我的答案 …), which is never a key.
    """

    start: int
    text_start: int
    text_end: int
    own: bool


def find_answer_markers(text: str, start: int, end: int) -> list[AnswerMarker]:
    """Every answer marker in ``text[start:end]``; each one's text runs to the next marker."""
    found = list(_ANSWER_MARK.finditer(text, start, end))
    markers = []
    for k, m in enumerate(found):
        stop = found[k + 1].start() if k + 1 < len(found) else end
        markers.append(AnswerMarker(m.start(), m.end(), stop, bool(m.group("own"))))
    return markers


def find_tail(text: str, start: int, end: int) -> int:
    """Where the page's tail (知识点: / 得分: / a ``0.0分`` line) starts in ``text[start:end]``; ``end`` if none."""
    m = _TAIL_MARK.search(text, start, end)
    return m.start() if m else end


def strip_stem_noise(text: str) -> str:
    """The text without type-and-points remarks: ``(单选题, 1.0 分)``, ``（1分）``, ``【多选题】``.

    >>> strip_stem_noise("(单选题, 1.0 分) 客户关系管理的核心是( )。(1分)")
    ' 客户关系管理的核心是( )。'
    """
    return _STEM_NOISE.sub("", text)


def stem_kind(text: str) -> str | None:
    """The question type a stem's remark names (``(多选题, 2.0 分)`` → ``"multi"``), if any."""
    m = _STEM_NOISE.search(text)
    return _TYPE_NAMES[m.group("type")] if m and m.group("type") else None


def is_page_header(line: str) -> bool:
    """A header line of an exam page: ``题量: 20 满分: 100.0 考试时间: …``."""
    return bool(_PAGE_HEADER.match(line))
