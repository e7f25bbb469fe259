"""No evidence, no high: a text on which no red flag fired never lands in the high band.

Checked with the shipped model over the whole corpus, a sample of every real-dev file, and
generated text; plus the band a gated text gets and the note that says why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ponzidetect import Detector
from ponzidetect.assessment import NO_EVIDENCE_EN
from ponzidetect.detector import default_detector

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def _assert_gate(detector: Detector, assessments) -> None:
    cap = detector.model.thresholds.no_evidence_cap
    offenders = [a for a in assessments if not a.red_flags and (a.risk == "high"
                                                                or a.probability > cap)]
    assert not offenders, [(a.probability, a.risk, a.text_kind) for a in offenders[:5]]


def test_no_corpus_text_is_high_without_a_red_flag(detector: Detector) -> None:
    texts = [json.loads(line)["text"]
             for path in sorted((ROOT / "data" / "corpus" / "parts").glob("*.jsonl"))
             for line in path.read_text("utf-8").split("\n") if line.strip()]
    _assert_gate(detector, detector.score_batch(texts, explain=False))


def test_no_real_dev_text_is_high_without_a_red_flag(detector: Detector, real_dev: Path) -> None:
    texts = []
    for path in sorted(real_dev.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text("utf-8").split("\n") if line.strip()]
        texts.extend(row["text"][:50_000] for row in rows[::3])
    _assert_gate(detector, detector.score_batch(texts, explain=False))


@given(st.text(min_size=1, max_size=300).filter(str.strip))
def test_generated_text_is_never_high_without_a_red_flag(text: str) -> None:
    (assessment,) = default_detector().score_batch([text])
    assert assessment.red_flags or assessment.risk != "high"


@pytest.mark.parametrize("text", [
    "The S&P 500 rose 1.2% on Friday.", "The weather is nice today.", "hello", "1",
    "比特币本周上涨12%。", "Join our Telegram for the next 10x gem!",
])
def test_a_text_without_evidence_is_capped_and_says_why(detector: Detector, text: str) -> None:
    assessment = detector.score(text)
    assert not assessment.red_flags
    assert assessment.probability <= detector.model.thresholds.no_evidence_cap
    assert assessment.risk != "high"
    if assessment.risk == "medium":
        assert assessment.evidence_note == NO_EVIDENCE_EN
