"""A case report: one self-contained, printable HTML file about one scored text.

What an investigator puts in a case file: the original text with the evidence highlighted, each
red flag with its parsed value, rationale and evidence spans, the wording model's strongest
n-grams, the score, its band and what that band has meant on held-out data, the text's kind and
language, the model version and booster checksum, the SHA-256 of the text and the time of
scoring, in English or Chinese.

The text is hostile. Everything from it (and from the assessment: flag names, notes, n-grams,
file names) is HTML-escaped; the page has inline CSS only, no script, no external resource, and a
Content-Security-Policy that forbids both, so even a mistake in escaping could not run code or
call out. Print it (or "Save as PDF" in any browser); the print stylesheet keeps the colours.

Examples
--------
>>> import ponzidetect
>>> page = case_report(ponzidetect.Detector(), "Guaranteed 2% daily, paid from new members!")
>>> page.startswith("<!DOCTYPE html>") and "2% daily" in page
True
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import __version__
from .assessment import DISCLAIMER_EN, DISCLAIMER_ZH, NO_EVIDENCE_ZH
from .display import band_label, format_probability, format_value, kind_label, language_label
from .highlight import Span, highlight_html, spans_from_flags, spans_from_wording

if TYPE_CHECKING:
    from .detector import Detector
    from .engine import Registry

__all__ = ["case_report", "render_case_report", "report_filename", "text_sha256"]

LANGS = ("en", "zh")
BAND_COLOURS = {"low": "#15803d", "medium": "#c2410c", "high": "#b91c1c"}
MAX_WORDING = 8
_SPACES = re.compile(r"\s{1,60}")

# key: (English, Chinese)
STRINGS: dict[str, tuple[str, str]] = {
    "title": ("ponzidetect case report", "ponzidetect 案件报告"),
    "case": ("Case", "案件"),
    "source": ("Source", "来源"),
    "score": ("Score", "风险概率"),
    "band": ("Risk band", "风险等级"),
    "threshold": ("High band starts at", "高风险阈值"),
    "band_meaning": ("What the band means", "该等级的含义"),
    "band_unmeasured": ("Not measured for this model yet (no held-out evaluation in its "
                        "metadata).", "该模型尚未记录留出数据评估，暂无实测含义。"),
    "kind": ("Reads as", "文本类型"),
    "kind_probs": ("Kind probabilities", "各类型概率"),
    "language": ("Language", "语言"),
    "model": ("Model version", "模型版本"),
    "booster": ("Booster SHA-256", "模型（booster）SHA-256"),
    "text_hash": ("SHA-256 of the text (UTF-8)", "文本 SHA-256（UTF-8）"),
    "source_hash": ("SHA-256 of the source file", "源文件 SHA-256"),
    "chars": ("Characters", "字符数"),
    "scored_at": ("Scored at (UTC)", "评估时间（UTC）"),
    "software": ("Software", "软件"),
    "facts": ("Facts of this assessment", "评估要素"),
    "red_flags": ("Red flags, strongest first", "风险信号（按贡献从高到低）"),
    "no_red_flags": ("No catalogued red flag fired in this text.", "该文本未触发目录中的风险信号。"),
    "context_flags": ("Context flags (they tell who is speaking; never counted as red flags)",
                      "语境信号（用于判断文本语态，不计为风险信号）"),
    "negated": ("Cleared by a negation or disclaimer", "已被否定或免责声明排除"),
    "col_flag": ("Flag", "信号"),
    "col_value": ("Parsed value", "解析值"),
    "col_contribution": ("Contribution (log-odds)", "贡献（对数几率）"),
    "col_rationale": ("Why it matters", "依据"),
    "col_evidence": ("Evidence in the text [offsets]", "原文证据 [位置]"),
    "wording": ("Wording model: the character n-grams that moved the score",
                "措辞模型：影响分数最多的字符 n-gram"),
    "wording_note": ("The wording model adds {contribution} log-odds to the score. Its n-grams "
                     "are not red flags: they say the text is worded like the schemes (or the "
                     "ordinary texts) the model was trained on.",
                     "措辞模型为分数贡献 {contribution}（对数几率）。这些 n-gram 不是风险信号，"
                     "只说明文本的措辞与训练语料中的资金盘（或普通文本）相似。"),
    "wording_up": ("Pushing the score up", "推高分数"),
    "wording_down": ("Pulling the score down", "拉低分数"),
    "col_ngram": ("n-gram", "n-gram"),
    "col_count": ("Times", "次数"),
    "col_where": ("Where (first occurrence)", "出现位置（首次）"),
    "no_wording": ("The wording was not explained for this score.", "本次评估未展开措辞模型。"),
    "text": ("The text, with the evidence highlighted", "原文（高亮显示证据）"),
    "legend": ("Legend", "图例"),
    "legend_raise": ("red flag that raises the score", "提高分数的风险信号"),
    "legend_lower": ("flag that lowers it", "降低分数的信号"),
    "legend_flat": ("found, little effect on the score", "已发现，对分数影响很小"),
    "legend_neg": ("negated (cleared)", "已被否定（不计入）"),
    "legend_wording": ("wording n-gram that pushes the score up", "推高分数的措辞 n-gram"),
    "gated": ("The wording resembles schemes but no catalogued red flag fired, so the score was "
              "capped below the high band.",
              "措辞与资金盘相似，但未发现目录中的风险信号，因此分数被限制在高风险阈值之下。"),
    "verify": ("To check that this report is about the text you hold, compute the SHA-256 of the "
               "text saved as UTF-8 (for example `sha256sum`) and compare it with the one above.",
               "如需核对本报告对应的文本，请将文本以 UTF-8 保存并计算其 SHA-256（例如 `sha256sum`），"
               "与上方数值比较。"),
    "wording_label": ("wording model", "措辞模型"),
}


def _t(key: str, lang: str, **values: object) -> str:
    english, chinese = STRINGS[key]
    text = chinese if lang == "zh" else english
    return text.format(**values) if values else text


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def text_sha256(text: str) -> str:
    """SHA-256 of ``text`` encoded as UTF-8, in hex.

    Examples
    --------
    >>> text_sha256("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def report_filename(case_id: object = None, text: str | None = None) -> str:
    """A safe file name for a report: ``case-<id>.html`` (id reduced to ``[A-Za-z0-9._-]``),
    else ``case-<first 12 hex of the text's SHA-256>.html``.

    Examples
    --------
    >>> report_filename("A/17 <x>")
    'case-A_17__x_.html'
    >>> report_filename(None, "abc")
    'case-ba7816bf8f01.html'
    """
    if case_id is not None and str(case_id).strip():
        safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_"
                       for c in str(case_id).strip())[:80].strip(".")
        if safe:
            return f"case-{safe}.html"
    return f"case-{text_sha256(text or '')[:12]}.html"


