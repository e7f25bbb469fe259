"""A fast fake scorer for batch tests (module level, so worker processes can import it)."""

from __future__ import annotations

import functools
import os
import time

from ponzidetect.batch import RowOutcome, Scorer

KEYWORDS = {"guaranteed": "guaranteed_returns", "保本": "guaranteed_returns",
            "referral": "multilevel_referral", "推荐": "multilevel_referral"}


def fake_score(texts: list[object], *, stop_on: str = "", boom_on: str = "", crash_on: str = "",
               delay: float = 0.0) -> list[RowOutcome]:
    """score = min(1, len/100); flags from keywords.

    ``stop_on`` acts like Ctrl-C, ``boom_on`` raises, ``crash_on`` kills the process (as a crash
    in native code would), ``delay`` sleeps per call (to keep workers busy).
    """
    if delay:
        time.sleep(delay)
    outcomes = []
    for text in texts:
        assert isinstance(text, str)
        if stop_on and stop_on in text:
            raise KeyboardInterrupt
        if boom_on and boom_on in text:
            raise ValueError(f"cannot score {text[:10]!r}")
        if crash_on and crash_on in text:
            os._exit(134)
        score = min(1.0, len(text) / 100)
        risk = "high" if score >= 0.7 else "medium" if score >= 0.3 else "low"
        flags = tuple(dict.fromkeys(flag for word, flag in KEYWORDS.items() if word in text))
        outcomes.append(RowOutcome(score=score, risk=risk, flags=flags, error="",
                                   explanation={"probability": score, "flags": list(flags)}))
    return outcomes


def fake_factory(**options: object) -> Scorer:
    return functools.partial(fake_score, **options)  # type: ignore[arg-type]
