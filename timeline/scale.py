"""Scale out: the per-article stages on a Dask cluster.

The corpus is still read, de-duplicated and merged into events by the
driver (this process); only the heavy part, :func:`timeline.batches.rows_of_batch`
over batches of articles, runs on the workers, each loading the spaCy model
once (``nlp.load`` is cached per process).  The batches go to the cluster as
Dask bags, one partition per batch, ``2 x workers`` batches at a time, so
memory stays bounded whatever the corpus size; results come back in corpus
order, so the tables are the same as a local run's.

Point it at an existing cluster with ``scheduler="tcp://host:8786"``
(``timeline extract --engine dask --scheduler tcp://host:8786``); the workers
need the ``timeline`` package and the English model installed.  Without a
scheduler a ``LocalCluster`` of ``workers`` processes is started and closed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, Optional

from .article import Article


def _process(batch: list[Article], options, model: Optional[str]):
    from . import batches, nlp

    return batches.rows_of_batch(batch, nlp.load(model), options)


def map_batches(batches: Iterable[list[Article]], options, model: Optional[str] = None,
                scheduler: Optional[str] = None, workers: int = 2
                ) -> Iterator[list[tuple[dict, dict[str, list[dict]]]]]:
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
        n_workers = len(client.scheduler_info().get("workers", {})) or max(1, workers)
        window: list = []
        for batch in batches:
            window.append(batch)
            if len(window) >= 2 * n_workers:
                yield from _bag_of(window, options, model, client)
                window = []
        if window:
            yield from _bag_of(window, options, model, client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _bag_of(window: list, options, model: Optional[str], client) -> list:
    """One Dask bag over a window of batches, a partition per batch,
    computed on the cluster; results in corpus order."""
    import dask.bag as dask_bag

    bag = dask_bag.from_sequence(window, npartitions=len(window))
    return bag.map(_process, options, model).compute(scheduler=client.get)


def extract_dask(corpus: str | Path, scheduler: Optional[str] = None, workers: int = 2,
                 **options):
    """:func:`timeline.pipeline.extract` on a Dask cluster (for notebooks).

    Same arguments and the same :class:`~timeline.pipeline.Tables` as a local run.
    """
    from . import pipeline

    return pipeline.extract(corpus, engine="dask", scheduler=scheduler, workers=workers,
                            **options)
