"""Bank validation: every schema and cross-field problem at once, with JSON paths and item ids.

The pydantic model (:mod:`papergen.bank.model`) checks each value on its own;
this module checks what needs several values together: answers against
options, option labels and pins, duplicate ids and questions, topic codes,
printable characters, provenance quotes, and (given a paper format) whether
each item fits the section that prints it.

Errors make a bank unusable; warnings are fixable weaknesses (near-duplicate
questions outside an enemy group, options that cite other options yet may be
shuffled, lone enemy-group members, true/false questions typed single,
stems citing material the paper does not print, answer cues between items
outside an enemy group, a bank-wide longest-option cue).

Retired items (:mod:`papergen.bank.review`) are checked for their form only:
they never reach a paper, so cue, duplicate and wording checks leave them out.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from papergen.bank.io import read_bank_json
from papergen.errors import BankError
from papergen.bank.model import OPTION_LABELS, Bank, Item, normalise_stem, type_name
from papergen.bank.cues import CueParams, CuePair, cue_kind_name, cue_pairs, longest_option_cue, suggest_group_patch
from papergen.bank.problems import Problem, ValidationReport, schema_problems
from papergen.bank.review import review_problems
from papergen.bank.similarity import SimilarityParams, near_duplicate_pairs
from papergen.bank.figures import figure_problems
from papergen.bank.wording import WordingParams, unseen_material_problems
from papergen.exam import PaperFormat, Section
from papergen.files import wrong_kind_message
from papergen.i18n import N_, _, os_error_reason

__all__ = [
    "Problem",
    "ValidationReport",
    "ValidationParams",
    "validate_bank",
    "validate_bank_file",
    "suggest_enemy_groups",
    "write_group_patch",
]


@dataclass(frozen=True)
class ValidationParams:
    """Thresholds of the cross-field checks."""

    min_single_options: int = 2
    """Fewer options than this make a single-choice item an error."""
    min_multi_options: int = 3
    """Fewer options than this make a multiple-choice item an error (two right, one wrong at least)."""
    min_multi_answers: int = 2
    """A multiple-choice answer names at least this many labels."""
    few_single_options: int = 3
    """Single-choice items with fewer options than this get a warning (a guess is too often right)."""
    similarity: SimilarityParams = SimilarityParams()
    """Near-duplicate detection settings."""
    cues: CueParams = CueParams()
    """Answer-cue detection settings."""
    wording: WordingParams = WordingParams()
    """Settings of the unseen-material check."""
    longest_option_z: float = 2.33
    """One-sided binomial z-score (1 % level) above which the bank's longest-option cue is a warning."""
    longest_option_min_items: int = 20
    """Fewer single-choice items than this are too few to judge the longest-option cue."""


_TRUE_FALSE_OPTIONS = frozenset({"对", "错", "正确", "错误", "是", "否", "√", "×", "不对", "不正确"})
_CITES_LETTERS = re.compile(
    r"(?<![A-Za-z])[A-F](?:\s*[和与及或、,，/]\s*[A-F](?![A-Za-z]))++(?!\s*[类级型档区])"  # A和B, A、C (not A、B类)
    r"|(?<![A-Za-z])[A-F]{2,}\s*(?=都|均|全|皆)"  # ABC都对 (not ABC分类法)
    r"|选项\s*[A-F](?![A-Za-z])"  # 选项A
)
_CITES_ALL = re.compile(
    r"(?:以上|上述|前述)(?:都|均|皆|全|各|所有|选项|答案|说法|[一二三四五两\d]+[项个种])"  # 以上都对 (not 五年以上)
    r"|^(?:以上|上述|前述)(?!的)|^都|^所有(?:以上|上述)"  # 以上皆非, 都不是正确做法, 所有上述选项
    r"|^(?:全部|都|均|皆)(?:是|对|正确|不是|不对|不正确|错|错误)$"
)
_JUDGE_WORDS = {True: "对", False: "错"}


