"""Scale out: the per-article stages on a Dask cluster.

The corpus is still read, de-duplicated and merged into events by the
driver (this process); only the heavy part, :func:`timeline.pipeline.rows_of_batch`
over batches of articles, runs on the workers, each loading the spaCy model
once (``nlp.load`` is cached per process).  At most ``2 x workers`` batches
are in flight, so memory stays bounded whatever the corpus size, and results
come back in corpus order, so the tables are the same as a local run's.

Point it at an existing cluster with ``scheduler="tcp://host:8786"``
(``timeline extract --engine dask --scheduler tcp://host:8786``); the workers
need the ``timeline`` package and the English model installed.  Without a
scheduler a ``LocalCluster`` of ``workers`` processes is started and closed.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .article import Article


def _process(batch: list[Article], options, model: Optional[str]):
    from . import nlp, pipeline

    return pipeline.rows_of_batch(batch, nlp.load(model), options)


def map_batches(batches: Iterable[list[Article]], options, model: Optional[str] = None,
                scheduler: Optional[str] = None, workers: int = 2
                ) -> Iterator[list[tuple[dict, list[dict]]]]:
    """Process batches on a Dask cluster; yields each batch's rows in order."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        limit = 2 * max(1, len(client.scheduler_info().get("workers", {})) or workers)
        in_flight: deque = deque()
        for batch in batches:
            in_flight.append(client.submit(_process, batch, options, model, pure=False))
            if len(in_flight) >= limit:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def extract_dask(corpus: str | Path, scheduler: Optional[str] = None, workers: int = 2,
                 **options):
    """:func:`timeline.pipeline.extract` on a Dask cluster (for notebooks).

    Same arguments and the same :class:`~timeline.pipeline.Tables` as a local run.
    """
    from . import pipeline

    return pipeline.extract(corpus, engine="dask", scheduler=scheduler, workers=workers,
                            **options)
