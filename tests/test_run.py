"""`timeline run`: papermill executes both notebooks on the seeds."""

import json
import shutil

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
                     "-p", "default_published", "2025-12-01"])
    assert code == 0
    docs = tables.read_csv(out / "documents.csv").set_index("doc_id")
    assert docs.loc["cairo-lavrov-talks", "published"] == "2025-12-01"
    executed = nbformat.read(out / "01_extract.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "2025-12-01" in injected[0].source


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
