"""Field names of article records (JSONL lines, CSV rows, JSON exports).

The fields an Article needs (``id``, ``text``, ``published``, ``title``,
``url``, ``source``) are looked up under the names given by the user
(``--field text=content``, the ``fields`` parameter) and then under the
synonyms of the resource ``resources/corpus/fields.toml`` (content, body
→ text; date, publishedAt → published; source.name → source ...).  Names
are matched without regard to case; a dotted name looks inside nested
objects (``source.name`` in ``{"source": {"name": "BBC"}}``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping, Optional

#: the Article fields a record can fill
FIELDS = ("id", "text", "published", "title", "url", "source")

_MISSING = object()


@lru_cache(maxsize=1)
def default_synonyms() -> dict[str, tuple[str, ...]]:
    """The synonym table of ``resources/corpus/fields.toml``."""
    text = resources.files("timeline.resources").joinpath("corpus/fields.toml").read_text("utf-8")
    table = tomllib.loads(text)["synonyms"]
    return {name: tuple(n.lower() for n in table.get(name, [name])) for name in FIELDS}


def parse_field_options(options) -> dict[str, str]:
    """``{"text": "content", ...}`` from ``["text=content", ...]`` (the
    ``--field`` option) or a mapping; raises ValueError (one line) for an
    unknown field or a malformed item."""
    if not options:
        return {}
    if isinstance(options, Mapping):
        items = list(options.items())
    else:
        items = []
        for option in ([options] if isinstance(options, str) else options):
            for part in str(option).split(","):
                if not part.strip():
                    continue
                name, sep, source = part.partition("=")
                if not sep or not source.strip():
                    raise ValueError(f"a field mapping is FIELD=NAME (text=content), not {part!r}")
                items.append((name, source))
    mapping = {}
    for name, source in items:
        name = str(name).strip().lower()
        if name not in FIELDS:
            raise ValueError(f"unknown field {name!r} in a field mapping (fields: "
                             f"{', '.join(FIELDS)})")
        mapping[name] = str(source).strip()
    return mapping


def _lowered(record: Mapping) -> dict:
    return {str(k).lower(): v for k, v in record.items()}


def _lookup(lowered: dict, name: str) -> Any:
    """``record[name]`` (``lowered``: the record with lower-case keys); a
    dotted name also looks inside nested objects.  ``_MISSING`` when absent."""
    key = name.lower()
    if key in lowered:
        return lowered[key]
    head, dot, rest = key.partition(".")
    if dot and isinstance(lowered.get(head), Mapping):
        return _lookup(_lowered(lowered[head]), rest)
    return _MISSING


@dataclass
class FieldMap:
    """Where each Article field is found in a record."""

    given: dict

    def __init__(self, given: Optional[Mapping[str, str]] = None):
        self.given = dict(given or {})

    def names(self, field: str) -> tuple[str, ...]:
        """The names tried for ``field``, in order."""
        given = self.given.get(field)
        return ((given,) if given else ()) + default_synonyms()[field]

    def get(self, record: Mapping, field: str) -> tuple[Any, str]:
        """``(value, name it was found under)``: the first name holding a
        value that is not empty and not an object (so ``source`` holding
        ``{"name": ...}`` gives way to ``source.name``).  For ``text`` the
        first name present is taken whatever it holds, so that a text of the
        wrong kind is reported, not passed over.  ``(None, "")`` when absent."""
        lowered = _lowered(record)
        for name in self.names(field):
            value = _lookup(lowered, name)
            if value is _MISSING or value is None:
                continue
            if field == "text":
                return value, name
            if isinstance(value, (Mapping, list)) or (isinstance(value, str) and not value.strip()):
                continue
            return value, name
        return None, ""

    def missing_text(self, record: Mapping) -> str:
        """The reason for a record with no text field: the fields it has and
        the option that maps one."""
        found = ", ".join(_field_names(record)) or "none"
        return (f"no text field (its fields: {found}); name the one holding the text with "
                "--field text=NAME")


def _field_names(record: Mapping, prefix: str = "", limit: int = 12) -> list[str]:
    names = []
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            names += _field_names(value, name + ".", limit)
        else:
            names.append(name)
    if len(names) > limit:
        return names[:limit] + [f"... {len(names) - limit} more"]
    return names
