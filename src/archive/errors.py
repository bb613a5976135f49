"""Domain errors. Global failures subclass click.ClickException so the CLI prints them
without a traceback; per-article problems are `ArticleError`, which the build logs and skips."""
from __future__ import annotations

import click


class ArchiveError(click.ClickException):
    """A failure that stops the whole command."""


class ConfigError(ArchiveError):
    """Every problem found in the configuration, reported at once."""

    def __init__(self, path, problems: list[str]):
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s) in the configuration:\n{lines}")


class RegistryError(ArchiveError):
    def __init__(self, path, problems: list[str]):
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s) in the registry:\n{lines}")


class ModelNotFound(ArchiveError):
    pass


class ArticleError(Exception):
    """One article could not be read; the build skips it and counts it."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")