def validate_bank(
    bank: Bank,
    *,
    source: str,
    paper_format: PaperFormat | None = None,
    params: ValidationParams = ValidationParams(),
) -> ValidationReport:
    """Check a schema-valid bank for every cross-field problem.

    Parameters
    ----------
    bank : Bank
        The bank, as returned by :func:`papergen.bank.io.load_bank`.
    source : str
        Name of the bank for the report (usually its file name).
    paper_format : PaperFormat, optional
        Also check that every item fits the section of its type.
    params : ValidationParams, optional
        Thresholds.

    Returns
    -------
    ValidationReport
        Every problem found; never raises for a bad bank.
    """
    topic_codes = dict(enumerate(t.code for t in bank.topics))
    problems = _topic_problems(topic_codes)
    problems += _entry_problems(list(enumerate(bank.items)), set(topic_codes.values()), paper_format, params)
    return ValidationReport(source, _ordered(problems), len(bank.items), bank)


def validate_bank_file(
    path: str | Path,
    paper_format: PaperFormat | None = None,
    params: ValidationParams = ValidationParams(),
) -> ValidationReport:
    """Read a bank file and report schema and cross-field problems together.

    When the file breaks the schema, every schema problem is reported and the
    cross-field checks still run over the items that pass the schema.

    Raises
    ------
    BankError
        If the file cannot be read or is not JSON.
    """
    data, _ = read_bank_json(path)
    wrong = wrong_kind_message(path, data, N_("question bank"))
    if wrong:
        raise BankError(wrong)
    try:
        bank = Bank.model_validate(data)
    except ValidationError as exc:
        return _salvage_report(str(path), data, exc, paper_format, params)
    report = validate_bank(bank, source=str(path), paper_format=paper_format, params=params)
    report.problems = _ordered(report.problems + figure_problems(bank, path))
    return report


def _salvage_report(
    source: str, data: object, exc: ValidationError, paper_format: PaperFormat | None, params: ValidationParams
) -> ValidationReport:
    """Schema problems plus cross-field problems of the items that are schema-valid."""
    problems = schema_problems(exc, data)
    raw = data if isinstance(data, dict) else {}
    raw_items = raw.get("items") if isinstance(raw.get("items"), list) else []
    raw_topics = raw.get("topics") if isinstance(raw.get("topics"), list) else []
    topic_codes = {
        index: topic["code"]
        for index, topic in enumerate(raw_topics)
        if isinstance(topic, dict) and isinstance(topic.get("code"), str)
    }
    problems += _topic_problems(topic_codes)
    entries = []
    for index, raw_item in enumerate(raw_items):
        try:
            entries.append((index, Item.model_validate(raw_item)))
        except ValidationError:
            continue  # already reported by the whole-bank validation
    problems += _entry_problems(entries, set(topic_codes.values()), paper_format, params)
    return ValidationReport(source, _ordered(problems), len(raw_items), None)


def _ordered(problems: list[Problem]) -> list[Problem]:
    """Bank-level problems first, then by item index; stable otherwise."""

    def item_index(problem: Problem) -> int:
        match = re.match(r"items\[(\d+)\]", problem.path)
        return int(match.group(1)) if match else -1

    return sorted(problems, key=item_index)


def _entry_problems(
    entries: list[tuple[int, Item]],
    topic_codes: set[str],
    paper_format: PaperFormat | None,
    params: ValidationParams,
) -> list[Problem]:
    """Per-item and cross-item checks over ``(index in the file, item)`` pairs."""
    sections = paper_format.sections if paper_format else ()
    texts = {index: _Normalised.of(item) for index, item in entries}
    unprintable = _unprintable_characters(item for _, item in entries)
    problems = []
    for index, item in entries:
        problems += _item_problems(index, item, texts[index], topic_codes, sections, params)
        problems += _glyph_problems(index, item, unprintable)
        problems += review_problems(index, item)
    problems += _duplicate_id_problems(entries)
    live = [(index, item) for index, item in entries if item.status != "retired"]
    for index, item in live:
        problems += unseen_material_problems(index, item, params.wording)
    problems += _duplicate_question_problems(live, texts)
    near = _near_duplicate_pairs(live, texts, params.similarity)
    problems += _near_duplicate_problems(live, near)
    problems += _cue_problems(live, near, texts, params.cues)
    problems += _longest_option_problems(live, params)
    problems += _enemy_group_problems(live)
    if paper_format is not None:
        problems += _missing_type_problems(entries, paper_format)
    return problems


