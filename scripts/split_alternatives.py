"""Rewrite a flag file's long ``regex`` as a list of named ``alternatives`` (same matches).

Usage
-----
    .venv/bin/python scripts/split_alternatives.py features/payout_from_newcomers.toml \\
        [--min-chars 400] [--pattern en.paid_by_new] [--write]

A pattern ``A|B|C`` (top-level alternation) matches exactly like the alternatives ``A``, ``B``,
``C`` tried in order (see ``ponzidetect.scanner.Alternation``), so the split changes rule ids in
the evidence (``en.paid_by_new`` -> ``en.paid_by_new.<alternative id>``) and nothing else. Ids
are made from each branch's first words; edit them afterwards if a better name exists. The
script checks that the catalogue still loads and that the split pattern finds the same spans as
the original on the flag's examples; without ``--write`` it prints the new file.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

from ponzidetect.regex_safety import sre_constants, sre_parse


def top_level_branches(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|`` (outside groups, classes and escapes)."""
    branches, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            if pattern[index + 1:index + 2] == "]" or pattern[index + 1:index + 3] == "^]":
                index += 2 if pattern[index + 1] == "]" else 3
                continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:index])
            start = index + 1
        index += 1
    branches.append(pattern[start:])
    return branches


def split_pattern(pattern: str) -> list[str]:
    """Alternatives that match exactly like ``pattern``.

    A top-level ``A|B|C`` splits as is. A single group wrapped in ``\\b`` (``\\b(?:A|B)\\b``)
    splits by distributing the boundaries (``\\bA\\b``, ``\\bB\\b``): a zero-width prefix
    matches one way only, so the single regex tries the branches in the same order.
    """
    branches = top_level_branches(pattern)
    if len(branches) > 1:
        return branches
    prefix = "\\b" if pattern.startswith("\\b") else ""
    suffix = "\\b" if pattern.endswith("\\b") and not pattern.endswith("\\\\b") else ""
    core = pattern[len(prefix):len(pattern) - len(suffix)]
    if not (core.startswith("(?:") and core.endswith(")") and _closes_at_end(core)):
        return branches
    inner = top_level_branches(core[3:-1])
    return [prefix + branch + suffix for branch in inner] if len(inner) > 1 else branches


def _closes_at_end(group: str) -> bool:
    """True when the parenthesis opening ``group`` is the one closing it at its end."""
    depth, index, in_class = 0, 0, False
    while index < len(group):
        char = group[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index == len(group) - 1
        index += 1
    return False


def _first_text(items) -> str:
    """A reading of the first way through a parsed pattern: literals, a space for the rest."""
    out = []
    for op, arg in items:
        if op == sre_constants.LITERAL:
            char = chr(arg)
            out.append(char if char.isascii() and char.isalnum() else " ")
        elif op == sre_constants.SUBPATTERN:
            out.append(_first_text(arg[-1]))
        elif op == sre_constants.BRANCH:
            out.append(_first_text(arg[1][0]))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and arg[0] >= 1:
            out.append(_first_text(arg[2]))
        else:
            out.append(" ")
    return "".join(out)


def _words(branch: str) -> list[str]:
    return _first_text(sre_parse.parse(branch.lower())).split()[:3]


def branch_ids(branches: list[str]) -> list[str]:
    """Readable unique snake_case ids for ``branches``."""
    ids: list[str] = []
    for number, branch in enumerate(branches, start=1):
        try:
            words = _words(branch)
        except re.error:
            words = []
        base = "_".join(words)[:40].strip("_") or f"branch_{number}"
        base = re.sub(r"[^a-z0-9_]", "", base)
        if not re.match(r"[a-z]", base):
            base = f"b{number}_{base}".strip("_")
        candidate, suffix = base, 2
        while candidate in ids:
            candidate, suffix = f"{base}_{suffix}", suffix + 1
        ids.append(candidate[:47])
    return ids


def _toml_string(value: str) -> str:
    if "'" not in value and "\n" not in value:
        return f"'{value}'"
    if "'''" not in value:
        return f"'''{value}'''"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rewrite(source: str, min_chars: int, only: str | None) -> tuple[str, list[str]]:
    """The file with each qualifying ``regex = ...`` line replaced by ``alternatives``."""
    data = tomllib.loads(source)
    wanted = {p["id"]: p["regex"] for p in data.get("patterns", [])
              if "regex" in p and "id" in p and (only is None or p["id"] == only)
              and len(p["regex"].encode("utf-8")) >= min_chars
              and len(split_pattern(p["regex"])) > 1}
    out_lines, changed, current = [], [], None
    for line in source.splitlines(keepends=True):
        match = re.match(r'id\s*=\s*"([^"]+)"', line)
        if match:
            current = match.group(1)
        if current in wanted and line.startswith("regex") and current not in changed:
            branches = split_pattern(wanted[current])
            ids = branch_ids(branches)
            out_lines.append("alternatives = [\n")
            for alternative, branch in zip(ids, branches, strict=True):
                out_lines.append(f'  {{id = "{alternative}", regex = {_toml_string(branch)}}},\n')
            out_lines.append("]\n")
            changed.append(current)
            continue
        out_lines.append(line)
    return "".join(out_lines), changed


def _examples(data: dict) -> list[str]:
    texts = [text for values in data.get("examples", {}).values() for text in values]
    return [*texts, " ".join(texts)]


def _check_same_matches(pattern: str, alternatives: list[str], texts: list[str]) -> None:
    """The alternatives find the same spans as ``pattern`` on ``texts`` (folded as the engine does)."""
    from ponzidetect.document import Document
    from ponzidetect.regex_safety import fold_pattern
    from ponzidetect.scanner import compile_alternation

    single = re.compile(fold_pattern(pattern))
    split = compile_alternation([(f"a{i}", a) for i, a in enumerate(alternatives)], fold=True,
                                name="check")
    for text in texts:
        folded = Document.from_text(text).folded
        expected = [m.span() for m in single.finditer(folded)]
        found = [m.span() for m in split.finditer(folded)]
        assert expected == found, (pattern[:60], text[:60], expected, found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--min-chars", type=int, default=400)
    parser.add_argument("--pattern", help="only this pattern id")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    for name in args.files:
        path = Path(name)
        source = path.read_text(encoding="utf-8")
        new, changed = rewrite(source, args.min_chars, args.pattern)
        if not changed:
            continue
        before = {p["id"]: p for p in tomllib.loads(source)["patterns"]}
        after = {p["id"]: p for p in tomllib.loads(new)["patterns"]}
        for pattern_id in changed:
            _check_same_matches(before[pattern_id]["regex"],
                                [a["regex"] for a in after[pattern_id]["alternatives"]],
                                _examples(tomllib.loads(source)))
        print(f"{path}: split {', '.join(changed)}", file=sys.stderr)
        if args.write:
            path.write_text(new, encoding="utf-8")
        else:
            print(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
