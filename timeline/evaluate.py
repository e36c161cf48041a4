"""Measure the pipeline on gold TimeML (TempEval-3).

Two measures:

* :func:`task_a` – temporal expressions, TempEval-3 Task A: strict and
  relaxed precision/recall/F1, value F1 and type F1.
* :func:`anchoring` – events: for each gold DATE/TIME TIMEX3 linked by a
  TLINK to events of its own sentence, is the predicate our events stage
  picks one of those events?  Reported beside the "nearest verb" baseline.
"""

from __future__ import annotations

# SECTION task_a (owned by the temporal-expressions work) ---------------------


def task_a(gold_paths, system_out, nlp=None) -> dict:
    """Tag every .tml under ``gold_paths``, write system TimeML into
    ``system_out`` and return the Task A figures as a dict."""
    raise NotImplementedError


# SECTION anchoring (owned by the events work) --------------------------------


def anchoring(gold_paths, nlp=None) -> dict:
    """Accuracy of event anchoring on gold TLINKs, beside the nearest-verb baseline."""
    raise NotImplementedError
