"""Multi-page TIFF files, streamed: one open file, frames decoded in order.

Pillow reads the directories one after the other from the open file
(``seek(n + 1)`` costs the same at page 5,000 as at page 1); the file is never
read into memory whole.  libtiff, which Pillow opens afresh for every
compressed frame, counts the file's whole directory chain on each open (12-17
ms per page in a 5,000-page file against 0.7 ms in a 50-page one), so each
frame's strips are copied with its decoding tags into a one-directory TIFF in
memory and decoded from there by OpenCV, the decoder that read these pages
before.

Each frame's size is checked against the :class:`~omr.scan_budget.ScanBudget`
before it is decoded.  A frame that does not decode, or is over budget,
becomes a failed page and the next frame is read; a damaged directory chain (a
file cut short) ends the file with one failed page for the first page that
cannot be reached.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

import cv2
import numpy as np
from PIL import Image, TiffImagePlugin, TiffTags

from omr.scan_budget import ScanBudget, frame_header
from omr.scan_page import PageImage, Skip, describe, error_page, file_sha256, skipped_page, to_grey

__all__ = ["tiff_pages", "count_tiff_pages"]

_T = TypeVar("_T")
_SIXTEEN_BIT = {"I;16", "I;16L", "I;16B", "I;16N"}
_STRIP_OFFSETS, _STRIP_BYTE_COUNTS = 273, 279
_DECODING_TAGS = (256, 257, 258, 259, 262, 266, 277, 278, 284, 292, 293, 317, 320, 338, 339, 347, 529, 530, 531, 532)
"""Size, sample layout, compression and its options, photometry, palette, predictor, JPEG tables, YCbCr."""


@dataclass(frozen=True)
class _Directory:
    """One step along a TIFF's directory chain: frame ``index`` is selected, or ``problem`` says why not."""

    index: int
    problem: str | None = None


def tiff_pages(path: Path, budget: ScanBudget, numbers: range | None = None, *,
               file_digest: str | None = None, skip: Skip | None = None) -> Iterator[PageImage]:
    """Yield the pages of a TIFF file in order, one decoded frame in memory at a time.

    Page digests are SHA-256 of ``"<file sha256>|page <n>"``, whether the page decodes or not.
    ``numbers`` (1-based page numbers) limits them to a part of the file (the frames before it are
    passed by their directories, not decoded); ``file_digest``, the file's SHA-256 if already known;
    a page whose digest ``skip`` accepts is yielded skipped, not decoded.
    """
    first = numbers.start if numbers is not None else 1
    try:
        file_digest = file_digest or file_sha256(path)
        handle = path.open("rb")
    except OSError as exc:
        yield error_page(path, first, f"{path}: cannot read file ({exc.strerror or exc})")
        return
    with handle:
        try:
            tiff, damage = _quietly(lambda: TiffImagePlugin.TiffImageFile(handle))
        except Exception as exc:  # any parse failure of the first directory: one error page for the file
            yield error_page(path, first, f"{path}: cannot read TIFF ({describe(exc)})")
            return
        with tiff:
            for step in _directories(tiff, damage):
                number = step.index + 1
                if number < first:
                    continue
                if numbers is not None and number >= numbers.stop:
                    return
                digest = hashlib.sha256(f"{file_digest}|page {number}".encode()).hexdigest()
                if step.problem is not None:
                    yield PageImage(path, number, None, None, digest, f"{path} page {number}: {step.problem}")
                elif skip is not None and skip(digest):
                    yield skipped_page(path, number, digest)
                else:
                    yield _frame_page(tiff, handle, path, (number, digest), budget)


def count_tiff_pages(path: Path) -> int:
    """Pages :func:`tiff_pages` yields for this file, reading directories only (no pixels)."""
    with path.open("rb") as handle:
        tiff, damage = _quietly(lambda: TiffImagePlugin.TiffImageFile(handle))
        with tiff:
            return sum(1 for _ in _directories(tiff, damage))


