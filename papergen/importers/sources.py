"""Many sources → one bank: merge, exclusion list, format limits, merging into an existing bank."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import ValidationError

from papergen.bank.figures import store_figure
from papergen.bank.io import format_validation_errors, load_bank, save_bank
from papergen.bank.model import Bank, Item, Topic, type_name
from papergen.errors import ImportTextError
from papergen.importers.checks import glyph_warnings
from papergen.importers.classify import TopicKeywords, bundled_topic_keywords, parse_topic_keywords
from papergen.importers.items import question_key
from papergen.importers.merge import Candidate, assign_enemy_groups, merge_candidates
from papergen.importers.readers import SourceOptions, read_file
from papergen.importers.result import Exclusion, ImportProblem, ImportResult, LeftOut
from papergen.importers.text import item_settings
from papergen.importers.topics import keyword_topics, settle_topics
from papergen.exam import PaperFormat, load_format
from papergen.files import read_json
from papergen.i18n import N_, _, os_error_reason

__all__ = [
    "BankHeader",
    "ImportedBank",
    "load_bank_header",
    "load_exclusions",
    "import_sources",
    "import_to_bank_file",
    "save_imported",
]


@dataclass(frozen=True)
class BankHeader:
    """Everything of a bank but its items, and the topic keyword table that came with it (if any)."""

    id: str
    title: str
    version: str
    topics: tuple[Topic, ...]
    language: str = "zh-CN"
    keywords: TopicKeywords | None = None


def load_bank_header(path: str | Path) -> BankHeader:
    """Read a topics file: a bank file (its items are ignored) or ``{"id", "title", "version", "topics"}``.

    Topics may carry a ``keywords`` map (keyword → weight) for classification;
    a top-level ``default_topic`` names the topic for questions no keyword
    matches (default: the first topic).

    Raises
    ------
    ImportTextError
        If the file cannot be read or its topics are invalid.
    """
    path = Path(path)
    data = read_json(path, ImportTextError, N_("topics file"))
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list) or not data["topics"]:
        raise ImportTextError(_("{path}: topics: expected a non-empty list of {{code, name, weight}}").format(
                path=path))
    raw_topics = [dict(t) if isinstance(t, dict) else t for t in data["topics"]]
    keyword_tables = {str(t.get("code")): t.pop("keywords") for t in raw_topics if isinstance(t, dict) and "keywords" in t}
    try:
        topics = tuple(Topic.model_validate(t) for t in raw_topics)
    except ValidationError as exc:
        raise ImportTextError("\n".join(format_validation_errors(f"{path}: topics", exc))) from exc
    keywords = None
    if keyword_tables:
        default = data.get("default_topic", topics[0].code)
        keywords = parse_topic_keywords({"default": default, "topics": keyword_tables}, str(path))
    return BankHeader(
        id=str(data.get("id", path.stem)),
        title=str(data.get("title", path.stem)),
        version=str(data.get("version", "1")),
        topics=topics,
        language=str(data.get("language", "zh-CN")),
        keywords=keywords,
    )


def load_exclusions(path: str | Path) -> dict[str, str]:
    """Read an exclusion list ``{"exclusions": [{"id": …, "reason": …}, …]}`` → key → reason.

    An entry may add ``"where": "document#number"`` (or ``document:line``) to
    keep out one printing of a question that is printed more than once (ids
    do not depend on the answer); its key is then ``id@where``.

    Raises
    ------
    ImportTextError
        If the file cannot be read, an entry lacks an id or reason, or an id repeats.
    """
    data = read_json(path, ImportTextError, N_("exclusion list"))
    entries = data.get("exclusions") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ImportTextError(_("{path}: exclusions: expected a list of {{id, reason}}").format(path=path))
    out: dict[str, str] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("reason"):
            raise ImportTextError(_("{path}: exclusions[{index}]: needs an id and a reason (got {entry!r})").format(
                    path=path, index=index, entry=entry))
        key = f"{entry['id']}@{entry['where']}" if entry.get("where") else str(entry["id"])
        if key in out:
            raise ImportTextError(_("{path}: exclusions[{index}]: {key} is listed twice").format(
                    path=path, index=index, key=key))
        out[key] = str(entry["reason"])
    return out


@dataclass
class ImportedBank:
    """The bank an import produced, the import's report, and whether the bank was written."""

    bank: Bank
    result: ImportResult
    written: bool = False
    notes: list[str] = field(default_factory=list)
    """What the user is told besides the counts (e.g. where the topics came from)."""
    figure_data: dict[str, bytes] = field(default_factory=dict)
    """Bytes of the imported items' figures by SHA-256, written beside the bank by :func:`save_imported`."""