_CSS = """
:root{color-scheme:light}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",
 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#111827;background:#fff;
 margin:0 auto;max-width:60rem;padding:1.5rem 1.5rem 3rem;line-height:1.5;font-size:11pt}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.1rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #d1d5db;padding-bottom:.2rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
.sub{color:#4b5563;margin:0 0 1rem}
.verdict{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;margin:.5rem 0 1rem}
.badge{display:inline-block;color:#fff;font-weight:700;font-size:1.25rem;padding:.35rem 1rem;
 border-radius:.4rem}
.disclaimer{border-left:4px solid #b45309;background:#fffbeb;padding:.5rem .8rem;margin:.8rem 0}
.note{border-left:4px solid #6b7280;background:#f3f4f6;padding:.5rem .8rem;margin:.8rem 0}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}
th,td{border:1px solid #d1d5db;padding:.3rem .45rem;vertical-align:top;text-align:left}
th{background:#f3f4f6;font-weight:600}
table.facts th{width:16rem}
td.flag{min-width:10rem}
td.ev{min-width:12rem}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;
 overflow-wrap:anywhere}
q{quotes:"“" "”"}
.pd-text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.8;border:1px solid #d1d5db;
 border-radius:6px;padding:.75rem 1rem;unicode-bidi:isolate}
mark{color:#111827;border-radius:3px;padding:0 1px}
mark.pd-raise{background:#fde68a}
mark.pd-lower{background:#bfdbfe}
mark.pd-flat{background:#fef9c3;border-bottom:1px dashed #a16207}
mark.pd-neg{background:#e5e7eb;color:#6b7280;text-decoration:line-through}
mark.pd-wording{background:transparent;border-bottom:2px dotted #b91c1c}
.legend mark{margin-right:.2rem}
.legend span{margin-right:1rem;white-space:nowrap}
footer{margin-top:2rem;color:#4b5563;font-size:.9em}
@media print{
 body{max-width:none;padding:0;font-size:10pt}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 h2{break-after:avoid}
 tr,.verdict{break-inside:avoid}
 @page{margin:16mm 14mm}
}
"""


