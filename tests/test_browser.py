"""timeline.html as a person sees it: opened in a real headless Chromium.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs
them) and selenium; skipped, with the reason, where one is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import time

import pandas as pd
import pytest

from timeline import figure
import samples

pytestmark = pytest.mark.slow

# a 1280x720 screen, and no network: every host name fails to resolve, so a
# page that needed anything from elsewhere would show it
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,720",
                  "--host-resolver-rules=MAP * ~NOTFOUND"]


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


def open_timeline(browser, events: pd.DataFrame, documents, path, **options) -> None:
    figure.write_html(figure.timeline_figure(events, documents, **options), path)
    browser.get(path.as_uri())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if browser.execute_script(
                "var gd = document.querySelector('.js-plotly-plot');"
                "return !!(gd && gd._fullLayout && gd.querySelector('.main-svg')"
                " && gd.getAttribute('data-tl-ready'));"):
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
    assert "other" in lanes and "Rubio" in lanes  # "<b>Bold</b>" is no name: no lane of its own
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


# -- the page's controls ------------------------------------------------------------------

SHOWN_JS = """
var gd = document.querySelector('.js-plotly-plot'), xa = gd._fullLayout.xaxis;
var low = xa.r2l(xa.range[0]), high = xa.r2l(xa.range[1]), ids = [], inView = [];
gd._fullData.forEach(function (t) {
  if (t.visible !== true) { return; }
  for (var i = 0; i < t._length; i++) {
    ids.push(t.customdata[i]);
    var a, b;
    if (t.type === 'bar') { a = xa.d2l(t.base[i]); b = a + t.x[i]; }
    else { a = b = xa.d2l(t.x[i]); }
    if (b >= low && a <= high) { inView.push(t.customdata[i]); }
  }
});
var rows = [].filter.call(document.querySelectorAll('#tl-table tbody tr'),
                          function (r) { return !r.hidden; });
return {ids: ids, inView: inView, rows: rows.map(function (r) { return r.getAttribute('data-id'); }),
        count: document.getElementById('tl-count').textContent};
