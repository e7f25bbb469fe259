"""The wording channel's n-grams and spans: the same n-grams the channel hashes, in the text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.utils import murmurhash3_32

from ponzidetect.text_channel import MAX_CHARS, N_FEATURES, hashed_counts, ngram_spans


def reference_occurrences(folded: str) -> list[tuple[int, int, int]]:
    """scikit-learn's char_wb 2-4-gram loop, written out, with each n-gram's column and span."""
    found = []
    text = folded[:MAX_CHARS]
    for word in re.finditer(r"\S+", text):
        padded = " " + word.group() + " "
        for n in range(2, 5):
            offset = 0
            while True:
                gram = padded[offset:offset + n]
                h = murmurhash3_32(gram.encode("utf-8"), seed=0)
                column = (2147483647 - (N_FEATURES - 1)) % N_FEATURES if h == -2**31 \
                    else abs(h) % N_FEATURES
                found.append((column, word.start() + max(offset, 1) - 1,
                              word.start() + min(offset + n, len(padded) - 1) - 1))
                if offset + n >= len(padded):
                    break
                offset += 1
            if offset == 0:
                break
    return sorted(found)


CASES = ["", "a", "ab", " a  b\tc\n\nd ", "guaranteed 2% daily", "保本保息，日息2%",
         "mixed 中文 text\u3000with ideographic space", "x" * 30, "é ü ñ 😀 🚀🚀"]


@pytest.mark.parametrize("text", CASES)
def test_ngram_spans_match_the_reference_loop(text: str) -> None:
    columns, starts, ends = ngram_spans(text)
    assert sorted(zip(columns.tolist(), starts.tolist(), ends.tolist(), strict=True)) == \
        reference_occurrences(text)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_ngram_spans_count_what_the_channel_counts(text: str) -> None:
    columns, starts, ends = ngram_spans(text)
    counts = hashed_counts([text])
    expected = dict(zip(counts.indices.tolist(), counts.data.tolist(), strict=True))
    found: dict[int, float] = {}
    for column in columns.tolist():
        found[column] = found.get(column, 0.0) + 1.0
    assert found == expected
    assert all(0 <= s <= e <= len(text) for s, e in zip(starts.tolist(), ends.tolist(), strict=True))
