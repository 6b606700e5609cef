"""The language papergen speaks: gettext catalogues, Chinese or English.

Every message a person reads (command-line output, errors, review reasons,
CSV and XLSX headings, report text) is written in English in the source,
wrapped in :func:`_` (or marked with :func:`N_` where it must be translated
later), and translated from the ``papergen`` gettext catalogue under
``papergen/locale/<lang>/LC_MESSAGES/``.  The catalogue is kept with Babel
(``pybabel extract``/``update``/``compile``, see the README); the compiled
``.mo`` file ships with the package, so users need nothing but Python.

Which language: ``--lang zh|en`` on the command line, else ``PAPERGEN_LANG``,
else the locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as gettext
reads them; then the system's locale): Chinese under any ``zh_*`` locale,
English otherwise.

Examples
--------
>>> with using_language("zh"):
...     _("Usage:"), _("Error: {message}").format(message="…")
('用法：', '错误：…')
>>> with using_language("en"):
...     _("Usage:")
'Usage:'
"""

from __future__ import annotations

import contextlib
import errno
import gettext
import locale
import os
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

__all__ = [
    "LANGUAGES",
    "DOMAIN",
    "LOCALE_DIR",
    "_",
    "N_",
    "ngettext",
    "pgettext",
    "language",
    "set_language",
    "using_language",
    "language_from_environment",
    "normalise_language",
]

DOMAIN = "papergen"
"""The gettext domain: the catalogue is ``<lang>/LC_MESSAGES/papergen.mo``."""

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""Where the catalogues live."""

LANGUAGES = ("zh", "en")
"""The languages papergen speaks; English is the source language of every message."""

_ENVIRONMENT = ("PAPERGEN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Environment variables read, in order, to choose the language."""


def normalise_language(name: str | None) -> str | None:
    """``"zh"`` for any Chinese locale name, ``"en"`` for any other, None for none or ``C``/``POSIX``.

    Examples
    --------
    >>> [normalise_language(n) for n in ("zh_CN.UTF-8", "zh-Hans", "Chinese (Simplified)_China.936",
    ...                                    "en_GB", "de_DE", "C.UTF-8", "", None)]
    ['zh', 'zh', 'zh', 'en', 'en', None, None, None]
    """
    if not name:
        return None
    first = name.split(":")[0].strip()  # LANGUAGE may list several: zh_CN:en
    base = first.split(".")[0].split("@")[0]
    if base in ("", "C", "POSIX"):
        return None
    if base.lower().startswith(("zh", "chinese")):
        return "zh"
    return "en"


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for: ``PAPERGEN_LANG``, then the locale; English if none says.

    Examples
    --------
    >>> language_from_environment({"LANG": "zh_CN.UTF-8"}), language_from_environment({"LANG": "C"})
    ('zh', 'en')
    >>> language_from_environment({"PAPERGEN_LANG": "en", "LANG": "zh_CN.UTF-8"})
    'en'
    """
    environ = os.environ if environ is None else environ
    for variable in _ENVIRONMENT:
        chosen = normalise_language(environ.get(variable))
        if chosen:
            return chosen
    if environ is os.environ:  # Windows sets no variable: ask the system
        with contextlib.suppress(ValueError, TypeError):
            chosen = normalise_language(locale.getlocale()[0])
            if chosen:
                return chosen
    return "en"


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (English: the messages as written)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


_current: list[str] = []
"""The language in use (set on first use or by :func:`set_language`)."""


def language() -> str:
    """The language in use: ``"zh"`` or ``"en"``."""
    if not _current:
        _current.append(language_from_environment())
    return _current[0]


def set_language(lang: str | None) -> str:
    """Speak ``lang`` (``"zh"``, ``"en"`` or a locale name) from now on; None: as the environment says.

    Returns the language now in use.
    """
    chosen = normalise_language(lang) if lang else language_from_environment()
    _current[:] = [chosen or "en"]
    return _current[0]


@contextlib.contextmanager
def using_language(lang: str) -> Iterator[str]:
    """Speak ``lang`` inside the ``with`` block, then the language spoken before."""
    before = language()
    try:
        yield set_language(lang)
    finally:
        _current[:] = [before]


def _(message: str) -> str:
    """``message`` (English) in the language in use."""
    return _translations(language()).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it yet (translate it with :func:`_` when shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` (English) for ``n``, in the language in use."""
    return _translations(language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the language in use, where the same English word needs different translations."""
    return _translations(language()).pgettext(context, message)


_OS_ERRORS = {
    "ENOENT": N_("No such file or directory"), "EACCES": N_("Permission denied"),
    "EPERM": N_("Operation not permitted"),
    "EISDIR": N_("Is a directory"), "ENOTDIR": N_("Not a directory"), "ENOSPC": N_("No space left on device"),
    "EROFS": N_("Read-only file system"), "EEXIST": N_("File exists"), "EBUSY": N_("Device or resource busy"),
    "ENAMETOOLONG": N_("File name too long"), "EIO": N_("Input/output error"), "ENOTEMPTY": N_("Directory not empty"),
    "EADDRINUSE": N_("Address already in use"), "EADDRNOTAVAIL": N_("Cannot assign requested address"),
    "EDQUOT": N_("Disk quota exceeded"), "EMFILE": N_("Too many open files"),
}
"""The system's words for the file errors people meet (errno name -> message), in English as the system says them."""


def os_error_reason(exc: BaseException) -> str:
    """What went wrong with a file, in the language in use (the system's own words are English).

    Examples
    --------
    >>> with using_language("zh"):
    ...     os_error_reason(FileNotFoundError(2, "No such file or directory"))
    '没有这个文件或文件夹'
    """
    name = errno.errorcode.get(getattr(exc, "errno", None) or -1, "")
    if name in _OS_ERRORS:
        return _(_OS_ERRORS[name])
    return getattr(exc, "strerror", None) or str(exc)