@dataclass(frozen=True)
class _Normalised:
    """An item's stem and option texts reduced for comparison (:func:`normalise_stem`)."""

    stem: str
    options: tuple[str, ...]

    @classmethod
    def of(cls, item: Item) -> _Normalised:
        return cls(normalise_stem(item.stem), tuple(normalise_stem(o.text) for o in item.options))

    def question_key(self, item: Item) -> tuple[str, str, frozenset[str]]:
        """What makes two items the same question: type, stem and option texts (any order)."""
        return item.type, self.stem, frozenset(self.options)

    def answer_key(self, item: Item) -> object:
        """The answer independent of option order: the set of correct option texts, or the boolean."""
        if isinstance(item.answer, bool):
            return item.answer
        right = set(item.answer_labels)
        return frozenset(text for text, option in zip(self.options, item.options) if option.label in right)


def _topic_problems(codes: dict[int, str]) -> list[Problem]:
    """Topic codes used twice, given ``{index in topics: code}``."""
    first: dict[str, int] = {}
    problems = []
    for index, code in codes.items():
        if code in first:
            problems.append(
                Problem("error", f"topics[{index}].code", None, _('topic code "{code}" repeats topics[{first}]').format(
                    code=code, first=first[code]))
            )
        first.setdefault(code, index)
    return problems


# ---------------------------------------------------------------- single items


def _error(index: int, item: Item, where: str, message: str) -> Problem:
    """An error at ``items[index]<where>``."""
    return Problem("error", f"items[{index}]{where}", item.id, message)


def _warning(index: int, item: Item, where: str, message: str) -> Problem:
    """A warning at ``items[index]<where>``."""
    return Problem("warning", f"items[{index}]{where}", item.id, message)


def _item_problems(
    index: int,
    item: Item,
    texts: _Normalised,
    topic_codes: set[str],
    sections: Sequence[Section],
    params: ValidationParams,
) -> Iterator[Problem]:
    """Every problem of one item on its own."""
    checks = (
        _answer_problems(index, item, params),
        _option_problems(index, item, texts, params),
        _format_problems(index, item, sections),
        _citation_problems(index, item),
    )
    for problems in checks:
        yield from problems
    if item.topic not in topic_codes:
        known = ", ".join(sorted(topic_codes)) or _("none")
        yield _error(index, item, ".topic", _("unknown topic code \"{topic}\" (bank topics: {known})").format(
                topic=item.topic, known=known))
    if item.provenance.kind == "authored" and not item.provenance.quote:
        yield _error(
            index, item, ".provenance.quote",
            _("an authored item needs the verbatim source passage it tests; add provenance.quote"),
        )


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _answer_problems(index: int, item: Item, params: ValidationParams) -> Iterator[Problem]:
    """The answer's shape matches the item type, and its labels are among the options."""
    shape = _answer_shape(item, params)
    if shape:
        yield _error(index, item, ".answer", shape)
        return
    absent = [label for label in item.answer_labels if label not in item.labels]
    if absent and item.type != "judge":
        shown = ", ".join(_show(a) for a in absent)
        yield _error(index, item, ".answer", _("{shown} not among the options ({options})").format(
                shown=shown, options=", ".join(item.labels) or _("none")))


def _answer_shape(item: Item, params: ValidationParams) -> str | None:
    """What is wrong with the form of an item's answer for its type, if anything."""
    answer = item.answer
    if item.type == "judge" and not isinstance(answer, bool):
        return _("a true/false answer is true (对) or false (错) (got {answer})").format(answer=_show(answer))
    if item.type == "single" and not isinstance(answer, str):
        return _("a single-choice answer is one label such as \"B\" (got {answer})").format(
                answer=_show(answer))
    if item.type == "multi":
        return _multi_answer_shape(answer, params)
    return None


def _multi_answer_shape(answer: object, params: ValidationParams) -> str | None:
    if not isinstance(answer, list):
        return _("a multiple-choice answer is a list of labels such as [\"A\", \"C\"] (got {answer})").format(
                answer=_show(answer))
    if len(set(answer)) != len(answer):
        return _("the answer repeats a label (got {answer})").format(answer=_show(answer))
    if len(answer) < params.min_multi_answers:
        return (
            _(
                "a multiple-choice answer names at least {least} labels (got {answer}); an item with "
                "one right option is single-choice").format(least=params.min_multi_answers, answer=_show(answer))
        )
    return None


