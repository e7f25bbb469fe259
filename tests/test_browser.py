"""End to end: the Streamlit app in a real headless Chromium, driven by Selenium.

Run with ``pytest -m browser``; skipped cleanly when Chromium, chromedriver or Selenium are
missing (``scripts/test.sh`` installs them with CJK and emoji fonts). Screenshots go to
``/tmp/ponzidetect-*.png``: the single-text page, its case report, the batch triage table and
the Chinese UI. Look at them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app" / "streamlit_app.py"
CHROMIUM = os.environ.get("PONZIDETECT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PONZIDETECT_CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOT = Path("/tmp/ponzidetect-app.png")
SHOTS = Path("/tmp")
DEMO = ROOT / "examples" / "triage_demo.csv"
TRAIN_EXTRA = ROOT / "data" / "corpus" / "parts" / "short_contrast.jsonl"
ZH_SCHEME = ("DBTC数字币，价格固定3元人民币，只涨不跌！入门套餐1000元，共设10个级别。推荐一人拿百分之十，"
             "十代收益，保本保息，日息百分之二。在金边、西安、宁波举办推介会。")
SCHEME = (
    "DBTC Digital Coin: the price is fixed at 3 RMB and will only rise. Join now with an entry "
    "package of 1,000 RMB. There are 10 ranks, from Member to Global Director; every rank earns "
    "a bonus on the deposits of your downline, 10 levels deep. Guaranteed returns of 2% daily. "
    "Free tours for top recruiters in Phnom Penh, Xi'an and Ningbo. Our CEO, a renowned British "
    "banker, was hired to lead the global expansion. Register today!"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        with contextlib.suppress(OSError), \
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            if response.read().strip() == b"ok":
                return
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run`` on a free port, shared by the module's tests (each browser gets its own
    session); always stopped (the whole process group) afterwards."""
    port = free_port()
    log = (tmp_path_factory.mktemp("streamlit") / "streamlit.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture
def browser(downloads: Path) -> Iterator[object]:
    """Headless Chromium through chromedriver (downloads go to ``downloads``); skipped when
    either (or Selenium) is missing."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not (Path(binary).is_file() or shutil.which(binary)):
            pytest.skip(f"{binary} not found (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="ponzidetect-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                 "--window-size=1400,2400"):
        options.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except Exception as error:  # a broken local browser install is not a failure of the app
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"cannot start headless Chromium: {error}")
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def model_loads() -> None:
    """Skip (saying why) while the model the app would use does not load, e.g. mid-retrain."""
    import ponzidetect

    model = os.environ.get("PONZIDETECT_MODEL") or None
    try:
        ponzidetect.Detector(model)
    except ponzidetect.ModelError as error:
        pytest.skip(f"the model does not load (retrain it): {error}")


def test_scheme_text_scores_high_with_highlighted_evidence(model_loads, server_url: str,
                                                           browser) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server_url)
    try:
        drive(browser, WebDriverWait(browser, 60))
    except Exception:
        browser.save_screenshot(str(SCREENSHOT.with_name("ponzidetect-app-failure.png")))
        raise
    time.sleep(1.5)  # let the chart and table finish drawing before the screenshot
    browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000


def drive(browser, wait) -> None:
    """Type the scheme text, press Score, check the verdict badge and the highlighted spans."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    area = wait.until(ec.element_to_be_clickable(
        (By.CSS_SELECTOR, 'textarea[aria-label="Text to assess"]')))
    area.click()
    area.send_keys(SCHEME)
    area.send_keys(Keys.CONTROL, Keys.ENTER)  # commit the value, as a user leaving the box does
    button = wait.until(ec.element_to_be_clickable(
        (By.XPATH, "//button[normalize-space(.)='Score']")))
    button.click()

    outcome = wait.until(ec.any_of(
        ec.visibility_of_element_located((By.CSS_SELECTOR, "div.pd-risk")),
        ec.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="stAlertContentError"]')),
        ec.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="stException"]'))))
    assert "pd-risk-high" in (outcome.get_attribute("class") or ""), outcome.text
    assert "High risk" in outcome.text
    mark = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "div.pd-text mark")))
    assert mark.text and mark.text in SCHEME
    marks = browser.find_elements(By.CSS_SELECTOR, "div.pd-text mark")
    assert "2% daily" in {m.text for m in marks}
    assert mark.get_attribute("title")
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "Automated triage aid, not a verdict" in page


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def downloaded(folder: Path, suffix: str, timeout: float = 30.0) -> Path:
    """The file with ``suffix`` that appears in ``folder`` (a finished download)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == suffix]
        if done and not any(p.suffix == ".crdownload" for p in folder.iterdir()):
            return done[0]
        time.sleep(0.2)
    raise TimeoutError(f"no {suffix} file was downloaded to {folder}: {list(folder.iterdir())}")


def click_button(browser, wait, label: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    button = wait.until(ec.element_to_be_clickable(
        (By.XPATH, f"//button[contains(normalize-space(.), {label!r})]")))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()


def choose(browser, wait, key: str, option_text: str) -> None:
    """Pick the option starting with ``option_text`` in the selectbox with widget ``key``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, f".st-key-{key} input")))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()
    box.send_keys(option_text)
    wait.until(ec.visibility_of_element_located((
        By.XPATH, f"//*[@role='option'][starts-with(normalize-space(.), {option_text!r})]")))
    box.send_keys(Keys.ENTER)


def grid_rows(browser, index: int = 0) -> list[list[str]]:
    """The cells of the ``index``-th dataframe/data editor (its accessible table)."""
    from selenium.webdriver.common.by import By

    grids = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
    if len(grids) <= index:
        return []
    grid = grids[index]
    return [[cell.get_attribute("textContent") for cell in row.find_elements(By.CSS_SELECTOR,
                                                                             "th, td")]
            for row in grid.find_elements(By.CSS_SELECTOR, "table tr")]


# --------------------------------------------------------------------------------------------
# Single text -> case report
# --------------------------------------------------------------------------------------------


def test_case_report_download_opens_with_highlighted_evidence(model_loads, server_url, browser,
                                                              downloads):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    browser.get(server_url)
    drive(browser, wait)
    assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="stAppDeployButton"]')
    assert "Deploy" not in browser.find_element(By.CSS_SELECTOR, "header").text
    click_button(browser, wait, "Download the case report (HTML, printable)")
    report = downloaded(downloads, ".html")
    browser.get(report.as_uri())
    marks = browser.find_elements(By.CSS_SELECTOR, "div.pd-text mark")
    assert "2% daily" in {m.text for m in marks}
    body = browser.find_element(By.TAG_NAME, "body").text
    for words in ("ponzidetect case report", "High risk", "SHA-256 of the text",
                  "Booster SHA-256", "Tiered sales ranks", "10 ranks", "Pushing the score up"):
        assert words in body, words
    assert "<script" not in report.read_text(encoding="utf-8")
    browser.save_screenshot(str(SHOTS / "ponzidetect-report.png"))


# --------------------------------------------------------------------------------------------
# Batch -> sorted triage table -> two labels -> labelled export -> ponzidetect train
# --------------------------------------------------------------------------------------------


def test_batch_triage_labels_export_and_train(model_loads, server_url, browser, downloads,
                                              tmp_path):
    try:
        triage_labels_export_and_train(server_url, browser, downloads, tmp_path)
    except Exception:
        browser.save_screenshot(str(SHOTS / "ponzidetect-batch-failure.png"))
        raise


def triage_labels_export_and_train(server_url, browser, downloads, tmp_path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 90)
    browser.get(f"{server_url}/batch")
    upload = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, 'input[type="file"]')))
    upload.send_keys(str(DEMO))
    click_button(browser, wait, "Score 16 rows")
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "div.pd-risk")))
    wait.until(lambda driver: len(grid_rows(driver)) > 5)
    rows = grid_rows(browser)
    assert rows[0][:4] == ["ID", "Score", "Risk band", "Label"]
    scores = [float(r[1]) for r in rows[1:] if r[1]]
    assert scores == sorted(scores, reverse=True) and rows[1][0] == "C-100"

    # first label: in the table itself (double-click the top row's Label cell, type, Enter)
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    grid = browser.find_element(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", grid)
    box = grid.rect  # the Label column starts ~275 px in (ID, Score, Risk band before it)
    ActionChains(browser).move_to_element_with_offset(
        grid, -box["width"] / 2 + 300, -box["height"] / 2 + 52).double_click().perform()
    time.sleep(1)
    ActionChains(browser).send_keys("scheme").perform()
    time.sleep(0.5)
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait.until(ec.text_to_be_present_in_element(
        (By.TAG_NAME, "body"), "Labels in this session: 1 scheme, 0 not a scheme"))

    # second label: open the row, read it, label it with a note in the review form
    row, label, note = "C-101", "not a scheme", "bank savings page, ordinary"
    choose(browser, wait, "batch_row", row)
    wait.until(ec.visibility_of_element_located(
        (By.XPATH, f"//p[normalize-space(.)='Review {row}']")))
    radio = wait.until(ec.element_to_be_clickable(
        (By.XPATH, f"//div[@data-testid='stRadio']//label[normalize-space(.)={label!r}]")))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", radio)
    radio.click()
    browser.find_element(By.CSS_SELECTOR, 'input[aria-label="Note"]').send_keys(note)
    click_button(browser, wait, "Save label")
    wait.until(ec.text_to_be_present_in_element(
        (By.TAG_NAME, "body"), "Labels in this session: 1 scheme, 1 not a scheme, 0 unsure"))
    # the grid re-renders after the rerun and its accessible table only holds the rows it has
    # drawn: bring it into view and wait until both labelled rows are there
    grid = browser.find_element(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", grid)

    def labelled_rows(driver) -> dict[str, str] | bool:
        rows = {r[0]: r[3] for r in grid_rows(driver)[1:] if len(r) > 3}
        return rows if {"C-100", "C-101"} <= set(rows) else False

    labelled = wait.until(labelled_rows)
    assert labelled["C-100"] == "scheme" and labelled["C-101"] == "not a scheme"
    time.sleep(1)
    browser.save_screenshot(str(SHOTS / "ponzidetect-batch.png"))

    click_button(browser, wait, "Labelled CSV")
    export = downloaded(downloads, ".csv")
    text = export.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("id,text,label,group")
    assert "C-100" in text and "C-101" in text and "bank savings page, ordinary" in text
    model = tmp_path / "model"
    trained = subprocess.run([sys.executable, "-m", "ponzidetect.cli", "train", str(export),
                              str(TRAIN_EXTRA), "--out", str(model)],
                             capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert trained.returncode == 0, trained.stderr
    assert (model / "meta.json").is_file() and "trained on 92 texts" in trained.stdout


# --------------------------------------------------------------------------------------------
# The Chinese UI renders real glyphs
# --------------------------------------------------------------------------------------------

GLYPHS_DIFFER = """
const font = getComputedStyle(document.querySelector(arguments[0])).fontFamily;
function pixels(ch) {
  const c = document.createElement('canvas'); c.width = 48; c.height = 48;
  const g = c.getContext('2d'); g.fillStyle = '#000'; g.font = '40px ' + font;
  g.fillText(ch, 2, 40); return Array.from(g.getImageData(0, 0, 48, 48).data).join(',');
}
return [font, pixels('保') !== pixels('息') && pixels('风') !== pixels('险'),
        pixels('保') !== pixels('\\uE000')];
"""


def test_chinese_ui_renders_readable_glyphs(model_loads, server_url, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    browser.get(server_url)
    wait.until(ec.element_to_be_clickable((By.XPATH, "//label[.//p[text()='中文']]"))).click()
    area = wait.until(ec.element_to_be_clickable(
        (By.CSS_SELECTOR, 'textarea[aria-label="待评估文本"]')))
    area.send_keys(ZH_SCHEME)
    area.send_keys(Keys.CONTROL, Keys.ENTER)
    click_button(browser, wait, "评分")
    badge = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "div.pd-risk")))
    assert "高风险" in badge.text
    page = browser.find_element(By.TAG_NAME, "body").text
    for words in ("自动化初筛辅助，不是定性结论", "风险信号（按贡献从高到低）", "原文（高亮显示证据）",
                  "下载案件报告", "单篇文本", "批量表格", "模型说明"):
        assert words in page, words
    assert "per file" not in page  # Streamlit's own uploader words are hidden or replaced
    upload = browser.execute_script(
        "const b = document.querySelector('[data-testid=stFileUploaderDropzone] "
        "button[data-testid=stBaseButton-secondary]');"
        "return [getComputedStyle(b).fontSize, getComputedStyle(b, '::after').content];")
    assert upload == ["0px", '"上传"']
    font, distinct, not_missing = browser.execute_script(GLYPHS_DIFFER, "div.pd-text")
    assert distinct and not_missing, f"Chinese text draws as boxes with the font {font}"
    time.sleep(1.5)
    browser.save_screenshot(str(SHOTS / "ponzidetect-app-zh.png"))


# --------------------------------------------------------------------------------------------
# `ponzidetect app`: the Streamlit child ends with its parent
# --------------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_app_child_ends_with_the_parent(how, tmp_path):
    if not Path("/proc/self/task").exists():
        pytest.skip("needs /proc (Linux)")
    port = free_port()
    parent = subprocess.Popen([sys.executable, "-m", "ponzidetect.cli", "app", "--port",
                               str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", parent)
        (child,) = children(parent.pid)
        parent.send_signal(how)
        parent.wait(timeout=20)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and Path(f"/proc/{child}").exists():
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child, os.WNOHANG)
            time.sleep(0.2)
        state = Path(f"/proc/{child}/stat").read_text().split()[2] if Path(
            f"/proc/{child}/stat").exists() else "gone"
        assert state in ("gone", "Z"), f"streamlit (pid {child}) still running after {how!r}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            parent.kill()