def _quietly(action: Callable[[], _T]) -> tuple[_T, str | None]:
    """Run ``action``, returning its result and the first warning it raised (Pillow warns on damaged
    directories and reads on), so that nothing is printed."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = action()
    return result, (describe(caught[0].message) if caught else None)


def _directories(tiff: TiffImagePlugin.TiffImageFile, damage: str | None) -> Iterator[_Directory]:
    """Select each frame in turn; stop at the end of the chain or at the first directory that cannot be read.

    A directory Pillow read with a warning (cut short) may have lost its link to the next one: if the chain
    then ends there, one more step reports the pages after it as unreachable.
    """
    index = 0
    while True:
        if index:
            try:
                _, damage = _quietly(lambda: tiff.seek(index))
            except EOFError:
                if damage is not None:
                    yield _Directory(index, f"cannot be reached: the TIFF directory of page {index} is damaged "
                                            f"({damage}), so this and any later pages are lost; the file may be "
                                            "cut short")
                return
            except Exception as exc:  # an unreadable directory: nothing after it can be found
                yield _Directory(index, f"cannot read its TIFF directory ({describe(exc)}); this and any later "
                                        "pages are lost; the file may be cut short")
                return
        yield _Directory(index)
        index += 1


def _frame_page(tiff: TiffImagePlugin.TiffImageFile, handle: BinaryIO, path: Path, page: tuple[int, str],
                budget: ScanBudget) -> PageImage:
    """Decode the selected frame to grey unless its header puts it over the budget; ``page`` is (number, digest)."""
    number, digest = page
    try:
        header = frame_header(tiff)
        refusal = budget.refusal(header.width, header.height, header.bytes_per_pixel)
        if refusal is not None:
            return PageImage(path, number, None, None, digest, f"{path} page {number}: {refusal}")
        image, _ = _quietly(lambda: _decode_frame(tiff, handle))
    except Exception as exc:  # libtiff and Pillow report bad strips as OSError, ValueError, SyntaxError...
        return PageImage(path, number, None, None, digest, f"{path} page {number}: cannot decode image "
                                                           f"({describe(exc)})")
    return PageImage(path, number, image, header.dpi, digest)


def _decode_frame(tiff: TiffImagePlugin.TiffImageFile, handle: BinaryIO) -> np.ndarray:
    """The selected frame in grey: OpenCV decodes its one-directory copy (the pixels OpenCV's multi-page
    reader gave); a frame without such a copy, or one OpenCV rejects, is decoded by Pillow in place, which
    then says what is wrong."""
    try:
        alone = _single_frame_tiff(tiff, handle)
    except Exception:  # tags the copy cannot carry: Pillow reads the frame where it lies
        alone = None
    if alone is not None:
        image = cv2.imdecode(np.frombuffer(alone, np.uint8), cv2.IMREAD_GRAYSCALE)
        if image is not None and image.size:
            return to_grey(image)
    return _frame_grey(tiff)


def _single_frame_tiff(tiff: TiffImagePlugin.TiffImageFile, handle: BinaryIO) -> bytes | None:
    """The selected frame alone as TIFF bytes: header, its decoding tags, its strips; None if tiled or BigTIFF.

    The strips are read from the open file, each at most up to the file's end.
    """
    tags = tiff.tag_v2
    if _STRIP_OFFSETS not in tags or _STRIP_BYTE_COUNTS not in tags or getattr(tags, "_bigtiff", False):
        return None
    file_size = handle.seek(0, io.SEEK_END)
    strips = []
    for offset, count in zip(_as_tuple(tags[_STRIP_OFFSETS]), _as_tuple(tags[_STRIP_BYTE_COUNTS]), strict=True):
        handle.seek(offset)
        strips.append(handle.read(max(0, min(int(count), file_size - int(offset)))))
    directory = TiffImagePlugin.ImageFileDirectory_v2(prefix=tags.prefix)
    for tag in _DECODING_TAGS:
        if tag in tags:
            directory.tagtype[tag] = tags.tagtype[tag]
            directory[tag] = tags[tag]
    starts = np.cumsum([0] + [len(strip) for strip in strips[:-1]]).tolist()
    for tag, values in ((_STRIP_OFFSETS, starts), (_STRIP_BYTE_COUNTS, [len(strip) for strip in strips])):
        directory.tagtype[tag] = TiffTags.LONG
        directory[tag] = tuple(values)  # offsets are relative: tobytes() moves them past the directory
    order = "<" if tags.prefix == b"II" else ">"
    return tags.prefix + struct.pack(f"{order}HL", 42, 8) + directory.tobytes(8) + b"".join(strips)


def _as_tuple(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _frame_grey(frame: Image.Image) -> np.ndarray:
    """The selected frame as uint8 grey (H, W), converted as OpenCV's TIFF reader converts it."""
    frame.load()
    mode = frame.mode
    if mode in ("1", "L"):
        return _writable(np.asarray(frame.convert("L") if mode == "1" else frame))
    if mode in _SIXTEEN_BIT:
        return (np.asarray(frame) >> 8).astype(np.uint8)  # OpenCV keeps the high byte
    if mode in ("I", "F"):
        return to_grey(np.asarray(frame))
    if mode == "RGBA":  # libtiff hands OpenCV colour premultiplied by alpha
        pixels = np.asarray(frame)
        alpha = np.repeat(pixels[..., 3:], 3, axis=2)
        return cv2.cvtColor(cv2.multiply(pixels[..., :3], alpha, scale=1.0 / 255.0), cv2.COLOR_RGB2GRAY)
    if mode != "RGB":
        frame = frame.convert("RGB")  # palette, CMYK, grey with alpha, ...
    return cv2.cvtColor(np.asarray(frame), cv2.COLOR_RGB2GRAY)


def _writable(image: np.ndarray) -> np.ndarray:
    """The array itself if the caller may write to it, else a copy (Pillow exports read-only buffers)."""
    return image if image.flags.writeable else image.copy()
