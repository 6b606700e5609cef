"""HTML pieces shared by the cohort report and the score slips: page, tables, SVG charts.

Pages are self-contained: styles inline in the head, charts as inline SVG, the
bundled font subset to the page's characters inline as WOFF2, no scripts,
fonts or images fetched from anywhere, so a page renders the same offline,
attached to an e-mail, printed, or on a machine without a Chinese font.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from papergen.errors import ReportError
from papergen.files import write_text
from papergen.report.charts import Chart, ChartLine
from papergen.report.webfont import FONT_FAMILY, font_face_css

__all__ = ["html_page", "html_table", "html_pairs_table", "svg_chart", "esc", "write_html", "BASE_CSS"]

FONT_STACK = f'"{FONT_FAMILY}", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'
"""CSS font families, the embedded subset first: system fonts only serve characters it lacks."""

BASE_CSS = "\nbody { font-family: " + FONT_STACK + """;
       font-size: 14px; color: #111; max-width: 1000px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; text-align: center; margin-bottom: 4px; }
h2 { font-size: 17px; border-bottom: 1px solid #999; padding-bottom: 2px; margin-top: 28px; }
p.facts { text-align: center; color: #555; font-size: 12px; margin-top: 0; }
p.note { color: #444; font-size: 12px; margin: 4px 0; }
p.warn { color: #8a4b00; background: #fff3cc; padding: 4px 8px; margin: 6px 0; }
table { border-collapse: collapse; margin: 8px 0; font-size: 12px; }
th, td { border: 1px solid #999; padding: 2px 6px; text-align: center; }
th { background: #ddd; }
td.l { text-align: left; }
tr.miskey td { background: #fdd; }
tr.weak td { background: #fff3cc; }
table.pairs th { text-align: left; width: 12em; }
table.pairs td { text-align: left; width: 14em; }
svg { display: block; margin: 8px 0; }
"""


def write_html(path: str | Path, html: str, what: str) -> Path:
    """Write an HTML document as UTF-8; returns the path.

    Raises
    ------
    ReportError
        If the file cannot be written; the message names the file and ``what`` it holds.
    """
    return write_text(path, html, ReportError, what)


def esc(text: object) -> str:
    """Text escaped for HTML content and attribute values."""
    return escape(str(text), quote=True)


def html_page(title: str, body: str, *, css: str = BASE_CSS) -> str:
    """A complete HTML5 document (UTF-8) with the given title, inline styles and body markup.

    The styles start with the embedded font (see :mod:`papergen.report.webfont`), subset to the
    characters of ``title`` and ``body``.
    """
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{esc(title)}</title>\n"
        f"<style>{font_face_css(title + body)}{css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def html_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    align: Sequence[str] = (),
    row_classes: Sequence[str] = (),
    css_class: str = "",
) -> str:
    """A table; ``align`` entries ``"LEFT"`` left-align a column, ``row_classes`` style body rows."""
    left = {i for i, how in enumerate(align) if how == "LEFT"}
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for index, row in enumerate(rows):
        klass = row_classes[index] if index < len(row_classes) and row_classes[index] else ""
        cells = "".join(f"<td class=\"l\">{esc(c)}</td>" if i in left else f"<td>{esc(c)}</td>"
                        for i, c in enumerate(row))
        body.append(f"<tr class=\"{klass}\">{cells}</tr>" if klass else f"<tr>{cells}</tr>")
    table_class = f" class=\"{css_class}\"" if css_class else ""
    return f"<table{table_class}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"


def html_pairs_table(rows: Sequence[Sequence[str]]) -> str:
    """Label and value pairs, rows of (label, value, label, value); a pair with neither is left out."""
    lines = []
    for row in rows:
        pairs = [(row[i], row[i + 1]) for i in range(0, len(row), 2) if row[i] or row[i + 1]]
        lines.append("<tr>" + "".join(f"<th>{esc(k)}</th><td>{esc(v)}</td>" for k, v in pairs) + "</tr>")
    return "<table class=\"pairs\">\n" + "\n".join(lines) + "\n</table>"


def svg_chart(chart: Chart, *, label: str) -> str:
    """The chart as inline SVG (points become CSS pixels one to one), with an accessible label."""
    style = chart.style
    parts = [(f"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{chart.width:g}\" height=\"{chart.height:g}\" "
             f"viewBox=\"0 0 {chart.width:g} {chart.height:g}\" role=\"img\" aria-label=\"{esc(label)}\">")]
    parts += [_svg_line(line) for line in chart.grid]
    for bar in chart.bars:
        fill = _grey(style.highlight_grey if bar.highlight else style.bar_grey)
        parts.append(f"<rect x=\"{bar.x:.2f}\" y=\"{bar.y:.2f}\" width=\"{bar.width:.2f}\" "
                     f"height=\"{bar.height:.2f}\" fill=\"{fill}\"/>")
    parts += [_svg_line(line) for line in chart.lines]
    for text in chart.texts:
        parts.append(f"<text x=\"{text.x:.2f}\" y=\"{text.y:.2f}\" font-size=\"{text.size:g}\" "
                     f"text-anchor=\"{text.anchor}\">{esc(text.text)}</text>")
    parts.append("</svg>")
    return "\n".join(parts)


def _svg_line(line: ChartLine) -> str:
    dash = f" stroke-dasharray=\"{line.dash:g} {line.dash:g}\"" if line.dash else ""
    return (f"<line x1=\"{line.x1:.2f}\" y1=\"{line.y1:.2f}\" x2=\"{line.x2:.2f}\" y2=\"{line.y2:.2f}\" "
            f"stroke=\"{_grey(line.grey)}\" stroke-width=\"{line.width:g}\"{dash}/>")


def _grey(level: float) -> str:
    value = round(level * 255)
    return f"#{value:02x}{value:02x}{value:02x}"
