"""Offset maps of length-changing edits: every output character maps back to where it came from."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ponzidetect._offsets import apply_edits


@st.composite
def edited(draw):
    text = draw(st.text(alphabet="ab中 %", max_size=40))
    edits, position = [], 0
    while position < len(text) and draw(st.booleans()):
        start = draw(st.integers(position, len(text) - 1))
        end = draw(st.integers(start + 1, min(len(text), start + 5)))
        edits.append((start, end, draw(st.text(alphabet="xy", max_size=3))))
        position = end
    return text, edits


@given(edited())
def test_every_output_character_maps_to_its_source_span(case) -> None:
    text, edits = case
    out, offsets = apply_edits(text, edits)
    expected_text, expected_spans, cursor = [], [], 0
    for start, end, replacement in edits:
        for position in range(cursor, start):
            expected_text.append(text[position])
            expected_spans.append((position, position + 1))
        expected_text.append(replacement)
        expected_spans.extend((start, end) for _ in replacement)
        cursor = end
    for position in range(cursor, len(text)):
        expected_text.append(text[position])
        expected_spans.append((position, position + 1))
    assert out == "".join(expected_text)
    if not edits:
        assert offsets.is_identity
        return
    assert [offsets.span(i, i + 1) for i in range(len(out))] == expected_spans
