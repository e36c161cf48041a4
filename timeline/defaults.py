"""Defaults shared by the command line, the notebook runner and the benchmark:
where the project's folders are, the package's version, and how many
processes the machine offers.

It imports nothing else of the package, so any module can import it.
"""

from __future__ import annotations

import os
from pathlib import Path

#: the project's root (the folder holding ``timeline/``, ``notebooks/``, ``seeds/``)
PROJECT_DIR = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = PROJECT_DIR / "notebooks"
DEFAULT_CORPUS = PROJECT_DIR / "seeds"
DEFAULT_OUTPUTS = PROJECT_DIR / "outputs"


def version() -> str:
    """The installed package's version (from its metadata), else the source's."""
    from importlib import metadata

    try:
        return metadata.version("timeline")
    except metadata.PackageNotFoundError:
        from . import __version__
        return __version__


def usable_cores() -> int:
    """The number of CPU cores this process may run on (at least 1).

    ``os.process_cpu_count`` (Python 3.13+) where it exists, else the
    scheduler's affinity mask (Linux), else ``os.cpu_count``.
    """
    counter = getattr(os, "process_cpu_count", None)
    if counter is not None:
        count = counter()
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count()
    return max(1, count or 1)
