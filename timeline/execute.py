"""Run the notebooks headlessly with papermill.

``timeline run`` executes ``notebooks/01_extract.ipynb`` (corpus to tables),
``notebooks/02_timeline.ipynb`` (tables to the figure and exports) and
``notebooks/03_story.ipynb`` (the events of one entity or search term), and
leaves the executed copies in the output folder beside what they wrote.
"""

from __future__ import annotations

import difflib
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .defaults import NOTEBOOK_DIR

#: the chain ``timeline run`` executes, in order
NOTEBOOKS = ("01_extract.ipynb", "02_timeline.ipynb", "03_story.ipynb")
#: parameters every notebook gets from ``timeline run``'s own options
GIVEN_BY_OPTIONS = {"corpus": "--corpus", "out": "--out"}


def notebook_parameters(path: Path) -> dict:
    """The parameters a notebook declares: name -> papermill's description
    (``name``, ``inferred_type_name``, ``default``, ``help``), in the order
    of the parameters cell."""
    import papermill as pm

    return pm.inspect_notebook(str(path))


def declared_parameters(notebook_dir: Path = NOTEBOOK_DIR) -> dict:
    """The parameters of every notebook of the chain: notebook name -> its
    :func:`notebook_parameters`."""
    return {name: notebook_parameters(notebook_dir / name) for name in NOTEBOOKS}


def parameter_help(declared: dict, width: int = 100) -> str:
    """Every notebook parameter as ``timeline run --help`` lists it: name,
    type, default and the comment of its line, notebook by notebook."""
    lines = ["notebook parameters (-p NAME VALUE goes to every notebook declaring NAME):"]
    for notebook, params in declared.items():
        lines.append(f"  {notebook}:")
        for name, info in params.items():
            kind = info.get("inferred_type_name") or "str"
            if kind == "None":
                kind = "str"
            head = f"    {name}: {kind} (default {info.get('default')})"
            if name in GIVEN_BY_OPTIONS:
                head += f", given with {GIVEN_BY_OPTIONS[name]}"
            lines.append(head)
            lines.extend(textwrap.wrap(info.get("help") or "", width=width,
                                       initial_indent=" " * 8, subsequent_indent=" " * 8))
    return "\n".join(lines)


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

#: the orders of all-numeric publication dates (the ``date_order`` parameter;
#: timeline.corpus.dates.DATE_ORDERS, not imported here to keep --help fast)
DATE_ORDERS = ("DMY", "MDY", "YMD")
#: how an event's date was obtained (the ``date_sources`` filter; timeline.figure.DATE_SOURCES)
DATE_SOURCES = ("explicit", "inherited", "narrative", "reported", "none")


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


def _unknown(name: str, kinds: dict) -> str:
    """The message for a -p name no notebook declares, with the nearest one."""
    choices = [n for n in kinds if n not in GIVEN_BY_OPTIONS]
    near = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]}?" if near else " (timeline run --help lists them)"
    return f"unknown parameter {name}{hint}"


def check_parameters(parameters: dict, declared: dict) -> dict:
    """Check -p values against what the notebooks declare, before any work.

    ``declared`` maps each notebook to its parameters (papermill's
    ``inspect_notebook``).  Returns the values converted to the declared
    types; raises :class:`UnknownParameter` with one line otherwise.
    """
    for name, option in GIVEN_BY_OPTIONS.items():
        if name in parameters:
            raise UnknownParameter(f"give {name} with {option}, not -p {name}")
    kinds = {}
    for params in declared.values():
        for name, info in params.items():
            kinds[name] = info.get("inferred_type_name") or "str"
    unknown = sorted(set(parameters) - set(kinds))
    if unknown:
        raise UnknownParameter("; ".join(_unknown(name, kinds) for name in unknown))
    values = {name: _typed(name, value, kinds[name]) for name, value in parameters.items()}
    for name in ("default_published", "date_from", "date_to"):
        if name in values:
            _iso_or_empty(name, str(values[name] or ""))
    if values.get("date_from") and values.get("date_to") and values["date_from"] > values["date_to"]:
        raise UnknownParameter(f"date_from {values['date_from']} is after date_to {values['date_to']}")
    if "workers" in values and values["workers"] < 0:
        raise UnknownParameter("workers must be at least 0 (0: the machine's usable cores)")
    if "min_sources" in values and values["min_sources"] < 1:
        raise UnknownParameter("min_sources must be at least 1")
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
    if values.get("date_order") and values["date_order"] not in DATE_ORDERS:
        raise UnknownParameter(f"date_order must be {', '.join(DATE_ORDERS)} or empty, "
                               f"not {values['date_order']!r}")
    if values.get("date_sources"):
        wrong = [g.strip() for g in str(values["date_sources"]).split(",")
                 if g.strip() and g.strip().lower() not in DATE_SOURCES]
        if wrong:
            raise UnknownParameter(f"unknown date source {', '.join(wrong)} "
                                   f"(choose from {', '.join(DATE_SOURCES)})")
    for name in ("max_lanes", "labels"):
        if name in values and values[name] < 0:
            raise UnknownParameter(f"{name} must be at least 0")
    if "story_csv" in values:
        name = str(values["story_csv"])
        if not name.endswith(".csv") or Path(name).name != name:
            raise UnknownParameter(f"story_csv must be a file name ending in .csv (it is "
                                   f"written in --out), not {name!r}")
    if values.get("store"):
        store = Path(values["store"])
        if store.exists():
            from .store import Store, StoreError
            try:
                Store(store).close()
            except StoreError as error:
                raise UnknownParameter(f"store: {error}") from None
    return values


def _quiet_kernel_manager():
    """A kernel manager whose kernel writes nothing to this process's terminal.

    The kernel inherits stdout and stderr by default, and at shutdown (after
    a failing cell too) jupyter_client interrupts it first, which makes it
    log "KeyboardInterrupt caught in kernel" there.  What the cells print
    reaches the notebook through the kernel's messages, not these streams.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


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

    declared = declared_parameters(notebook_dir)
    parameters = check_parameters(dict(parameters or {}), declared)
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    # with log_output (--verbose) the kernel's own messages are shown too
    quiet = {} if log_output else {"kernel_manager_class": _quiet_kernel_manager()}
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
                                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                **quiet)
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
