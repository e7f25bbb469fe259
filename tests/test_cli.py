"""The command line as an investigator meets it: check, report, column guessing, messages."""

from __future__ import annotations

import argparse
import io
import json
import socket
import sys

import pandas as pd
import pytest

import ponzidetect
from ponzidetect import cli
from ponzidetect.app_launcher import port_free, run_app, streamlit_command

SCHEME = ("Guaranteed returns of 2% daily, paid from the deposits of new members! Earn 10% of "
          "your referrals' deposits, 5 levels deep. Register today.")
BANK = "Our savings account pays 1.5% a year; deposits are insured up to the legal limit."
ZH = "保本保息，日息百分之二，推荐一人拿百分之十，十代收益。"


@pytest.fixture(scope="module")
def shared_detector() -> ponzidetect.Detector:
    try:
        return ponzidetect.Detector()
    except ponzidetect.ModelError as error:
        pytest.skip(f"the shipped model does not load (retrain it): {error}")


@pytest.fixture
def run(shared_detector, monkeypatch, capsys):
    """``run(*argv, stdin=None)`` -> (exit code, stdout, stderr), the model loaded once."""
    import ponzidetect.detector

    def detector(model=None, **kwargs):
        return shared_detector if model is None else ponzidetect.Detector(model, **kwargs)

    monkeypatch.setattr(ponzidetect.detector, "Detector", detector)

    def call(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
        try:
            code = cli.main(list(argv))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
            if not isinstance(exit_.code, int) and exit_.code:
                print(exit_.code, file=sys.stderr)
        out, err = capsys.readouterr()
        return code, out, err

    return call


# --------------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "stdin", "expected", "absent"), [
    pytest.param(["check", SCHEME], None, ["High risk", "red flags, strongest first",
                                           "“2% daily” [", "730% a year", "reads as: promotion",
                                           "Automated triage aid"], [], id="en-scheme"),
    pytest.param(["check", BANK], None, ["Low risk", "no catalogued red flag fired"],
                 ["red flags, strongest first"], id="hard-negative-bank"),
    pytest.param(["check", "--lang", "zh", ZH], None, ["高风险", "风险信号（按贡献从高到低）",
                                                       "年化 730%", "自动化初筛辅助"], [], id="zh"),
    pytest.param(["check", "-"], SCHEME, ["High risk", "“2% daily” ["], [], id="stdin"),
    pytest.param(["check", "ok \x1b[31mGuaranteed 3% daily\u202e"], None, ["High risk"],
                 ["\x1b", "\u202e"], id="terminal-escapes-shown-not-run"),
])
def test_check_prints_score_band_kind_and_evidence(run, argv, stdin, expected, absent):
    code, out, err = run(*argv, stdin=stdin)
    assert code == 0, err
    for text in expected:
        assert text in out, text
    for text in absent:
        assert text not in out, text


def test_check_json(run, shared_detector):
    code, out, _ = run("check", "--json", SCHEME)
    payload = json.loads(out)
    assert code == 0
    assert payload["risk"] == shared_detector.score(SCHEME).risk
    assert payload["text_sha256"] and payload["characters"] == len(SCHEME)
    assert payload["flags"][0]["evidence"] and payload["wording"]["up"]


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------


def test_report_writes_a_case_file(run, tmp_path):
    source = tmp_path / "pitch.txt"
    source.write_text(SCHEME, encoding="utf-8")
    code, _, err = run("report", str(source), "-o", str(tmp_path / "case.html"),
                       "--case-id", "A-17")
    page = (tmp_path / "case.html").read_text(encoding="utf-8")
    assert code == 0 and "case report written to" in err
    assert "ponzidetect case report" in page and "A-17" in page and "pitch.txt" in page
    assert "SHA-256 of the source file" in page and '<mark class="pd-' in page


@pytest.mark.parametrize(("argv", "stdin", "expected"), [
    pytest.param(["report", "-", "-o", "-", "--lang", "zh"], ZH, "ponzidetect 案件报告",
                 id="stdin-to-stdout-zh"),
])
def test_report_from_stdin(run, argv, stdin, expected):
    code, out, _ = run(*argv, stdin=stdin)
    assert code == 0 and out.startswith("<!DOCTYPE html>") and expected in out


def test_report_into_a_folder_names_the_file_by_case_id(run, tmp_path):
    source = tmp_path / "pitch.txt"
    source.write_text(SCHEME, encoding="utf-8")
    code, _, _ = run("report", str(source), "-o", str(tmp_path), "--case-id", "B/9")
    assert code == 0 and (tmp_path / "case-B_9.html").is_file()


# --------------------------------------------------------------------------------------------
# score: column guessing, id column, the why columns, clusters
# --------------------------------------------------------------------------------------------


def cases(tmp_path, columns=("case_id", "content")) -> str:
    frame = pd.DataFrame({columns[0]: ["A1", "A2", "A3", "A4"],
                          columns[1]: [SCHEME, BANK, SCHEME.replace("2% daily", "3% daily"), ""]})
    path = tmp_path / "cases.csv"
    frame.to_csv(path, index=False)
    return str(path)


