"""The explorer in a real browser: ``pycart explore`` started as a user starts it, the page
driven by Playwright in the system's headless Chromium (Debian's ``chromium`` package; no
browser is downloaded). Skipped where no system Chromium exists, failed instead in CI.

``PYCART_SCREENSHOT=docs/explorer.png pytest -m heavy tests/explore/test_browser.py`` also
writes the README's screenshot.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = [pytest.mark.heavy, pytest.mark.timeout(600)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
#: The targets of issue 23: an update redrawn within 300 ms, 10,000 patients within 5 s,
#: the page served within 10 s of the command.
UPDATE_MS, COHORT_S, START_S = 300.0, 5.0, 10.0
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def _chromium() -> str:
    import importlib.util

    found = shutil.which("chromium") or shutil.which("chromium-browser")
    why = "no system Chromium (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        found, why = None, "Playwright is not installed (pip install '.[test]')"
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test cannot run in CI: {why}")
        pytest.skip(why)
    return found


def _port() -> int:
    """8765, the port the issue's check names (docs/explorer.md's command), where it is free;
    else a free one (another run may hold it)."""
    for port in (8765, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise AssertionError("no free port")


def _pycart(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "pycart", *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``pycart explore --no-browser --port N``: its address, once the page answers, and
    the seconds that took."""
    port = _port()
    cwd = tmp_path_factory.mktemp("explore")
    log = tmp_path_factory.mktemp("log") / "stderr.txt"
    began = time.monotonic()
    with log.open("w") as errors:
        process = subprocess.Popen([sys.executable, "-m", "pycart", "explore", "--no-browser",
                                    "--port", str(port)], cwd=cwd, env=ENV,
                                   stdout=subprocess.PIPE, stderr=errors, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        line = process.stdout.readline()
        assert url in line, line + log.read_text()
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                assert time.monotonic() - began < 60, "the page never answered"
                time.sleep(0.1)
        yield url, time.monotonic() - began
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()
    assert not list(cwd.iterdir()), "pycart explore wrote files"
    assert "Traceback" not in log.read_text(), log.read_text()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    chromium = _chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900},
                                      accept_downloads=True)
        page = context.new_page()
        page.elsewhere = []  # requests to anywhere but the app: refused, and a failure

        def local_only(route) -> None:
            if route.request.url.startswith(server[0]) or route.request.url.startswith("data:"):
                route.continue_()
            else:
                page.elsewhere.append(route.request.url)
                route.abort()

        context.route("**/*", local_only)
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text)
                if m.type == "error" else None)
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        page.goto(server[0])
        _wait_draws(page, 1)
        yield page
        browser.close()


def _draws(page) -> int:
    return int(page.get_attribute("#plot", "data-draws") or 0)


def _wait_draws(page, n: int, timeout: float = 30_000) -> None:
    page.wait_for_function(f"Number(document.getElementById('plot').dataset.draws || 0) >= {n}",
                           timeout=timeout)


def _metric(page, what: str) -> str:
    return page.inner_text(f"#metrics-table td[data-metric='{what}']")


def _set(page, key: str, value: str) -> float:
    """Type ``value`` into input ``key`` as a user does (then Enter): the browser's time of
    the change, in ms."""
    return page.evaluate("""([key, value]) => {
        const el = document.getElementById(key);
        el.value = value;
        const t0 = performance.now();
        el.dispatchEvent(new Event('change', {bubbles: true}));
        return t0;
    }""", [key, value])


def _settled(page) -> None:
    """Wait until the metrics are those of the run the plot shows (the plot comes first)."""
    page.wait_for_function("document.querySelector('#run-status') && document.querySelector("
                           "'#run-status').dataset.runs === document.getElementById('plot')"
                           ".dataset.runs", timeout=30_000)


def _update_ms(page, key: str, value: str) -> float:
    before = _draws(page)
    t0 = _set(page, key, value)
    _wait_draws(page, before + 1)
    _settled(page)
    return float(page.get_attribute("#plot", "data-drawn-at")) - t0