def render_case_report(text: str, assessment: Mapping[str, Any], *, lang: str = "en",
                       band_meaning: str = "", booster_sha256: str = "",
                       rationales: Mapping[str, str] | None = None,
                       scored_at: datetime | None = None, source: str | None = None,
                       source_sha256: str | None = None, case_id: object = None) -> str:
    """The case report of one assessed text as a complete HTML document.

    Parameters
    ----------
    text : str
        The text exactly as scored (evidence offsets point into it).
    assessment : mapping
        ``Assessment.to_dict()``, a batch row's ``assessment`` or an ``--explain`` line.
    lang : str
        ``en`` or ``zh``.
    band_meaning : str
        What the band has meant on held-out data (``Detector.band_meaning``); empty when not
        measured.
    booster_sha256 : str
        Checksum of the model's booster (``meta.json``).
    rationales : mapping, optional
        Flag id to rationale (the catalogue's ``rationale``).
    scored_at : datetime, optional
        When the text was scored (now when None); shown in UTC.
    source : str, optional
        Where the text came from (a file name, an uploaded table's name and row).
    source_sha256 : str, optional
        SHA-256 of the source file's bytes, when the text came from a file.
    case_id : object, optional
        The case or row id, shown in the header.

    Returns
    -------
    str
        ``<!DOCTYPE html>...``: UTF-8, inline CSS, no script, no external resource.
    """
    lang = lang if lang in LANGS else "en"
    rationales = rationales or {}
    scored_at = (scored_at or datetime.now(UTC)).astimezone(UTC)
    risk = str(assessment.get("risk", ""))
    probability = assessment.get("probability")
    flags = [f for f in assessment.get("flags") or () if f.get("fired") or f.get("evidence")]
    red = [f for f in flags if f.get("kind") == "red_flag" and f.get("fired")]
    context = [f for f in flags if f.get("kind") != "red_flag" and f.get("fired")]
    negated = [f for f in flags if not f.get("fired")]
    wording = assessment.get("wording")

    spans: list[Span] = spans_from_flags(flags, lang)
    # wording n-grams are marked only outside the flags' evidence, so each piece of evidence
    # stays one mark
    spans += [w for w in spans_from_wording(wording, _t("wording_label", lang))
              if not any(w.start < s.end and s.start < w.end for s in spans)]
    title = _t("title", lang) + (f" · {case_id}" if case_id not in (None, "") else "")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-Hans" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        'style-src \'unsafe-inline\'; img-src data:">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{_e(_t('title', lang))}</h1>",
        f'<p class="sub">{_e(_header_line(lang, case_id, source, scored_at))}</p></header>',
        _verdict(risk, probability, band_meaning, lang),
        f'<div class="disclaimer">{_e(DISCLAIMER_ZH if lang == "zh" else DISCLAIMER_EN)}</div>',
    ]
    if assessment.get("gated"):
        parts.append(f'<div class="note">{_e(_t("gated", lang))}</div>')
    elif assessment.get("evidence_note"):
        note = NO_EVIDENCE_ZH if lang == "zh" else assessment["evidence_note"]
        parts.append(f'<div class="note">{_e(note)}</div>')
    parts.append(_facts(text, assessment, lang, band_meaning, booster_sha256, scored_at,
                        source, source_sha256))
    parts.append(f"<h2>{_e(_t('red_flags', lang))}</h2>")
    parts.append(_flag_table(red, lang, rationales) if red
                 else f"<p>{_e(_t('no_red_flags', lang))}</p>")
    if context:
        parts.append(f"<h2>{_e(_t('context_flags', lang))}</h2>")
        parts.append(_flag_table(context, lang, rationales))
    if negated:
        parts.append(f"<h2>{_e(_t('negated', lang))}</h2>")
        parts.append(_flag_table(negated, lang, rationales))
    parts.append(_wording_section(text, wording, lang))
    parts.append(f"<h2>{_e(_t('text', lang))}</h2>")
    parts.append(_legend(lang))
    parts.append(highlight_html(text, spans, styles={}))
    parts.append(f"<footer><p>{_e(_t('verify', lang))}</p>"
                 f"<p>ponzidetect {_e(__version__)} · {_e(assessment.get('model_version', ''))}"
                 "</p></footer></body></html>")
    return "\n".join(parts) + "\n"


