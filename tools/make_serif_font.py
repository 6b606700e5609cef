"""Make the bundled serif body face: Noto Serif CJK SC cut to GB2312, with TrueType outlines.

Run once, from the repository root, with the Debian package's collection::

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb noto
    python tools/make_serif_font.py noto/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc

reportlab embeds TrueType (glyf) outlines only, and Noto Serif CJK ships
CFF: the glyphs of GB2312 (6,763 hanzi and its punctuation, ①–⑩, full-width
forms) and printable ASCII are kept, and their cubic outlines converted to
quadratic ones (fontTools ``cu2qu``, at most 1 font unit off).  The result,
``papergen/fonts/noto-serif-sc-gb2312.ttf``, is about 2.8 MB; the full
character set of the bundled sans face would be 9.7 MB.  Noto Serif CJK is
under the SIL Open Font License 1.1 (no reserved font name), which allows
embedding, modification and redistribution with the licence
(``papergen/fonts/LICENSE-noto-serif-cjk.txt``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

OUT = Path(__file__).resolve().parent.parent / "papergen" / "fonts" / "noto-serif-sc-gb2312.ttf"
MAX_ERR_UNITS = 1.0


def gb2312_characters() -> set[int]:
    """Every character GB2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE), as code points."""
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def simplified_serif(collection: Path) -> TTFont:
    """The Simplified Chinese face of a Noto Serif CJK collection."""
    fonts = TTCollection(str(collection)).fonts
    return next(f for f in fonts if f["name"].getDebugName(1).endswith(" SC"))


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines by quadratic glyf outlines, in place."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERR_UNITS, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("numGlyphs", "maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours",
                  "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements",
                  "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].indexToLocFormat = font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def main(argv: list[str]) -> int:
    """Write the subset next to the bundled sans face."""
    if len(argv) != 1:
        print(__doc__)
        return 2
    font = simplified_serif(Path(argv[0]))
    wanted = (gb2312_characters() | set(range(0x20, 0x7F))) & set(font.getBestCmap())
    options = subset.Options()
    options.layout_features, options.hinting, options.notdef_outline = [], False, True
    options.name_IDs, options.desubroutinize = ["*"], True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted))
    subsetter.subset(font)
    to_truetype(font)
    font.save(str(OUT))
    print(f"wrote {OUT}: {len(wanted)} characters, {OUT.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
