"""Character-level normalisation of source text: width, look-alikes, punctuation, blanks.

Three views of the same text are used:

- the *parse* text (:func:`normalise_source`): Unicode compatibility forms
  folded (full-width letters, digits and punctuation become ASCII, Kangxi
  radicals such as ``⽐`` become the ideograph ``比``), circled numbers kept,
  and the look-alikes NFKC leaves alone mapped to the unified ideograph they
  look like (:func:`fold_lookalikes`: the CJK Radicals Supplement ``⻓`` →
  ``长`` and CJK strokes, from Unicode's ``EquivalentUnifiedIdeograph.txt``),
  so that two copies of one bank in different encodings get the same ids;
- the *folded* text (:func:`fold_vocabulary`): the parse text with the
  traditional forms of the structural vocabulary (題, 選, 單, 對, 錯, 確 ...)
  replaced by their simplified forms, one character for one, so offsets in the
  two texts agree and item text can be cut from the parse text while patterns
  run on the folded text;
- the *display* text (:func:`display_text`): what goes into a bank, with
  Chinese punctuation full-width again and every answer blank written ``（　）``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = [
    "normalise_source",
    "fold_lookalikes",
    "fold_vocabulary",
    "has_traditional",
    "display_text",
    "content_key",
    "join_lines",
    "is_cjk",
    "BLANK",
]

BLANK = "（\u3000）"
"""An answer blank as the bank writes it."""

_KEEP = frozenset("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳…")
"""Characters whose compatibility forms would lose meaning (① would become 1)."""

# Traditional -> simplified for the vocabulary the importer recognises (section
# headings, answer markers, judge words) and for the topic keyword table.  Item
# text keeps the characters it was printed with.
_TRADITIONAL = (
    "係系 倉仓 個个 們们 價价 儀仪 優优 則则 劃划 動动 務务 勢势 勵励 協协 參参 員员 問问 單单 團团 報报 場场 實实 寫写 對对 導导 層层 幣币 庫库 廣广 復复 態态 應应 戰战 戶户 換换 "
    "擇择 據据 擴扩 數数 斷断 時时 業业 構构 標标 機机 歸归 決决 況况 測测 準准 溝沟 滿满 潤润 濟济 為为 熱热 營营 爭争 獎奖 環环 產产 發发 確确 禮礼 競竞 節节 範范 簡简 簽签 糾纠 "
    "級级 紛纷 細细 紹绍 絡络 統统 經经 綜综 維维 網网 線线 練练 績绩 繫系 義义 聯联 職职 與与 處处 規规 訂订 計计 訊讯 訴诉 詞词 詢询 話话 該该 誠诚 誤误 說说 調调 談谈 論论 識识 "
    "議议 護护 讀读 負负 貨货 責责 買买 費费 資资 質质 賴赖 購购 軟软 輸输 週周 運运 達达 選选 釋释 銷销 錯错 開开 閱阅 關关 隊队 險险 電电 響响 項项 預预 題题 額额 類类 顧顾 體体 "
    "點点"
).split()
_FOLD = str.maketrans({pair[0]: pair[1] for pair in _TRADITIONAL})

_LOOKALIKES = "equivalent-ideographs.json"
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))
_CJK_PUNCT = frozenset("，。、；：？！“”‘’（）《》【】—…　「」『』")
_WIDE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_BLANK_RE = re.compile(r"[(（]\s*[)）]|_{2,}|＿{2,}")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_RUNS = re.compile(r"[ \t]+")
_KEY_DROP = re.compile(r"[\s（）()【】\[\]，,。.．、:：;；?？!！“”\"'‘’_—\-…·•*]+")


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (basic, extensions and compatibility blocks)."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


@lru_cache(maxsize=1)
def _lookalike_table() -> dict[int, str]:
    """Look-alike → unified ideograph, read once from the bundled table (see its ``source``)."""
    text = resources.files("papergen.importers").joinpath(_LOOKALIKES).read_text(encoding="utf-8")
    return {ord(k): v for k, v in json.loads(text)["lookalikes"].items()}


def fold_lookalikes(text: str) -> str:
    """Text with CJK radicals and strokes NFKC leaves alone replaced by their unified ideographs.

    >>> fold_lookalikes("\u2ed3期") == "长期"
    True
    """
    return text.translate(_lookalike_table())


def normalise_source(line: str) -> str:
    """A source line with compatibility forms and look-alikes folded and runs of spaces collapsed.

    Full-width ASCII (``Ａ``, ``：``, ``（``) becomes ASCII, ideographic space a
    space, Kangxi radicals and the CJK Radicals Supplement the ideograph they
    look like; circled numbers and the ellipsis are kept.  Leading and
    trailing spaces are removed.
    """
    out = "".join(ch if ch in _KEEP else unicodedata.normalize("NFKC", ch) for ch in line)
    return _SPACES.sub(" ", fold_lookalikes(out)).strip()


def fold_vocabulary(text: str) -> str:
    """The text with traditional forms of the recognised vocabulary simplified.

    One character maps to one character, so offsets into the result are
    offsets into ``text``.
    """
    return text.translate(_FOLD)


def has_traditional(text: str) -> bool:
    """True when ``text`` contains a traditional character the importer knows."""
    return fold_vocabulary(text) != text


def _is_chinese_context(ch: str) -> bool:
    return is_cjk(ch) or ch in _CJK_PUNCT


def _widen_punctuation(text: str) -> str:
    """ASCII , ; : ? ! next to Chinese text become their full-width forms."""
    chars = list(text)
    for i, ch in enumerate(chars):
        if ch in _WIDE:
            before = chars[i - 1] if i else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if (before and _is_chinese_context(before)) or (after and _is_chinese_context(after)):
                chars[i] = _WIDE[ch]
    return "".join(chars)


def _widen_brackets(text: str) -> str:
    """ASCII bracket pairs become （） when they hold or touch Chinese text."""
    chars = list(text)
    stack: list[int] = []
    for i, ch in enumerate(chars):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            start = stack.pop()
            inner = chars[start + 1 : i]
            outer = [chars[start - 1] if start else "", chars[i + 1] if i + 1 < len(chars) else ""]
            if any(_is_chinese_context(c) for c in inner + [c for c in outer if c]):
                chars[start], chars[i] = "（", "）"
    return "".join(chars)


def join_lines(text: str) -> str:
    """Line breaks inside an item: nothing between Chinese characters, a space elsewhere."""
    parts = [p.strip() for p in text.split("\n")]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not (_is_chinese_context(out[-1]) or _is_chinese_context(part[0])):
            out += " "
        out += part
    return out


def display_text(text: str) -> str:
    """Text as a bank stores it: one line, full-width Chinese punctuation, blanks ``（　）``.

    Examples
    --------
    >>> display_text("客户关系管理(CRM)的核心是( )。")
    '客户关系管理（CRM）的核心是（\\u3000）。'
    >>> display_text("A和B, 以及C")
    'A和B, 以及C'
    """
    text = join_lines(text)
    text = _BLANK_RE.sub(BLANK, text)
    text = _widen_brackets(text)
    text = _widen_punctuation(text)
    return _RUNS.sub(" ", text).strip()


def content_key(text: str) -> str:
    """Text reduced for comparison: no blanks, spaces or punctuation; compatibility forms folded.

    Two printings of the same question that differ only in width, spacing or
    punctuation have the same key.
    """
    folded = fold_vocabulary(normalise_source(text)).lower()
    return _KEY_DROP.sub("", folded)
