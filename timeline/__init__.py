"""timeline: event timelines from news articles.

Stages, one module each, in the order an article meets them:
``corpus`` (load), ``sentences`` (split), ``temporal`` (find and resolve
temporal expressions), ``nlp`` (spaCy, only where needed), ``events``
(anchor each date to its predicate; merge across articles), ``tables``
(tidy DataFrames and safe CSV), ``store`` (DuckDB), ``figure`` (Plotly),
``exports`` (TimelineJS, images).  ``pipeline.extract`` runs them all;
``execute`` runs the notebooks with papermill; ``cli`` is the command line.
"""

__version__ = "0.1.0"
