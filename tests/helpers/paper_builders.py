"""Synthetic papers and manifests for tests: plausible Chinese text, exact keys, no bank needed.

Everything is derived from the arguments by hashing, so the same call gives
the same paper on every machine.

>>> paper = make_paper(n_single=4, n_judge=2, n_multi=2, seed=1)
>>> [q.number for q in paper.questions]
[1, 2, 3, 4, 5, 6, 7, 8]
>>> paper.questions[4].answer in (("T",), ("F",))
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from omr.layout import SheetLayout, load_layout
from papergen import __version__
from papergen.exam.manifest import Candidate, ExamManifest, manifest_from_papers
from papergen.exam.paper import Paper, PaperOption, PaperQuestion
from papergen.exam.format import PaperFormat, load_format
from papergen.resources import bundled_format_path, bundled_layout_path

__all__ = [
    "FORMAT_ID",
    "LAYOUT_ID",
    "bundled_paper_format",
    "bundled_layout",
    "format_with_counts",
    "make_paper",
    "make_manifest",
    "make_candidates",
]

FORMAT_ID = "cs-180"
LAYOUT_ID = "a4-180"
LABELS = "ABCDEF"

_ACTORS = (
    "客户服务人员",
    "呼叫中心坐席",
    "客户经理",
    "售后服务部门",
    "客户服务管理师",
    "服务团队主管",
    "企业",
)
_TASKS = (
    "处理客户投诉",
    "开展客户满意度调查",
    "建立客户档案",
    "开展客户关怀活动",
    "实施客户关系管理（CRM）系统",
    "细分客户群体",
    "分析客户流失原因",
    "制定服务质量标准",
    "进行电话回访",
    "培训一线服务人员",
    "设计会员积分计划",
    "评估客户终身价值",
    "受理客户咨询",
    "管理客户期望",
    "处理服务补救",
)
_SINGLE_TEMPLATES = (
    "{actor}在{task}时，首先应当（　）。",
    "下列关于{task}的说法中，正确的是（　）。",
    "{task}的核心目的是（　）。",
    "在{task}的过程中，最不恰当的做法是（　）。",
    "根据《客户服务管理师国家职业标准》，{actor}{task}应以（　）为原则。",
)
_MULTI_TEMPLATES = (
    "下列属于{task}主要内容的有（　）。",
    "{actor}在{task}时，应当注意的事项包括（　）。",
    "影响{task}效果的因素有（　）。",
)
_JUDGE_TEMPLATES = (
    "{task}的主要目的是降低企业成本，而不是提高客户满意度。",
    "{actor}在{task}时，应当认真倾听客户的意见，不与客户争论。",
    "{task}只是售后服务部门的工作，与其他部门无关。",
    "“以客户为中心”要求{actor}在{task}时站在客户的角度思考问题。",
)
_OPTIONS = (
    "认真倾听客户的意见",
    "及时记录问题并反馈",
    "推卸责任给其他部门",
    "提高客户满意度",
    "降低企业运营成本",
    "建立长期稳定的客户关系",
    "与客户争论是非",
    "分析客户的潜在需求",
    "保护客户隐私",
    "统一服务规范",
    "客户数据",
    "服务态度",
    "响应速度",
    "产品质量",
    "投诉渠道",
    "满意度",
    "忠诚度",
    "服务补救",
    "客户细分",
    "交叉销售",
    "首问负责制",
    "以上都不对",
)
_LONG_OPTIONS = (
    "根据客户的购买记录和行为偏好，对客户进行分类管理",
    "在规定时限内答复客户，并跟踪问题直至彻底解决",
    "通过优质产品、服务和客户关怀等手段提升客户忠诚度，保持客户长期稳定关系，并据此制定差异化的服务策略",
)
_LONG_OPTION_ONE_IN = 6
_CLAUSES = (
    "结合企业实际情况、客户类型和服务渠道的特点，",
    "综合考虑成本与效益，",
    "在“以客户为中心”的服务理念指导下，",
    "按照《客户服务管理规范》的要求；",
    "面对情绪激动、反复投诉的客户时，",
    "若客户提出超出服务承诺的要求：",
    "根据上一季度满意度调查的结果，",
    "为缩短平均响应时间并提高一次解决率，",
)


def _hash_int(*key: object) -> int:
    digest = hashlib.sha256("|".join(str(k) for k in key).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def _pick(choices: Sequence[str], *key: object) -> str:
    return choices[_hash_int(*key) % len(choices)]


def bundled_paper_format() -> PaperFormat:
    """The shipped ``cs-180`` format (140 single, 20 judge, 20 multi)."""
    return load_format(bundled_format_path(FORMAT_ID))


def bundled_layout() -> SheetLayout:
    """The shipped ``a4-180`` answer-sheet layout."""
    return load_layout(bundled_layout_path(LAYOUT_ID))


def format_with_counts(n_single: int = 140, n_judge: int = 20, n_multi: int = 20) -> PaperFormat:
    """The ``cs-180`` format with other section counts (points and wording unchanged)."""
    data = bundled_paper_format().model_dump(mode="json")
    counts = {"single": n_single, "judge": n_judge, "multi": n_multi}
    data["sections"] = [dict(s, count=counts[s["key"]]) for s in data["sections"] if counts[s["key"]] > 0]
    data["total_points"] = None
    return PaperFormat.model_validate(data)


def _stem(kind: str, seed: int, number: int, stem_sentences: int) -> str:
    templates = {"single": _SINGLE_TEMPLATES, "multi": _MULTI_TEMPLATES, "judge": _JUDGE_TEMPLATES}[kind]
    template = _pick(templates, seed, number, "template")
    text = template.format(
        actor=_pick(_ACTORS, seed, number, "actor"), task=_pick(_TASKS, seed, number, "task")
    )
    lead = "".join(_pick(_CLAUSES, seed, number, "clause", k) for k in range(stem_sentences - 1))
    return lead + text


def _options(count: int, seed: int, number: int) -> tuple[PaperOption, ...]:
    order = sorted(range(len(_OPTIONS)), key=lambda i: _hash_int(seed, number, "option", i))
    texts = [_OPTIONS[i] for i in order[:count]]
    if _hash_int(seed, number, "long") % _LONG_OPTION_ONE_IN == 0:
        texts[_hash_int(seed, number, "long at") % count] = _pick(_LONG_OPTIONS, seed, number, "long text")
    return tuple(PaperOption(LABELS[k], text, LABELS[k]) for k, text in enumerate(texts))


def _answer(kind: str, n_options: int, seed: int, number: int) -> tuple[str, ...]:
    h = _hash_int(seed, number, "answer")
    if kind == "judge":
        return ("T",) if h % 2 else ("F",)
    if kind == "single":
        return (LABELS[h % n_options],)
    size = 2 + h % max(1, n_options - 2)
    chosen = sorted(range(n_options), key=lambda i: _hash_int(seed, number, "multi", i))[:size]
    return tuple(LABELS[i] for i in sorted(chosen))


def _question(section, number: int, seed: int, stem_sentences: int) -> PaperQuestion:
    kind = section.type
    options = () if kind == "judge" else _options(section.options, seed, number)
    return PaperQuestion(
        number=number,
        section=section.key,
        item_id=f"cs-{kind}-{seed:02d}{number:03d}",
        type=kind,
        stem=_stem(kind, seed, number, stem_sentences),
        options=options,
        answer=_answer(kind, len(options), seed, number),
        points=section.points,
        topic=f"{1 + _hash_int(seed, number, 'topic') % 12:02d}",
        difficulty=_pick(("easy", "medium", "hard"), seed, number, "difficulty"),
    )


def make_paper(
    n_single: int = 140,
    n_judge: int = 20,
    n_multi: int = 20,
    seed: int = 0,
    exam_id: str = "CS2026-11",
    variant: str = "A",
    *,
    stem_sentences: int = 1,
) -> Paper:
    """A synthetic paper with plausible Chinese stems and options.

    Parameters
    ----------
    n_single, n_judge, n_multi : int
        Questions per section (0 drops the section).
    seed : int
        Picks the wording and keys; the variant name is mixed in.
    exam_id, variant : str
        Identity of the paper.
    stem_sentences : int
        Lengthens every stem by ``stem_sentences - 1`` leading clauses (``> 1`` for long stems).
    """
    paper_format = format_with_counts(n_single, n_judge, n_multi)
    text_seed = _hash_int(seed, exam_id, variant) % 100
    questions = tuple(
        _question(section, number, text_seed, stem_sentences) for section, number in paper_format.numbering()
    )
    return Paper(
        exam_id=exam_id,
        variant=variant,
        format=paper_format,
        questions=questions,
        seed=seed,
        bank_id="cs-test",
        bank_version="2026.11",
        bank_sha256=hashlib.sha256(b"cs-test").hexdigest(),
    )


def make_candidates(count: int, variants: Sequence[str] = ("A",)) -> list[Candidate]:
    """A roster of ``count`` candidates with 10-digit numbers, variants assigned in turn."""
    surnames = "王李张刘陈杨赵黄周吴"
    given = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "喆")
    return [
        Candidate(
            number=f"2026{i + 1:06d}",
            name=surnames[i % len(surnames)] + given[(i * 7) % len(given)],
            variant=variants[i % len(variants)],
            room=f"{1 + i // 30:02d}",
            seat=f"{1 + i % 30:02d}",
        )
        for i in range(count)
    ]


def make_manifest(papers: Sequence[Paper], candidates: Sequence[Candidate] = ()) -> ExamManifest:
    """The key manifest of synthetic papers, against the bundled layout."""
    layout = bundled_layout()
    return manifest_from_papers(
        list(papers),
        paper_format=papers[0].format,
        layout_id=layout.id,
        layout_sha256=layout.sha256,
        mode="shuffle",
        versions={"papergen": __version__},
        candidates=list(candidates),
    )
