"""Rules of the temporal-expression stage (timeline.temporal), as data:
vocabulary.toml, patterns.toml and resolution.toml."""
