"""Run the notebooks headlessly with papermill.

``timeline run`` executes ``notebooks/01_extract.ipynb`` (corpus to tables)
then ``notebooks/02_timeline.ipynb`` (tables to the figure and exports), and
leaves the executed copies in the output folder beside what they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = ("01_extract.ipynb", "02_timeline.ipynb")

def notebook_parameters(path: Path) -> dict:
    """The parameters a notebook declares (name -> inferred type name and help)."""
    import papermill as pm

    return pm.inspect_notebook(str(path))


def _cells(path: Path) -> list:
    import nbformat

    try:
        return nbformat.read(str(path), as_version=4).cells
    except Exception:  # the kept copy is only used to count cells
        return []


class UnknownParameter(ValueError):
    """A -p NAME that no notebook declares."""


class NotebookFailed(RuntimeError):
    """A cell of a notebook raised; ``str()`` is one line naming notebook and cell."""


@dataclass
class RunResult:
    out: Path
    executed: list[Path]


def run(corpus: Path, out: Path, parameters: Optional[dict] = None,
        notebook_dir: Path = NOTEBOOK_DIR, log_output: bool = False) -> RunResult:
    """Execute the notebooks in order with papermill.

    ``corpus`` and ``out`` are passed as absolute paths; other
    ``parameters`` go to each notebook that declares them.  Raises
    :class:`NotebookFailed` on the first failing cell, the executed notebook
    (with its error) kept in ``out``.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    parameters = dict(parameters or {})
    declared = {name: notebook_parameters(notebook_dir / name) for name in NOTEBOOKS}
    unknown = set(parameters).difference(*map(set, declared.values()))
    if unknown:
        raise UnknownParameter(
            f"no notebook declares the parameter(s) {', '.join(sorted(unknown))}")
    executed = []
    for name in NOTEBOOKS:
        source = notebook_dir / name
        given = {"corpus": str(Path(corpus).resolve()), "out": str(out)}
        given.update(parameters)
        given = {k: v for k, v in given.items() if k in declared[name]}
        target = out / name
        try:
            pm.execute_notebook(str(source), str(target), parameters=given,
                                cwd=str(notebook_dir), progress_bar=False,
                                log_output=log_output, kernel_name="python3",
                                # the kernel's own start-up warnings are not the user's business
                                extra_arguments=["--IPKernelApp.log_level=ERROR"])
        except PapermillExecutionError as error:
            # papermill counts the injected-parameters cell; the researcher's
            # notebook has one cell fewer from the parameters cell on.
            position = error.cell_index + 1
            if any("injected-parameters" in c.get("metadata", {}).get("tags", [])
                   for c in _cells(target)[:error.cell_index + 2]):
                position -= 1
            first = str(error.evalue).splitlines()[0] if error.evalue else ""
            raise NotebookFailed(
                f"{name} failed in cell {position} (In [{error.exec_count}]): "
                f"{error.ename}: {first} - executed copy kept at {target}") from None
        executed.append(target)
    return RunResult(out, executed)
