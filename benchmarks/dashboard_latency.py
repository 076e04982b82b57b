"""How live the dashboard feels: time from pressing Run (▶) to the first chart, and simulated months per second while
it plays, in a real headless Chromium at the page's defaults; plus the same model stepped without drawing.

    .venv/bin/python benchmarks/dashboard_latency.py            # needs Debian's chromium package

Starts ``run.py dashboard`` on a free loopback port, opens the page, presses ▶, waits for the first table and charts,
then for the table to reach ``--until`` and prints the figures with the machine's load average.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]


def model_only(months: int) -> float:
    """Months per second of the default DashboardModel stepped without any drawing."""
    from analysis.dashboard import session

    model = session.DashboardModel()
    model.step()  # compiled code warm
    began = time.perf_counter()
    for _ in range(months):
        model.step()
    return months / (time.perf_counter() - began)


def in_browser(until: str) -> tuple[float, float, int]:
    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "run.py", "dashboard", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(240):
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(url)
            page.get_by_role("button", name="▶").wait_for(timeout=120_000)
            began = time.perf_counter()
            page.get_by_role("button", name="▶").click()
            page.wait_for_selector("table.tajmig-summary", timeout=120_000)
            first = time.perf_counter() - began
            first_date = page.locator("table.tajmig-summary").get_attribute("data-date")
            page.wait_for_function(f"document.querySelector('table.tajmig-summary').dataset.date >= '{until}'",
                                   timeout=600_000)
            playing = time.perf_counter() - began - first
            last_date = page.locator("table.tajmig-summary").get_attribute("data-date")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    def month(text):
        year, mon = map(int, text.split("-"))
        return year * 12 + mon

    return first, (month(last_date) - month(first_date)) / playing, month(last_date) - month(first_date)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--until", default="2027-12", help="play until the table shows this month (default 2027-12)")
    args = parser.parse_args()
    first, per_second, months = in_browser(args.until)
    drawn_free = model_only(120)
    load = os.getloadavg()
    print(f"Run to first chart: {first:.2f} s")
    print(f"While playing: {per_second:.2f} simulated months/s over {months} months (charts redrawn every 6)")
    print(f"The same model without drawing: {drawn_free:.1f} months/s")
    print(f"Load average while measuring: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
