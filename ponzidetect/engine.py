"""Run the red-flag catalogue over a document and collect evidence.

One engine, one registry: the registry's :class:`~ponzidetect.scanner.Database` scans the
normalised text once for every rule (catalogue patterns, context cues, extractor regexes); each
flag's patterns are then confirmed around their hits in the languages the document contains,
code extractors add parsed spans, overlapping spans of a flag are merged, negation cues in the
clause before a span mark it as negated, and every span is mapped back to the raw text. How far
context and negation reach is one table, :data:`ponzidetect.radii.RADII`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .catalogue import FlagSpec, load_catalogue
from .document import GC_PAUSE_CHARS, Document, collector_paused
from .evidence import Evidence, FlagResult
from .extractors import Candidate, extractor_rules, get_extractor
from .radii import RADII
from .scanner import Database, Rule, Scan

MAX_EVIDENCE = 20
_CLAUSE_EN = re.compile(r"[.!?;:\n]")
_CLAUSE_ZH = re.compile(r"[。！？；：，,!?;:\n]")


@dataclass(frozen=True, slots=True)
class Registry:
    """The flags the engine runs, in a stable order.

    Parameters
    ----------
    flags : tuple of FlagSpec
        Sorted by id.

    Attributes
    ----------
    database : Database
        Every rule of these flags and of their extractors, for one scan per document.
    """

    flags: tuple[FlagSpec, ...]
    database: Database = field(init=False, repr=False, compare=False)
    _plan: tuple[tuple[FlagSpec, frozenset[int] | None, FlagResult], ...] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rules: list[Rule] = []
        triggers: list[tuple[Rule, ...] | None] = []
        for spec in self.flags:
            rules.extend(spec.scan_rules())
            found = tuple(rule for pattern in spec.patterns for rule in pattern.rules)
            if spec.extractor:
                declared = extractor_rules(spec.extractor, spec)
                rules.extend(declared)
                found = found + declared if declared else None  # type: ignore[assignment]
            triggers.append(found)
        database = Database(rules)
        object.__setattr__(self, "database", database)
        object.__setattr__(self, "_plan", tuple(
            (spec, None if found is None else database.indices(found), FlagResult(spec.id, (), 0, 0))
            for spec, found in zip(self.flags, triggers, strict=True)))

    def scan(self, doc: Document) -> Scan:
        """Scan ``doc``'s folded text once for every rule."""
        return self.database.scan(doc.folded)

    @classmethod
    def load(cls, directory: Path | str | None = None) -> Registry:
        """Load and validate a catalogue folder (the shipped one by default)."""
        flags = load_catalogue(directory)
        for spec in flags:
            if spec.extractor:
                get_extractor(spec.extractor)
        return cls(flags)

    def __iter__(self) -> Iterator[FlagSpec]:
        return iter(self.flags)

    def __len__(self) -> int:
        return len(self.flags)

    def __contains__(self, flag_id: object) -> bool:
        return any(spec.id == flag_id for spec in self.flags)

    @property
    def ids(self) -> tuple[str, ...]:
        """Flag ids in registry order."""
        return tuple(spec.id for spec in self.flags)

    def get(self, flag_id: str) -> FlagSpec:
        """The spec of ``flag_id``; KeyError lists the known ids."""
        for spec in self.flags:
            if spec.id == flag_id:
                return spec
        raise KeyError(f"unknown flag {flag_id!r}; known flags: {', '.join(self.ids)}")

    def versions(self) -> dict[str, int]:
        """``{flag_id: version}``, recorded in model artifacts and checked on load."""
        return {spec.id: spec.version for spec in self.flags}

    def snapshot(self) -> dict[str, Any]:
        """What the registry holds, for the committed snapshot test."""
        return {spec.id: {"version": spec.version, "family": spec.family, "kind": spec.kind,
                          "extractor": spec.extractor} for spec in self.flags}


@cache
def default_registry() -> Registry:
    """The shipped catalogue, loaded once per process."""
    return Registry.load()


@dataclass(frozen=True, slots=True)
class FlagReport:
    """Every flag's result for one text.

    Attributes
    ----------
    language : str
        Detected language of the text.
    results : tuple of FlagResult
        One per registry flag, in registry order, fired or not.
    """

    language: str
    results: tuple[FlagResult, ...]

    @property
    def fired(self) -> tuple[FlagResult, ...]:
        """Results of flags with at least one non-negated piece of evidence."""
        return tuple(result for result in self.results if result.fired)

    def get(self, flag_id: str) -> FlagResult:
        """The result of one flag."""
        for result in self.results:
            if result.flag_id == flag_id:
                return result
        raise KeyError(f"unknown flag {flag_id!r}")

    def to_dict(self, include_negated: bool = True) -> dict[str, Any]:
        """JSON-safe: ``{"language": ..., "flags": [{"id": ..., "evidence": [...]}]}``.

        Lists fired flags, and (when ``include_negated``) flags that only have negated evidence.
        """
        flags = [r.to_dict() for r in self.results
                 if r.fired or (include_negated and r.negated_count)]
        return {"language": self.language, "flags": flags}


def _clause_tail(text: str, start: int, lang: str) -> str:
    radii = RADII[lang]
    segment = text[max(0, start - radii.clause):start]
    if lang == "zh":
        return _CLAUSE_ZH.split(segment)[-1][-radii.negation_tokens:]
    tail = _CLAUSE_EN.split(segment)[-1]
    return " ".join(tail.split()[-radii.negation_tokens:])


