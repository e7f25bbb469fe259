"""End to end: the Streamlit app in a real headless Chromium, driven by Selenium.

Run with ``pytest -m browser``; skipped cleanly when Chromium, chromedriver or Selenium are
missing. The screenshot goes to ``/tmp/ponzidetect-app.png``.
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


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    """``streamlit run`` on a free port; always stopped (the whole process group) afterwards."""
    port = free_port()
    log = (tmp_path / "streamlit.log").open("wb")
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
def browser() -> Iterator[object]:
    """Headless Chromium through chromedriver; skipped when either (or Selenium) is missing."""
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
