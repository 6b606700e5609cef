"""Question tables: Excel (.xlsx) and CSV templates as Chinese exam platforms export them.

A table has a header row naming its columns, in Chinese or English
(:data:`COLUMN_NAMES`): 题型, 题干, 选项A … 选项F (or one 选项 column with
``A.…|B.…``), 答案, 解析, 难度, 知识点, and optionally 编号 (the item id) and
序号 (the number printed).  Rows above the header (a title, 填写说明) are
skipped; the header is the first row naming both a stem and an answer
column.  Columns named otherwise are mapped with ``columns``
(``{"stem": "题目内容", "answer": "正确选项"}``, from ``--columns``).

Each row is one question, read like any structured source
(:mod:`~papergen.importers.records`): the answer is letters (``A``,
``ABD``, ``A,B``), 对/错 words and marks for true/false questions, or the
text of the right option.  Rows of other types (填空, 简答 …) are skipped
with their reason; every skipped row is listed with its row number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from papergen.bank.model import OPTION_LABELS
from papergen.errors import ImportTextError
from papergen.importers.records import Origin, Record, choice_record, judge_record, judge_word, skipped_record, tidy
from papergen.importers.source import decode_text
from papergen.i18n import _, os_error_reason

__all__ = [
    "COLUMN_NAMES",
    "TYPE_OF",
    "name_key",
    "ROLES",
    "parse_columns",
    "find_header",
    "table_records",
    "csv_rows",
    "read_csv_records",
    "read_xlsx_sheets",
]

ROLES = ("type", "stem", *OPTION_LABELS, "options", "answer", "explanation", "difficulty", "topic", "id", "number")
"""What a column can hold; ``A``…``F`` are the option columns."""

COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "type": ("题型", "题目类型", "试题类型", "类型", "type", "questiontype", "qtype"),
    "stem": ("题干", "题目", "试题", "题目内容", "试题内容", "问题", "题目名称", "question", "stem", "title", "content"),
    **{label: (f"选项{label}", label, f"{label}选项", f"答案{label}", f"option{label}", f"choice{label}") for label in OPTION_LABELS},
    "options": ("选项", "options", "choices"),
    "answer": ("答案", "正确答案", "参考答案", "标准答案", "answer", "correctanswer", "key"),
    "explanation": ("解析", "答案解析", "试题解析", "题目解析", "explanation", "analysis", "feedback"),
    "difficulty": ("难度", "难易度", "难易程度", "难度等级", "difficulty", "level"),
    "topic": ("知识点", "考点", "章节", "分类", "题库分类", "所属分类", "topic", "category", "knowledgepoint"),
    "id": ("编号", "试题编号", "题目编号", "id", "questionid"),
    "number": ("序号", "题号", "no", "number"),
}
"""Header names recognised per role, compared without case, spaces, ``*`` and remarks such as ``(必填)``."""

_HEADER_NOISE = re.compile(r"[(（][^()（）]*[)）]|[\s*_:：#./\-]+")
_TYPE_WORDS = {
    "single": ("单选", "单选题", "单项选择", "单项选择题", "single", "singlechoice", "radio"),
    "multi": ("多选", "多选题", "多项选择", "多项选择题", "不定项", "不定项选择题", "multi", "multiple", "multiplechoice", "checkbox"),
    "judge": ("判断", "判断题", "是非", "是非题", "对错", "judge", "truefalse", "tf"),
    "choice": ("选择", "选择题", "choice"),
    "fill_in": ("填空", "填空题", "fill", "blank"),
    "essay": ("简答", "简答题", "问答", "问答题", "论述", "论述题", "案例", "案例分析", "案例分析题", "计算", "计算题", "essay", "shortanswer"),
}
TYPE_OF = {word: kind for kind, words in _TYPE_WORDS.items() for word in words}
_LETTERS = re.compile(r"^[A-Fa-f](?:[\s,，、;；|/]*[A-Fa-f])*$")
_JOINT_OPTION = re.compile(r"(?:^|[\n|｜]|(?<=\s))([A-F])\s*[.、．:：)）]\s*")
_HEADER_ROWS = 10
"""The header is looked for in this many first rows."""


def name_key(name: object) -> str:
    return _HEADER_NOISE.sub("", str(name or "")).lower()


_ROLE_OF = {name_key(name): role for role, names in COLUMN_NAMES.items() for name in names}


def parse_columns(spec: str) -> dict[str, str]:
    """``--columns`` text ``stem=题目内容,answer=正确选项`` → role → header name.

    Raises
    ------
    ImportTextError
        If an entry is not ``role=header`` or names an unknown role.
    """
    mapping = {}
    for part in filter(None, (p.strip() for p in re.split(r"[,，]", spec))):
        role, sep, header = (x.strip() for x in part.partition("="))
        if not sep or not header:
            raise ImportTextError(_("--columns: {part!r} is not role=header (e.g. stem=题目内容)").format(
                    part=part))
        if role not in ROLES:
            raise ImportTextError(_("--columns: unknown role {role!r}; roles: {roles}").format(
                    role=role, roles=', '.join(ROLES)))
        mapping[role] = header
    return mapping


def _header_roles(row: Sequence[object], columns: Mapping[str, str]) -> dict[str, int]:
    """Role → column index for a candidate header row."""
    given = {name_key(header): role for role, header in columns.items()}
    roles: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = name_key(cell)
        role = given.get(key) or (None if key in given else _ROLE_OF.get(key))
        if role and role not in roles:
            roles[role] = index
    return roles


def find_header(rows: Sequence[Sequence[object]], columns: Mapping[str, str] | None = None) -> tuple[int, dict[str, int]] | None:
    """The index of the header row among the first rows and its role → column map, or None."""
    for index, row in enumerate(rows[:_HEADER_ROWS]):
        roles = _header_roles(row, columns or {})
        if "stem" in roles and "answer" in roles:
            return index, roles
    return None


def _cell(row: Sequence[object], index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _split_joint(text: str) -> list[str]:
    """Options written in one cell: ``A.电话|B.网络`` or one per line."""
    marks = list(_JOINT_OPTION.finditer(text))
    if len(marks) >= 2 and [m.group(1) for m in marks] == list(OPTION_LABELS[: len(marks)]):
        return [text[m.end() : marks[k + 1].start() if k + 1 < len(marks) else len(text)].strip(" |｜\n") for k, m in enumerate(marks)]
    return [part.strip() for part in re.split(r"[|｜\n]", text) if part.strip()]


def _row_options(row: Sequence[object], roles: Mapping[str, int]) -> list[str]:
    options = [_cell(row, roles.get(label)) for label in OPTION_LABELS]
    while options and not options[-1]:
        options.pop()
    if not options and "options" in roles:
        options = _split_joint(_cell(row, roles["options"]))
    return options


def _answer_letters(answer: str, options: Sequence[str]) -> list[str] | None:
    """Right labels from letters or from the text of the right option; None if neither."""
    if _LETTERS.match(answer):
        return sorted(set(re.findall("[A-F]", answer.upper())))
    matches = [OPTION_LABELS[i] for i, text in enumerate(options) if text and tidy(text) == tidy(answer)]
    return matches or None


def _row_record(row: Sequence[object], roles: Mapping[str, int], line: int) -> Record | None:
    """One row's question, or None for an empty row."""
    if not any(_cell(row, i) for i in roles.values()):
        return None
    fields = {role: _cell(row, index) for role, index in roles.items() if role not in OPTION_LABELS}
    number = fields.get("number") or None
    kind = TYPE_OF.get(name_key(fields["type"])) if fields.get("type") else None
    if fields.get("type") and kind is None:
        return skipped_record("malformed", _("unknown question type {type!r}").format(
                type=fields['type']), number, line)
    if kind in ("fill_in", "essay"):
        return skipped_record(kind, None, number, line)
    kept = {k: fields[k] for k in ("id", "difficulty", "topic") if fields.get(k)}
    origin = Origin(number, line, None, fields.get("explanation"), kept)
    stem, options, answer = fields.get("stem", ""), _row_options(row, roles), fields.get("answer", "")
    truth = judge_word(answer) if answer else None
    if not options and kind in (None, "judge"):
        if answer and truth is None:
            return skipped_record("malformed", _("true/false answer {answer!r} is not 对/错").format(
                    answer=answer), number, line)
        return judge_record(stem, truth, origin)
    if truth is not None and not _LETTERS.match(answer):
        letters = [OPTION_LABELS[i] for i, text in enumerate(options) if judge_word(text) == truth]
    else:
        letters = _answer_letters(answer, options) if answer else []
    if letters is None:
        return skipped_record("malformed", _("the answer {answer!r} is neither option letters nor an option's text").format(
                answer=answer), number, line)
    return choice_record(stem, options, letters, origin, kind=kind if kind in ("single", "multi") else None)


