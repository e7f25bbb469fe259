"""Chinese numerals: parse 三, 二十, 一千五百, 1.5万, 三点五 and turn them into digits.

Only runs that read as quantities are rewritten (followed by a unit, classifier or currency,
inside 百分之 / 千分之 / N成, or a hundreds/thousands numeral ending a clause: 每月返一千二。), so
everyday words such as 一起 or 统一 stay untouched.
"""

from __future__ import annotations

import re

from ._offsets import Edit

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

_CN = "零〇一二两三四五六七八九十百千"
# After 万/亿: "5千", "2千5百", or a bare digit read as the next place down (一万五 = 15000).
_TAIL = (rf"(?:(?:(?:\d{{1,4}}|[{_CN}]{{1,4}})[千百]){{1,2}}"
         rf"|[一二两三四五六七八九](?![{_CN}\d])|\d{{1,4}}(?![\d.]))")
# A quantity: arabic digits or Chinese numerals, optional decimal part, optional 万/亿 parts.
_NUMBER = rf"(?:\d{{1,15}}(?:\.\d{{1,8}})?|[{_CN}]{{1,12}}(?:点[{_CN}]{{1,6}})?)(?:[万亿]{_TAIL}?){{0,2}}"
# Units and classifiers after which a numeral is certainly a quantity.
_UNITS = "个名位级星倍元块天日月年期代层次人座城国层周轮单份枚颗台%％"
# Numbers with 万/亿 are quantities wherever they stand; a Chinese one must start with a digit
# so that 千万 ("by all means") and 百万富翁 stay words.
_BIG_NUMBER = (rf"(?:\d{{1,15}}(?:\.\d{{1,8}})?[千百]?|[一二两三四五六七八九十][{_CN}]{{0,10}})"
               rf"(?:[万亿]{_TAIL}?){{1,2}}"
               r"|\d{1,4}(?:\.\d{1,2})?(?:千(?:\d{1,2}百|\d(?![\d.]))?|百)(?![万亿])")
_ARABIC = re.compile(r"\d{1,15}(?:\.\d{1,8})?")
_DIGIT_RUN = re.compile(r"\d{1,15}(?:\.\d{1,8})?|.", re.DOTALL)

_PERCENT = re.compile(rf"(?P<kind>百分之|千分之|万分之)(?P<num>{_NUMBER})")
_TENTHS = re.compile(rf"(?<![{_CN}\d])(?P<num>[一二两三四五六七八九十])成(?![功为立本交员熟果绩长人])")
_QUANTITY = re.compile(rf"(?P<num>{_NUMBER})(?=[{_UNITS}])")
# Currencies written after the amount: 一百U, 五千USDT, 三百美元. A single Chinese numeral before a
# Latin letter is often part of a word (统一USDT结算), so those need two characters or more.
_CURRENCY = re.compile(
    rf"(?P<num>{_NUMBER})(?=美元|美金|欧元|港元|港币|日元|英镑|[Uu](?![A-Za-z])|USDT|usdt)")
_BIG = re.compile(rf"(?P<num>{_BIG_NUMBER})")
# A hundreds/thousands numeral that ends a clause is an amount too: 每月返一千二。 每天到账三百，
_CLAUSE_END_NUMBER = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万亿\d])(?P<num>[一二两三四五六七八九十][零〇一二两三四五六七八九十]{0,2}[百千]"
    r"[零〇一二两三四五六七八九十百]{0,4})(?=\s{0,2}(?:[，。,.！？!?；;、）)]|$))"
)
# Chat slang "1w" / "3.5W" for 万, only next to Chinese text ("投1w返3w", "月入5w").
_W_SLANG = re.compile(r"(?<![A-Za-z\d.])(?P<num>\d{1,4}(?:\.\d{1,2})?)[wW](?![A-Za-z])")
_HAN_NEAR = re.compile(r"[\u4e00-\u9fff]")
# A character that _PERCENT, _TENTHS, _QUANTITY or _BIG needs before it can rewrite anything.
_NUMERAL_CHAR = re.compile(f"[{_CN}万亿]")


def parse_chinese_number(token: str) -> float | None:
    """Parse a Chinese or mixed numeral.

    Parameters
    ----------
    token : str
        For example ``"二十"``, ``"一千五百"``, ``"三点五"``, ``"1.5万"``, ``"八千六百万"``.

    Returns
    -------
    float or None
        The value, or None when ``token`` is not a well-formed numeral.

    Examples
    --------
    >>> parse_chinese_number("二十")
    20.0
    >>> parse_chinese_number("1.5万")
    15000.0
    >>> parse_chinese_number("八千六百万")
    86000000.0
    >>> parse_chinese_number("1万5千"), parse_chinese_number("一万五")
    (15000.0, 15000.0)
    """
    if not token:
        return None
    multiplier = 1.0
    while token and token[-1] in BIG_UNITS and not _has_inner_structure(token[:-1]):
        multiplier *= BIG_UNITS[token[-1]]
        token = token[:-1]
    if not token:
        return None
    if _ARABIC.fullmatch(token):
        return float(token) * multiplier
    value = _parse_cn(token)
    return None if value is None else value * multiplier


