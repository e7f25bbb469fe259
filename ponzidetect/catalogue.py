"""The red-flag catalogue: one TOML file per flag in ``features/``, loaded into frozen specs.

A flag file holds the flag's identity (id, version, family, names, rationale, sources), its
patterns and cue words per language, and examples that must and must not fire. Files whose
name starts with ``_`` hold shared data (default negation cues). See ``features/README.md``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .regex_safety import UnsafePatternError
from .scanner import Alternation, Rule, compile_alternation, compile_rule

LANGS = ("en", "zh")
KINDS = ("red_flag", "context")
_ID = re.compile(r"[a-z][a-z0-9_]{1,47}")
_ALTERNATIVE_ID = re.compile(r"[a-z][a-z0-9_]{0,47}")


class CatalogueError(ValueError):
    """A flag file is malformed; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A named regular expression of one flag in one language, or a list of named alternatives.

    With alternatives, evidence names the branch that matched: ``<rule_id>.<alternative id>``.
    """

    rule_id: str
    lang: str
    rule: Rule | Alternation
    weight: float
    requires_context: bool = False

    @property
    def regex(self) -> re.Pattern[str] | Alternation:
        """The compiled pattern (matches ``Document.folded``)."""
        return self.rule if isinstance(self.rule, Alternation) else self.rule.regex

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules a document scan must find for this pattern."""
        return self.rule.rules if isinstance(self.rule, Alternation) else (self.rule,)

    def rule_id_of(self, match: re.Match[str]) -> str:
        """The rule id evidence from ``match`` carries."""
        if isinstance(self.rule, Alternation):
            return f"{self.rule_id}.{self.rule.branch(match)}"
        return self.rule_id

    def finditer(self, folded: str) -> Iterator[re.Match[str]]:
        """Matches in ASCII-folded text (the whole text; the engine scans around hits)."""
        return self.rule.finditer(folded)


@dataclass(frozen=True, slots=True)
class Examples:
    """Texts that must fire the flag and texts that must not, per language."""

    positive: Mapping[str, tuple[str, ...]]
    negative: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class FlagSpec:
    """Everything the catalogue says about one flag."""

    id: str
    version: int
    family: str
    kind: str
    name_en: str
    name_zh: str
    rationale: str
    sources: tuple[str, ...]
    patterns: tuple[Pattern, ...]
    context: Mapping[str, Rule | None]
    negation: Mapping[str, Rule | None]
    examples: Examples
    extractor: str | None = None
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    weight: float = 1.0
    _by_lang: Mapping[str, tuple[Pattern, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Pattern]] = {}
        for pattern in self.patterns:
            grouped.setdefault(pattern.lang, []).append(pattern)
        object.__setattr__(self, "_by_lang", {lang: tuple(items) for lang, items in grouped.items()})

    def patterns_for(self, lang: str) -> tuple[Pattern, ...]:
        """The patterns of one language, in file order."""
        return self._by_lang.get(lang, ())

    def scan_rules(self) -> tuple[Rule, ...]:
        """The rules a document scan must find: patterns and context cues (negation cues run on
        the clause before each piece of evidence, not on the whole text)."""
        cues = tuple(rule for rule in self.context.values() if rule is not None)
        return tuple(rule for pattern in self.patterns for rule in pattern.rules) + cues

    def name(self, lang: str = "en") -> str:
        """Display name in ``lang`` (``en`` or ``zh``)."""
        return self.name_zh if lang == "zh" else self.name_en

    def describe(self) -> dict[str, Any]:
        """A JSON-safe description (no examples or compiled patterns)."""
        return {
            "id": self.id,
            "version": self.version,
            "family": self.family,
            "kind": self.kind,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "rationale": self.rationale,
            "sources": list(self.sources),
            "extractor": self.extractor,
            "patterns": len(self.patterns),
        }


def default_catalogue_dir() -> Path:
    """The catalogue shipped with the package (``features/`` in a source checkout)."""
    source_tree = Path(__file__).resolve().parent.parent / "features"
    if source_tree.is_dir():
        return source_tree
    return Path(str(resources.files("ponzidetect").joinpath("_features")))


def _cue_rule(cues: list[str], where: str, name: str) -> Rule | None:
    if not cues:
        return None
    try:
        return compile_rule("|".join(f"(?:{cue})" for cue in cues), name=name, fold=True)
    except UnsafePatternError as error:
        raise CatalogueError(f"{where}: {error}") from error


def _pattern_rule(raw: Mapping[str, Any], place: str, name: str) -> Rule | Alternation:
    """A pattern's ``regex`` or its ``alternatives`` (``verbose = true``: ``re.VERBOSE``)."""
    flags = re.VERBOSE if raw.get("verbose", False) else 0
    if ("regex" in raw) == ("alternatives" in raw):
        raise CatalogueError(f"{place}: give either 'regex' or 'alternatives'")
    try:
        if "regex" in raw:
            return compile_rule(_require(raw, "regex", str, place), flags, name=name, fold=True)
        alternatives = _require(raw, "alternatives", list, place)
        pairs = []
        for number, alternative in enumerate(alternatives, start=1):
            where = f"{place} alternative #{number}"
            if not isinstance(alternative, dict):
                raise CatalogueError(f"{where}: must be a table {{id = ..., regex = ...}}")
            alternative_id = _require(alternative, "id", str, where)
            if not _ALTERNATIVE_ID.fullmatch(alternative_id):
                raise CatalogueError(f"{where}: id '{alternative_id}' must be lower-case ASCII "
                                     "snake_case")
            pairs.append((alternative_id, _require(alternative, "regex", str, where)))
        return compile_alternation(pairs, flags, name=name, fold=True)
    except (UnsafePatternError, ValueError) as error:
        if isinstance(error, CatalogueError):
            raise
        raise CatalogueError(f"{place}: {error}") from error


