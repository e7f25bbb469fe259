"""The one-text commands of the CLI: ``check`` (score and evidence on the terminal) and
``report`` (a case report file), and reading one text with messages that name the fix."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["Source", "add_case_commands", "for_terminal", "read_source"]

_TABLE_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".parquet", ".xlsx"}


@dataclass(frozen=True)
class Source:
    """One text read for a command: the text, where it came from and the raw bytes."""

    text: str
    name: str
    data: bytes


def for_terminal(text: str, one_line: bool = False) -> str:
    """``text`` safe to print: control and invisible formatting characters (ANSI escapes,
    bidi overrides, zero-width characters) are shown as ``\\uXXXX``; with ``one_line`` line
    breaks and tabs too.

    Examples
    --------
    >>> for_terminal("ok\\x1b[31m red \\u202e")
    'ok\\\\u001b[31m red \\\\u202e'
    """
    keep = "" if one_line else "\n\t"
    return "".join(c if c in keep or unicodedata.category(c) not in ("Cc", "Cf", "Co", "Cs")
                   else f"\\u{ord(c):04x}" for c in text)


def read_source(source: str, encoding: str | None, command: str) -> Source:
    """Read the text of a file (txt/html/pdf/docx) or of stdin (``-``).

    Raises
    ------
    SystemExit
        With a message that names the fix: a text given where a file was expected, a table
        given to a one-text command, an empty input.
    """
    from .textio import document_text

    if source == "-":
        data = sys.stdin.buffer.read()
        name = "stdin"
        text = document_text("stdin.txt", data, encoding)
    else:
        path = Path(source)
        if not path.is_file():
            shown = for_terminal(source, one_line=True)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            hint = ("to check a text, use `ponzidetect check \"TEXT\"` or pipe it: "
                    f"`echo \"TEXT\" | ponzidetect {command} -`")
            if path.is_dir():
                raise SystemExit(f"ponzidetect {command}: {shown}: is a folder, not a file; "
                                 "give one text file (txt/html/pdf/docx)")
            raise SystemExit(f"ponzidetect {command}: {shown!r}: no such file; {hint}")
        if path.suffix.lower() in _TABLE_SUFFIXES:
            raise SystemExit(f"ponzidetect {command}: {for_terminal(path.name)} is a table; score "
                             f"every row with `ponzidetect score {for_terminal(source)} -o "
                             "scored.csv` (this command reads one text: txt/html/pdf/docx)")
        data = path.read_bytes()
        name = path.name
        text = document_text(path.name, data, encoding)
    if not text.strip():
        raise SystemExit(f"ponzidetect {command}: {for_terminal(name)} holds no text to score")
    return Source(text=text, name=name, data=data)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _fit(text: str, width: int) -> str:
    """Cut (with ``…``) or pad ``text`` to ``width`` terminal columns (CJK counts double)."""
    if _width(text) <= width:
        return text + " " * (width - _width(text))
    out, used = [], 0
    for char in text:
        size = _width(char)
        if used + size > width - 1:
            break
        out.append(char)
        used += size
    return "".join(out) + "…" + " " * (width - 1 - used)


def check_lines(text: str, assessment: dict, lang: str = "en", band_meaning: str = "") -> list[str]:
    """The lines ``ponzidetect check`` prints for one assessment."""
    from .display import band_label, format_probability, format_value, kind_label, language_label

    zh = lang == "zh"
    flags = [f for f in assessment.get("flags") or () if f.get("fired") or f.get("evidence")]
    lines = [
        f"{band_label(assessment['risk'], lang)} · {format_probability(assessment['probability'])}"
        f"   ({'高风险阈值' if zh else 'high band from'} "
        f"{format_probability(assessment['threshold'])})",
        f"{'文本类型' if zh else 'reads as'}: {kind_label(assessment.get('text_kind', ''), lang)}"
        f" · {'语言' if zh else 'language'}: {language_label(assessment.get('language', ''), lang)}"
        f" · {'模型' if zh else 'model'}: {assessment.get('model_version', '')}",
    ]
    if band_meaning:
        lines.append(band_meaning)
    if assessment.get("evidence_note"):
        lines.append(("注意：" if zh else "note: ") + assessment["evidence_note"])
    groups = (("red_flag", True, "风险信号（按贡献从高到低）" if zh else "red flags, strongest first"),
              ("context", True, "语境信号（不计为风险信号）" if zh else
               "context flags (who is speaking; never red flags)"),
              (None, False, "已被否定" if zh else "cleared by a negation or disclaimer"))
    header = ("信号" if zh else "flag", "解析值" if zh else "value",
              "贡献" if zh else "contrib", "证据 [位置]" if zh else "evidence [offsets]")
    for kind, fired, title in groups:
        rows = [f for f in flags if bool(f.get("fired")) == fired
                and (kind is None or (f.get("kind") == "red_flag") == (kind == "red_flag"))]
        if not rows:
            if kind == "red_flag":
                lines += ["", "未发现目录中的风险信号。" if zh else "no catalogued red flag fired"]
            continue
        lines += ["", title,
                  f"  {_fit(header[0], 34)} {_fit(header[1], 16)} {_fit(header[2], 8)} {header[3]}"]
        for flag in rows:
            name = flag.get("name_zh" if zh else "name_en") or flag.get("id", "")
            evidence = "; ".join(
                f"“{for_terminal(' '.join(e['text'].split()), one_line=True)}” "
                f"[{e['start']}-{e['end']}]" for e in (flag.get("evidence") or ())[:3])
            more = len(flag.get("evidence") or ()) - 3
            if more > 0:
                evidence += f" (+{more})"
            value = format_value(flag.get("value"), flag.get("unit"), lang)
            contribution = f"{float(flag.get('contribution') or 0.0):+.3f}"
            lines.append(f"  {_fit(for_terminal(name, True), 34)} {_fit(value, 16)} "
                         f"{_fit(contribution, 8)} {evidence}")
    wording = assessment.get("wording")
    if wording:
        up = ", ".join(repr(t["ngram"].strip()) for t in wording.get("up", [])[:6])
        down = ", ".join(repr(t["ngram"].strip()) for t in wording.get("down", [])[:6])
        lines += ["", f"{'措辞模型' if zh else 'wording model'}: "
                      f"{float(wording.get('contribution') or 0.0):+.3f} log-odds; "
                      f"{'推高' if zh else 'up'}: {for_terminal(up, True)}; "
                      f"{'拉低' if zh else 'down'}: {for_terminal(down, True)}"]
    lines += ["", "自动化初筛辅助，不是定性结论。" if zh else "Automated triage aid, not a verdict."]
    return lines


def cmd_check(args: argparse.Namespace) -> int:
    from .detector import Detector
    from .report import text_sha256

    if args.text == "-":
        text = read_source("-", args.encoding, "check").text
    else:
        text = args.text
        if not text.strip():
            raise SystemExit("ponzidetect check: the text is empty; give a text in quotes, or - "
                             "to read it from stdin")
        if Path(text).is_file() and len(text) < 300:
            print(f"ponzidetect check: note: scoring the words {for_terminal(text)!r}, not the "
                  f"file of that name; for the file use `ponzidetect check - < "
                  f"{for_terminal(text)}` or `ponzidetect report {for_terminal(text)} -o "
                  "case.html`", file=sys.stderr)
    detector = Detector(args.model)
    assessment = detector.score(text).to_dict()
    if args.json:
        payload = {"text_sha256": text_sha256(text), "characters": len(text), **assessment,
                   "band_meaning": detector.band_meaning(assessment["risk"], args.lang)}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    lines = check_lines(text, assessment, args.lang,
                        detector.band_meaning(assessment["risk"], args.lang))
    print("\n".join(lines))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .detector import Detector
    from .report import case_report, report_filename

    source = read_source(args.file, args.encoding, "report")
    detector = Detector(args.model)
    page = case_report(detector, source.text, lang=args.lang, source=source.name,
                       source_bytes=source.data if args.file != "-" else None,
                       case_id=args.case_id, scored_at=datetime.now(UTC))
    if args.output == "-":
        sys.stdout.write(page)
        return 0
    output = Path(args.output)
    if output.is_dir():
        output = output / report_filename(args.case_id, source.text)
    if args.file != "-" and output.resolve() == Path(args.file).resolve():
        raise SystemExit("ponzidetect report: the report would overwrite the input; choose "
                         "another -o path")
    output.write_text(page, encoding="utf-8")
    print(f"case report written to {output} (open it in a browser; print or save as PDF from "
          "there)", file=sys.stderr)
    return 0


def add_case_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``check`` and ``report`` on the CLI's subcommands."""
    check = sub.add_parser(
        "check", help="score one text given on the command line (or stdin) and show why",
        description="Score one text and print its risk band, probability, kind and the evidence "
                    "of each red flag in a table.")
    check.add_argument("text", help="the text itself, in quotes, or - to read it from stdin")
    check.add_argument("--json", action="store_true",
                       help="print the full assessment as JSON (with the text's SHA-256)")
    check.add_argument("--lang", choices=("en", "zh"), default="en",
                       help="language of the labels (default en)")
    check.add_argument("--encoding", help="encoding of stdin (detected when omitted)")
    check.add_argument("--model", help="model directory (default: the shipped model)")
    check.set_defaults(func=cmd_check)

    report = sub.add_parser(
        "report", help="write a case report (one printable HTML file) for one text",
        description="Score one text and write a self-contained, printable HTML case report: "
                    "the text with the evidence highlighted, each flag's value and rationale, "
                    "the wording's n-grams, score, band and its meaning, kind, language, model "
                    "version and checksum, the text's SHA-256 and the time of scoring.")
    report.add_argument("file", help="text/HTML/PDF/DOCX file, or - for stdin")
    report.add_argument("-o", "--output", required=True,
                        help="the HTML file to write (a folder: case-<id>.html in it; - for "
                             "stdout)")
    report.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the report (default en)")
    report.add_argument("--case-id", help="case or row id shown in the report and its file name")
    report.add_argument("--encoding", help="force the text encoding (detected when omitted)")
    report.add_argument("--model", help="model directory (default: the shipped model)")
    report.set_defaults(func=cmd_report)
