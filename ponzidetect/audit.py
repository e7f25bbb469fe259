"""Per-flag and per-rule audit over labelled data: coverage on positives and negatives, precision.

Our take on Snorkel's labeling-function analysis: for each flag, how often it fires on scheme
texts and on legitimate ones. A flag that fires more on negatives than positives needs fixing;
the per-rule table (:func:`audit_rules`) names the branch that does it: every rule id that left
non-negated evidence (a pattern, one of its named alternatives, an extractor rule), ranked by how
many negatives it fires on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .engine import FlagReport, Registry, default_registry, extract_flags


@dataclass(frozen=True, slots=True)
class FlagAudit:
    """Audit figures of one flag on one dataset."""

    flag_id: str
    kind: str
    coverage_pos: float
    coverage_neg: float
    precision: float | None
    lift: float | None
    fired_pos: int
    fired_neg: int


def audit_flags(texts: Sequence[str], labels: Sequence[int],
                registry: Registry | None = None) -> list[FlagAudit]:
    """Audit every flag of ``registry`` on labelled texts.

    Returns
    -------
    list of FlagAudit
        ``precision`` = share of texts the flag fires on that are positive; ``lift`` =
        precision / base rate. None where the flag never fires.
    """
    registry = registry or default_registry()
    positives = sum(labels)
    negatives = len(labels) - positives
    fired = {spec.id: [0, 0] for spec in registry}
    for text, label in zip(texts, labels, strict=True):
        for result in extract_flags(text, registry).fired:
            fired[result.flag_id][0 if label else 1] += 1
    base = positives / len(labels) if labels else 0
    rows = []
    for spec in registry:
        pos, neg = fired[spec.id]
        precision = pos / (pos + neg) if pos + neg else None
        rows.append(FlagAudit(
            flag_id=spec.id, kind=spec.kind,
            coverage_pos=pos / positives if positives else 0.0,
            coverage_neg=neg / negatives if negatives else 0.0,
            precision=precision,
            lift=precision / base if precision is not None and base else None,
            fired_pos=pos, fired_neg=neg,
        ))
    return rows


def audit_markdown(name: str, rows: list[FlagAudit], positives: int, negatives: int) -> str:
    """A Markdown table of one dataset's audit (numbers only, no texts)."""
    def pct(value: float) -> str:
        return f"{value:.1%}"

    def opt(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    lines = [f"### {name} ({positives} positive, {negatives} negative)", "",
             "| flag | kind | coverage on positives | coverage on negatives | precision | lift |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row.flag_id} | {row.kind} | {pct(row.coverage_pos)} | "
                     f"{pct(row.coverage_neg)} | {opt(row.precision)} | {opt(row.lift)} |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class RuleAudit:
    """Audit figures of one rule (pattern, alternative or extractor rule) of one flag."""

    flag_id: str
    rule_id: str
    fired_pos: int
    fired_neg: int
    coverage_pos: float
    coverage_neg: float
    precision: float | None


def _rule_hits(report: FlagReport) -> set[tuple[str, str]]:
    return {(e.flag_id, e.rule_id) for result in report.fired for e in result.evidence
            if not e.negated}


def audit_rules(texts: Sequence[str], labels: Sequence[int],
                registry: Registry | None = None) -> list[RuleAudit]:
    """Audit every rule that left non-negated evidence on labelled texts.

    Returns
    -------
    list of RuleAudit
        Sorted by texts fired on among negatives (most first), then by lowest precision.
    """
    registry = registry or default_registry()
    positives = sum(labels)
    negatives = len(labels) - positives
    counts: dict[tuple[str, str], list[int]] = {}
    for text, label in zip(texts, labels, strict=True):
        for key in _rule_hits(extract_flags(text, registry)):
            counts.setdefault(key, [0, 0])[0 if label else 1] += 1
    rows = [RuleAudit(flag_id=flag_id, rule_id=rule_id, fired_pos=pos, fired_neg=neg,
                      coverage_pos=pos / positives if positives else 0.0,
                      coverage_neg=neg / negatives if negatives else 0.0,
                      precision=pos / (pos + neg))
            for (flag_id, rule_id), (pos, neg) in counts.items()]
    return sorted(rows, key=lambda r: (-r.fired_neg, r.precision, r.flag_id, r.rule_id))


def rules_markdown(name: str, rows: list[RuleAudit], positives: int, negatives: int) -> str:
    """A Markdown table of one dataset's rule audit (numbers only, no texts)."""
    lines = [f"### Rules on {name} ({positives} positive, {negatives} negative)", "",
             "| flag | rule | fires on positives | fires on negatives | precision |",
             "|---|---|---|---|---|"]
    for row in rows:
        precision = "–" if row.precision is None else f"{row.precision:.2f}"
        lines.append(f"| {row.flag_id} | {row.rule_id} | {row.fired_pos} ({row.coverage_pos:.1%}) "
                     f"| {row.fired_neg} ({row.coverage_neg:.1%}) | {precision} |")
    return "\n".join(lines) + "\n"