def _exclude(candidates: list[Candidate], exclusions: Mapping[str, str]) -> tuple[list[Candidate], list[Exclusion]]:
    kept, excluded = [], []
    for candidate in candidates:
        reason = exclusions.get(f"{candidate.item.id}@{candidate.location}") or exclusions.get(candidate.item.id)
        if reason is None:
            kept.append(candidate)
        else:
            excluded.append(Exclusion(candidate.item.id, _("exclusion list: {reason}").format(reason=reason), candidate.location, candidate.line))
    return kept, excluded


def _format_limits(paper_format: PaperFormat | None) -> dict[str, int]:
    if paper_format is None:
        return {}
    return {s.type: s.options for s in paper_format.sections if s.type != "judge"}


def _fit_format(items: list[Item], limits: Mapping[str, int], format_id: str) -> tuple[list[Item], list[Exclusion]]:
    kept, excluded = [], []
    for item in items:
        limit = limits.get(item.type)
        if limit is not None and len(item.options) > limit:
            reason = _("format {format}: {type} items print at most {limit} options (has {count})").format(
                    format=format_id, type=type_name(item.type), limit=limit, count=len(item.options))
            excluded.append(Exclusion(item.id, reason, f"{item.provenance.document}#{item.provenance.number}"))
        else:
            kept.append(item)
    return kept, excluded


def _merge_into(existing: Bank | None, items: list[Item]) -> tuple[list[Item], list[ImportProblem]]:
    """Existing items first, unchanged; imported ones after, unless the bank already has the question."""
    if existing is None:
        return items, []
    ids = {i.id for i in existing.items}
    keys = {question_key(i.stem, [o.text for o in i.options]): i.id for i in existing.items}
    out, problems = list(existing.items), []
    for item in items:
        key = question_key(item.stem, [o.text for o in item.options])
        if item.id in ids or key in keys:
            message = _("the bank already has this question as {key}; not added again").format(
                    key=keys.get(key, item.id))
            problems.append(ImportProblem(item.provenance.document, None, item.provenance.number, message, "warning", item.id))
            continue
        out.append(item)
    return out, problems


def _held_out(excluded: list[Exclusion], merge_problems: list[ImportProblem], lines: Mapping[str, int]) -> list[LeftOut]:
    """Left-out entries for excluded questions and for those the bank already had (``lines``: item id → line)."""
    out = []
    for entry in excluded:
        document, _, number = entry.where.partition("#")
        document = document.partition(":")[0]
        line = entry.line or lines.get(entry.item_id)
        out.append(LeftOut(document, line, number or None, "excluded", f"{entry.item_id}: {entry.reason}"))
    for problem in merge_problems:
        line = problem.line or lines.get(problem.item_id or "")
        out.append(LeftOut(problem.document, line, problem.number, "in_bank", problem.message))
    return out


def _stale_exclusions(exclusions: Mapping[str, str], seen: set[str]) -> list[ImportProblem]:
    return [
        ImportProblem(_("exclusion list"), None, None, _("{item_id} matches no imported question; remove the entry").format(
                item_id=item_id), "warning")
        for item_id in exclusions
        if item_id not in seen
    ]


def import_sources(
    paths: Sequence[str | Path],
    header: BankHeader,
    *,
    id_prefix: str | None = None,
    keywords: TopicKeywords | None = None,
    exclusions: Mapping[str, str] | None = None,
    paper_format: PaperFormat | None = None,
    existing: Bank | None = None,
    options: SourceOptions = SourceOptions(),
) -> ImportedBank:
    """Import sources of any supported format into one bank.

    Parameters
    ----------
    paths : sequence of path
        Source files, in the order their questions should appear; the format
        of each is recognised by its content (:func:`~papergen.importers.readers.detect_format`).
    header : BankHeader
        Bank id, title, version and topics (see :func:`load_bank_header`).
    id_prefix : str, optional
        Prefix of item ids (default: the initials of the bank id).
    keywords : TopicKeywords, optional
        Topic keyword table (default: the header's, else the bundled one).
    exclusions : mapping of item id (or ``id@document#number``) to reason, optional
        Questions to keep out (a wrong key, an OCR-broken text); applied
        before duplicates and conflicts are resolved, so excluding a wrong
        printing lets the right ones through.
    paper_format : PaperFormat, optional
        Keep out items with more options than the format prints for their type.
    existing : Bank, optional
        A bank to add to: its items stay first and unchanged; questions it
        already has are not added again.
    options : SourceOptions, optional
        A forced text encoding, a table's column names, text tunables.

    Returns
    -------
    ImportedBank
        The bank and the report (per-file counts, problems, exclusions).

    Raises
    ------
    ImportTextError
        If a source cannot be read or the topics do not fit the keyword table.
    """
    exclusions = exclusions or {}
    candidates, files, problems = [], [], []
    settings = item_settings(header.id, header.topics, id_prefix=id_prefix, keywords=keywords or header.keywords)
    for path in paths:
        for found, counts, file_problems in read_file(path, settings, header.topics, options):
            candidates += found
            files.append(counts)
            problems += file_problems
    problems += glyph_warnings(candidates)
    seen = {c.item.id for c in candidates} | {f"{c.item.id}@{c.location}" for c in candidates}
    candidates, excluded = _exclude(candidates, exclusions)
    merged = merge_candidates(candidates)
    for counts in files:
        counts.duplicates = merged.duplicates.get(counts.document, 0)
    fmt_id = paper_format.id if paper_format else ""
    items, too_wide = _fit_format(merged.items, _format_limits(paper_format), fmt_id)
    items, merge_problems = _merge_into(existing, assign_enemy_groups(items))
    bank = _bank(header, existing, items)
    problems += merged.problems + merge_problems + _stale_exclusions(exclusions, seen)
    lines = {c.item.id: c.line for c in reversed(candidates) if c.line}
    held_out = merged.held_out + _held_out(excluded + too_wide, merge_problems, lines)
    added = len(bank.items) - (len(existing.items) if existing else 0)
    result = ImportResult(list(bank.items), files, problems, excluded + too_wide, held_out, added)
    pictures = {sha: data for candidate in candidates for sha, data in candidate.figure_data.items()}
    return ImportedBank(bank, result, figure_data=pictures)


