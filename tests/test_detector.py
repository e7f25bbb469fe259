"""Detector behaviour on bad input, the voice reading and the evidence gate (shipped model)."""

from __future__ import annotations

import pandas as pd
import pytest

from ponzidetect import Detector, extract_flags
from ponzidetect.detector import rule_text_kind


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(max_chars=5_000)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [("", ValueError, "empty"), ("   \n\t", ValueError, "empty"), (None, TypeError, "string"),
     (12, TypeError, "string"), (b"bytes", TypeError, "string"),
     ("x" * 5_001, ValueError, "longer than 5,000")],
)
def test_bad_input_raises_clear_error(detector: Detector, value: object, error: type,
                                      message: str) -> None:
    with pytest.raises(error, match=message):
        detector.score(value)  # type: ignore[arg-type]


def test_score_frame_keeps_every_row_and_reports_errors(detector: Detector) -> None:
    frame = pd.DataFrame({"id": [1, 2, 3, 4],
                          "text": ["保本保息，日息百分之二", "", None, "x" * 6_000]})
    scored = detector.score_frame(frame, text_column="text")
    assert list(scored["id"]) == [1, 2, 3, 4]
    assert scored["error"].tolist()[0] == ""
    assert all(scored["error"].tolist()[1:])
    assert scored["score"].isna().tolist() == [False, True, True, True]


def test_missing_column_lists_columns(detector: Detector) -> None:
    with pytest.raises(KeyError, match="columns are: id, body"):
        detector.score_frame(pd.DataFrame({"id": [1], "body": ["x"]}), text_column="text")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Join now with my referral link: 2% daily, guaranteed!", "promotion"),
        ("Police said the founder was arrested; prosecutors said victims lost $2 million.",
         "case_account"),
        ("Beware of schemes promising daily returns. Red flags include pressure to recruit.",
         "warning"),
        ("警方提醒：谨防以高息为诱饵的虚拟货币骗局，切勿轻信。", "warning"),
        ("经审理查明，被告人以日息百分之二为诱饵非法吸收公众存款。", "case_account"),
        ("The museum opens at nine.", "other"),
    ],
)
def test_rule_text_kind(text: str, kind: str) -> None:
    assert rule_text_kind(extract_flags(text)) == kind


def test_score_many_matches_score(detector: Detector) -> None:
    texts = ["保本保息，日息百分之二", "Savings account at 2% a year."]
    assert [a.probability for a in detector.score_many(texts)] == \
        [detector.score(t).probability for t in texts]


def test_score_batch_matches_score_one_by_one(detector: Detector) -> None:
    texts = ["保本保息，日息百分之二", "Savings account at 2% a year.",
             "Hire miners: 8% daily, 15% referral on deposits."]
    batch = detector.score_batch(texts)
    single = [detector.score(text) for text in texts]
    assert [a.to_dict() for a in batch] == [a.to_dict() for a in single]


def test_outcomes_mix_valid_and_invalid_cells(detector: Detector) -> None:
    outcomes = detector.outcomes(["保本保息，日息百分之二", "", 3, "Savings at 2% a year."])
    assert [bool(o["error"]) for o in outcomes] == [False, True, True, False]
    assert outcomes[0]["score"] is not None and outcomes[1]["score"] is None
