"""The notebooks are committed clean and parameterised the way papermill reads them."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import nbformat
import pytest

from timeline import tables
import samples

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PARAMETERS = {
    "01_extract.ipynb": ["corpus", "out", "default_published", "infer_dates", "undated_events",
                         "store", "workers", "engine", "scheduler", "progress",
                         "fields", "date_order", "show_doc_id"],
    "02_timeline.ipynb": ["out", "date_from", "date_to", "color_by", "actors", "sources",
                          "min_confidence", "min_sources", "granularities", "text",
                          "max_lanes", "entities", "all_dates", "date_sources", "labels", "title",
                          "export_images"],
    "03_story.ipynb": ["out", "entity", "search", "story_csv"],
}


def read(name: str):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def committed(name: str):
    """The notebook as the last commit holds it (not the working copy, which
    keeps the outputs of a researcher's runs: the git filter strips them on
    commit)."""
    project = NOTEBOOKS.parent
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=project,
                            capture_output=True, text=True)
    if inside.returncode != 0:
        pytest.skip("not a git checkout: nothing committed to check")
    blob = subprocess.run(["git", "show", f"HEAD:notebooks/{name}"], cwd=project,
                          capture_output=True, text=True)
    assert blob.returncode == 0, f"{name} is not committed: {blob.stderr.strip()}"
    return nbformat.reads(blob.stdout, as_version=4)


def test_every_notebook_of_the_run_is_checked():
    from timeline import execute

    assert sorted(PARAMETERS) == sorted(execute.NOTEBOOKS) == sorted(
        p.name for p in NOTEBOOKS.glob("*.ipynb"))


def test_git_strips_notebook_outputs_on_commit():
    project = NOTEBOOKS.parent
    attributes = (project / ".gitattributes").read_text(encoding="utf-8")
    assert "*.ipynb filter=nbstripout" in attributes
    pyproject = (project / "pyproject.toml").read_text("utf-8")
    assert '"nbstripout>=' in pyproject and '"itables>=' in pyproject
    # the Makefile's setup installs the filter's command in the clone
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    assert "nbstripout --install" in makefile


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_notebook_is_committed_without_outputs(name):
    notebook = committed(name)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        assert cell.outputs == [], f"{name}: a cell has outputs"
        assert cell.execution_count is None, f"{name}: a cell has an execution count"
    assert notebook.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_parameters_cell_is_typed_commented_and_only_parameters(name):
    notebook = read(name)
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{name}: one cell tagged 'parameters'"
    cell = notebook.cells[tagged[0]]
    assert cell.cell_type == "code"
    names = []
    for statement in ast.parse(cell.source).body:
        # only `name: type = literal`: derived values belong in a later cell
        assert isinstance(statement, ast.AnnAssign), ast.unparse(statement)
        assert isinstance(statement.value, ast.Constant), ast.unparse(statement)
        assert ast.unparse(statement.annotation) == type(statement.value.value).__name__
        names.append(statement.target.id)
    assert names == PARAMETERS[name]
    assert all("#" in line for line in cell.source.splitlines() if line.strip())
    # the markdown before it tells the story; the cells after it use the package
    assert notebook.cells[0].cell_type == "markdown"
    later = "\n".join(c.source for c in notebook.cells[tagged[0] + 1:] if c.cell_type == "code")
    assert "from timeline import" in later


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_papermill_explains_every_parameter(name):
    papermill = pytest.importorskip("papermill")
    declared = papermill.inspect_notebook(str(NOTEBOOKS / name))
    assert list(declared) == PARAMETERS[name]
    for parameter, info in declared.items():
        assert info["inferred_type_name"] in ("str", "bool", "int", "float"), parameter
        assert len(info["help"]) > 15, f"{name}: {parameter} has no explanation"


@pytest.mark.slow
def test_timeline_notebook_runs_on_hand_made_tables_and_keeps_text_as_data(tmp_path):
    papermill = pytest.importorskip("papermill")
    events = samples.hostile_events()
    tables.write_csv(events, tmp_path / "events.csv")
    tables.write_csv(samples.hostile_documents(), tmp_path / "documents.csv")
    executed = tmp_path / "02_timeline.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "02_timeline.ipynb"), str(executed),
                               parameters={"out": str(tmp_path), "export_images": False,
                                           "min_confidence": 0.5},
                               cwd=str(NOTEBOOKS), progress_bar=False, kernel_name="python3")
    assert (tmp_path / "timeline.html").stat().st_size > 1_000_000
    sheet = tables.read_csv(tmp_path / "timeline_js.csv")
    assert len(sheet) == len(events) + 1  # the title slide, then the events
    outputs = [o for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"
               for o in c.outputs]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "3 of 3 events shown" in printed
    assert "images not requested" in printed
    html_parts = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    plots = [o.data["application/vnd.plotly.v1+json"] for o in outputs
             if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert html_parts and len(plots) == 1
    everything = "\n".join(html_parts) + json.dumps(plots)
    # the hostile text never appears as markup (the inline plotly.js library has links of its own)
    assert samples.SCRIPT not in everything and samples.LINK not in everything
    assert '<a href="javascript:alert(2)' not in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything

