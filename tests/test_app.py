"""The Streamlit app: rendering helpers, batch logic, and every page's main flow (AppTest)."""

from __future__ import annotations

import html
import io
import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "app"
APP = APP_DIR / "streamlit_app.py"
if str(APP_DIR) not in sys.path:
    sys.path.insert(0, str(APP_DIR))

from triage import batch, render  # noqa: E402
from triage.i18n import STRINGS, t  # noqa: E402
from triage.inputs import TextDecodeError, text_to_score  # noqa: E402
from triage.render import Span, highlight_html  # noqa: E402

import ponzidetect  # noqa: E402
from ponzidetect.display import format_probability  # noqa: E402

EN_SCHEME = (
    "DBTC Digital Coin: the price is fixed at 3 RMB and will only rise. Join now with an entry "
    "package of 1,000 RMB. There are 10 ranks, from Member to Global Director; every rank earns "
    "a bonus on the deposits of your downline, 10 levels deep. Guaranteed returns of 2% daily. "
    "Free tours for top recruiters in Phnom Penh, Xi'an and Ningbo. Our CEO, a renowned British "
    "banker, was hired to lead the global expansion. Register today!"
)
ZH_SCHEME = (
    "DBTC数字币，价格固定3元人民币，只涨不跌！入门套餐1000元，共设10个级别，从会员到全球董事。"
    "推荐一人拿百分之十，十代收益，保本保息，日息百分之二。在金边、西安、宁波举办大型推介会，"
    "特聘英国籍CEO担任全球总裁。赶快注册！"
)
EN_BANK = (
    "Our savings account offers an interest rate of 1.5% per year. Deposits are protected by "
    "the national deposit insurance scheme up to the statutory limit. Interest is paid monthly. "
    "Visit any branch to open an account."
)
ZH_BANK = "本行三个月定期存款年利率为1.5%，存款受国家存款保险制度保护，可随时到网点办理。"

MARK = re.compile(r'<mark class="pd-(?P<style>\w+)" style="[^"]*" title="(?P<title>[^"]*)">'
                  r"(?P<body>.*?)</mark>")