def test_score_guesses_columns_and_adds_the_why(run, tmp_path):
    source = cases(tmp_path)
    code, _, err = run("score", source, "-o", str(tmp_path / "out.csv"), "--workers", "1",
                       "--explain", str(tmp_path / "why.jsonl"))
    assert code == 0, err
    assert "texts from column 'content' (guessed" in err
    assert "rows keyed by column 'case_id'" in err
    out = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(out.columns) == ["case_id", "content", "score", "risk", "flags", "error",
                                 "text_kind", "language", "evidence", "model_version", "cluster",
                                 "cluster_size"]
    assert "“2% daily”" in out.at[0, "evidence"] and len(out.at[0, "evidence"]) <= 300
    assert out.at[0, "language"] == "en" and out.at[0, "model_version"].startswith("default@")
    assert out.at[0, "cluster"] == out.at[2, "cluster"] == "C1"
    assert out["cluster_size"].tolist() == [2, 1, 2, 0]
    assert out.at[3, "error"] and out.at[3, "evidence"] == ""
    lines = [json.loads(line) for line in (tmp_path / "why.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == ["A1", "A2", "A3", "A4"]


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param(["--text-column", "text"], "the texts look like they are in 'content': use "
                 "--text-column content", id="missing-text-column-suggests"),
    pytest.param(["--id-column", "ref"], "column 'ref' not found", id="missing-id-column"),
])
def test_score_column_messages(run, tmp_path, argv, message):
    code, _, err = run("score", cases(tmp_path), "-o", str(tmp_path / "o.csv"), *argv)
    assert code == 2 and message in err


def test_score_explicit_columns_and_no_clusters(run, tmp_path):
    source = cases(tmp_path, ("ref", "body"))
    code, _, err = run("score", source, "-o", str(tmp_path / "o.csv"), "--workers", "1",
                       "--text-column", "body", "--id-column", "", "--no-clusters")
    out = pd.read_csv(tmp_path / "o.csv", encoding="utf-8-sig")
    assert code == 0 and "guessed" not in err
    assert "cluster" not in out.columns and "evidence" in out.columns


# --------------------------------------------------------------------------------------------
# messages that name the fix
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param(["flags", "Guaranteed 2% daily"], "'Guaranteed 2% daily': no such file; to check "
                 "a text, use `ponzidetect check \"TEXT\"` or pipe it: `echo \"TEXT\" | "
                 "ponzidetect flags -`", id="flags-text-instead-of-file"),
    pytest.param(["report", "Guaranteed 2% daily", "-o", "x.html"], "no such file; to check a "
                 "text, use `ponzidetect check", id="report-text-instead-of-file"),
    pytest.param(["score", "nope.csv", "-o", "x.csv"], "'nope.csv': no such file; give a table",
                 id="score-missing-input"),
    pytest.param(["check", "   "], "the text is empty", id="check-empty"),
])
def test_messages_name_the_fix(run, argv, message):
    code, _, err = run(*argv)
    assert code != 0 and message in err


def test_one_text_command_refuses_a_table(run, tmp_path):
    code, _, err = run("flags", cases(tmp_path))
    assert code != 0 and "is a table; score every row with `ponzidetect score" in err


def test_check_notes_when_the_argument_is_a_file_name(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pitch.txt").write_text(SCHEME, encoding="utf-8")
    code, _, err = run("check", "pitch.txt")
    assert code == 0 and "not the file of that name" in err and "check - < pitch.txt" in err


def test_every_option_has_help():
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [f"{name} {action.dest}" for name, sub in commands.choices.items()
               for action in sub._actions
               if not isinstance(action, argparse._HelpAction) and not action.help]
    assert missing == []


# --------------------------------------------------------------------------------------------
# app
# --------------------------------------------------------------------------------------------


def test_app_command_binds_localhost_without_deploy_button():
    command = streamlit_command(cli.Path("app.py"), "127.0.0.1", 8600)
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--client.toolbarMode") + 1] == "viewer"
    args = cli.build_parser().parse_args(["app"])
    assert (args.host, args.port) == ("127.0.0.1", 8501)


def test_app_port_in_use_names_port_option():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert not port_free("127.0.0.1", port)
        with pytest.raises(SystemExit, match=rf"port {port} on 127.0.0.1 is already in use.*"
                                             rf"ponzidetect app --port {port + 1}"):
            run_app("127.0.0.1", port)


def test_app_warns_when_listening_beyond_this_machine(monkeypatch, capsys):
    import ponzidetect.app_launcher as launcher

    class Child:
        returncode = 0

        def wait(self, timeout=None):
            return 0

        def poll(self):
            return 0

    monkeypatch.setattr(launcher.subprocess, "Popen", lambda *a, **k: Child())
    assert run_app("0.0.0.0", 0) == 0
    assert "warning: listening on 0.0.0.0" in capsys.readouterr().err


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("a.csv", "id,text\n1,a\n2,b\n", 2),
    ("a.csv", "id,text\n1,a\n2,b", 2),  # no final line break
    ("a.jsonl", '{"text": "a"}\n{"text": "b"}\n{"text": "c"}\n', 3),
    ("a.tsv", "text\n", 0),
    ("a.parquet", "", None),
    ("a.unknown", "x", None),
])
def test_count_rows_for_the_progress_bar(tmp_path, name, content, expected):
    from ponzidetect.cli_score import count_rows

    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert count_rows(path) == expected