def test_the_page_serves_within_ten_seconds_without_a_console_error(server, page, capsys):
    with capsys.disabled():
        print(f"\nexplorer: the page answered {server[1]:.1f} s after the command")
    assert server[1] < START_S, f"served after {server[1]:.1f} s"
    assert page.title() == "pycart explorer"
    for key in ("p_alpha", "p_h", "p_rhoA", "p_tauA", "i_L", "i_B1", "t_end", "model"):
        assert page.is_visible(f"#{key}") or page.locator(f"#{key}").count() == 1
    assert page.locator("#plot .main-svg").count() >= 1
    assert "cells" in _metric(page, "L at day 30")
    assert page.console_errors == []
    assert page.elsewhere == []  # every script, style and font from the app: no internet


def test_a_changed_input_redraws_the_plot_and_metrics_in_time(page, capsys):
    before = _metric(page, "L at day 30")
    times = [_update_ms(page, "p_alpha", v) for v in ("1e-10", "2e-10", "1e-10", "2e-10",
                                                      "1e-10")]
    assert _metric(page, "L at day 30") != before
    median = statistics.median(times)
    with capsys.disabled():
        print(f"\nexplorer update, changed input to redrawn plot: {times} ms, median "
              f"{median:.0f} ms")
    assert median < UPDATE_MS


def test_the_axis_switch_redraws_on_a_linear_axis_and_back(page):
    for kind in ("linear", "log"):
        before = _draws(page)
        page.click("#log_axis")
        _wait_draws(page, before + 1)
        assert page.evaluate("document.getElementById('plot').layout.yaxis.type") == kind


def test_bad_values_are_shown_beside_their_input_and_the_page_keeps_serving(page):
    _set(page, "p_alpha", "abc")
    page.wait_for_function("document.getElementById('err-p_alpha').textContent.length > 0")
    assert "not a number" in page.inner_text("#err-p_alpha")
    assert "allowed" in page.inner_text("#err-p_alpha")
    _set(page, "p_h", "-1")
    page.wait_for_function("document.getElementById('err-p_h').textContent.length > 0")
    assert "out of range" in page.inner_text("#err-p_h")
    assert page.is_visible("#failure")
    assert "Traceback" not in page.content()
    _set(page, "p_reinf_dose", "5e8")  # a scheduled dose without its day: never given
    page.wait_for_function("document.getElementById('err-p_reinf_day').textContent.length > 0")
    assert "need a day" in page.evaluate("document.getElementById('err-p_reinf_day').textContent")
    _set(page, "p_reinf_dose", "0")
    before = _draws(page)
    _set(page, "p_h", "1e9")
    _set(page, "p_alpha", "1e-10")
    _wait_draws(page, before + 1)
    _settled(page)
    page.wait_for_function("document.getElementById('err-p_alpha').textContent === ''")
    assert page.inner_text("#err-p_h") == ""
    assert page.evaluate("document.getElementById('err-p_reinf_day').textContent") == ""
    assert page.locator("#failure").count() == 0


def test_quick_changes_do_not_queue_stale_simulations(page, model):
    runs_before = int(page.get_attribute("#run-status", "data-runs"))
    values = [f"{v:.3g}" for v in np.geomspace(1e-10, 3e-10, 20)]
    page.evaluate("""(values) => {
        const el = document.getElementById('p_alpha');
        for (const v of values) { el.value = v; el.dispatchEvent(new Event('change',
            {bubbles: true})); }
    }""", values)
    page.wait_for_function(
        f"document.querySelector('#run-status') && "
        f"document.querySelector('#run-status').dataset.alpha === '{values[-1]}'",
        timeout=30_000)
    runs = int(page.get_attribute("#run-status", "data-runs")) - runs_before
    assert runs < len(values) / 2, f"{runs} simulations for {len(values)} changes"
    expected = model.run({"alpha": float(values[-1])}).summary.L30
    assert _metric(page, "L at day 30") == f"{expected:.3g} cells"