def _bank(header: BankHeader, existing: Bank | None, items: list[Item]) -> Bank:
    if existing is not None:
        return existing.model_copy(update={"items": items})
    return Bank(
        schema_version=1,
        id=header.id,
        title=header.title,
        language=header.language,
        version=header.version,
        topics=list(header.topics),
        items=items,
    )


def import_to_bank_file(
    sources: Sequence[str | Path],
    out: str | Path,
    *,
    topics_path: str | Path | None = None,
    merge_into: str | Path | None = None,
    exclusions_path: str | Path | None = None,
    format_path: str | Path | None = None,
    bank_id: str | None = None,
    title: str | None = None,
    id_prefix: str | None = None,
    options: SourceOptions = SourceOptions(),
) -> ImportedBank:
    """Import sources and write the bank to ``out`` (what ``papergen import`` does).

    The bank's id, title, version and topics come from ``topics_path`` (a
    bank or topics file), else from the bank named by ``merge_into``;
    ``bank_id`` and ``title`` override them.  Given neither, the items are
    sorted into the bundled keyword table's topics, or, when none matches a
    keyword, into one 未分类 topic (:func:`~papergen.importers.topics.settle_topics`);
    the bank id and title then default to the output file's name, and
    ``notes`` tells the user.

    Nothing is written when no source gives a question (``written`` is then
    false); :func:`~papergen.importers.report.empty_sources_message` names
    the sources that gave none and the supported formats.

    Raises
    ------
    ImportTextError
        If a file cannot be read.
    BankError
        If the bank to merge into is invalid.
    FormatError
        If the format file is invalid.
    """
    existing = load_bank(merge_into) if merge_into else None
    if topics_path is not None:
        header = load_bank_header(topics_path)
    elif existing is not None:
        header = BankHeader(existing.id, existing.title, existing.version, tuple(existing.topics), existing.language)
    else:
        header = BankHeader(Path(out).stem, Path(out).stem, "1", keyword_topics())
    header = replace(header, id=bank_id or header.id, title=title or header.title)
    imported = import_sources(
        sources,
        header,
        id_prefix=id_prefix,
        exclusions=load_exclusions(exclusions_path) if exclusions_path else None,
        paper_format=load_format(format_path) if format_path else None,
        existing=existing,
        options=options,
    )
    if topics_path is None and existing is None:
        imported.bank, note = settle_topics(imported.bank, bundled_topic_keywords().for_topics(header.topics))
        imported.result.items = list(imported.bank.items)
        imported.notes.append(note)
    if any(counts.parsed_total for counts in imported.result.files):
        save_imported(imported, out)
    return imported


def save_imported(imported: ImportedBank, out: str | Path) -> None:
    """Write the figure files the bank's items need beside ``out``, then the bank itself.

    Raises
    ------
    ImportTextError
        If a figure file cannot be written (the bank is then not written either).
    """
    needed = {figure.sha256 for item in imported.bank.items for figure in item.figures}
    for sha in sorted(needed & imported.figure_data.keys()):
        try:
            store_figure(imported.figure_data[sha], out)
        except OSError as exc:
            raise ImportTextError(_("{path}: cannot write a figure file beside the bank ({reason})").format(
                    path=out, reason=os_error_reason(exc))) from exc
    save_bank(imported.bank, out)
    imported.written = True
