"""The numpy n-gram hashing is scikit-learn's HashingVectorizer, matrix for matrix."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ponzidetect import Document
from ponzidetect.text_channel import MAX_CHARS, hashed_counts, hashed_counts_reference

ROOT = Path(__file__).resolve().parent.parent


def _assert_identical(texts: list[str]) -> None:
    expected, found = hashed_counts_reference(texts), hashed_counts(texts)
    assert found.shape == expected.shape
    assert found.dtype == expected.dtype
    assert np.array_equal(found.indptr, expected.indptr)
    assert np.array_equal(found.indices, expected.indices)
    assert np.array_equal(found.data, expected.data)


def test_identical_on_the_corpus() -> None:
    texts = []
    for path in sorted((ROOT / "data" / "corpus" / "parts").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line.strip():
                continue
            texts.append(Document.from_text(json.loads(line)["text"]).folded)
    _assert_identical(texts)


@pytest.mark.parametrize("texts", [
    [""], ["   \n\t "], ["a"], ["ab"], ["abc"], ["a b c"], ["x" * (MAX_CHARS + 50)],
    ["emoji 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters"], ["中文测试，保本保息"], ["tab\there\u3000ideographic\u2003em"],
    ["\x00nul\x00", "\x1c\x1d\x1e\x1f separators"], ["", "two", "", "rows between empties"],
    ["é" * 7, "€10 ¥20", "\u0660\u0661 digits"],
])
def test_identical_on_edge_cases(texts: list[str]) -> None:
    _assert_identical(texts)


def test_identical_across_hashing_chunks(monkeypatch) -> None:
    monkeypatch.setattr("ponzidetect.text_channel.CHUNK_CHARS", 7)
    _assert_identical(["guaranteed daily returns", "", "保本保息 日息1%", "x" * 30, "a b"])


@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80),
                min_size=1, max_size=8))
def test_identical_on_generated_text(texts: list[str]) -> None:
    _assert_identical(texts)


@given(st.lists(st.text(alphabet="ab 中文\t😀\u2003%.", max_size=40), min_size=1, max_size=5))
def test_identical_on_dense_small_alphabets(texts: list[str]) -> None:
    _assert_identical(texts)


def test_lone_surrogates_behave_like_scikit_learn() -> None:
    with pytest.raises(UnicodeEncodeError):
        hashed_counts_reference(["bad \ud800 text"])
    with pytest.raises(UnicodeEncodeError):
        hashed_counts(["bad \ud800 text"])
