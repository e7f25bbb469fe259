"""Regression: every evidence record on the corpus equals the committed snapshot, on each backend.

The snapshot (``tests/snapshots/evidence_corpus.jsonl``) is written by
``scripts/evidence_snapshot.py write``. An engine change must leave it identical; a catalogue
change that alters evidence on purpose regenerates it (and says so in the commit).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ponzidetect import Registry, scanner

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "evidence_snapshot.py"


def _snapshot_module():
    spec = importlib.util.spec_from_file_location("evidence_snapshot", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("backend", ["literals", "hyperscan"])
def test_corpus_evidence_matches_committed_snapshot(backend: str, monkeypatch) -> None:
    if backend == "hyperscan" and scanner.hyperscan is None:
        pytest.skip("hyperscan not installed")
    monkeypatch.setenv("PONZIDETECT_SCANNER", backend)
    snap = _snapshot_module()
    expected = snap.load_corpus_snapshot(snap.CORPUS_SNAPSHOT)
    differing = snap.corpus_differences(expected, Registry.load())
    report = "\n".join(snap.describe(*item) for item in differing[:20])
    assert not differing, (
        f"{len(differing)} corpus texts have different evidence than "
        f"tests/snapshots/evidence_corpus.jsonl:\n{report}\nIf the change is deliberate "
        "(a catalogue change), regenerate it with `scripts/evidence_snapshot.py write`."
    )