def _header_line(lang: str, case_id: object, source: str | None, scored_at: datetime) -> str:
    bits = []
    if case_id not in (None, ""):
        bits.append(f"{_t('case', lang)}: {case_id}")
    if source:
        bits.append(f"{_t('source', lang)}: {source}")
    bits.append(f"{_t('scored_at', lang)}: {scored_at.strftime('%Y-%m-%d %H:%M:%S')}")
    return " · ".join(bits)


def _verdict(risk: str, probability: object, band_meaning: str, lang: str) -> str:
    colour = BAND_COLOURS.get(risk, "#4b5563")
    shown = format_probability(None if probability is None else float(probability))  # type: ignore[arg-type]
    meaning = band_meaning or _t("band_unmeasured", lang)
    return (f'<div class="verdict"><span class="badge pd-risk-{_e(risk)}" '
            f'style="background:{colour}">{_e(band_label(risk, lang))} · {_e(shown)}</span>'
            f"<span>{_e(meaning)}</span></div>")


def _facts(text: str, assessment: Mapping[str, Any], lang: str, band_meaning: str,
           booster_sha256: str, scored_at: datetime, source: str | None,
           source_sha256: str | None) -> str:
    probability = assessment.get("probability")
    kinds = assessment.get("kind_probabilities") or {}
    if isinstance(kinds, Mapping):
        kind_items = sorted(kinds.items(), key=lambda kv: -float(kv[1]))
    else:  # a tuple of pairs, as on the Assessment itself
        kind_items = [(k, p) for k, p in kinds]
    kind_probs = ", ".join(f"{kind_label(k, lang)} {format_probability(float(p))}"
                           for k, p in kind_items)
    rows: list[tuple[str, str, bool]] = [
        ("score", format_probability(None if probability is None else float(probability)), False),
        ("band", band_label(str(assessment.get("risk", "")), lang), False),
        ("threshold", format_probability(float(assessment.get("threshold") or 0.0)), False),
        ("band_meaning", band_meaning or _t("band_unmeasured", lang), False),
        ("kind", kind_label(str(assessment.get("text_kind", "")), lang), False),
        ("kind_probs", kind_probs, False),
        ("language", language_label(str(assessment.get("language", "")), lang), False),
        ("chars", f"{len(text):,}", False),
        ("text_hash", text_sha256(text), True),
    ]
    if source:
        rows.append(("source", source, False))
    if source_sha256:
        rows.append(("source_hash", source_sha256, True))
    rows += [
        ("scored_at", scored_at.strftime("%Y-%m-%d %H:%M:%S"), False),
        ("model", str(assessment.get("model_version", "")), True),
        ("booster", booster_sha256 or "—", True),
        ("software", f"ponzidetect {__version__}", False),
    ]
    body = "".join(
        f"<tr><th>{_e(_t(key, lang))}</th><td>"
        + (f'<code class="mono">{_e(value)}</code>' if mono else _e(value)) + "</td></tr>"
        for key, value, mono in rows)
    return f"<h2>{_e(_t('facts', lang))}</h2><table class=\"facts\">{body}</table>"