def _download(page, button: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.click(f"#{button}")
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_downloads_reproduce_with_pycart_simulate_and_pycart_run(page, tmp_path):
    _update_ms(page, "i_L", "1e11")
    csv = _download(page, "download_csv", tmp_path)
    toml = _download(page, "download_toml", tmp_path)
    page_csv = pd.read_csv(csv)
    page.click("a[data-value='Reproduce and cite']")  # outputs render where they are seen
    page.wait_for_selector("#reproduce pre")
    settings = re.search(r"pycart simulate (.*) --out", page.inner_text("#reproduce pre"))[1]
    assert "--init L=1e11" in settings
    page.click("a[data-value='Patient']")
    _pycart("simulate", *settings.split(), "--out", "simulated.csv", cwd=tmp_path)
    simulated = pd.read_csv(tmp_path / "simulated.csv")
    assert list(simulated.columns) == list(page_csv.columns)
    np.testing.assert_allclose(page_csv.to_numpy(), simulated.to_numpy(), rtol=1e-8,
                               atol=1e-12)
    _pycart("run", str(toml), "--out", "rerun", cwd=tmp_path)
    rerun = pd.read_csv(tmp_path / "rerun" / "patient.csv")
    np.testing.assert_allclose(page_csv.to_numpy(), rerun.to_numpy(), rtol=1e-8, atol=1e-12)
    L30 = pd.read_csv(tmp_path / "rerun" / "metrics.csv")["L30"].iloc[0]
    assert _metric(page, "L at day 30") == f"{L30:.3g} cells"


def test_the_archive_and_figures_download(page, tmp_path):
    omex = _download(page, "download_omex", tmp_path)
    with zipfile.ZipFile(omex) as archive:
        names = archive.namelist()
    assert "manifest.xml" in names and "explorer.sedml" in names
    assert any(n.endswith(".xml") and n.startswith("cart_bm") for n in names)
    assert _download(page, "download_png", tmp_path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in _download(page, "download_svg", tmp_path).read_bytes()[:2000]


def test_a_preset_sets_the_inputs(page):
    page.select_option("#preset", "fig8/NR1-C")
    page.wait_for_function("document.getElementById('p_h').value === '1e10'")
    page.wait_for_function("document.querySelector('#run-status') && "
                           "document.querySelector('#run-status').dataset.model === 'cart_bm2'",
                           timeout=30_000)
    assert "second product on relapse" in page.inner_text("#metrics-table")
    page.select_option("#preset", "fig3/fig3")
    page.wait_for_function("document.querySelector('#run-status').dataset.model === 'cart_bm'",
                           timeout=30_000)


def _open_doses(page) -> None:
    """Open the sidebar's Doses section (where the schedule editor is)."""
    button = page.locator(".accordion-button", has_text="Doses")
    if "collapsed" in (button.get_attribute("class") or ""):
        button.click()
    page.wait_for_selector("#dose_add", state="visible")


def _click_ms(page, button: str) -> float:
    """Click ``button`` and wait for the redrawn plot and its metrics: the ms between."""
    before = _draws(page)
    t0 = page.evaluate(f"() => {{ const t0 = performance.now(); "
                       f"document.getElementById('{button}').click(); return t0; }}")
    _wait_draws(page, before + 1)
    _settled(page)
    return float(page.get_attribute("#plot", "data-drawn-at")) - t0


def _dose_lines(page) -> list[float]:
    return page.evaluate("(document.getElementById('plot').layout.shapes || [])"
                         ".map(s => s.x0)")


def test_two_doses_added_in_the_page_change_the_plot_metrics_and_downloads(page, tmp_path,
                                                                            capsys):
    page.select_option("#preset", "fig3/fig3")
    page.wait_for_function("document.querySelector('#run-status') && document.querySelector("
                           "'#run-status').dataset.model === 'cart_bm' && document."
                           "getElementById('dose-editor').dataset.count === '0'", timeout=30_000)
    _settled(page)
    _open_doses(page)
    before = (_metric(page, "L at day 30"), _metric(page, "CAR T peak"))
    assert _dose_lines(page) == []
    first = _click_ms(page, "dose_add")  # a CAR T dose on day 7 (a warmed shape)
    page.wait_for_function("document.getElementById('dose_day_0').value === '7'")
    second = _click_ms(page, "dose_add")  # and on day 14
    shape = _update_ms(page, "dose_species_1", "B3")  # a B-cell infusion: a shape not warmed
    _update_ms(page, "dose_cells_1", "5e6")
    page.wait_for_function("document.querySelector(\"#metrics-table td[data-metric='dose 2: "
                           "5e6 B-cell infusion (B3)']\")", timeout=30_000)
    assert _dose_lines(page) == [7, 14]
    assert (_metric(page, "L at day 30"), _metric(page, "CAR T peak")) != before
    assert _metric(page, "dose 1: 1e7 CAR T product (CA)") == "day 7"
    assert _metric(page, "CAR T given up to the peak") == "6e+07 cells"  # 5e7 + 1e7
    changes = [_update_ms(page, "dose_day_0", v) for v in ("8", "7", "8", "7", "8")]
    with capsys.disabled():
        print(f"\nexplorer schedule: add a dose {first:.0f} and {second:.0f} ms, a new "
              f"shape (B3 dose) {shape:.0f} ms, a dose's day changed {changes} ms "
              f"(median {statistics.median(changes):.0f} ms)")
    assert statistics.median(changes) < UPDATE_MS
    _update_ms(page, "dose_day_0", "7")
    csv = _download(page, "download_csv", tmp_path)
    toml = _download(page, "download_toml", tmp_path)
    page.click("a[data-value='Reproduce and cite']")
    page.wait_for_function("document.querySelector('#reproduce pre') && document."
                           "querySelector('#reproduce pre').textContent.includes('doses=')")
    text = page.inner_text("#reproduce pre")  # (redrawn once in view: the doses wait for it)
    page.click("a[data-value='Patient']")
    assert "doses=[(7, 1e7, 'CA'), (14, 5e6, 'B3')]" in text
    settings = re.search(r"pycart simulate (.*) --out", text)[1]
    assert "--dose 7:1e7 --dose 14:5e6:B3" in settings
    _pycart("simulate", *settings.split(), "--out", "simulated.csv", cwd=tmp_path)
    page_csv, simulated = pd.read_csv(csv), pd.read_csv(tmp_path / "simulated.csv")
    assert list(simulated.columns) == list(page_csv.columns)
    np.testing.assert_allclose(page_csv.to_numpy(), simulated.to_numpy(), rtol=1e-8, atol=0)
    assert "doses = [" in toml.read_text()
    _pycart("run", str(toml), "--out", "rerun", cwd=tmp_path)
    rerun = pd.read_csv(tmp_path / "rerun" / "patient.csv")
    np.testing.assert_allclose(page_csv.to_numpy(), rerun.to_numpy(), rtol=1e-8, atol=0)
    omex = _download(page, "download_omex", tmp_path)
    with zipfile.ZipFile(omex) as archive:
        assert "dose_B3_1_cells" in archive.read("explorer.sedml").decode()


def test_a_bad_dose_is_shown_beside_it_and_removing_it_clears_it(page):
    _open_doses(page)
    _set(page, "dose_day_1", "400")
    page.wait_for_function("document.getElementById('err-dose_1').textContent.length > 0")
    assert page.inner_text("#err-dose_1") == ("dose day 400.0: a dose day is a finite number "
                                              "from 0 to the horizon (180 days)")
    assert "is-invalid" in page.get_attribute("#dose_1", "class")
    assert page.is_visible("#failure") and "Traceback" not in page.content()
    _set(page, "dose_day_0", "0")  # C_A(0) is set: a day-0 CAR T dose is ambiguous
    page.wait_for_function("document.getElementById('err-dose_0').textContent.length > 0")
    assert page.inner_text("#err-dose_0").startswith("initial CA is set and the schedule "
                                                     "doses CA on day 0")
    _set(page, "dose_day_0", "7")
    _click_ms(page, "dose_remove_1")
    page.wait_for_function("document.getElementById('dose-editor').dataset.count === '1'")
    assert not page.is_visible("#dose_1") and page.inner_text("#err-dose_1") == ""
    assert page.inner_text("#err-dose_0") == "" and page.locator("#failure").count() == 0
    assert _dose_lines(page) == [7]


def test_a_species_the_model_lacks_and_a_dose_too_many_are_shown_not_changed(page):
    _open_doses(page)
    _set(page, "model", "cart_bm2")
    page.wait_for_function("document.querySelector(\"#dose_species_0 option[value='CA2']\")")
    _set(page, "dose_species_0", "CA2")  # the second product on day 7
    page.wait_for_function("document.querySelector('#metrics-table') && document.querySelector("
                           "'#metrics-table').textContent.includes('second product (CA2)')",
                           timeout=30_000)
    _set(page, "model", "cart_bm")  # a model without CA2: the dose stays, and says so
    page.wait_for_function("document.getElementById('err-dose_0').textContent.length > 0")
    assert page.inner_text("#err-dose_0") == ("dose species CA2: cart_bm has no CA2 (allowed "
                                              "in cart_bm: CA, B3, L)")
    assert page.input_value("#dose_species_0") == "CA2"
    assert page.inner_text("#dose_species_0 option[value='CA2']") == "CA2: not in cart_bm"
    _set(page, "dose_species_0", "CA")
    page.wait_for_function("document.getElementById('err-dose_0').textContent === ''")
    for n in range(2, 13):  # up to pycart's limit of 12 doses per run
        page.click("#dose_add")
        page.wait_for_function(f"document.getElementById('dose-editor').dataset.count "
                               f"=== '{n}'")
    page.click("#dose_add")
    page.wait_for_function("document.getElementById('err-doses').textContent.length > 0")
    assert page.inner_text("#err-doses") == "13 doses: at most 12 doses per run"
    assert page.get_attribute("#dose-editor", "data-count") == "12"


def test_the_example_schedules_are_presets_filling_the_editor(page):
    _open_doses(page)
    page.select_option("#preset", "fractionated/three-fractions")
    page.wait_for_function("document.getElementById('dose-editor').dataset.count === '3' && "
                           "document.getElementById('dose_day_2').value === '7' && "
                           "document.getElementById('i_CA').value === ''")
    page.wait_for_function("document.querySelector(\"#metrics-table td[data-metric='dose 3: "
                           "1e7 CAR T product (CA)']\")", timeout=30_000)
    _settled(page)
    assert _dose_lines(page) == [0, 2, 7]
    assert _metric(page, "CAR T given up to the peak") == "3e+07 cells"
    assert _metric(page, "fold expansion log₁₀(C_peak / CAR T given)") == "2.84"  # README
    page.select_option("#preset", "fractionated/one-dose")
    page.wait_for_function("document.getElementById('dose-editor').dataset.count === '1'")
    page.wait_for_function("document.querySelector('#metrics-table') && document.querySelector("
                           "'#metrics-table').textContent.includes('dose 1: 3e7')",
                           timeout=30_000)
    assert not page.is_visible("#dose_1")


def test_ten_thousand_patients_within_five_seconds(page, tmp_path, capsys):
    page.select_option("#preset", "fig3/fig3")  # Figure 3's patient: the sweep's defaults
    page.wait_for_function("document.getElementById('i_L').value === '2e11' && "
                           "document.getElementById('p_alpha').value === '3e-10'")
    page.wait_for_function("document.querySelector('#run-status').dataset.alpha === '3e-10'")
    page.click("a[data-value='Cohort']")
    page.wait_for_selector("#cohort_run")
    page.evaluate("""() => { window.progressSeen = [];
        new MutationObserver(() => {
            const bar = document.querySelector('.shiny-progress-notification .progress-message');
            if (bar) { window.progressSeen.push(bar.textContent); }
        }).observe(document.body, {childList: true, subtree: true, characterData: true});
    }""")
    seconds = []
    for _ in range(2):  # the first may still wait for the compiled kernel
        before = page.evaluate("document.getElementById('cohort-share') ? "
                               "document.getElementById('cohort-share').dataset.run : ''")
        t0 = time.monotonic()
        page.click("#cohort_run")
        page.wait_for_function(f"document.getElementById('cohort-share') && document."
                               f"getElementById('cohort-share').dataset.run !== '{before}'",
                               timeout=120_000)
        seconds.append(time.monotonic() - t0)
    assert any(m.startswith("cohort") for m in page.evaluate("window.progressSeen"))
    share = page.inner_text("#cohort-share")
    with capsys.disabled():
        print(f"\nexplorer cohort of 10,000 patients, click to map: {seconds} s; {share}")
    assert share.startswith("10,000 patients")
    assert seconds[-1] < COHORT_S
    shown = float(re.search(r"([\d.]+)% responders", share).group(1))
    _pycart("sweep", "--param", "alpha=3e-11:3e-9:100:log", "--param", "h=1e8:1e11:100:log",
            "--no-peak", "--engine", "serial", "--out", "cohort.csv", cwd=tmp_path)
    table = pd.read_csv(tmp_path / "cohort.csv")
    assert len(table) == 10_000 and shown == round(100 * table["responder"].mean(), 1)
    assert page.locator("#cohort-map").count() == 1
    mine = pd.read_csv(_download(page, "download_cohort", tmp_path))
    # the same grid as pycart sweep's, to the last bit, and the same kernel: the same numbers
    np.testing.assert_array_equal(mine[["alpha", "h", "L30"]].to_numpy(),
                                  table[["alpha", "h", "L30"]].to_numpy())
    page.click("a[data-value='Patient']")


def test_a_cohort_asked_for_later_is_the_one_shown(page):
    """A 10,000-patient cohort, then at once a 100-patient one: the small one finishes first,
    and the large one, finishing later, must not replace it."""
    page.click("a[data-value='Cohort']")
    for n in ("100", "10"):
        page.fill("#cohort_n", n)
        page.dispatch_event("#cohort_n", "change")
        page.wait_for_function(f"document.getElementById('cohort_n').value === '{n}'")
        page.click("#cohort_run")
    page.wait_for_function("document.getElementById('cohort-share').textContent"
                           ".startsWith('100 patients')", timeout=60_000)
    page.wait_for_timeout(4000)  # the large cohort ends meanwhile
    assert page.inner_text("#cohort-share").startswith("100 patients")
    page.fill("#cohort_n", "100")
    page.dispatch_event("#cohort_n", "change")
    page.click("a[data-value='Patient']")


def test_nothing_was_asked_of_the_internet_all_along(page):
    assert page.elsewhere == [] and page.console_errors == []


def test_the_screenshot(page, tmp_path):
    page.select_option("#preset", "fractionated/three-fractions")
    for section in ("Product", "Patient"):  # the schedule editor in view
        button = page.locator(".accordion-button", has_text=section)
        if "collapsed" not in (button.get_attribute("class") or ""):
            button.click()
    _open_doses(page)
    page.wait_for_timeout(1500)
    target = os.environ.get("PYCART_SCREENSHOT")
    path = Path(target) if target else tmp_path / "explorer.png"
    page.screenshot(path=str(path))
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_an_exposed_server_prints_a_token_and_refuses_requests_without_it(tmp_path):
    import urllib.error

    process = subprocess.Popen([sys.executable, "-m", "pycart", "explore", "--no-browser",
                                "--host", "0.0.0.0", "--port", "0"], cwd=tmp_path, env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        found = re.search(r"http://0\.0\.0\.0:(\d+)/\?token=([\w-]{40,})", line)
        assert found, line
        port, token = found.groups()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30)
        assert refused.value.code == 403
        refused.value.close()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={token}",
                                    timeout=30) as reply:
            assert reply.status == 200 and b"pycart explorer" in reply.read()
            assert "HttpOnly" in reply.headers["set-cookie"]
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()
