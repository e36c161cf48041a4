"""`timeline run`: papermill executes the three notebooks on the seeds.

One run of the chain (``seed_run``) is shared by the tests of its results:
the tables, the story's export, the executed notebooks committed through the
git filter, and their HTML export opened in headless Chromium.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from timeline import cli, execute, tables
from conftest import SEEDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "seeds"
    code = cli.main(["run", "--corpus", str(SEEDS), "--out", str(out)])
    assert code == 0
    return out


def test_run_leaves_executed_notebooks_tables_and_figure(seed_run):
    for name in execute.NOTEBOOKS:
        executed = nbformat.read(seed_run / name, as_version=4)
        assert any(c.get("outputs") for c in executed.cells if c.cell_type == "code")
    for name in ("documents.csv", "mentions.csv", "events.csv", "rejects.csv", "timeline.html",
                 "timeline_js.csv"):
        assert (seed_run / name).exists(), name
    html = (seed_run / "timeline.html").read_text(encoding="utf-8")
    import re
    assert re.search(r"<script[^>]*\bsrc=", html) is None  # plotly.js inline, no CDN
    assert "Plotly.newPlot" in html


def test_run_tables_match_the_manifest(seed_run):
    docs = tables.read_csv(seed_run / "documents.csv").set_index("doc_id")
    import csv
    with open(SEEDS / "manifest.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert docs.loc[row["doc_id"], "published"] == row["published"]
    mentions = tables.read_csv(seed_run / "mentions.csv")
    assert len(mentions) > 50
    for m in mentions.itertuples():
        assert docs.loc[m.doc_id, "text"][int(m.start):int(m.end)] == m.text


def test_run_with_a_parameter_changes_the_result(tmp_path):
    out = tmp_path / "out"
    code = cli.main(["run", "--corpus", str(SEEDS), "--out", str(out),
                     "-p", "default_published", "2025-12-01", "-p", "export_images", "false",
                     "-p", "entity", "cairo"])
    assert code == 0
    docs = tables.read_csv(out / "documents.csv").set_index("doc_id")
    assert docs.loc["cairo-lavrov-talks", "published"] == "2025-12-01"
    executed = nbformat.read(out / "01_extract.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "2025-12-01" in injected[0].source
    story = tables.read_csv(out / "story.csv")  # -p entity went to 03_story only
    assert len(story) and all("cairo" in f"{a} {o}".lower()
                              for a, o in zip(story.actors, story.object))


def test_failing_cell_names_notebook_and_cell(tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(execute.NOTEBOOK_DIR, notebooks)
    nb = nbformat.read(notebooks / "01_extract.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('deliberate failure')"))
    nbformat.write(nb, notebooks / "01_extract.ipynb")
    out = tmp_path / "out"
    with pytest.raises(execute.NotebookFailed) as failure:
        execute.run(SEEDS, out, notebook_dir=notebooks)
    message = str(failure.value)
    assert "\n" not in message
    kept = nbformat.read(out / "01_extract.ipynb", as_version=4)
    failed = [i for i, c in enumerate(kept.cells) if c.cell_type == "code"
              and any(o.get("ename") == "ValueError" for o in c.get("outputs", []))]
    assert len(failed) == 1
    # the cell as numbered in the researcher's notebook, and its In [n] in the kept copy
    assert "01_extract.ipynb" in message and f"cell {len(nb.cells)} " in message
    assert f"In [{kept.cells[failed[0]].execution_count}]" in message
    assert "deliberate failure" in message


def test_kernel_noise_does_not_reach_the_terminal_after_a_failure(tmp_path, capfd):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(execute.NOTEBOOK_DIR, notebooks)
    nb = nbformat.read(notebooks / "01_extract.ipynb", as_version=4)
    # the kernel writes to its own stderr as it exits, as ipykernel's
    # "KeyboardInterrupt caught in kernel" does at the shutdown after a failure
    nb.cells.insert(2, nbformat.v4.new_code_cell(
        "import atexit, os, sys\n"
        "terminal = os.dup(getattr(sys.stderr, '_original_stdstream_copy', 2))\n"
        "atexit.register(os.write, terminal, b'noise from the kernel\\n')\n"
        "raise ValueError('early failure')"))
    nbformat.write(nb, notebooks / "01_extract.ipynb")
    with pytest.raises(execute.NotebookFailed, match="early failure"):
        execute.run(SEEDS, tmp_path / "out", notebook_dir=notebooks)
    captured = capfd.readouterr()
    assert "noise from the kernel" not in captured.err + captured.out


# --- the story notebook ------------------------------------------------------------


def test_story_notebook_exports_the_events_of_the_top_entity(seed_run):
    from timeline import story

    events = tables.read_csv(seed_run / "events.csv")
    who = story.top_entity(events)
    expected = story.select(events, entity=who)
    exported = tables.read_csv(seed_run / "story.csv")
    assert who and len(exported) == len(expected) > 0
    assert exported.event_id.tolist() == expected.event_id.tolist()
    dates = exported.date_start.fillna("").tolist()
    dated = [d for d in dates if d]
    assert dated == sorted(dated)                                # in date order ...
    assert dates == dated + [""] * (len(dates) - len(dated))     # ... the undated last
    executed = nbformat.read(seed_run / "03_story.ipynb", as_version=4)
    pages = [o.data["text/html"] for c in executed.cells if c.cell_type == "code"
             for o in c.outputs if "text/html" in o.get("data", {})]
    story_page = next(p for p in pages if 'class="tl-story"' in p)
    assert story_page.count('class="tl-story-event"') == len(expected)
    assert 'class="tl-timex"' in story_page


# --- notebooks in git: outputs never committed -----------------------------------


def _git(*args, cwd):
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr.strip()}"
    return done.stdout


def test_executed_notebooks_are_committed_without_outputs(seed_run, tmp_path):
    project = execute.NOTEBOOK_DIR.parent
    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=project,
                      capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    make = shutil.which("make")
    if make is None:
        pytest.skip("no make")
    clone = tmp_path / "clone"
    _git("clone", "--quiet", str(project), str(clone), cwd=tmp_path)
    for name in ("Makefile", ".gitattributes"):  # as they are now, committed or not
        shutil.copy(project / name, clone / name)
    # the Makefile's own recipe installs the filter (with this venv's nbstripout)
    bin_dir = Path(sys.executable).parent
    done = subprocess.run([make, "--no-print-directory", "-C", str(clone), "git-filter",
                           f"BIN={bin_dir}"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "nbstripout" in _git("config", "filter.nbstripout.clean", cwd=clone)
    for name in execute.NOTEBOOKS:
        shutil.copy(seed_run / name, clone / "notebooks" / name)  # a researcher's run
    _git("add", "notebooks", cwd=clone)
    _git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet",
         "--allow-empty", "-m", "executed notebooks", cwd=clone)
    for name in execute.NOTEBOOKS:
        working = nbformat.read(clone / "notebooks" / name, as_version=4)
        assert any(c.outputs for c in working.cells if c.cell_type == "code")  # kept here
        blob = nbformat.reads(_git("show", f"HEAD:notebooks/{name}", cwd=clone), as_version=4)
        code = [c for c in blob.cells if c.cell_type == "code"]
        assert code and all(c.outputs == [] and c.execution_count is None for c in code), name
        assert "papermill" not in blob.metadata and "language_info" not in blob.metadata
        assert not any("papermill" in c.metadata for c in blob.cells)
    # the working copy with outputs counts as unchanged: nothing left to commit
    assert _git("status", "--porcelain", "notebooks", cwd=clone) == ""


# --- the executed notebooks in a browser -------------------------------------------


@pytest.fixture(scope="module")
def offline_browser(tmp_path_factory):
    """Headless Chromium with every network request sent to a dead proxy, and
    its requests logged."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service
    from test_browser import CHROMIUM_FLAGS, _chromium

    binary = _chromium()
    driver_path = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if os.access("/usr/bin/chromedriver", os.X_OK) else None)
    if binary is None or driver_path is None:
        pytest.skip("no Chromium or chromedriver (install Debian's chromium, chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument("--window-size=1100,900")
    options.add_argument("--proxy-server=http://127.0.0.1:9")  # nothing listens: offline
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-offline')}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_page_load_timeout(90)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def notebook_pages(seed_run):
    """The executed notebooks exported to HTML by nbconvert; and the URLs of
    nbconvert's own template (require.js, MathJax), which are not ours."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    pages = {}
    for name in execute.NOTEBOOKS:
        body, _ = exporter.from_filename(str(seed_run / name))
        path = seed_run / name.replace(".ipynb", ".html")
        path.write_text(body, encoding="utf-8")
        pages[name] = path
    return pages, {exporter.require_js_url, exporter.mathjax_url}


def _open(browser, path, tables_wanted):
    browser.get_log("performance")  # forget earlier pages' requests
    browser.get(path.as_uri())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if browser.execute_script(
                "return document.querySelectorAll('.dt-container tbody tr').length > 0 && "
                "document.querySelectorAll('.dt-container').length;") >= tables_wanted:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"{path.name}: the interactive tables did not render within 60 s")
    requests = [json.loads(entry["message"])["message"] for entry in browser.get_log("performance")]
    return [r["params"]["request"]["url"] for r in requests
            if r["method"] == "Network.requestWillBeSent"]


# a table widget (.dt-container) holds its header and its body in two tables when it scrolls
COLUMN_JS = """
var widget = document.querySelectorAll('.dt-container')[arguments[0]];
var heads = [].map.call(widget.querySelectorAll('.dt-scroll-head thead th'), function (th) {
  return th.textContent.trim().split(/\\s/)[0]; });
var col = heads.indexOf(arguments[1]);
return [].map.call(widget.querySelectorAll('.dt-scroll-body tbody tr'), function (tr) {
  return tr.children[col].textContent; });
"""


def _click_header(browser, index, column):
    from selenium.webdriver.common.by import By

    widget = browser.find_elements(By.CSS_SELECTOR, ".dt-container")[index]
    header = next(th for th in widget.find_elements(By.CSS_SELECTOR, ".dt-scroll-head thead th")
                  if th.text.strip().split()[0] == column)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", header)
    header.click()
    time.sleep(0.3)


def test_notebook_tables_render_sort_and_search_offline(seed_run, notebook_pages,
                                                        offline_browser):
    browser = offline_browser
    pages, template_urls = notebook_pages
    events = tables.read_csv(seed_run / "events.csv")
    urls = _open(browser, pages["01_extract.ipynb"], 3)
    outside = [u for u in urls if u.startswith(("http:", "https:")) and u not in template_urls]
    assert outside == [], "the notebook's outputs asked the network for " + ", ".join(outside)
    # documents, mentions, events: interactive, ten rows a page, one search box each
    assert browser.execute_script(
        "return document.querySelectorAll('.dt-container table.dataTable').length;") >= 3
    assert browser.execute_script("return document.querySelectorAll('.dt-container').length;") == 3
    assert browser.execute_script(
        "return document.querySelectorAll('.dt-search input').length;") == 3
    event_table = 2
    shown = browser.execute_script(COLUMN_JS, event_table, "date_start")
    assert shown == sorted(events.date_start)[:10]
    info = browser.execute_script(
        "return document.querySelectorAll('.dt-info')[arguments[0]].textContent;", event_table)
    assert f"of {len(events):,} entries" in info
    # rows one line high: dates never broken, long text cut for display
    assert browser.execute_script("""
        var widget = document.querySelectorAll('.dt-container')[arguments[0]];
        var cells = widget.querySelectorAll('.dt-scroll-body tbody td');
        var dates = widget.querySelectorAll('.dt-scroll-body tbody td.dt-nowrap');
        return dates.length >= 20 && [].every.call(cells, function (td) {
          return getComputedStyle(td).whiteSpace === 'nowrap' && td.textContent.length <= 81; });
        """, event_table)
    # a click on a header sorts: twice on date_start gives the latest first
    _click_header(browser, event_table, "date_start")
    _click_header(browser, event_table, "date_start")
    latest = browser.execute_script(COLUMN_JS, event_table, "date_start")
    assert latest != shown and latest == sorted(events.date_start, reverse=True)[:10]
    # the search box filters the rows
    from selenium.webdriver.common.by import By

    box = browser.find_elements(By.CSS_SELECTOR, ".dt-search input")[event_table]
    word = "Moscow"
    box.send_keys(word)
    time.sleep(0.5)
    info = browser.execute_script(
        "return document.querySelectorAll('.dt-info')[arguments[0]].textContent;", event_table)
    matching = int(events.apply(lambda r: word.lower() in " ".join(map(str, r)).lower(),
                                axis=1).sum())
    assert 0 < matching < len(events)
    assert f"of {matching:,} entries (filtered from {len(events):,} total entries)" in info, info
    box.clear()
    box.send_keys("\ue003" * len(word))  # backspaces: the search box empty again
    time.sleep(0.5)
    _screenshot(browser, ".dt-container", event_table, "notebook-01-extract.png")


def test_timeline_and_story_notebooks_render_offline(notebook_pages, offline_browser):
    browser = offline_browser
    pages, template_urls = notebook_pages
    for name, wanted in (("02_timeline.ipynb", 1), ("03_story.ipynb", 1)):
        urls = _open(browser, pages[name], wanted)
        assert [u for u in urls if u.startswith(("http:", "https:"))
                and u not in template_urls] == [], name
    browser.get(pages["02_timeline.ipynb"].as_uri())
    deadline = time.monotonic() + 60
    while not browser.execute_script(
            "var gd = document.querySelector('.js-plotly-plot');"
            "return !!(gd && gd._fullLayout && gd.querySelector('.main-svg'));"):
        assert time.monotonic() < deadline, "the timeline did not render offline"
        time.sleep(0.2)
    _screenshot(browser, ".js-plotly-plot", 0, "notebook-02-timeline.png")
    _open(browser, pages["03_story.ipynb"], 1)
    assert browser.execute_script(
        "return document.querySelectorAll('.tl-story .tl-story-event mark.tl-timex').length;") > 0
    # the picture shows the story's first events (the page goes on)
    browser.execute_script("[].forEach.call(document.querySelectorAll('.tl-story-event'), "
                           "function (li, i) { if (i >= 4) { li.style.display = 'none'; } });")
    _screenshot(browser, ".tl-story", 0, "notebook-03-story.png")


def _screenshot(browser, selector, index, name):
    """With TIMELINE_SCREENSHOTS=DIR, save what a reader sees (the README's pictures)."""
    folder = os.environ.get("TIMELINE_SCREENSHOTS")
    if not folder:
        return
    from selenium.webdriver.common.by import By

    element = browser.find_elements(By.CSS_SELECTOR, selector)[index]
    target = element
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", target)
    time.sleep(0.3)
    Path(folder).mkdir(parents=True, exist_ok=True)
    target.screenshot(str(Path(folder) / name))


# --- make lab ------------------------------------------------------------------------


def _lab_command(tmp_path) -> list[str]:
    """The command `make lab` runs, as make prints it (dry run, in a scratch
    folder holding only the Makefile: nothing is installed)."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("no make")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    shutil.copy(execute.NOTEBOOK_DIR.parent / "Makefile", scratch / "Makefile")
    (scratch / "pyproject.toml").write_text("", encoding="utf-8")
    done = subprocess.run([make, "-n", "--no-print-directory", "lab", "LAB_PORT=PORT"],
                          cwd=scratch, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    joined = done.stdout.replace("\\\n", " ")
    line = next(l for l in joined.splitlines() if "jupyter lab" in l)
    return line.split()


def test_make_lab_opens_the_project_root_with_the_notebooks_folder(tmp_path):
    import socket
    import urllib.request

    command = _lab_command(tmp_path)
    assert command[0] == ".venv/bin/jupyter" and command[1] == "lab"
    assert "--ServerApp.root_dir=." in command and "--ServerApp.ip=127.0.0.1" in command
    assert "--LabApp.default_url=/lab/tree/notebooks" in command
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    project = execute.NOTEBOOK_DIR.parent
    argv = [str(Path(sys.executable).parent / "jupyter")] + command[1:]
    argv = [a.replace("PORT", str(port)) for a in argv] + [
        "--no-browser", "--ServerApp.token=t16", "--ServerApp.open_browser=False",
        f"--ServerApp.runtime_dir={tmp_path / 'runtime'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers: JupyterLab refuses root
        argv.append("--allow-root")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    lab = subprocess.Popen(argv, cwd=project, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    try:
        def get(path):
            url = f"http://127.0.0.1:{port}{path}"
            request = urllib.request.Request(url, headers={"Authorization": "token t16"})
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.geturl(), response.read().decode("utf-8")

        deadline = time.monotonic() + 120
        while True:
            assert lab.poll() is None, f"jupyter lab exited: {lab.stderr.read()[-500:]}"
            try:
                status, _, _ = get("/api/status")
                break
            except OSError:
                assert time.monotonic() < deadline, "jupyter lab did not start within 120 s"
                time.sleep(0.5)
        assert status == 200
        # the root is the project: outputs/ and notebooks/ are both in its file browser
        root = {item["name"] for item in json.loads(get("/api/contents/")[2])["content"]}
        assert {"notebooks", "outputs", "seeds"} <= root
        listed = json.loads(get("/api/contents/notebooks")[2])["content"]
        assert sorted(i["name"] for i in listed if i["name"].endswith(".ipynb")) == sorted(
            execute.NOTEBOOKS)
        _, landed, _ = get("/")
        assert landed.endswith("/lab/tree/notebooks")
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()