def visible_text(markup: str) -> str:
    """What a browser shows for highlight_html output (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup.replace("<br>", "\n")))


def marks(markup: str) -> list[tuple[str, str, str]]:
    """``(style, title, visible text)`` of every ``<mark>``."""
    return [(m["style"], html.unescape(m["title"]), visible_text(m["body"]))
            for m in MARK.finditer(markup)]


@pytest.fixture(scope="module")
def detector() -> ponzidetect.Detector:
    """The shipped model; tests that score skip (saying why) while it does not load."""
    from triage.ui import model_dir

    try:
        return ponzidetect.Detector(model_dir())
    except ponzidetect.ModelError as error:
        pytest.skip(f"the shipped model does not load (retrain it): {error}")


# --------------------------------------------------------------------------------------------
# Highlighter
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "spans", "expected"), [
    pytest.param("<script>alert(1)</script> pays 2% daily", [Span(26, 39, "raise", "rate")],
                 [("raise", "rate", "pays 2% daily")], id="script-outside-span"),
    pytest.param("a <b>&</b> z", [Span(2, 10, "raise", 'say "hi" <x>')],
                 [("raise", 'say "hi" <x>', "<b>&</b>")], id="markup-inside-span-and-title"),
    pytest.param("guaranteed 5% daily", [Span(0, 19, "raise", "A"), Span(11, 19, "raise", "B")],
                 [("raise", "A", "guaranteed "), ("raise", "A | B", "5% daily")],
                 id="nested-overlap"),
    pytest.param("abcdef", [Span(0, 4, "lower", "L"), Span(2, 6, "raise", "R")],
                 [("lower", "L", "ab"), ("raise", "L | R", "cd"), ("raise", "R", "ef")],
                 id="crossing-overlap-strongest-style-wins"),
    pytest.param("not guaranteed", [Span(4, 14, "neg", "negated")],
                 [("neg", "negated", "guaranteed")], id="negated"),
    pytest.param("abc", [Span(0, 3, "neg", "N"), Span(1, 2, "flat", "F")],
                 [("neg", "N", "a"), ("flat", "N | F", "b"), ("neg", "N", "c")],
                 id="flat-beats-negated"),
    pytest.param("ends with ranks", [Span(10, 15, "raise", "end")],
                 [("raise", "end", "ranks")], id="span-at-text-end"),
    pytest.param("short", [Span(3, 99, "raise", "clipped"), Span(4, 4, "raise", "empty"),
                           Span(-5, 1, "lower", "before")],
                 [("lower", "before", "s"), ("raise", "clipped", "rt")], id="clipped-and-empty"),
    pytest.param("保本保息，日息百分之二",
                 [Span(0, 4, "raise", "保本"), Span(5, 11, "raise", "日息")],
                 [("raise", "保本", "保本保息"), ("raise", "日息", "日息百分之二")], id="chinese"),
    pytest.param("line one\n\nline two", [Span(5, 14, "raise", "x")],
                 [("raise", "x", "one\n\nline")], id="newlines"),
    pytest.param("no evidence here", [], [], id="no-spans"),
])
def test_highlight_html(text: str, spans: list[Span], expected: list[tuple[str, str, str]]):
    markup = highlight_html(text, spans)
    assert visible_text(markup) == text
    assert marks(markup) == expected


@pytest.mark.parametrize("text", [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "<<>>&&;",
])
def test_highlight_never_emits_raw_markup_from_text(text: str):
    markup = highlight_html(text, [Span(0, len(text), "raise", text)])
    assert "<script" not in markup and "<img" not in markup
    assert visible_text(markup) == text


def test_highlight_has_no_blank_line():
    # a blank line would end the HTML block in Markdown and let the text be parsed as Markdown
    markup = highlight_html("a\n\n\r\n# heading\r\rb", [Span(0, 1, "raise", "x")])
    assert "\n" not in markup and "\r" not in markup


def covered(markup: str) -> set[int]:
    """Offsets (into the original text) of the characters inside a ``<mark>``."""
    offsets, position, last = set(), 0, 0
    for match in MARK.finditer(markup):
        position += len(visible_text(markup[last:match.start()]))
        body = len(visible_text(match["body"]))
        offsets.update(range(position, position + body))
        position += body
        last = match.end()
    return offsets


@pytest.mark.parametrize("text", [EN_SCHEME, ZH_SCHEME])
def test_highlight_of_real_assessment_marks_every_evidence_span(detector, text: str):
    assessment = detector.score(text).to_dict()
    markup = highlight_html(text, render.spans_from_flags(assessment["flags"]))
    assert visible_text(markup) == text
    marked = covered(markup)
    spans = [e for flag in assessment["flags"] for e in flag["evidence"]]
    assert spans
    for evidence in spans:
        assert text[evidence["start"]:evidence["end"]] == evidence["text"]
        assert set(range(evidence["start"], evidence["end"])) <= marked
    assert marked == {i for e in spans for i in range(e["start"], e["end"])}


@pytest.mark.parametrize(("flag", "lang", "style", "title"), [
    ({"name_en": "Guaranteed returns", "name_zh": "保本保息", "contribution": 0.5,
      "evidence": [{"start": 0, "end": 3, "negated": False, "note": "pattern en.x"}]},
     "en", "raise", "Guaranteed returns: pattern en.x"),
    ({"name_en": "Guaranteed returns", "name_zh": "保本保息", "contribution": 0.5,
      "evidence": [{"start": 0, "end": 3, "negated": True, "note": "negated by 'not'"}]},
     "zh", "neg", "保本保息: negated by 'not'"),
    ({"name_en": "Risk disclaimer", "name_zh": "风险提示", "contribution": -1.5,
      "evidence": [{"start": 0, "end": 3, "negated": False, "note": "", "rule_id": "en.d"}]},
     "en", "lower", "Risk disclaimer: en.d"),
    ({"name_en": "Entry package", "name_zh": "入门套餐", "contribution": 0.001,
      "evidence": [{"start": 0, "end": 3, "negated": False, "note": "pattern"}]},
     "zh", "flat", "入门套餐: pattern"),
])
def test_spans_from_flags(flag: dict, lang: str, style: str, title: str):
    assert render.spans_from_flags([flag], lang) == [Span(0, 3, style, title)]


# --------------------------------------------------------------------------------------------
# Values, tables, strings
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "unit", "lang", "expected"), [
    (730.0, "%/year", "en", "730% a year"),
    (730.0, "%/year", "zh", "年化 730%"),
    (10, "ranks", "en", "10 ranks"),
    (10, "ranks", "zh", "10 个级别"),
    (3, "places", "en", "3 places"),
    (2.1, "x deposit", "en", "2.1× the deposit"),
    (3.0, "x deposit", "zh", "本金的 3 倍"),
    (3.0, "CNY", "en", "3 CNY"),
    (1500.0, "USD", "zh", "1,500 USD"),
    (None, "CNY", "en", ""),
    ("gold", None, "en", "gold"),
])
def test_format_value(value, unit, lang, expected):
    assert render.format_value(value, unit, lang) == expected


@pytest.mark.parametrize(("text", "lang", "expected"), [
    (EN_SCHEME, "en", {"Fixed high periodic returns": "730% a year", "tiered_sales_ranks":
                       "10 ranks", "promotion_tours": "3 places", "fixed_token_price": "3 CNY"}),
    (ZH_SCHEME, "zh", {"high_periodic_returns": "年化 730%", "tiered_sales_ranks": "10 个级别",
                       "promotion_tours": "3 个地点"}),
])
def test_flag_table_ranks_by_contribution_with_values(detector, text, lang, expected):
    table = render.flag_table(detector.score(text).to_dict(), lang)
    contributions = table[t("col_contribution", lang)].tolist()
    assert contributions == sorted(contributions, reverse=True)
    values = dict(zip(table[t("col_id", lang)], table[t("col_value", lang)], strict=True))
    values.update(zip(table[t("col_flag", lang)], table[t("col_value", lang)], strict=True))
    for key, value in expected.items():
        assert values[key] == value


def test_contribution_frame_includes_document_features(detector):
    frame = render.contribution_frame(detector.score(EN_SCHEME).to_dict(), "zh")
    assert t("other_features", "zh") in set(frame["label"])
    assert frame["contribution"].is_monotonic_decreasing
    assert (frame["contribution"].abs() >= 0.005).all()


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_ui_string_has_both_languages(key: str):
    english, chinese = STRINGS[key]
    assert english.strip() and chinese.strip()


def test_unknown_string_key_raises():
    with pytest.raises(KeyError):
        t("no_such_key", "en")


def docx_bytes(*paragraphs: str) -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("typed", "name", "data", "expected"), [
    pytest.param("typed text", None, None, "typed text", id="text-box"),
    pytest.param(None, None, None, "", id="nothing"),
    pytest.param("ignored", "a.txt", "保本保息，日息2%".encode(), "保本保息，日息2%", id="utf8-txt"),
    pytest.param("", "a.txt", "保本保息，日息2%".encode("gb18030"), "保本保息，日息2%",
                 id="gb18030-txt"),
    pytest.param("", "a.html", b"<html><script>x()</script><p>Guaranteed <b>2%</b> daily</p>",
                 "Guaranteed 2% daily", id="html"),
])
def test_text_to_score(typed, name, data, expected):
    assert text_to_score(typed, name, data) == expected


def test_text_to_score_reads_docx():
    data = docx_bytes("DBTC price fixed at 3 RMB", "十代收益")
    assert text_to_score("", "pitch.docx", data) == "DBTC price fixed at 3 RMB\n十代收益"


@pytest.mark.parametrize(("name", "data"), [
    pytest.param("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00", id="image-named-txt"),
    pytest.param("a.txt", b"abc\x00\x00def", id="nul-bytes"),
    pytest.param("a.pdf", b"%PDF-1.4 truncated", id="broken-pdf"),
    pytest.param("a.docx", b"PK\x03\x04 not a zip", id="broken-docx"),
])
def test_text_to_score_refuses_undecodable_upload(name: str, data: bytes):
    with pytest.raises(TextDecodeError):
        text_to_score("typed", name, data)


# --------------------------------------------------------------------------------------------
# Batch logic
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("columns", "expected"), [
    ({"id": [1], "Content": ["x"]}, "Content"),
    ({"id": [1], "post_text": ["x"], "description": ["y"]}, "post_text"),
    ({"id": [1], "正文": ["x"]}, "正文"),
    ({"id": [1], "url": ["http://x"], "n": [2]}, "url"),
    ({"a": [1], "b": [2]}, "a"),
    ({}, None),
])
def test_default_text_column(columns: dict, expected):
    assert batch.default_text_column(pd.DataFrame(columns)) == expected


def sample_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [1, 2, 3, 4, 5],
        "source": ["=HYPERLINK(\"http://x\")", "web", "chat", "web", "@bank"],
        "content": [EN_SCHEME, ZH_SCHEME, EN_BANK, "", ZH_BANK],
    })


@pytest.fixture(scope="module")
def scored(detector) -> pd.DataFrame:
    return batch.score_table(detector, sample_frame(), "content")


def test_score_table_keeps_input_columns_named_like_ours(detector):
    frame = pd.DataFrame({"text": [EN_SCHEME, EN_BANK], "score": [5, 1], "cluster": ["a", "b"]})
    results = batch.score_table(detector, frame, "text")
    assert results["input_score"].tolist() == [5, 1]
    assert results["input_cluster"].tolist() == ["a", "b"]
    assert results["risk"].tolist()[0] == "high" and results["assessment"].tolist()[0]


def test_score_table_gives_every_row_a_result(scored):
    assert scored["risk"].tolist() == ["high", "high", "low", "", "low"]
    assert scored.at[3, "error"] == "empty text" and scored.at[3, "assessment"] is None
    assert batch.risk_counts(scored) == {"high": 2, "medium": 0, "low": 2, "errors": 1}
    assert batch.ranked_rows(scored)[:2] in ([0, 1], [1, 0]) and batch.ranked_rows(scored)[-1] == 3


def test_score_table_in_chunks_reports_progress(detector, scored):
    calls = []
    chunked = batch.score_table(detector, sample_frame(), "content", chunk_rows=2,
                                progress=lambda done, total: calls.append((done, total)))
    assert calls == [(2, 5), (4, 5), (5, 5)]
    assert chunked.index.tolist() == [0, 1, 2, 3, 4]
    pd.testing.assert_frame_equal(chunked.drop(columns="assessment"),
                                  scored.drop(columns="assessment"))


@pytest.mark.parametrize(("frame", "cap", "rows"), [
    (pd.DataFrame({"text": []}, dtype=object), 10, 0),
    (pd.DataFrame({"text": [EN_BANK] * 4}), 3, 3),
])
def test_score_table_caps_rows(detector, frame, cap, rows):
    assert len(batch.score_table(detector, frame, "text", cap=cap)) == rows


def test_score_table_missing_column_says_which_columns_exist(detector):
    with pytest.raises(KeyError, match="columns are: id, source, content"):
        batch.score_table(detector, sample_frame(), "text")


@pytest.mark.parametrize(("risks", "flags", "rows"), [
    (None, None, [0, 1, 2, 3, 4]),
    (["high"], None, [0, 1]),
    (["low", ""], None, [2, 3, 4]),
    (None, ["promotion_tours"], [0, 1]),
    (["low"], ["promotion_tours"], []),
])
def test_filter_results(scored, risks, flags, rows):
    assert batch.filter_results(scored, risks, flags).index.tolist() == rows


def test_flag_frequencies(scored):
    frequencies = batch.flag_frequencies(scored, render.flag_names("zh"))
    counts = dict(zip(frequencies["flag_id"], frequencies["rows"], strict=True))
    assert counts["high_periodic_returns"] == 2 and counts["promotion_tours"] == 2
    assert frequencies["rows"].is_monotonic_decreasing
    assert set(frequencies["flag"]) <= set(render.flag_names("zh").values())


def test_csv_download_is_excel_ready_and_formula_safe(scored):
    data = batch.to_csv_bytes(scored)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False)
    assert "assessment" not in back.columns
    assert back.at[0, "source"] == "'=HYPERLINK(\"http://x\")" and back.at[4, "source"] == "'@bank"
    assert back.at[1, "content"] == ZH_SCHEME
    assert back["risk"].tolist() == ["high", "high", "low", "", "low"]


def test_xlsx_download_is_formula_safe(scored):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(batch.to_xlsx_bytes(scored))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert "assessment" not in header
    assert rows[1][header.index("source")] == "=HYPERLINK(\"http://x\")"  # a string cell
    assert sheet.cell(row=2, column=header.index("source") + 1).data_type == "s"
    assert rows[1][header.index("risk")] == "high"


def test_jsonl_download_keeps_explanations(scored):
    records = [json.loads(line) for line in batch.to_jsonl_bytes(scored).decode().splitlines()]
    assert len(records) == 5
    assert records[0]["assessment"]["risk"] == "high"
    assert records[0]["assessment"]["flags"][0]["evidence"]
    assert records[3]["assessment"] is None and records[3]["error"] == "empty text"


def write_table(frame: pd.DataFrame, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "csv":
        buffer.write(frame.to_csv(index=False).encode("utf-8"))
    elif fmt == "tsv":
        buffer.write(frame.to_csv(index=False, sep="\t").encode("utf-8"))
    elif fmt == "jsonl":
        buffer.write(frame.to_json(orient="records", lines=True, force_ascii=False).encode())
    elif fmt == "xlsx":
        frame.to_excel(buffer, index=False)
    else:
        frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "xlsx", "parquet"])
@pytest.mark.parametrize(("rows", "cap", "truncated"), [(3, 10, False), (12, 10, True)])
def test_read_table_formats_and_cap(fmt: str, rows: int, cap: int, truncated: bool):
    frame = pd.DataFrame({"id": [str(i) for i in range(rows)],
                          "text": [f"第{i}条 text {i}" for i in range(rows)]})
    table, was_truncated = batch.read_table(f"upload.{fmt}", write_table(frame, fmt), cap=cap)
    assert was_truncated is truncated
    assert len(table) == min(rows, cap)
    assert [str(v) for v in table["text"]] == frame["text"].tolist()[:cap]


@pytest.mark.parametrize(("name", "data"), [
    ("table.csv", b"%PDF-1.4 not a table"),
    ("table.xls", b"whatever"),
    ("table.docx", b"PK\x03\x04"),
])
def test_read_table_refuses_with_a_message(name: str, data: bytes):
    from ponzidetect.tabular import TabularError

    with pytest.raises(TabularError, match=r"\w"):
        batch.read_table(name, data)


# --------------------------------------------------------------------------------------------
# Pages (AppTest)
# --------------------------------------------------------------------------------------------


def app(lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["ui_lang"] = lang
    return at.run()


def markdown_values(at: AppTest) -> list[str]:
    return [element.value for element in at.markdown]


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def score_single(at: AppTest, text: str) -> AppTest:
    at.text_area(key="single_text").input(text)
    return at.button(key="single_score").click().run()


@pytest.mark.parametrize(("text", "lang", "risk", "language"), [
    pytest.param(EN_SCHEME, "en", "high", "English", id="en-scheme"),
    pytest.param(ZH_SCHEME, "zh", "high", "中文", id="zh-scheme"),
    pytest.param(EN_BANK, "en", "low", "English", id="en-bank-deposit"),
    pytest.param(ZH_BANK, "zh", "low", "中文", id="zh-bank-deposit"),
])
def test_single_text_page_scores_and_explains(detector, text: str, lang: str, risk: str,
                                              language: str):
    at = score_single(app(lang), text)
    assert not at.exception and not at.error
    shown = markdown_values(at)
    assert any(f"pd-risk-{risk}" in value for value in shown)
    values = metrics(at)
    assert values[t("language_detected", lang)] == language
    assert values[t("threshold", lang)] == format_probability(detector.score(text).threshold)
    assert values[t("probability", lang)].endswith("%")
    assert any(t("model_version", lang) in c.value and "@" in c.value for c in at.caption)
    highlighted = next(value for value in shown if 'class="pd-text"' in value)
    assert visible_text(highlighted) == text
    if risk == "high":
        assert "<mark" in highlighted
        assert len(at.dataframe) == 1  # the flag table
    assert any(t("disclaimer", lang) == w.value for w in at.warning)


@pytest.mark.parametrize(("text", "lang", "closed"), [
    pytest.param("我们在金边、西安、宁波举办推介会，现场认购享优惠。", "zh", True, id="zh-tours-only"),
    pytest.param("Hurry! Only 50 slots left in the elite investor club. Our members earn every "
                 "single day.", "en", True, id="en-urgency-only"),
    pytest.param("Guaranteed 3% daily returns, paid from new members!", "en", False, id="en-offer"),
])
def test_single_text_page_says_why_the_gate_kept_a_text_below_high(detector, text: str,
                                                                   lang: str, closed: bool):
    assessment = detector.score(text)
    # supporting red flags only (tours, urgency): the gate stays closed, whatever the score
    assert bool(assessment.red_flags) and assessment.gate_open is not closed
    at = score_single(app(lang), text)
    assert not at.exception
    notes = [info.value for info in at.info]
    if closed and assessment.risk != "low":
        assert t("no_offer_note", lang) in notes
        assert t("gated_note", lang) not in notes
    else:
        assert t("no_offer_note", lang) not in notes and t("gated_note", lang) not in notes


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_single_text_page_empty_text_shows_error(text: str):
    # no detector needed: empty text is refused before the model is touched
    at = score_single(app(), text)
    assert not at.exception
    assert [e.value for e in at.error] == [t("err_empty", "en")]
    assert not any('class="pd-text"' in value for value in markdown_values(at))


def test_single_text_page_escapes_script_in_text(detector):
    text = "<script>alert('x')</script> Guaranteed 3% daily returns, paid from new members!"
    at = score_single(app(), text)
    highlighted = next(v for v in markdown_values(at) if 'class="pd-text"' in v)
    assert "<script>" not in highlighted and "&lt;script&gt;" in highlighted


@pytest.mark.parametrize(("lang", "button", "disclaimer"), [
    ("en", "Score", "Automated triage aid, not a verdict"),
    ("zh", "评分", "自动化初筛辅助，不是定性结论"),
])
def test_language_switch_changes_labels(detector, lang: str, button: str, disclaimer: str):
    at = app()
    at.sidebar.radio(key="ui_lang").set_value(lang).run()
    assert not at.exception
    assert at.button(key="single_score").label == button
    assert at.text_area(key="single_text").label == t("text_label", lang)
    assert disclaimer in at.warning[0].value
    at = score_single(at, EN_SCHEME)
    assert t("probability", lang) in metrics(at)
    assert any(t("risk_high", lang) in value for value in markdown_values(at))


@pytest.mark.parametrize("page", ["views/single.py", "views/batch.py", "views/model.py"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_shows_the_disclaimer(page: str, lang: str):
    at = app(lang).switch_page(page).run()
    assert not at.exception
    assert t("disclaimer_short", lang) in at.warning[0].value


def batch_app(frame: pd.DataFrame, lang: str = "en") -> AppTest:
    at = app(lang)
    at.session_state["batch_frame"] = frame
    at.session_state["batch_name"] = "leads.csv"
    return at.switch_page("views/batch.py").run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_batch_page_triage_table_search_labels_and_explains(detector, lang: str):
    at = batch_app(sample_frame(), lang)
    assert not at.exception
    assert at.selectbox(key="batch_column").value == "content"
    assert at.selectbox(key="batch_id_column").value == "id"  # guessed: named id, unique
    at.button(key="batch_score").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == t("scored", lang, rows=5, high=2, medium=0, low=2, errors=1)
    assert any(t("errors_note", lang, errors=1) == w.value for w in at.warning)
    table = at.dataframe[0].value
    assert len(table) == 5
    assert list(table.columns)[:6] == [t(k, lang) for k in ("col_id", "col_score", "risk",
                                                             "col_label", "col_note",
                                                             "col_error")]
    scores = table[t("col_score", lang)].tolist()
    assert scores[:4] == sorted(scores[:4], reverse=True) and pd.isna(scores[4])
    assert table[t("col_id", lang)].tolist()[4] == "4"  # the empty text, last, with its error
    assert table[t("col_error", lang)].tolist()[4] == "empty text"
    # the explanation picker opens the highest-scoring row first, with the single-text view
    assert at.selectbox(key="batch_row").value in (0, 1)
    assert any("pd-risk-high" in v for v in markdown_values(at))
    assert any("<mark" in v and 'class="pd-text"' in v for v in markdown_values(at))
    labels = {element.proto.label for element in at.get("download_button")}
    assert labels == {t(k, lang) for k in ("download_csv", "download_xlsx", "download_jsonl",
                                           "download_report_single", "download_labels_csv",
                                           "download_labels_jsonl")}

    # label two rows through the review form; the labels survive reruns and filters
    for row, label, note in ((0, "scheme", "DBTC clone"), (2, "not_scheme", "")):
        at.selectbox(key="batch_row").set_value(row).run()
        key = str(sample_frame().at[row, "id"])
        at.radio(key=f"batch_review_label_{key}").set_value(label)
        at.text_input(key=f"batch_review_note_{key}").input(note)
        next(b for b in at.button if b.label == t("save_label", lang)).click().run()
        assert not at.exception
    assert at.session_state["batch_labels"] == {"1": {"label": "scheme", "note": "DBTC clone"},
                                                "3": {"label": "not_scheme", "note": ""}}
    at.run()
    assert any(t("labels_count", lang, scheme=1, not_scheme=1, unsure=0) == c.value
               for c in at.caption)
    table = at.dataframe[0].value
    by_id = dict(zip(table[t("col_id", lang)], table[t("col_label", lang)], strict=True))
    assert by_id["1"] == t("label_scheme", lang) and by_id["3"] == t("label_not_scheme", lang)

    at.text_input(key="batch_search").input("存款").run()
    assert at.dataframe[0].value[t("col_id", lang)].tolist() == ["5"]
    at.text_input(key="batch_search").input("").run()
    at.multiselect(key="batch_filter_risk").set_value(["low"]).run()
    assert len(at.dataframe[0].value) == 2
    assert any(t("showing", lang, shown=2, rows=5) == c.value for c in at.caption)
    at.multiselect(key="batch_filter_risk").set_value([]).run()
    at.multiselect(key="batch_filter_flags").set_value(["promotion_tours"]).run()
    assert len(at.dataframe[0].value) == 2
    assert at.session_state["batch_labels"]["1"]["label"] == "scheme"


def test_batch_page_shows_scheme_clusters(detector):
    clone = EN_SCHEME.replace("DBTC", "ABTC").replace("3 RMB", "5 RMB").replace("2%", "3%")
    frame = pd.DataFrame({"ref": ["a", "b", "c"], "text": [EN_SCHEME, EN_BANK, clone]})
    at = batch_app(frame)
    at.button(key="batch_score").click().run()
    clusters = at.dataframe[1].value  # [0] is the triage table
    assert clusters[t("col_cluster", "en")].tolist() == ["C1"]
    assert clusters[t("col_size", "en")].tolist() == [2]
    assert "Digital Coin" in clusters[t("col_representative", "en")].iloc[0]
    at.selectbox(key="batch_filter_cluster").set_value("C1").run()
    assert sorted(at.dataframe[0].value[t("col_id", "en")]) == ["#1", "#3"]


def test_batch_page_error_row_is_explained_as_error(detector):
    at = batch_app(pd.DataFrame({"text": ["", EN_BANK]}))
    at.button(key="batch_score").click().run()
    at.selectbox(key="batch_row").set_value(0).run()
    assert [e.value for e in at.error] == [t("row_error", "en", error="empty text")]


def test_batch_page_says_when_the_table_was_capped():
    at = app()
    at.session_state["batch_frame"] = pd.DataFrame({"text": [EN_BANK]})
    at.session_state["batch_name"] = "big.csv"
    at.session_state["batch_truncated"] = True
    at.switch_page("views/batch.py").run()
    assert any("ponzidetect score big.csv" in w.value for w in at.warning)


@pytest.fixture
def broken_model(monkeypatch):
    """Make loading the model fail the way a stale model does after a catalogue change."""
    from triage import ui

    def refuse(*args, **kwargs):
        raise ponzidetect.ModelError("feature schema does not match the catalogue; retrain")

    ui._detector.clear()
    monkeypatch.setattr(ponzidetect, "Detector", refuse)
    yield
    monkeypatch.undo()
    ui._detector.clear()


def test_model_that_does_not_load_is_an_error_message_not_a_traceback(broken_model):
    at = score_single(app(), EN_BANK)
    assert not at.exception
    assert [e.value for e in at.error] == [t(
        "err_model", "en", error="feature schema does not match the catalogue; retrain")]
    at = batch_app(pd.DataFrame({"text": [EN_BANK]}))
    at.button(key="batch_score").click().run()
    assert not at.exception and len(at.error) == 1 and "retrain" in at.error[0].value


@pytest.mark.parametrize(("lang", "heading"), [("en", "Intended use"), ("zh", "用途")])
def test_model_page_is_short_headline_bands_report_catalogue(lang: str, heading: str):
    at = app(lang).switch_page("views/model.py").run()
    assert not at.exception
    assert set(metrics(at)) == {t(f"metric_{m}", lang) for m in ("roc_auc", "pr_auc",
                                                                  "precision", "recall")}
    bands = at.dataframe[0].value
    assert bands[t("risk", lang)].tolist() == [t(f"risk_{b}", lang) for b in ("high", "medium",
                                                                               "low")]
    assert any(heading in value for value in markdown_values(at))  # the card, in an expander
    assert not at.json  # no raw JSON widget
    assert not any("/work/" in v or str(ROOT) in v for v in markdown_values(at) +
                   [c.value for c in at.caption])
    catalogue = at.dataframe[-1].value
    registry = list(ponzidetect.default_registry())
    assert len(catalogue) == len(registry)
    names = set(catalogue[t("col_name", lang)])
    assert names == {spec.name_zh if lang == "zh" else spec.name_en for spec in registry}


# --------------------------------------------------------------------------------------------
# Triage helpers and the labels loop
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("ids", "expected"), [
    (None, ["#1", "#2", "#3"]),
    (["A1", "A2", "A3"], ["A1", "A2", "A3"]),
    (["A1", "A1", ""], ["A1 (row 1)", "A1 (row 2)", " (row 3)"]),
    ([7, 8, 9], ["7", "8", "9"]),
])
def test_row_keys(ids, expected):
    frame = pd.DataFrame({"text": ["a", "b", "c"]})
    if ids is not None:
        frame["ref"] = ids
    assert batch.row_keys(frame, "ref" if ids is not None else None).tolist() == expected


@pytest.mark.parametrize(("labels", "edits", "expected"), [
    ({}, {0: {"label": "scheme"}}, {"k0": {"label": "scheme", "note": ""}}),
    ({}, {"1": {"note": "same as k0"}}, {"k1": {"label": "", "note": "same as k0"}}),
    ({"k0": {"label": "scheme", "note": ""}}, {0: {"label": None}}, {}),
    ({}, {0: {"label": "maybe"}}, {}),
    ({"k2": {"label": "unsure", "note": "x"}}, {0: {"label": "not_scheme"}},
     {"k0": {"label": "not_scheme", "note": ""}, "k2": {"label": "unsure", "note": "x"}}),
])
def test_apply_edits(labels, edits, expected):
    assert batch.apply_edits(labels, ["k0", "k1", "k2"], edits) == expected


def test_triage_frame_sorts_by_score_and_keeps_labels(scored):
    labels = {"1": {"label": "scheme", "note": "n"}}
    table = batch.triage_frame(scored, "content", "id", labels)
    assert table["key"].tolist()[-1] == "4" and table["error"].tolist()[-1] == "empty text"
    assert table["score"].dropna().is_monotonic_decreasing
    assert table.set_index("key").at["1", "label"] == "scheme"


@pytest.fixture
def labelled(scored, tmp_path):
    labels = {"1": {"label": "scheme", "note": "DBTC clone"}, "3": {"label": "not_scheme",
                                                                    "note": ""},
              "2": {"label": "unsure", "note": "check"}, "4": {"label": "scheme", "note": ""}}
    frame = batch.labelled_frame(scored, "content", "id", labels, source="leads.csv")
    csv, jsonl = tmp_path / "labels.csv", tmp_path / "labels.jsonl"
    csv.write_bytes(batch.to_labels_csv_bytes(frame))
    jsonl.write_bytes(batch.to_labels_jsonl_bytes(frame))
    return frame, csv, jsonl


def test_labelled_export_leaves_out_unsure_and_empty_rows(labelled):
    frame, _, _ = labelled
    assert frame["id"].tolist() == ["1", "3"] and frame["label"].tolist() == [1, 0]
    assert frame["note"].tolist() == ["DBTC clone", ""]


@pytest.mark.parametrize("which", [1, 2], ids=["csv", "jsonl"])
def test_labelled_export_loads_as_training_data(labelled, which):
    from ponzidetect.dataset import load_labelled

    data = load_labelled([labelled[which]])
    assert data.labels == [1, 0] and data.frame["id"].tolist() == ["1", "3"]
    assert data.texts == [EN_SCHEME, EN_BANK]
    assert data.frame["group"].tolist() == ["1", "3"]  # no cluster: its own group


def test_labelled_export_evaluates_with_the_cli(labelled, capsys):
    from ponzidetect import cli

    train = ROOT / "data" / "corpus" / "parts" / "short_contrast.jsonl"
    assert cli.main(["evaluate", str(labelled[2]), "--train", str(train)]) == 0
    assert "| all | 2 | 1 |" in capsys.readouterr().out
