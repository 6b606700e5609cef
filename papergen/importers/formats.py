"""The source formats ``papergen import`` reads, as the user is told."""

from __future__ import annotations

from papergen.i18n import N_

__all__ = ["SUPPORTED_FORMATS"]

SUPPORTED_FORMATS = N_(
    "plain text (.txt: numbered questions, exam-platform pages, answer keys; "
    "UTF-8, GB18030/GBK, Big5 or UTF-16), Moodle XML, "
    "Excel .xlsx and CSV tables (题型, 题干, 选项A…F, 答案, 解析, 难度, 知识点; --columns for other names), "
    "Word .docx, GIFT, Aiken, JSON banks (--mapping names the question list and fields)"
)
"""Listed whenever a source is in no recognised format or gives no question (translate with ``_()``)."""