def _has_inner_structure(token: str) -> bool:
    """True when a 万/亿 inside ``token`` means the trailing one is part of a larger numeral."""
    return any(unit in token for unit in BIG_UNITS)


def _parse_cn(token: str) -> float | None:
    if "点" in token:
        whole, _, fraction = token.partition("点")
        whole_value = _parse_cn(whole) if whole else 0.0
        if whole_value is None or not fraction or any(ch not in DIGITS for ch in fraction):
            return None
        return whole_value + float("0." + "".join(str(DIGITS[ch]) for ch in fraction))
    total = 0.0
    section = 0.0
    digit: float | None = None
    last_unit = 0  # place value of the unit just before a trailing digit (0: none)
    for part in _DIGIT_RUN.findall(token):
        if part in DIGITS or part[0].isdigit():
            if part in "零〇":
                digit, last_unit = None, 0
                continue
            if digit is not None:
                # Digit strings like 二〇一八 read positionally.
                return _parse_positional(token)
            digit = float(part) if part[0].isdigit() else DIGITS[part]
        elif part in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[part]
            digit, last_unit = None, SMALL_UNITS[part]
        elif part in BIG_UNITS:
            section += digit or 0
            total += (section or 1) * BIG_UNITS[part]
            section, digit, last_unit = 0.0, None, BIG_UNITS[part]
        else:
            return None
    if digit is not None and digit < 10 and last_unit >= 100:
        # Colloquial: 一万五 = 15000, 两千五 = 2500, 三百五 = 350 (一百零五 keeps its 零).
        digit *= last_unit / 10
    return total + section + (digit or 0)


def _parse_positional(token: str) -> float | None:
    if all(ch in DIGITS for ch in token):
        return float("".join(str(DIGITS[ch]) for ch in token))
    return None


def _format(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def numeral_edits(text: str) -> list[Edit]:
    """Edits that rewrite Chinese numerals in ``text`` as arabic digits.

    Parameters
    ----------
    text : str
        Text that may contain Chinese numerals.

    Returns
    -------
    list of Edit
        Sorted, non-overlapping ``(start, end, replacement)`` edits.
    """
    edits: list[Edit] = []
    if _NUMERAL_CHAR.search(text) is None:  # every pattern but the 'w' slang needs one
        if _HAN_NEAR.search(text) is None:
            return edits
        return _drop_overlaps([_edit(text, match, _format(float(match["num"]) * 10_000))
                               for match in _W_SLANG.finditer(text)
                               if _HAN_NEAR.search(text, max(0, match.start() - 3),
                                                   min(len(text), match.end() + 3))])
    for match in _PERCENT.finditer(text):
        value = parse_chinese_number(match["num"])
        if value is not None:
            scale = {"百分之": 1.0, "千分之": 0.1, "万分之": 0.01}[match["kind"]]
            edits.append(_edit(text, match, _format(value * scale) + "%"))
    for match in _TENTHS.finditer(text):
        value = parse_chinese_number(match["num"])
        if value is not None:
            edits.append(_edit(text, match, _format(value * 10) + "%"))
    for pattern in (_QUANTITY, _BIG, _CURRENCY, _CLAUSE_END_NUMBER):
        for match in pattern.finditer(text):
            token = match["num"]
            if _ARABIC.fullmatch(token):
                continue
            if len(token) == 1 and (token in "两" or pattern is _CURRENCY):
                continue
            value = parse_chinese_number(token)
            if value is not None:
                edits.append(_edit(text, match, _format(value)))
    for match in _W_SLANG.finditer(text):
        if _HAN_NEAR.search(text, max(0, match.start() - 3), min(len(text), match.end() + 3)):
            edits.append(_edit(text, match, _format(float(match["num"]) * 10_000)))
    return _drop_overlaps(edits)


def _edit(text: str, match: re.Match[str], digits: str) -> Edit:
    """Replace ``match`` by ``digits``, with a space if a digit precedes it (V1-V7七 -> V1-V7 7)."""
    start = match.start()
    if start and text[start - 1].isdigit():
        digits = " " + digits
    return start, match.end(), digits


def _drop_overlaps(edits: list[Edit]) -> list[Edit]:
    edits.sort(key=lambda edit: (edit[0], -(edit[1] - edit[0])))
    kept: list[Edit] = []
    cursor = -1
    for edit in edits:
        if edit[0] >= cursor:
            kept.append(edit)
            cursor = edit[1]
    return kept
