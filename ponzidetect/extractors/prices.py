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
from . import Candidate, extractor, near, to_number

_AMOUNT = r"(?P<num>\d{1,7}(?:\.\d{1,6})?)"
CURRENCIES = {
    "$": "USD", "usd": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD", "美元": "USD",
    "美金": "USD", "刀": "USD", "rmb": "CNY", "cny": "CNY", "yuan": "CNY", "¥": "CNY", "￥": "CNY",
    "元": "CNY", "块": "CNY", "人民币": "CNY", "eur": "EUR", "€": "EUR", "euro": "EUR",
    "euros": "EUR", "欧元": "EUR", "usdt": "USDT", "u": "USDT",
}
EN_PRICE = re.compile(
    r"(?:(?P<pre>\$|us\$|usd|rmb|cny|¥|eur|€|usdt)\s{0,2}" + _AMOUNT.replace("num", "num1")
    + r"|" + _AMOUNT.replace("num", "num2")
    + r"\s{0,2}(?P<post>usd|dollars?|rmb|yuan|cny|eur|euros?|usdt)\b)"
    r"(?P<unit>\s{0,3}(?:per|a|each|for\s{1,2}(?:one|1|each))\s{1,3}(?:coin|token|unit|share)s?)?",
    re.IGNORECASE,
)
ZH_PRICE = re.compile(
    r"(?:(?P<pre>¥|￥)\s{0,2}" + _AMOUNT.replace("num", "num1") + r"|"
    + _AMOUNT.replace("num", "num2")
    + r"\s{0,2}(?P<post>元人民币|元|块钱|块|美元|美金|刀|USDT|usdt|U|u|欧元))"
    r"(?P<unit>\s{0,2}(?:一|1|每)?\s{0,2}(?:枚|个|颗|币|份))?"
)
_PRICE_WORD = {
    "en": re.compile(r"\b(?:price[ds]?|priced|sold|sells|selling|fixed|set|issue|buy|cost)\b",
                     re.IGNORECASE),
    "zh": re.compile(r"价|售|每枚|每个币|认购|定为|固定|发行"),
}


def _currency(match: re.Match[str]) -> str:
    symbol = (match["pre"] or match["post"] or "").lower()
    if symbol.endswith("人民币"):
        return "CNY"
    return CURRENCIES.get(symbol, CURRENCIES.get(symbol.rstrip("s"), "?"))


@extractor("token_price")
def extract_fixed_prices(doc: Document, spec: FlagSpec) -> Iterator[Candidate]:
    """Yield token prices that sit next to a fixed-price or only-rises cue."""
    text = doc.folded
    radius = {"en": int(spec.params.get("radius_en", 120)), "zh": int(spec.params.get("radius_zh", 40))}
    for lang, pattern in (("en", EN_PRICE), ("zh", ZH_PRICE)):
        if lang not in doc.languages():
            continue
        cues = spec.context.get(lang)
        for match in pattern.finditer(text):
            amount = to_number(match["num1"] or match["num2"])
            if amount is None or amount <= 0:
                continue
            _, window = near(text, match.start(), match.end(), radius[lang])
            per_coin = bool(match["unit"])
            if not (per_coin or _PRICE_WORD[lang].search(window)):
                continue
            cue = cues.search(window) if cues is not None else None
            if cue is None:
                continue
            currency = _currency(match)
            yield Candidate(match.start(), match.end(), f"{lang}.price", 0.9, lang, amount,
                            currency, f"price {amount:g} {currency} beside '{cue.group()}'")