def table_records(rows: Sequence[Sequence[object]], where: str, columns: Mapping[str, str] | None = None, *, first_line: int = 1) -> list[Record]:
    """Records of a table's rows; ``first_line`` is the line (row number) of ``rows[0]``.

    Raises
    ------
    ImportTextError
        If no header row names a stem and an answer column.
    """
    found = find_header(rows, columns)
    if found is None:
        names = "/".join(COLUMN_NAMES["stem"][:2]) + " and " + "/".join(COLUMN_NAMES["answer"][:2])
        raise ImportTextError(
            _(
                "{where}: no header row with {names} columns in the first {rows} rows; name them, or map "
                "yours with --columns stem=…,answer=…").format(
                    where=where, names=names, rows=_HEADER_ROWS)
        )
    header, roles = found
    records = []
    for offset, row in enumerate(rows[header + 1 :], start=header + 1):
        record = _row_record(row, roles, first_line + offset)
        if record is not None:
            records.append(record)
    return records


def csv_rows(text: str) -> list[list[str]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text, newline=""), dialect))


def read_csv_records(path: str | Path, columns: Mapping[str, str] | None = None, encoding: str | None = None) -> list[Record]:
    """Records of a CSV question table (UTF-8, GB18030/GBK or UTF-16, detected; delimiter sniffed).

    Raises
    ------
    ImportTextError
        If the file cannot be read or decoded, or has no header row.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportTextError(_("{path}: cannot read ({reason})").format(
                path=path, reason=os_error_reason(exc))) from exc
    text = decode_text(path, raw, encoding).lstrip("\ufeff")
    return table_records(csv_rows(text), str(path), columns)


def read_xlsx_sheets(path: str | Path, columns: Mapping[str, str] | None = None) -> Iterator[tuple[str, list[Record]]]:
    """(sheet name, records) of every sheet of an Excel workbook that has a header row.

    Raises
    ------
    ImportTextError
        If the workbook cannot be read, or no sheet has a header row.
    """
    from openpyxl import load_workbook  # imported here: only .xlsx sources need it

    path = Path(path)
    try:  # a file object: openpyxl would refuse a name not ending in .xlsx
        workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportTextError(_("{path}: not a readable Excel workbook ({reason})").format(path=path, reason=exc)) from exc
    found, errors = False, []
    try:
        for sheet in workbook.worksheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            try:
                records = table_records(rows, f"{path}[{sheet.title}]", columns)
            except ImportTextError as exc:
                errors.append(str(exc))
                continue
            found = True
            yield sheet.title, records
    finally:
        workbook.close()
    if not found:
        raise ImportTextError(errors[0] if errors else _("{path}: the workbook has no sheet").format(
                path=path))