def _option_problems(index: int, item: Item, texts: _Normalised, params: ValidationParams) -> Iterator[Problem]:
    """Option count, labels A, B, C... in order, pinned options last, distinct texts."""
    count = len(item.options)
    if item.type == "judge":
        if count:
            yield _error(index, item, ".options", _("true/false items carry no options (got {count}); remove them").format(
                    count=count))
        return
    least = params.min_single_options if item.type == "single" else params.min_multi_options
    if count < least:
        yield _error(index, item, ".options", _("a {type} item needs at least {least} options (got {count})").format(
                type=type_name(item.type), least=least, count=count))
    expected = OPTION_LABELS[:count]
    if item.labels != expected:
        yield _error(
            index, item, ".options",
            _("option labels must run {expected} in order without repeats (got {labels})").format(
                    expected=', '.join(expected), labels=', '.join(item.labels)),
        )
    yield from _pin_problems(index, item)
    yield from _same_text_problems(index, item, texts)
    if item.type == "single" and least <= count < params.few_single_options:
        yield _few_options_warning(index, item, texts)


def _pin_problems(index: int, item: Item) -> Iterator[Problem]:
    pinned = [i for i, option in enumerate(item.options) if option.pinned]
    if pinned and pinned != list(range(len(item.options) - len(pinned), len(item.options))):
        first = item.options[pinned[0]]
        yield _error(
            index, item, f".options[{pinned[0]}].pinned",
            _("pinned option {label} is followed by an unpinned option; pinned options must be the last ones").format(
                    label=first.label),
        )


def _same_text_problems(index: int, item: Item, texts: _Normalised) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for i, (option, key) in enumerate(zip(item.options, texts.options)):
        if key in seen:
            message = _("option {label} repeats the text of option {other}").format(
                    label=option.label, other=seen[key])
            yield _error(index, item, f".options[{i}].text", message)
        seen.setdefault(key, option.label)


def _few_options_warning(index: int, item: Item, texts: _Normalised) -> Problem:
    if set(texts.options) <= _TRUE_FALSE_OPTIONS:
        shown = "/".join(o.text for o in item.options)
        message = _("the options are {shown}: a true/false question; make it a judge item").format(
                shown=shown)
    else:
        count = len(item.options)
        message = _("only {count} options, so a guess is right {chance:.0%} of the time; add distractors").format(
                count=count, chance=1 / count)
    return _warning(index, item, ".options", message)


_SOURCE_TRIM = N_(
    " (a source question: note the dropped options in provenance.changes, "
    "or list the question in the bank's exclusions with the reason)"
)
"""How a source question printed with more options than the format is settled explicitly."""


def _format_problems(index: int, item: Item, sections: Sequence[Section]) -> Iterator[Problem]:
    """An item cannot have more options than the section of its type prints."""
    if item.type == "judge":
        return
    for section in sections:
        if section.type == item.type and len(item.options) > section.options:
            extra = len(item.options) - section.options
            how = _(_SOURCE_TRIM) if item.provenance.kind == "source" else ""
            yield _error(
                index, item, ".options",
                _(
                    "{count} options, but section {key} prints {options}; drop {extra} or use a format that prints "
                    "more{how}").format(
                        count=len(item.options), key=section.key, options=section.options, extra=extra, how=how),
            )


def _citation_problems(index: int, item: Item) -> Iterator[Problem]:
    """Options that refer to other options must not be reordered."""
    if item.no_shuffle:
        return
    for i, option in enumerate(item.options):
        if _CITES_LETTERS.search(option.text):
            yield _warning(
                index, item, f".options[{i}].text",
                _("option {label} cites other options ({text}); set \"no_shuffle\": true on the item").format(
                        label=option.label, text=_show(option.text)),
            )
        elif _CITES_ALL.search(option.text) and not option.pinned:
            yield _warning(
                index, item, f".options[{i}].text",
                _("option {label} refers to the options above ({text}); set \"pinned\": true on it").format(
                        label=option.label, text=_show(option.text)),
            )


