"""The dashboard in a real headless Chromium: the server as ``run.py dashboard`` starts it, a lever moved in the
page, months run live, Save as scenario, and the saved file reproducing the page's numbers through ``run.py run``.

Chromium comes from the system (Debian's ``chromium`` package). Without it these tests skip with a one-line
reason, except under CI (the ``CI`` environment variable set), where a missing browser is a failure.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FIGURE = ROOT / "docs" / "figures" / "dashboard.png"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


def _require_browser():
    reason = None
    if not Path(CHROMIUM).exists():
        reason = "Chromium not found (install Debian's chromium package to run the browser tests)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI requires the browser tests: {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    save_dir = tmp_path_factory.mktemp("saved")
    port = _free_port()
    # The server's output goes to a file: a pipe nobody drains fills up and blocks the server mid-run.
    log_path = tmp_path_factory.mktemp("server") / "dashboard.log"
    log = open(log_path, "w")
    process = subprocess.Popen([sys.executable, "run.py", "dashboard", "--port", str(port), "--save-dir",
                                str(save_dir)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                pytest.fail(f"the dashboard did not start: {log_path.read_text()}")
            time.sleep(0.5)
    yield url, save_dir
    process.terminate()
    process.wait(timeout=30)
    log.close()


def _table(page) -> tuple[str, dict]:
    """The month the summary table shows and, per metric, its base, scenario and difference, read at once."""
    return page.evaluate("""() => {
        const table = document.querySelector('table.tajmig-summary');
        const rows = {};
        for (const row of table.querySelectorAll('tr[data-metric]')) {
            rows[row.dataset.metric] = {base: +row.dataset.base, scenario: +row.dataset.scenario,
                                        diff: +row.dataset.diff};
        }
        return [table.dataset.date, rows];
    }""")


def test_a_lever_moved_in_the_browser_runs_against_the_base_and_saves_a_reproducible_scenario(server, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # the machine may be shared: a redraw can take seconds

    url, save_dir = server
    outside, failed = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1250}, accept_downloads=True)
        page.set_default_timeout(120_000)
        page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:",
                                                                "blob:")) else outside.append(r.url))
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(url)
        expect(page.get_by_role("button", name="Reset")).to_be_visible(timeout=90_000)

        lever = page.get_by_label("raid_intensity (probability/month)")
        lever.fill("1.5")
        lever.press("Enter")
        expect(page.get_by_text("outside the allowed range 0..1 probability/month")).to_be_visible()
        lever.fill("0.12")
        lever.press("Enter")
        start = page.get_by_label("raid_intensity from (YYYY-MM)")
        start.fill("2025-03")
        start.press("Enter")
        page.get_by_role("button", name="Reset").click()
        expect(page.get_by_text("against the design (1 shock)")).to_be_visible(timeout=30_000)
        charts_before = page.locator("img").evaluate_all("images => images.map(i => i.src)")

        page.get_by_role("button", name="▶").click()
        page.wait_for_selector("table.tajmig-summary")
        page.wait_for_function("document.querySelector('table.tajmig-summary').dataset.date >= '2025-12'")
        try:
            page.get_by_role("button", name="❚❚").click(timeout=10_000)
            expect(page.get_by_role("button", name="▶")).to_be_visible()
        except PlaywrightTimeoutError:
            # The model steps in its own thread, faster than the page redraws: it may reach the horizon before
            # the table shows December, and a finished run cannot be paused (Mesa disables the button).
            expect(page.get_by_text(re.compile(r"Simulated (\d+) of \1 months"))).to_be_visible()
        status = page.locator("text=Simulated").first
        text = None
        while text != status.inner_text():  # the months stepped before the pause are drawn
            text = status.inner_text()
            page.wait_for_timeout(3000)
        date, shown = _table(page)
        charts_after = page.locator("img").evaluate_all("images => images.map(i => i.src)")
        # Four times the raids: fewer migrants stay in Russia and less money reaches home than in the paired base.
        assert shown["migrants_abroad_russia"]["diff"] < 0 and shown["remittances_usd"]["diff"] < 0, shown
        assert charts_after != charts_before
        page.set_viewport_size({"width": 1500, "height": 1400})
        page.evaluate("document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
        page.wait_for_timeout(500)
        # The README's screenshot is this one; it is rewritten only when asked, so a test run leaves the tree clean.
        page.screenshot(path=FIGURE if os.environ.get("TAJMIG_UPDATE_FIGURES") else tmp_path / "dashboard.png")

        page.get_by_label("Scenario name").fill("raids_x4")
        page.get_by_label("Description").fill("Four times the police checks from March 2025")
        page.get_by_role("button", name="Save as scenario").click()
        expect(page.get_by_text("saved ")).to_be_visible(timeout=30_000)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download results (CSV)").click()
        csv_path = tmp_path / "dashboard.csv"
        download.value.save_as(csv_path)
        browser.close()
    assert not outside, f"the page reached outside this machine: {outside}"
    assert not failed, f"requests that failed: {failed}"

    saved = save_dir / "raids_x4.toml"
    dashboard = pd.read_csv(csv_path)
    designed = dashboard[dashboard["scenario"] == dashboard["scenario"].iloc[-1]].drop(columns="scenario")
    ran = designed["date"].nunique()
    out = tmp_path / "cli"
    run = subprocess.run([sys.executable, "run.py", "run", str(saved), "--seed", "1", "--scale", "200",
                          "--replicates", "4", "--months", str(ran), "--point-estimate", "--out", str(out),
                          "--no-plots"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    cli = pd.read_csv(out / "timeseries.csv")
    numbers = [c for c in cli.columns if c != "date"]
    np.testing.assert_allclose(cli[numbers].to_numpy(float), designed.reset_index(drop=True)[numbers].to_numpy(float),
                               rtol=1e-9)
    # The number the page showed is the mean over the replicates run from the saved file.
    shown_month = cli[cli["date"] == date]
    assert len(shown_month) == 4
    for metric, values in shown.items():
        assert np.isclose(shown_month[metric].mean(), values["scenario"], rtol=1e-9), metric
