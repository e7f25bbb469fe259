"""Robustness on the real-dev texts (read by path, never copied); skips when the folder is absent."""

from __future__ import annotations

import json

import pytest

from ponzidetect import extract_flags

FILES = ("project_pages.jsonl", "contract_pitches.jsonl")


@pytest.mark.parametrize("name", FILES)
def test_every_real_text_extracts_with_spans_in_the_raw_text(real_dev, name: str) -> None:
    path = real_dev / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    for line in filter(str.strip, path.read_text(encoding="utf-8").split("\n")):
        text = json.loads(line)["text"]
        for result in extract_flags(text).results:
            for evidence in result.evidence:
                assert text[evidence.start:evidence.end] == evidence.text