def _negation(spec: FlagSpec, text: str, start: int, lang: str) -> str | None:
    cues = spec.negation.get(lang)
    if cues is None:
        return None
    found = cues.search(_clause_tail(text, start, lang))
    return found.group() if found else None


def _context(spec: FlagSpec, scan: Scan, start: int, end: int, lang: str) -> str | None:
    cues = spec.context.get(lang)
    if cues is None:
        return None
    radius = RADII[lang].context
    found = scan.search(cues, max(0, start - radius), min(len(scan.text), end + radius))
    return found.group() if found else None


def _pattern_candidates(doc: Document, spec: FlagSpec, scan: Scan) -> Iterator[Candidate]:
    for lang in doc.languages():
        for pattern in spec.patterns_for(lang):
            for match in scan.finditer(pattern.rule):
                if match.end() == match.start():
                    continue
                rule_id = pattern.rule_id_of(match)
                weight, note = pattern.weight, f"pattern {rule_id}"
                cue = _context(spec, scan, match.start(), match.end(), lang)
                if pattern.requires_context and cue is None:
                    continue
                if cue is not None:
                    weight, note = min(1.0, weight * 1.25), f"{note}, context '{cue}'"
                value = _group_value(match)
                yield Candidate(match.start(), match.end(), rule_id, weight, lang, value,
                                None, note)


def _group_value(match: re.Match[str]) -> float | None:
    if "value" not in match.re.groupindex or match["value"] is None:
        return None
    try:
        return float(match["value"].replace(",", ""))
    except ValueError:
        return None


def _merge(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Drop candidates overlapping an earlier, longer or valued one."""
    ordered = sorted(candidates, key=lambda c: (c.start, c.value is None, -(c.end - c.start)))
    kept: list[Candidate] = []
    for candidate in ordered:
        if kept and candidate.start < kept[-1].end:
            if kept[-1].value is None and candidate.value is not None:
                kept[-1] = candidate
            continue
        kept.append(candidate)
    return kept


def _summary_value(spec: FlagSpec, evidence: list[Evidence]) -> tuple[Any, str | None]:
    live = [e for e in evidence if not e.negated and e.value is not None]
    if not live:
        return None, None
    if spec.params.get("aggregate") == "distinct":
        return len({e.value for e in live}), spec.params.get("unit", "distinct")
    numeric = [e for e in live if isinstance(e.value, int | float)]
    if not numeric:
        return live[0].value, live[0].unit
    best = max(numeric, key=lambda e: e.value)  # type: ignore[arg-type,return-value]
    return best.value, best.unit


def run_flag(doc: Document, spec: FlagSpec, scan: Scan | None = None) -> FlagResult:
    """Evaluate one flag on one document.

    Parameters
    ----------
    doc : Document
        The prepared text.
    spec : FlagSpec
        The flag.
    scan : Scan, optional
        The document's scan by the registry's database (:meth:`Registry.scan`); without it
        every rule runs on the whole text (same result, slower).

    Returns
    -------
    FlagResult
    """
    if scan is None:
        scan = Database((), backend="python").scan(doc.folded)
    candidates = list(_pattern_candidates(doc, spec, scan))
    if spec.extractor:
        candidates.extend(get_extractor(spec.extractor)(doc, spec, scan))
    evidence: list[Evidence] = []
    count = negated_count = 0
    for candidate in _merge(candidates):
        cue = _negation(spec, doc.folded, candidate.start, candidate.lang)
        negated = cue is not None
        count += not negated
        negated_count += negated
        if (negated_count if negated else count) > MAX_EVIDENCE:
            continue
        start, end = doc.raw_span(candidate.start, candidate.end)
        note = candidate.note + (f"; negated by '{cue}'" if negated else "")
        evidence.append(Evidence(
            flag_id=spec.id, start=start, end=end, text=doc.raw[start:end],
            rule_id=candidate.rule_id, weight=round(candidate.weight * spec.weight, 4),
            value=candidate.value, unit=candidate.unit, negated=negated, note=note,
        ))
    value, unit = _summary_value(spec, evidence)
    return FlagResult(spec.id, tuple(evidence), count, negated_count, value, unit)


def analyse(doc: Document, registry: Registry | None = None) -> FlagReport:
    """Run every flag of ``registry`` on ``doc``."""
    registry = registry or default_registry()
    with collector_paused(len(doc.folded) >= GC_PAUSE_CHARS):
        scan = registry.scan(doc)
        results = []
        for spec, triggers, empty in registry._plan:
            if triggers is not None and not scan.any_hit(triggers):
                results.append(empty)  # no rule of the flag can match: the shared empty result
            else:
                results.append(run_flag(doc, spec, scan))
    return FlagReport(doc.language, tuple(results))



def extract_flags(text: str, registry: Registry | None = None) -> FlagReport:
    """Find the red flags a text raises, with evidence spans in the original text.

    Parameters
    ----------
    text : str
        Any text, English, Chinese or mixed.
    registry : Registry, optional
        The catalogue to run; the shipped one by default.

    Returns
    -------
    FlagReport
        ``report.fired`` lists the flags raised; each evidence span indexes ``text``.

    Examples
    --------
    >>> report = extract_flags("Guaranteed profit: 1.5% daily!")
    >>> [r.flag_id for r in report.fired]
    ['guaranteed_returns', 'high_periodic_returns']
    >>> report.get("high_periodic_returns").value
    547.5
    """
    return analyse(Document.from_text(text), registry)
