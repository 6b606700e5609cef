"""Importing questions: exam material of every format centres use → bank items; export.

:func:`import_sources` reads each source in the format its content shows
(:func:`~papergen.importers.readers.detect_format`): plain text and Word
documents by the text grammar below; Excel and CSV tables, GIFT, Aiken,
Moodle XML and JSON banks through one record reader
(:mod:`~papergen.importers.records`).  :func:`export_bank` writes a bank as
Moodle XML, GIFT, Aiken or Excel (:mod:`~papergen.importers.export`).

Plain text (:func:`import_text`) is read in four steps, each its own module:

1. :mod:`~papergen.importers.normalise` folds widths and look-alike
   characters (full-width ``Ａ：（`` → ``A:(``, Kangxi radicals → ideographs)
   and the traditional forms of the recognised vocabulary;
2. :mod:`~papergen.importers.segment` splits a file into documents (title
   lines), sections (``一、单选题`` / ``多项选择题`` / ``判断题`` / ``判定题`` /
   ``选择题（单选或多选）`` …, which decide the question type) and numbered
   question blocks, and matches answer keys printed after the questions
   (``参考答案：1.A 2.B``, ``答案 一、选择题 1. D. 以上都是``, ``1acd 2abc``);
3. :mod:`~papergen.importers.parse` (and :mod:`~papergen.importers.unnumbered`
   for questionnaire exports and one-option-per-line lists) reads stems,
   options run together on one line (``A、… B、…``, ``A. … B. …``, ``A …B …``)
   and the answer, wherever the source states it: ``正确答案:A``,
   ``答案:A, B, C``, ``( A )`` in the stem, ``(正确答案)`` after an option,
   ``(对)`` / ``(错误)`` / ``√`` / ``×`` after a statement, or the key;
4. :mod:`~papergen.importers.items` and :mod:`~papergen.importers.classify`
   make bank items: ids from content (``cs-<10 hex>``), pinned
   ``以上都对``-style last options, ``no_shuffle`` when options cite others,
   provenance, topic and difficulty.

Questions without a stated answer are reported and left out, never guessed;
non-question text is counted by reason.  :mod:`~papergen.importers.merge`
folds repeated printings of the same question into one item
(``provenance.also_in``), holds out printings of the same question that
disagree on the answer, and puts questions that are only similar into one
enemy group; :func:`import_sources` builds a
whole bank with an exclusion list and a paper format's option limits.

Topic and difficulty are *estimates* made before anyone has sat the items:
topics from a keyword table kept as data, difficulty from a documented score
calibrated to a 6:3:1 easy:medium:hard mix (see
:mod:`~papergen.importers.classify`).  Item analysis of graded sittings
refines both (``stats`` on each item).

The bundled bank ``banks/customer-service.json`` was made from the
customer-service seed documents (not distributed) with::

    papergen import seeds/*.txt --topics topics.json --format formats/cs-180.json \\
        --exclude banks/sources/customer-service-exclusions.json --out banks/customer-service.json
"""

from papergen.importers.export import EXPORT_FORMATS, export_bank, export_bank_file
from papergen.importers.json_bank import load_mapping
from papergen.importers.moodle import export_moodle, import_moodle
from papergen.importers.readers import SourceOptions, detect_format
from papergen.importers.report import empty_sources_message, left_out_lines, write_left_out_csv
from papergen.importers.table import parse_columns
from papergen.importers.result import (
    SKIP_REASONS,
    Exclusion,
    FileCounts,
    ImportProblem,
    ImportResult,
)
from papergen.importers.sources import (
    BankHeader,
    ImportedBank,
    import_sources,
    import_to_bank_file,
    load_bank_header,
    load_exclusions,
    save_imported,
)
from papergen.importers.text import import_text

__all__ = [
    "EXPORT_FORMATS",
    "SKIP_REASONS",
    "SourceOptions",
    "detect_format",
    "export_bank",
    "empty_sources_message",
    "left_out_lines",
    "load_mapping",
    "parse_columns",
    "write_left_out_csv",
    "BankHeader",
    "ImportedBank",
    "Exclusion",
    "FileCounts",
    "ImportProblem",
    "ImportResult",
    "export_bank_file",
    "export_moodle",
    "import_moodle",
    "import_sources",
    "import_text",
    "import_to_bank_file",
    "load_bank_header",
    "load_exclusions",
    "save_imported",
]
