"""Named exceptions, one per stage; the CLI turns them into clean error messages.

Messages follow ``<where>: <what is wrong> (got <value>)[; how to fix]``.
"""


class PapergenError(Exception):
    """Base class of every error papergen reports to a user."""


class BankError(PapergenError):
    """A bank file cannot be read or is invalid."""


class FormatError(PapergenError):
    """A paper-format file cannot be read or is invalid."""


class ImportTextError(PapergenError):
    """A source text or Moodle XML file cannot be imported."""


class AssemblyError(PapergenError):
    """No paper satisfies the format's constraints with this bank."""


class RenderError(PapergenError):
    """A paper or sheet cannot be rendered (missing glyph, overflow...)."""


class ManifestError(PapergenError):
    """A key manifest cannot be read or does not match a sheet."""


class GradeError(PapergenError):
    """A grading run cannot start (bad key, bad output folder...)."""


class ReportError(PapergenError):
    """A report cannot be produced from the store."""


class StoreError(PapergenError):
    """A results store cannot be opened, is not a papergen store, or is from a newer version."""


class SimulationError(PapergenError):
    """Simulated scans cannot be made (unknown profile, no sheets, bad truth file...)."""


class RosterError(PapergenError):
    """A candidate roster CSV cannot be read or does not fit the exam (bad number, unknown variant...)."""


class NoResultsError(StoreError, ReportError):
    """A folder holds no results store: it is not a folder ``papergen grade`` wrote."""


class ReviewError(PapergenError):
    """A review decision cannot be recorded (unknown page or question, bad answer, bad review.csv row...)."""
