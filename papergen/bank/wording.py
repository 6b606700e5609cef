"""Wording checks of one item: stems that cite material the candidate never sees.

A paper prints only stems and options.  A stem that asks what "资料" says
(按照资料中…, 符合资料的有) or what the reference answer of a case proposes
(参考答案) tests material the candidate has not been given, and one that
names a case (A会所, D经理, 上述…, 案例中…) must carry the case text itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from papergen.bank.model import Item
from papergen.bank.problems import Problem
from papergen.i18n import _

__all__ = ["WordingParams", "unseen_material_problems"]


@dataclass(frozen=True)
class WordingParams:
    """Tunables of the wording checks."""

    case_text_min_chars: int = 60
    """A stem naming a case (A会所, 上述, 案例中) must be at least this long (characters) to carry the case text."""


_CITES_SOURCE = re.compile(
    r"(?:按照|根据|依据|符合|与|按|据)(?:资料|材料)"  # 按照资料, 符合资料的有 (not 客户资料)
    r"|(?<![户的])(?:资料|材料)(?:中|所列|所述|观点|的(?:归纳|分析|观点|说法|定义))"  # 资料中的 (not 客户资料中)
    r"|参考答案"
)
_NAMES_CASE = re.compile(r"上述|案例中|[A-Z](?:会所|经理)")


def unseen_material_problems(index: int, item: Item, params: WordingParams = WordingParams()) -> Iterator[Problem]:
    """Warnings for a stem or option that relies on material the paper does not print.

    Parameters
    ----------
    index : int
        The item's index in the bank file, for the JSON path.
    item : Item
        The item.
    params : WordingParams, optional
        Tunables.
    """
    texts = [(".stem", item.stem)] + [(f".options[{i}].text", o.text) for i, o in enumerate(item.options)]
    for where, text in texts:
        cited = _CITES_SOURCE.search(text)
        if cited:
            yield Problem(
                "warning", f"items[{index}]{where}", item.id,
                _(
                    "cites material the candidate never sees (“{group}”); state what is tested in the item "
                    "itself").format(group=cited.group()),
            )
            return
    named = _NAMES_CASE.search(item.stem)
    if named and len(item.stem) < params.case_text_min_chars:
        yield Problem(
            "warning", f"items[{index}].stem", item.id,
            _(
                "names a case (“{group}”) but carries no case text ({count} characters, at least "
                "{least} expected); put the facts the question needs into the stem").format(
                    group=named.group(), count=len(item.stem), least=params.case_text_min_chars),
        )
