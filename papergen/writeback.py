"""Item statistics written back into the bank: P, D and r of each item, by item id.

After a sitting, each analysed item of the bank gets an
:class:`~papergen.bank.model.ItemStats` (difficulty P, discrimination D,
corrected point-biserial r, the number of candidates and the exam), so the
next assembly can see how the item behaved.  Items dropped by a key
correction or without a defined statistic are left as they were and listed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from papergen.bank.io import load_bank, save_bank
from papergen.bank.model import Bank, ItemStats
from papergen.errors import ReportError
from papergen.report.item_analysis import CohortAnalysis, ItemAnalysis
from papergen.report.run import exam_report
from papergen.grading import Store, open_results
from papergen.i18n import _

__all__ = ["WritebackResult", "stats_for_bank", "writeback_stats", "writeback_results"]


@dataclass
class WritebackResult:
    """What a write-back changed.

    Attributes
    ----------
    bank : Bank
        The bank with the statistics written in.
    exam_id : str
        The exam the statistics come from.
    updated : list of str
        Ids of the items that received statistics.
    skipped : list of str
        ``"<item id>: <why>"`` for analysed items left unchanged.
    """

    bank: Bank
    exam_id: str
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        """Human-readable lines for the command line."""
        lines = [_("Exam {exam}: statistics written to {count} items").format(
                exam=self.exam_id, count=len(self.updated))]
        lines += ["  " + _("skipped {reason}").format(reason=s) for s in self.skipped]
        return lines


def stats_for_bank(analysis: ItemAnalysis, exam_id: str) -> ItemStats | str:
    """The bank statistics of one analysed item, or the reason there are none."""
    if analysis.item.dropped:
        return _("dropped by a key correction")
    values = (analysis.p_value, analysis.discrimination)
    if analysis.candidates < 1 or any(math.isnan(v) for v in values):
        return _("no statistics (candidates {candidates})").format(candidates=analysis.candidates)
    r = analysis.point_biserial
    return ItemStats(
        p_value=round(analysis.p_value, 4),
        discrimination=round(analysis.discrimination, 4),
        point_biserial=None if math.isnan(r) else round(r, 4),
        candidates=analysis.candidates,
        exam_id=exam_id,
    )


def writeback_stats(bank: Bank, analysis: CohortAnalysis, exam_id: str) -> WritebackResult:
    """A copy of the bank with each analysed item's statistics set (the bank itself is not modified).

    Items of the analysis missing from the bank are listed in ``skipped``.
    """
    index = {item.id: i for i, item in enumerate(bank.items)}
    items = list(bank.items)
    result = WritebackResult(bank, exam_id)
    for entry in analysis.items:
        item_id = entry.item.item_id
        if item_id not in index:
            result.skipped.append(_("{item}: not in bank {bank}").format(item=item_id, bank=bank.id))
            continue
        stats = stats_for_bank(entry, exam_id)
        if isinstance(stats, str):
            result.skipped.append(f"{item_id}: {stats}")
            continue
        items[index[item_id]] = items[index[item_id]].model_copy(update={"stats": stats})
        result.updated.append(item_id)
    result.bank = bank.model_copy(update={"items": items})
    return result


def writeback_results(results_dir: str | Path, bank_path: str | Path, *, exam_id: str | None = None) -> WritebackResult:
    """Write the item statistics of an exam of a results folder into a bank file (rewritten in place).

    Parameters
    ----------
    results_dir : path
        A grading output folder.
    bank_path : path
        The bank file the exam was built from.
    exam_id : str, optional
        The exam; needed only when the store holds several exams of this bank.

    Raises
    ------
    ReportError
        If the folder has no store, no exam of the store was built from this
        bank, several were and ``exam_id`` is not given, or the exam has no
        graded sheet.
    BankError
        If the bank cannot be read or written.
    """
    bank = load_bank(bank_path)
    with open_results(results_dir) as store:
        chosen = _choose_exam(store, bank, exam_id, Path(bank_path))
        report = exam_report(store, chosen)
    result = writeback_stats(bank, report.analysis, chosen)
    save_bank(result.bank, bank_path)
    return result


def _choose_exam(store: Store, bank: Bank, exam_id: str | None, bank_path: Path) -> str:
    manifests = store.manifests()
    if exam_id is not None:
        manifest = manifests.get(exam_id)
        if manifest is None:
            raise ReportError(_("{path}: no exam {exam_id!r} (has {manifests})").format(
                    path=store.path, exam_id=exam_id, manifests=sorted(manifests)))
        if manifest.bank_id != bank.id:
            raise ReportError(_("{bank_path}: bank {id!r} is not the bank of exam {exam_id} ({bank_id!r})").format(
                    bank_path=bank_path, id=bank.id, exam_id=exam_id, bank_id=manifest.bank_id))
        return exam_id
    ours = sorted(e for e, m in manifests.items() if m.bank_id == bank.id)
    if not ours:
        built = sorted({m.bank_id for m in manifests.values()})
        raise ReportError(_("{bank_path}: no exam in {path} was built from bank {id!r} (exams use {built})").format(
                bank_path=bank_path, path=store.path, id=bank.id, built=built))
    if len(ours) > 1:
        raise ReportError(_("{path}: exams {ours} were all built from bank {id!r}; choose one with --exam").format(
                path=store.path, ours=ours, id=bank.id))
    return ours[0]