"""

LABELS_JS = """
var gd = document.querySelector('.js-plotly-plot'), anns = gd.layout.annotations || [];
return [].filter.call(gd.querySelectorAll('.annotation'), function (el) {
  var a = anns[+el.getAttribute('data-index')];
  return a && String(a.name || '').indexOf('label:') === 0 && a.visible !== false
    && el.style.visibility !== 'hidden';
}).map(function (el) {
  var r = el.getBoundingClientRect();
  return {name: anns[+el.getAttribute('data-index')].name, text: el.textContent,
          box: [r.left, r.top, r.right, r.bottom]};
});
"""


def story_events() -> pd.DataFrame:
    """The sample events, a crowd of synthetic ones, an outlier years before and a year after."""
    events = pd.concat([samples.events(), samples.hostile_events(), samples.many_events(60)],
                       ignore_index=True)
    events.loc[len(events) - 1, ["date_start", "date_end", "granularity"]] = \
        ["2027-01-01", "2027-12-31", "year"]
    events.loc[len(events) - 2, ["date_start", "date_end", "granularity"]] = \
        ["2012-05-04", "2012-05-04", "day"]
    return events


def shown(browser) -> dict:
    time.sleep(0.3)  # Plotly redraws asynchronously
    return browser.execute_script(SHOWN_JS)


def press(browser, label: str) -> None:
    buttons = browser.find_elements("css selector", ".updatemenu-button")
    button = next(b for b in buttons if b.text.strip() == label)
    button.click()


def test_every_range_button_shows_a_mark_after_all(browser, tmp_path):
    open_timeline(browser, story_events(), None, tmp_path / "timeline.html")
    labels = [b.text.strip() for b in browser.find_elements("css selector", ".updatemenu-button")]
    assert labels == ["1w", "1m", "3m", "1y", "10y", "all"]
    for label in labels:
        press(browser, "all")
        assert len(shown(browser)["inView"]) == len(story_events()) - 1  # e8 has no date
        press(browser, label)
        assert shown(browser)["inView"], f"{label} after 'all' shows no mark"


def test_search_and_selectors_filter_marks_labels_and_table(browser, tmp_path):
    from selenium.webdriver.support.ui import Select

    events = story_events()
    open_timeline(browser, events, pd.concat([samples.documents(), samples.hostile_documents()]),
                  tmp_path / "timeline.html")
    dated = set(events.event_id) - {"e8"}
    everything = shown(browser)
    assert set(everything["ids"]) == dated and set(everything["rows"]) == dated

    search = browser.find_element("id", "tl-search")
    search.send_keys("geneva")
    after = shown(browser)
    assert set(after["ids"]) == {"e1"} and after["rows"] == ["e1"]
    assert after["count"] == f"1 of {len(dated)} events"
    visible = {label["name"] for label in browser.execute_script(LABELS_JS)}
    assert visible <= {"label:e1"}

    search.clear()
    search.send_keys("<script>")  # hostile text is found as text, and stays text
    assert set(shown(browser)["ids"]) == {"h1", "h2"}
    search.clear()
    browser.find_element("id", "tl-reset").click()
    assert set(shown(browser)["ids"]) == dated

    Select(browser.find_element("id", "tl-actor")).select_by_value("Rubio")
    expected = {"e1", "e4", "h3"} | set(events.event_id[(events.actors == "Rubio")])
    assert set(shown(browser)["ids"]) == expected - {"e8"}
    Select(browser.find_element("id", "tl-outlet")).select_by_value("MWN")
    assert set(shown(browser)["ids"]) == {"e1", "e4"}
    assert set(shown(browser)["rows"]) == {"e1", "e4"}
    browser.find_element("id", "tl-reset").click()
    Select(browser.find_element("id", "tl-outlet")).select_by_value("Ahram")
    assert set(shown(browser)["ids"]) == {"e2", "e7"}
    # with a filter in effect the range buttons go where the events shown are
    press(browser, "1w")
    assert shown(browser)["inView"]
    assert browser.execute_script("return window.__alerted;") == 0


def test_date_source_selector(browser, tmp_path):
    from selenium.webdriver.support.ui import Select

    events = samples.events().assign(date_source=[
        "explicit", "inherited", "narrative", "reported", "explicit", "none", "explicit", "none"])
    open_timeline(browser, events, None, tmp_path / "timeline.html", all_dates=True)
    Select(browser.find_element("id", "tl-date-source")).select_by_value("inherited")
    assert shown(browser)["ids"] == ["e2"]
    Select(browser.find_element("id", "tl-date-source")).select_by_value("explicit")
    assert set(shown(browser)["ids"]) == {"e1", "e5", "e7"}


def test_labels_are_drawn_and_do_not_overlap(browser, tmp_path):
    for events in (story_events(), samples.many_events(400)):
        open_timeline(browser, events, None, tmp_path / "timeline.html")
        for label in ("all", "1m", "1w"):
            press(browser, label)
            time.sleep(0.4)
            labels = browser.execute_script(LABELS_JS)
            if label == "all":
                assert len(labels) >= 3
            for i, a in enumerate(labels):
                for b in labels[i + 1:]:
                    left, top, right, bottom = a["box"]
                    l2, t2, r2, b2 = b["box"]
                    assert right <= l2 or r2 <= left or bottom <= t2 or b2 <= top, (label, a, b)
    assert all("<" not in label["text"] or "&lt;" not in label["text"] for label in labels)


def test_table_lists_the_events_sorts_by_keyboard_and_links_safely(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    events = pd.concat([samples.events(), samples.hostile_events()], ignore_index=True)
    documents = pd.concat([samples.documents(), samples.hostile_documents()], ignore_index=True)
    open_timeline(browser, events, documents, tmp_path / "timeline.html")
    rows = browser.execute_script(
        "return [].map.call(document.querySelectorAll('#tl-table tbody tr'), function (r) {"
        " return [r.getAttribute('data-id'), r.cells[1].textContent]; });")
    dated = events[events.date_start != ""].sort_values(["date_start", "date_end", "event_id"])
    assert [r[0] for r in rows] == list(dated.event_id)
    summaries = dict(rows)
    assert summaries["h1"] == f"{samples.SCRIPT} =HYPERLINK(1)"  # shown as text
    assert browser.execute_script("return document.querySelectorAll('#tl-table script').length") == 0
    links = browser.execute_script(
        "return [].map.call(document.querySelectorAll('#tl-table a'), function (a) { return a.href; });")
    assert links and set(links) == {"https://www.rt.com/news/geneva/"}
    assert browser.title.startswith("10 events")

    # the sort buttons are reached and pressed with the keyboard
    button = browser.find_element("css selector", "#tl-table th button[data-key='confidence']")
    button.send_keys(Keys.ENTER)
    time.sleep(0.2)
    order = browser.execute_script(
        "return [].map.call(document.querySelectorAll('#tl-table tbody tr'), function (r) {"
        " return parseFloat(r.getAttribute('data-confidence')); });")
    assert order == sorted(order)
    button.send_keys(Keys.ENTER)
    time.sleep(0.2)
    order = browser.execute_script(
        "return [].map.call(document.querySelectorAll('#tl-table tbody tr'), function (r) {"
        " return parseFloat(r.getAttribute('data-confidence')); });")
    assert order == sorted(order, reverse=True)
    assert browser.execute_script("return window.__alerted;") == 0


def test_the_page_needs_no_network_and_fits_a_small_screen(browser, tmp_path):
    open_timeline(browser, story_events(), None, tmp_path / "timeline.html")
    page = browser.page_source
    assert not re.search(r"<(?:script|link|img|iframe)[^>]*\b(?:src|href)=[\"']?https?:", page)
    requested = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; });")
    assert [url for url in requested if not url.startswith(("file:", "data:", "blob:"))] == []
    assert browser.execute_script("return window.innerWidth;") <= 1280
    bottom = browser.execute_script(
        "return document.querySelector('.js-plotly-plot .xaxislayer-above')"
        ".getBoundingClientRect().bottom;")
    assert bottom <= browser.execute_script("return window.innerHeight;")
    # the legend is shown, and a click on an entry hides its lane
    entries = browser.find_elements("css selector", ".legend .traces")
    assert entries
    before = len(shown(browser)["ids"])
    entries[0].find_element("css selector", ".legendtoggle").click()
    time.sleep(0.6)  # Plotly waits to tell a click from a double click
    assert len(shown(browser)["ids"]) < before
    assert not browser.find_elements("css selector", "[data-title='Share chart'], "
                                     "a.modebar-btn[data-title*='Chart Studio']")
