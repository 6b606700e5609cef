"""Balanced papers: item selection, question order, option shuffling and the usage ledger.

:func:`assemble_exam` is the one entry point: bank + format in, one
:class:`~papergen.exam.paper.Paper` per variant out, every rule re-checked by
:func:`~papergen.assembly.verify.verify_exam` before it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from papergen.assembly.ledger import (
    ExposureLimits,
    ExposureRule,
    Ledger,
    LedgerEntry,
    exposure_limits,
    ledger_entry,
)
from papergen.assembly.plan import PaperPlan, make_plan
from papergen.assembly.pool import build_pool
from papergen.assembly.rules import AssemblyRules
from papergen.assembly.selection import SelectionRequest, select_forms
from papergen.assembly.shuffle import VariantContext, arrange_paper
from papergen.assembly.verify import (
    SectionBalance,
    key_balance,
    verify_exam,
    verify_paper,
)
from papergen.bank.model import Bank
from papergen.bank.blueprint import make_blueprint
from papergen.errors import AssemblyError
from papergen.i18n import _
from papergen.exam.paper import Paper
from papergen.exam.format import PaperFormat

__all__ = [
    "AssemblyRules",
    "ExposureLimits",
    "ExposureRule",
    "Ledger",
    "LedgerEntry",
    "PaperPlan",
    "SectionBalance",
    "SelectionRequest",
    "VariantContext",
    "arrange_paper",
    "assemble_exam",
    "build_pool",
    "default_exam_id",
    "exposure_limits",
    "key_balance",
    "ledger_entry",
    "make_plan",
    "select_forms",
    "variant_names",
    "verify_exam",
    "verify_paper",
]

Mode = Literal["shuffle", "parallel"]


def variant_names(count: int) -> list[str]:
    """Variant names A, B, ..., Z, AA, AB, ... (spreadsheet-column style).

    Examples
    --------
    >>> variant_names(3), variant_names(28)[-2:]
    (['A', 'B', 'C'], ['AA', 'AB'])
    """
    names = []
    for n in range(1, count + 1):
        name = ""
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(ord("A") + rest) + name
        names.append(name)
    return names


def default_exam_id(paper_format: PaperFormat, seed: int) -> str:
    """A short, deterministic exam id for the QR code: ``<format id>-<seed>``.

    Examples
    --------
    >>> from papergen.exam.format import PaperFormat, Section
    >>> fmt = PaperFormat(id="cs-180", title="t", duration_min=90, layout="a4-180",
    ...                   sections=(Section(key="s", type="single", title="单选", count=1, points=1),))
    >>> default_exam_id(fmt, 7)
    'cs-180-7'
    """
    return f"{paper_format.id}-{seed}"


def _check_request(variants: int, mode: str, exam_id: str, rules: AssemblyRules) -> None:
    if variants < 1:
        raise AssemblyError(_("cannot assemble: variants must be 1 or more (got {variants})").format(
            variants=variants))
    if mode not in ("shuffle", "parallel"):
        raise AssemblyError(_("cannot assemble: mode must be 'shuffle' or 'parallel' (got {mode!r})").format(
            mode=mode))
    if not exam_id or "|" in exam_id or any(c.isspace() for c in exam_id):
        raise AssemblyError(_("cannot assemble: exam id must be non-empty without '|' or spaces (got {exam!r})").format(
            exam=exam_id))
    if len(exam_id) > rules.exam_id_max_chars:
        raise AssemblyError(_(
            "cannot assemble: exam id is longer than {most} characters (got {exam!r}); it goes into every sheet's "
            "QR code, which must stay short").format(most=rules.exam_id_max_chars, exam=exam_id))


def _limits(exposure: ExposureRule | None, ledger: Ledger | None, bank: Bank, exam_id: str) -> ExposureLimits:
    if exposure is None:
        return ExposureLimits()
    if ledger is None:
        raise AssemblyError(_(
            "cannot assemble: an exposure rule needs a usage ledger to read (got none); give the ledger file"))
    return exposure_limits(exposure, ledger, bank_id=bank.id, exam_id=exam_id)


def assemble_exam(
    bank: Bank,
    paper_format: PaperFormat,
    *,
    variants: int,
    seed: int,
    mode: Mode = "shuffle",
    exam_id: str | None = None,
    bank_sha256: str,
    blueprint_overrides: Mapping[str, Mapping[str, int]] | None = None,
    exclude_items: frozenset[str] = frozenset(),
    exposure: ExposureRule | None = None,
    ledger: Ledger | None = None,
    rules: AssemblyRules = AssemblyRules(),
) -> list[Paper]:
    """Assemble the variants of an exam.

    Parameters
    ----------
    bank, paper_format : Bank, PaperFormat
        Items to draw from and the paper they fill.
    variants : int
        Number of variants, named A, B, C, ...
    seed : int
        Every random choice derives from it (with the exam id, variant and purpose).
    mode : {"shuffle", "parallel"}
        ``shuffle``: one selection, each variant reorders questions and options;
        ``parallel``: variants share no item, each meets the same quotas.
    exam_id : str, optional
        Defaults to :func:`default_exam_id`.
    bank_sha256 : str
        Hash of the bank file, recorded on every paper.
    blueprint_overrides : mapping, optional
        ``{section: {topic code: count}}`` (see :func:`papergen.bank.blueprint.make_blueprint`).
    exclude_items : frozenset of str
        Item ids never to draw.
    exposure, ledger : ExposureRule, Ledger, optional
        Reuse limits against past sittings recorded in the ledger (read only here;
        the caller appends the new sitting once its outputs exist).
    rules : AssemblyRules
        Tunables.

    Returns
    -------
    list of Paper
        One per variant, in name order, each verified.

    Raises
    ------
    AssemblyError
        With the constraint and shortfall when no exam meets the request.
    """
    exam_id = exam_id or default_exam_id(paper_format, seed)
    _check_request(variants, mode, exam_id, rules)
    limits = _limits(exposure, ledger, bank, exam_id)
    blueprint = make_blueprint(bank, paper_format, {k: dict(v) for k, v in (blueprint_overrides or {}).items()})
    plan = make_plan(blueprint, paper_format, rules, max_recent_share=limits.max_recent_share)
    excluded = frozenset(exclude_items) | limits.excluded
    pool = build_pool(bank, plan, exclude=excluded, recent=limits.recent)
    names = variant_names(variants)
    forms = tuple(names) if mode == "parallel" else ("",)
    result = select_forms(SelectionRequest(pool, plan, forms, seed, exam_id, rules))
    papers = []
    for k, name in enumerate(names):
        selection = result.selections[k if mode == "parallel" else 0]
        ctx = VariantContext(exam_id, name, seed, bank, bank_sha256, paper_format, rules)
        papers.append(arrange_paper(selection, plan, ctx))
    verify_exam(papers, bank, plan, mode=mode, rules=rules, excluded=excluded, recent=pool.recent)
    return papers
