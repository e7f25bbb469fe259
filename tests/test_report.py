"""Case reports: self-contained, escaped, complete, in English and Chinese."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

import ponzidetect
from ponzidetect.report import case_report, render_case_report, report_filename, text_sha256

EN = ("Guaranteed returns of 2% daily, paid from the deposits of new members! Earn 10% of your "
      "referrals' deposits, 5 levels deep. Register today.")
ZH = "保本保息，日息百分之二，推荐一人拿百分之十，十代收益。"
HOSTILE = ('<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & '
           "Guaranteed 3% daily returns, paid from new members! <a href='http://evil'>x</a>")
WHEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def detector() -> ponzidetect.Detector:
    try:
        return ponzidetect.Detector()
    except ponzidetect.ModelError as error:
        pytest.skip(f"the shipped model does not load (retrain it): {error}")


def visible(page: str) -> str:
    body = page.split("<body>", 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", "", body.replace("<br>", "\n")))


@pytest.mark.parametrize(("text", "lang", "words"), [
    pytest.param(EN, "en", ["High risk", "Red flags, strongest first", "SHA-256 of the text",
                            "Booster SHA-256", "Scored at (UTC)", "2026-12-01 09:30:00",
                            "Automated triage aid, not a verdict.", "Pushing the score up",
                            "English", "% a year"], id="en"),
    pytest.param(ZH, "zh", ["高风险", "风险信号（按贡献从高到低）", "文本 SHA-256", "评估时间（UTC）",
                            "自动化初筛辅助，不是定性结论。", "推高分数", "中文", "年化"], id="zh"),
])
def test_report_holds_the_case_facts(detector, text, lang, words):
    page = case_report(detector, text, lang=lang, scored_at=WHEN, case_id="A-17")
    shown = visible(page)
    for word in words:
        assert word in shown, word
    assessment = detector.score(text)
    assert text_sha256(text) in shown
    assert assessment.model_version in shown
    assert detector.model.meta["booster_sha256"] in shown
    for flag in assessment.red_flags:
        assert (flag.name_zh if lang == "zh" else flag.name_en) in shown
        rationale = next(s.rationale for s in detector.model.registry if s.id == flag.flag_id)
        assert html.escape(rationale, quote=True)[:40] in page
        for evidence in flag.evidence:
            assert f"{evidence.text} [{evidence.start}–{evidence.end}]" in shown
    assert "A-17" in shown


def test_report_highlights_every_evidence_span(detector):
    page = case_report(detector, EN, scored_at=WHEN)
    block = page.split('<div class="pd-text">', 1)[1].split("</div>", 1)[0]
    assert html.unescape(re.sub(r"<[^>]+>", "", block)) == EN
    marked = {html.unescape(m) for m in re.findall(r'<mark class="pd-(?:raise|flat|lower)"[^>]*>'
                                                   r"(.*?)</mark>", block)}
    for flag in detector.score(EN).red_flags:
        for evidence in flag.evidence:
            assert any(evidence.text in m or m in evidence.text for m in marked), evidence.text


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def test_report_escapes_hostile_text_and_loads_nothing(detector):
    page = case_report(detector, HOSTILE, scored_at=WHEN, source="<b>x.txt</b>",
                       case_id='"><script>')
    parser = Tags()
    parser.feed(page)
    assert parser.tags <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2",
                           "h3", "p", "div", "span", "table", "thead", "tbody", "tr", "th", "td",
                           "strong", "code", "q", "mark", "br", "footer"}
    assert parser.attributes <= {"lang", "charset", "http-equiv", "content", "name", "class",
                                 "style", "title"}
    assert "default-src 'none'" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert HOSTILE in visible(page)


def test_report_from_a_dict_without_wording_or_band_meaning():
    assessment = {"probability": 0.42, "risk": "medium", "threshold": 0.6, "language": "en",
                  "text_kind": "promotion", "kind_probabilities": {"promotion": 0.9, "other": 0.1},
                  "model_version": "m@1", "flags": [], "wording": None}
    page = render_case_report("plain text", assessment, scored_at=WHEN)
    shown = visible(page)
    assert "Medium risk · 42.0%" in shown
    assert "Not measured for this model yet" in shown
    assert "No catalogued red flag fired" in shown
    assert "The wording was not explained" in shown


@pytest.mark.parametrize(("case_id", "text", "expected"), [
    ("A-17", None, "case-A-17.html"),
    ("../../etc/passwd", None, "case-_.._etc_passwd.html"),
    ("案件 7", None, "case-___7.html"),
    (None, "abc", "case-ba7816bf8f01.html"),
    ("   ", "abc", "case-ba7816bf8f01.html"),
])
def test_report_filename_is_safe(case_id, text, expected):
    assert report_filename(case_id, text) == expected
