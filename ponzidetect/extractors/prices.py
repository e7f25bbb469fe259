"""Token prices stated with a fixed or "only rises" context: "fixed at 3 RMB per coin", "每枚3元".

The price is the parsed value and its currency the unit. A price counts only when one of the
flag's context cues (fixed price, 只涨不跌, internal exchange, set by the company...) is in the
same stretch of text, so an exchange listing a market price does not fire.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..catalogue import FlagSpec
from ..document import Document
from ..radii import RADII
from ..scanner import Scan, checked, compile_rule
from . import Candidate, cue_near, extractor, to_number

_AMOUNT = r"(?P<num>\d{1,7}(?:\.\d{1,6})?)"
CURRENCIES = {
    "$": "USD", "usd": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD", "美元": "USD",
    "美金": "USD", "刀": "USD", "rmb": "CNY", "cny": "CNY", "yuan": "CNY", "¥": "CNY", "￥": "CNY",
    "元": "CNY", "块": "CNY", "人民币": "CNY", "eur": "EUR", "€": "EUR", "euro": "EUR",
    "euros": "EUR", "欧元": "EUR", "usdt": "USDT", "u": "USDT",
}
EN_PRICE = compile_rule(
    r"(?:(?P<pre>\$|us\$|usd|rmb|cny|¥|eur|€|usdt)\s{0,2}" + _AMOUNT.replace("num", "num1")
    + r"|" + _AMOUNT.replace("num", "num2")
    + r"\s{0,2}(?P<post>usd|dollars?|rmb|yuan|cny|eur|euros?|usdt)\b)"
    r"(?P<unit>\s{0,3}(?:per|a|each|for\s{1,2}(?:one|1|each))\s{1,3}(?:coin|token|unit|share)s?)?",
    re.IGNORECASE,
    name="token_price.en_price", code=True,
)
ZH_PRICE = compile_rule(
    r"(?:(?P<pre>¥|￥)\s{0,2}" + _AMOUNT.replace("num", "num1") + r"|"
    + _AMOUNT.replace("num", "num2")
    + r"\s{0,2}(?P<post>元人民币|元|块钱|块|美元|美金|刀|USDT|usdt|U|u|欧元))"
    r"(?P<unit>\s{0,2}(?:一|1|每)?\s{0,2}(?:枚|个|颗|币|份))?",
    name="token_price.zh_price", code=True,
)
_PRICE_WORD = {
    "en": checked(r"\b(?:price[ds]?|priced|sold|sells|selling|fixed|set|issue|buy|cost)\b",
                  re.IGNORECASE),
    "zh": checked(r"价|售|每枚|每个币|认购|定为|固定|发行"),
}


def _currency(match: re.Match[str]) -> str:
    symbol = (match["pre"] or match["post"] or "").lower()
    if symbol.endswith("人民币"):
        return "CNY"
    return CURRENCIES.get(symbol, CURRENCIES.get(symbol.rstrip("s"), "?"))


@extractor("token_price", rules=(EN_PRICE, ZH_PRICE))
def extract_fixed_prices(doc: Document, spec: FlagSpec, scan: Scan) -> Iterator[Candidate]:
    """Yield token prices that sit next to a fixed-price or only-rises cue."""
    text = doc.folded
    radius = {lang: int(spec.params.get(f"radius_{lang}", RADII[lang].extractor))
              for lang in ("en", "zh")}
    for lang, pattern in (("en", EN_PRICE), ("zh", ZH_PRICE)):
        if lang not in doc.languages():
            continue
        cues = spec.context.get(lang)
        if cues is None or not scan.has_hits(cues):
            continue
        for match in scan.finditer(pattern):
            amount = to_number(match["num1"] or match["num2"])
            if amount is None or amount <= 0:
                continue
            cue = cue_near(scan, cues, match.start(), match.end(), radius[lang])
            if cue is None:
                continue
            if not match["unit"]:
                low = max(0, match.start() - radius[lang])
                if not _PRICE_WORD[lang].search(text[low:match.end() + radius[lang]]):
                    continue
            currency = _currency(match)
            yield Candidate(match.start(), match.end(), f"{lang}.price", 0.9, lang, amount,
                            currency, f"price {amount:g} {currency} beside '{cue.group()}'")
