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
    """A -p NAME that no notebook declares, or a value it cannot take."""


#: the granularities a mention or event can have (for the ``granularities`` filter)
GRANULARITIES = ("time", "day", "week", "month", "quarter", "half", "season", "year", "decade",
                 "century", "reported")


def _iso_or_empty(name: str, value: str) -> None:
    from datetime import date

    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise UnknownParameter(f"{name}: not an ISO date (YYYY-MM-DD): {value!r}") from None


def _typed(name: str, text, kind: str):
    """Convert a -p value (a string from the command line) to the type the
    notebook declares for it."""
    if not isinstance(text, str):
        return text
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "bool":
            if text.lower() not in ("true", "false"):
                raise ValueError
            return text.lower() == "true"
    except ValueError:
        wanted = {"int": "a whole number", "float": "a number", "bool": "true or false"}[kind]
        raise UnknownParameter(f"{name} takes {wanted}, not {text!r}") from None
    return text


def check_parameters(parameters: dict, declared: dict) -> dict:
    """Check -p values against what the notebooks declare, before any work.

    ``declared`` maps each notebook to its parameters (papermill's
    ``inspect_notebook``).  Returns the values converted to the declared
    types; raises :class:`UnknownParameter` with one line otherwise.
    """
    for name in ("corpus", "out"):
        if name in parameters:
            raise UnknownParameter(f"give {name} with --{name}, not -p {name}")
    kinds = {}
    for params in declared.values():
        for name, info in params.items():
            kinds[name] = info.get("inferred_type_name") or "str"
    unknown = sorted(set(parameters) - set(kinds))
    if unknown:
        raise UnknownParameter(f"no notebook declares the parameter(s) {', '.join(unknown)}")
    values = {name: _typed(name, value, kinds[name]) for name, value in parameters.items()}
    for name in ("default_published", "date_from", "date_to"):
        if name in values:
            _iso_or_empty(name, str(values[name] or ""))
    if values.get("date_from") and values.get("date_to") and values["date_from"] > values["date_to"]:
        raise UnknownParameter(f"date_from {values['date_from']} is after date_to {values['date_to']}")
    for name, low in (("workers", 1), ("min_sources", 1)):
        if name in values and values[name] < low:
            raise UnknownParameter(f"{name} must be at least {low}")
    if "min_confidence" in values and not 0 <= values["min_confidence"] <= 1:
        raise UnknownParameter("min_confidence must be between 0 and 1")
    if values.get("engine") not in (None, "local", "dask"):
        raise UnknownParameter(f"engine must be local or dask, not {values['engine']!r}")
    if values.get("granularities"):
        wrong = [g.strip() for g in str(values["granularities"]).split(",")
                 if g.strip() and g.strip() not in GRANULARITIES]
        if wrong:
            raise UnknownParameter(f"unknown granularity {', '.join(wrong)} "
                                   f"(choose from {', '.join(GRANULARITIES)})")
    if values.get("store"):
        store = Path(values["store"])
        if store.exists():
            from .store import Store, StoreError
            try:
                Store(store).close()
            except StoreError as error:
                raise UnknownParameter(f"store: {error}") from None
    return values


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

    declared = {name: notebook_parameters(notebook_dir / name) for name in NOTEBOOKS}
    parameters = check_parameters(dict(parameters or {}), declared)
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
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