def _printed_texts(item: Item) -> list[tuple[str, str]]:
    """(JSON path suffix, text) of everything of an item a paper prints."""
    return [(".stem", item.stem)] + [(f".options[{i}].text", o.text) for i, o in enumerate(item.options)]


def _unprintable_characters(items: Iterable[Item]) -> frozenset[str]:
    """Characters of all printed texts that the bundled font cannot draw (one font lookup per character)."""
    from papergen.render.glyphs import missing_glyphs  # reportlab loads only when a bank is validated

    characters: set[str] = set()
    for item in items:
        characters.update(item.stem)
        for option in item.options:
            characters.update(option.text)
    return frozenset(missing_glyphs("".join(sorted(characters))))


def _glyph_problems(index: int, item: Item, unprintable: frozenset[str]) -> Iterator[Problem]:
    """Characters the bundled font cannot draw would print as nothing."""
    if not unprintable:
        return
    for where, text in _printed_texts(item):
        missing = [ch for ch in dict.fromkeys(text) if ch in unprintable]
        if missing:
            shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing)
            yield _error(index, item, where, _("the bundled font cannot print {shown}; replace them").format(
                    shown=shown))


# ---------------------------------------------------------------- across items


def _duplicate_id_problems(entries: Iterable[tuple[int, Item]]) -> Iterator[Problem]:
    first: dict[str, int] = {}
    for index, item in entries:
        if item.id in first:
            yield _error(index, item, ".id", _("id \"{id}\" is already used by items[{first}]").format(
                    id=item.id, first=first[item.id]))
        first.setdefault(item.id, index)


def _show_answer(item: Item) -> str:
    if isinstance(item.answer, bool):
        return _JUDGE_WORDS[item.answer]
    return "".join(item.answer_labels)


def _duplicate_question_problems(
    entries: Sequence[tuple[int, Item]], texts: dict[int, _Normalised]
) -> Iterator[Problem]:
    """The same question twice is an error; with different answers it says so."""
    groups: dict[tuple[str, str, frozenset[str]], list[tuple[int, Item]]] = defaultdict(list)
    for index, item in entries:
        groups[texts[index].question_key(item)].append((index, item))
    for members in groups.values():
        first_index, first = members[0]
        for index, item in members[1:]:
            ref = _("item {id} (items[{index}])").format(id=first.id, index=first_index)
            if texts[index].answer_key(item) == texts[first_index].answer_key(first):
                message = _("the same question as {ref}; remove one").format(ref=ref)
            else:
                message = (
                    _(
                        "the same question as {ref} with a different answer ({id}: {first}, this: {item}); correct the "
                        "wrong one").format(
                            ref=ref, id=first.id, first=_show_answer(first), item=_show_answer(item))
                )
            yield _error(index, item, ".stem", message)


def _near_duplicate_pairs(
    entries: Sequence[tuple[int, Item]], texts: dict[int, _Normalised], params: SimilarityParams
) -> list[tuple[int, int, float]]:
    """Positions in ``entries`` of nearly identical questions (not exact duplicates), with their similarity."""
    questions = [" ".join([item.stem, *(o.text for o in item.options)]) for _, item in entries]
    return [
        (i, j, similarity)
        for i, j, similarity in near_duplicate_pairs(questions, params)
        if texts[entries[i][0]].question_key(entries[i][1]) != texts[entries[j][0]].question_key(entries[j][1])
    ]


def _near_duplicate_problems(
    entries: Sequence[tuple[int, Item]], near: Sequence[tuple[int, int, float]]
) -> Iterator[Problem]:
    """Nearly identical questions cue each other: they belong in one enemy group."""
    for i, j, similarity in near:
        (index_a, a), (index_b, b) = entries[i], entries[j]
        if a.enemy_group is not None and a.enemy_group == b.enemy_group:
            continue
        yield _warning(
            index_b, b, ".stem",
            _(
                "nearly the same question as item {id} (items[{index}], {similarity:.0%} similar) outside a "
                "shared enemy group; give both one \"enemy_group\" or reword one").format(
                    id=a.id, index=index_a, similarity=similarity),
        )


def _enemy_group_problems(entries: Sequence[tuple[int, Item]]) -> Iterator[Problem]:
    sizes = Counter(item.enemy_group for _, item in entries if item.enemy_group is not None)
    for index, item in entries:
        if item.enemy_group is not None and sizes[item.enemy_group] == 1:
            yield _warning(
                index, item, ".enemy_group",
                _("enemy group \"{group}\" has no other member; remove it or add the items it cues").format(
                        group=item.enemy_group),
            )


def _missing_type_problems(entries: Sequence[tuple[int, Item]], paper_format: PaperFormat) -> Iterator[Problem]:
    present = {item.type for _, item in entries}
    for section in paper_format.sections:
        if section.type not in present:
            yield Problem(
                "error", "items", None,
                _("format {format} section {key} needs {type} items; the bank has none").format(
                        format=paper_format.id, key=section.key, type=type_name(section.type)),
            )


def _cue_problems(
    entries: Sequence[tuple[int, Item]],
    near: Sequence[tuple[int, int, float]],
    texts: dict[int, _Normalised],
    params: CueParams,
) -> Iterator[Problem]:
    """Items that give each other's answers away (any types) belong in one enemy group."""
    reported = {(i, j) for i, j, _ in near}
    for pair in cue_pairs([item for _, item in entries], params):
        (index_a, a), (index_b, b) = entries[pair.first], entries[pair.second]
        if (pair.first, pair.second) in reported or (a.enemy_group is not None and a.enemy_group == b.enemy_group):
            continue
        if texts[index_a].question_key(a) == texts[index_b].question_key(b):
            continue  # reported as an exact duplicate
        yield _warning(
            index_b, b, ".stem",
            _(
                "gives away or is given away by item {id} (items[{index}], {kind}: {detail}) outside a shared "
                "enemy group; give both one \"enemy_group\" (papergen validate --suggest-groups FILE writes the "
                "patch) or reword one").format(id=a.id, index=index_a, kind=cue_kind_name(pair.kind), detail=pair.detail),
        )


def _longest_option_problems(entries: Sequence[tuple[int, Item]], params: ValidationParams) -> Iterator[Problem]:
    """A bank whose single-choice keys are the strictly longest option far more often than chance."""
    cue = longest_option_cue([item for _, item in entries])
    if cue.items < params.longest_option_min_items or not 0 < cue.chance < 1:
        return
    z = (cue.share - cue.chance) * math.sqrt(cue.items / (cue.chance * (1 - cue.chance)))
    if z >= params.longest_option_z:
        yield Problem(
            "warning", "items", None,
            _(
                "the key is the strictly longest option in {longest} of {items} single-choice items "
                "({share:.0%}; chance {chance:.0%}, z = {z:.1f}): test-wise candidates guess the longest; "
                "lengthen distractors or shorten keys").format(
                    longest=cue.longest_keyed, items=cue.items, share=cue.share, chance=cue.chance, z=z),
        )


def suggest_enemy_groups(bank: Bank, params: ValidationParams = ValidationParams()) -> list[dict]:
    """An RFC 6902 JSON Patch giving every near-duplicate or cue pair of live items one enemy group.

    Apply it with any JSON Patch tool (``jsonpatch bank.json patch.json``); see
    :func:`papergen.bank.cues.suggest_group_patch`.  Empty when every pair is
    already grouped.
    """
    live = [(index, item) for index, item in enumerate(bank.items) if item.status != "retired"]
    texts = {index: _Normalised.of(item) for index, item in live}
    items = [item for _, item in live]
    pairs = cue_pairs(items, params.cues)
    pairs += [CuePair(i, j, "statement", f"{s:.0%}") for i, j, s in _near_duplicate_pairs(live, texts, params.similarity)]
    return suggest_group_patch(items, [index for index, _ in live], pairs)


def write_group_patch(bank: Bank, path: str | Path, params: ValidationParams = ValidationParams()) -> int:
    """Write :func:`suggest_enemy_groups` as indented UTF-8 JSON; the number of items it moves.

    Raises
    ------
    BankError
        If the file cannot be written.
    """
    patch = suggest_enemy_groups(bank, params)
    try:
        Path(path).write_text(json.dumps(patch, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BankError(_("{path}: cannot write the enemy-group patch ({reason})").format(
                path=path, reason=os_error_reason(exc))) from exc
    return len(patch) // 2