def _flag_table(flags: Sequence[Mapping[str, Any]], lang: str,
                rationales: Mapping[str, str]) -> str:
    head = "".join(f"<th>{_e(_t(key, lang))}</th>" for key in
                   ("col_flag", "col_value", "col_contribution", "col_rationale", "col_evidence"))
    rows = []
    for flag in flags:
        name_main = flag.get("name_zh" if lang == "zh" else "name_en") or flag.get("id", "")
        name_other = flag.get("name_en" if lang == "zh" else "name_zh") or ""
        evidence = "<br>".join(
            f"<q>{_e(e.get('text', ''))}</q> <span class=\"mono\">[{int(e['start'])}–"
            f"{int(e['end'])}]</span>" + (" ✗" if e.get("negated") else "")
            for e in flag.get("evidence") or ())
        rows.append(
            f"<tr><td class=\"flag\"><strong>{_e(name_main)}</strong><br>{_e(name_other)}<br>"
            f'<code class="mono">{_e(flag.get("id", ""))}</code></td>'
            f"<td>{_e(format_value(flag.get('value'), flag.get('unit'), lang))}</td>"
            f'<td class="num">{float(flag.get("contribution") or 0.0):+.3f}</td>'
            f"<td>{_e(rationales.get(str(flag.get('id', '')), ''))}</td>"
            f"<td class=\"ev\">{evidence}</td></tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _wording_section(text: str, wording: Mapping[str, Any] | None, lang: str) -> str:
    parts = [f"<h2>{_e(_t('wording', lang))}</h2>"]
    if not wording:
        parts.append(f"<p>{_e(_t('no_wording', lang))}</p>")
        return "".join(parts)
    contribution = f"{float(wording.get('contribution') or 0.0):+.3f}"
    parts.append(f"<p>{_e(_t('wording_note', lang, contribution=contribution))}</p>")
    for key, terms in (("wording_up", wording.get("up") or ()),
                       ("wording_down", wording.get("down") or ())):
        if not terms:
            continue
        head = "".join(f"<th>{_e(_t(k, lang))}</th>" for k in
                       ("col_ngram", "col_contribution", "col_count", "col_where"))
        rows = []
        for term in list(terms)[:MAX_WORDING]:
            spans = term.get("spans") or ()
            where = ""
            if spans:
                start, end = int(spans[0]["start"]), int(spans[0]["end"])
                where = (f"…{_e(_one_line(text[max(0, start - 24):start]))}"
                         f"<mark class=\"pd-wording\">{_e(text[start:end])}</mark>"
                         f"{_e(_one_line(text[end:end + 24]))}… "
                         f"<span class=\"mono\">[{start}–{end}]</span>")
            rows.append(f'<tr><td><code class="mono">{_e(repr(str(term.get("ngram", ""))))}</code>'
                        f'</td><td class="num">{float(term.get("contribution") or 0.0):+.4f}</td>'
                        f'<td class="num">{int(term.get("count") or 0)}</td><td>{where}</td></tr>')
        parts.append(f"<h3>{_e(_t(key, lang))}</h3><table><thead><tr>{head}</tr></thead>"
                     f"<tbody>{''.join(rows)}</tbody></table>")
    return "".join(parts)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text)


def _legend(lang: str) -> str:
    items = "".join(f'<span><mark class="pd-{style}">&nbsp;&nbsp;&nbsp;</mark>'
                    f"{_e(_t('legend_' + style, lang))}</span>"
                    for style in ("raise", "lower", "flat", "neg", "wording"))
    return f'<p class="legend"><strong>{_e(_t("legend", lang))}:</strong> {items}</p>'


def case_report(detector: Detector, text: str, *, lang: str = "en",
                assessment: Mapping[str, Any] | None = None, scored_at: datetime | None = None,
                source: str | None = None, source_bytes: bytes | None = None,
                case_id: object = None) -> str:
    """Score ``text`` (unless ``assessment`` is given) and render its case report.

    Parameters
    ----------
    detector : Detector
        Supplies the model's booster checksum, the band meaning and the flags' rationales.
    text : str
        The text to report on.
    lang : str
        ``en`` or ``zh``.
    assessment : mapping, optional
        An existing ``Assessment.to_dict()`` of ``text`` (scored now when None).
    scored_at : datetime, optional
        When it was scored (now when None).
    source : str, optional
        Where the text came from.
    source_bytes : bytes, optional
        The source file's bytes, for their SHA-256.
    case_id : object, optional
        Case or row id.

    Returns
    -------
    str
        The HTML document (see :func:`render_case_report`).
    """
    if assessment is None:
        assessment = detector.score(text).to_dict()
        scored_at = scored_at or datetime.now(UTC)
    meta = detector.model.meta
    return render_case_report(
        text, assessment, lang=lang,
        band_meaning=detector.band_meaning(str(assessment.get("risk", "")), lang)
        if assessment.get("risk") else "",
        booster_sha256=str(meta.get("booster_sha256", "")),
        rationales=_rationales(detector.model.registry),
        scored_at=scored_at, source=source,
        source_sha256=hashlib.sha256(source_bytes).hexdigest() if source_bytes is not None
        else None,
        case_id=case_id)


def _rationales(registry: Registry) -> dict[str, str]:
    return {spec.id: spec.rationale for spec in registry}