def _require(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in data:
        raise CatalogueError(f"{where}: missing field '{key}'")
    value = data[key]
    if not isinstance(value, kind):
        raise CatalogueError(f"{where}: field '{key}' must be {kind.__name__}")
    return value


def _per_lang(section: Mapping[str, Any], where: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lang, cues in section.items():
        if lang not in LANGS:
            raise CatalogueError(f"{where}: unknown language '{lang}' (use en or zh)")
        if not isinstance(cues, list) or not all(isinstance(c, str) for c in cues):
            raise CatalogueError(f"{where}.{lang}: must be a list of strings")
        out[lang] = cues
    return out


def parse_flag(data: Mapping[str, Any], where: str, common: Mapping[str, Any]) -> FlagSpec:
    """Validate one flag file's content and build its :class:`FlagSpec`.

    Parameters
    ----------
    data : mapping
        The parsed TOML.
    where : str
        File name, for error messages.
    common : mapping
        Shared data from ``_common.toml`` (default negation cues).

    Returns
    -------
    FlagSpec
    """
    flag_id = _require(data, "id", str, where)
    if not _ID.fullmatch(flag_id):
        raise CatalogueError(f"{where}: id '{flag_id}' must be lower-case ASCII snake_case")
    kind = data.get("kind", "red_flag")
    if kind not in KINDS:
        raise CatalogueError(f"{where}: kind must be one of {KINDS}")
    names = _require(data, "name", dict, where)
    patterns = []
    for index, raw in enumerate(data.get("patterns", [])):
        place = f"{where} pattern #{index + 1}"
        lang = _require(raw, "lang", str, place)
        if lang not in LANGS:
            raise CatalogueError(f"{place}: lang must be en or zh")
        rule_id = str(raw.get("id", f"{lang}.{index + 1}"))
        rule = _pattern_rule(raw, place, f"{flag_id}.{rule_id}")
        patterns.append(Pattern(
            rule_id=rule_id,
            lang=lang,
            rule=rule,
            weight=float(raw.get("weight", 1.0)),
            requires_context=bool(raw.get("requires_context", False)),
        ))
    extractor = data.get("extractor")
    if not patterns and not extractor:
        raise CatalogueError(f"{where}: a flag needs patterns or an extractor")
    context = _per_lang(data.get("context", {}), f"{where} [context]")
    negation_section = dict(data.get("negation", {}))
    mode = negation_section.pop("mode", "default")
    negation = _per_lang(negation_section, f"{where} [negation]")
    defaults = _per_lang(common.get("negation", {}), "_common.toml [negation]")
    if mode == "default":
        negation = {lang: defaults.get(lang, []) + negation.get(lang, []) for lang in LANGS}
    elif mode != "replace":
        raise CatalogueError(f"{where}: negation.mode must be 'default' or 'replace'")
    examples = data.get("examples", {})
    positive = {lang: tuple(examples.get(f"{lang}_positive", [])) for lang in LANGS}
    negative = {lang: tuple(examples.get(f"{lang}_negative", [])) for lang in LANGS}
    return FlagSpec(
        id=flag_id,
        version=_require(data, "version", int, where),
        family=_require(data, "family", str, where),
        kind=kind,
        name_en=_require(names, "en", str, f"{where} [name]"),
        name_zh=_require(names, "zh", str, f"{where} [name]"),
        rationale=str(data.get("rationale", "")).strip(),
        sources=tuple(data.get("sources", [])),
        patterns=tuple(patterns),
        context=MappingProxyType({
            lang: _cue_rule(context.get(lang, []), f"{where} [context]", f"{flag_id}.context.{lang}")
            for lang in LANGS
        }),
        negation=MappingProxyType({
            lang: _cue_rule(negation.get(lang, []), f"{where} [negation]",
                            f"{flag_id}.negation.{lang}")
            for lang in LANGS
        }),
        examples=Examples(MappingProxyType(positive), MappingProxyType(negative)),
        extractor=extractor,
        params=MappingProxyType(dict(data.get("params", {}))),
        weight=float(data.get("weight", 1.0)),
    )


def load_catalogue(directory: Path | str | None = None) -> tuple[FlagSpec, ...]:
    """Load every flag file of a catalogue directory.

    Parameters
    ----------
    directory : path, optional
        Folder of ``*.toml`` flag files; the shipped catalogue when omitted.

    Returns
    -------
    tuple of FlagSpec
        Sorted by id.

    Raises
    ------
    CatalogueError
        When a file is malformed, a pattern is unsafe or two flags share an id.
    """
    folder = Path(directory) if directory is not None else default_catalogue_dir()
    if not folder.is_dir():
        raise CatalogueError(f"catalogue folder {folder} does not exist")
    common_file = folder / "_common.toml"
    common = tomllib.loads(common_file.read_text("utf-8")) if common_file.exists() else {}
    specs: dict[str, FlagSpec] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.name.startswith("_"):
            continue
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise CatalogueError(f"{path.name}: not valid TOML: {error}") from error
        spec = parse_flag(data, path.name, common)
        if spec.id in specs:
            raise CatalogueError(f"{path.name}: duplicate flag id '{spec.id}'")
        specs[spec.id] = spec
    if not specs:
        raise CatalogueError(f"catalogue folder {folder} holds no flag files")
    return tuple(specs[key] for key in sorted(specs))
