"""timeline.html as a person sees it: opened in a real headless Chromium.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs
them) and selenium; skipped, with the reason, where one is missing.
"""

from __future__ import annotations

import os
import shutil
import time

import pandas as pd
import pytest

from timeline import figure
import samples

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1400,1000"]


def _chromium() -> str | None:
    given = os.environ.get("BROWSER_PATH")
    if given and os.access(given, os.X_OK):
        return given
    for path in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if path and os.access(path, os.X_OK):
            return path
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    binary = _chromium()
    driver_path = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if os.access("/usr/bin/chromedriver", os.X_OK) else None)
    if binary is None:
        pytest.skip("no Chromium (install Debian's chromium, or set BROWSER_PATH)")
    if driver_path is None:
        pytest.skip("no chromedriver (install Debian's chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def open_timeline(browser, events: pd.DataFrame, documents, path) -> None:
    figure.write_html(figure.timeline_figure(events, documents), path)
    browser.get(path.as_uri())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if browser.execute_script(
                "var gd = document.querySelector('.js-plotly-plot');"
                "return !!(gd && gd._fullLayout && gd.querySelector('.main-svg'));"):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the plot did not render within 30 s")
    # anything injected by the page would call alert(); make it leave a trace instead
    browser.execute_script("window.__alerted = 0; window.alert = function () { window.__alerted++; };")


MARKS_JS = """
var gd = document.querySelector('.js-plotly-plot');
var main = gd.querySelector('.cartesianlayer .subplot.xy');
return {
  points: main.querySelectorAll('.scatterlayer .point').length,
  bars: main.querySelectorAll('.barlayer .point').length,
  ids: [].concat.apply([], gd._fullData.map(function (t) { return t.customdata || []; })),
  types: gd._fullData.map(function (t) { return t.type; }),
  lengths: gd._fullData.map(function (t) { return t._length; }),
  hover: [].concat.apply([], gd._fullData.map(function (t) { return t.hovertext || []; })),
};
"""


def hover_mark(browser, event_id: str) -> str:
    """Move the mouse onto the mark of ``event_id``; the hover label's text."""
    from selenium.webdriver.common.action_chains import ActionChains

    locate = """
        var gd = document.querySelector('.js-plotly-plot'), id = arguments[0];
        var fl = gd._fullLayout, xa = fl.xaxis, ya = fl.yaxis;
        for (var c = 0; c < gd._fullData.length; c++) {
          var t = gd._fullData[c], i = (t.customdata || []).indexOf(id);
          if (i < 0) continue;
          var x = t.type === 'bar' ? xa.d2p(t.base[i]) + 4 : xa.d2p(t.x[i]);
          var box = gd.getBoundingClientRect();
          return [box.left + fl._size.l + x, box.top + fl._size.t + ya.l2p(t.y[i])];
        }"""
    x, y = browser.execute_script(locate, event_id)
    browser.execute_script("window.scrollBy(0, arguments[0] - window.innerHeight / 2);", y)
    x, y = browser.execute_script(locate, event_id)  # viewport coordinates after scrolling
    actions = ActionChains(browser)
    actions.w3c_actions.pointer_action.move_to_location(int(x), int(y))
    actions.perform()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        text = browser.execute_script(
            "var h = document.querySelector('.hoverlayer'); return h ? h.textContent : '';")
        if text:
            return text
        time.sleep(0.1)
    return ""


def test_ten_events_render_one_mark_each_with_hover_text_escaped(browser, tmp_path):
    events = pd.concat([samples.events(), samples.hostile_events()], ignore_index=True)
    documents = pd.concat([samples.documents(), samples.hostile_documents()], ignore_index=True)
    dated = events[events.date_start != ""]
    assert len(dated) == 10
    open_timeline(browser, events, documents, tmp_path / "timeline.html")

    found = browser.execute_script(MARKS_JS)
    assert found["points"] + found["bars"] == len(dated)
    assert found["points"] == int((dated.date_start == dated.date_end).sum())
    assert sorted(found["ids"]) == sorted(dated.event_id)
    assert any("Zelensky meets Rubio in Geneva" in h for h in found["hover"])
    assert any("RT: Rubio hails progress at Geneva talks (rt-1)" in h for h in found["hover"])

    label = hover_mark(browser, "e1")
    assert "“on Thursday”, “Thursday”" in label and "Thu 20 Nov 2025" in label
    assert "The sentence of e1." in label

    label = hover_mark(browser, "h1")
    assert "<script>alert(1)</script>" in label            # shown as text ...
    assert '<a href="javascript:alert(2)">click</a>' in label
    assert browser.execute_script(                          # ... never as elements
        "var gd = document.querySelector('.js-plotly-plot');"
        "return gd.querySelectorAll('script, a[href^=\"javascript\"], foreignObject').length;") == 0
    lanes = browser.execute_script(
        "return [].map.call(document.querySelectorAll('.ytick text'), function (t) "
        "{ return t.textContent; });")
    assert "<b>Bold</b>" in lanes
    assert browser.execute_script("return window.__alerted;") == 0


def test_two_thousand_events_render_with_webgl(browser, tmp_path):
    events = samples.many_events(2000)
    open_timeline(browser, events, None, tmp_path / "timeline.html")
    found = browser.execute_script(MARKS_JS)
    assert "scattergl" in found["types"]
    assert sum(found["lengths"]) == 2000
    assert len(set(found["ids"])) == 2000
    assert browser.execute_script(
        "return document.querySelectorAll('.js-plotly-plot canvas').length;") > 0
    assert "WebGL is not supported" not in browser.find_element("tag name", "body").text
    point = next(e for e, s, t in zip(events.event_id, events.date_start, events.date_end)
                 if s == t)
    label = hover_mark(browser, point)
    assert f"event {point}" in label
