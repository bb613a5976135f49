"""Load and validate `archive.yml`.

Every setting has a default, so an archive needs no config file at all. Problems are collected
and reported together (key, file, hint), as mkdocs does, instead of failing on the first.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from archive import yamlsafe
from archive.errors import ConfigError

CONFIG_NAME = "archive.yml"


@dataclass(frozen=True)
class ArchiveConfig:
    root: Path
    title: str = "News archive"
    description: str = "A cross-linked archive of news articles, the people and groups they mention, and what was said."
    base_url: str = "/"
    content: str = "articles"
    registry: str | None = None  # default: <content>/entities.yml
    output: str = "build"
    model: str = "auto"
    require_date: bool = True
    latest_articles: int = 10
    top_entities: int = 12
    recent_quotes: int = 8
    search: bool = True  # run Pagefind over the built site (skipped with a warning if missing)
    max_article_size: int = 200_000  # bytes; larger articles are skipped (reader.MAX_ARTICLE_BYTES)
    config_file: Path | None = None
    extra: dict = field(default_factory=dict)

    @property
    def content_dir(self) -> Path:
        return (self.root / self.content).resolve()

    @property
    def registry_path(self) -> Path:
        if self.registry:
            return (self.root / self.registry).resolve()
        return self.content_dir / "entities.yml"

    @property
    def output_dir(self) -> Path:
        return (self.root / self.output).resolve()

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "static"


# key -> (type(s), hint)
_SCHEMA: dict[str, tuple[tuple[type, ...], str]] = {
    "title": ((str,), "the site's title"),
    "description": ((str,), "one sentence shown on the home page"),
    "base_url": ((str,), "e.g. / or /repo/ or https://user.github.io/repo/"),
    "content": ((str,), "folder of articles, relative to the archive"),
    "registry": ((str,), "path of the registry YAML file"),
    "output": ((str,), "folder the site is written to"),
    "model": ((str,), "auto, rules, or an installed spaCy pipeline name or path"),
    "require_date": ((bool,), "true or false"),
    "latest_articles": ((int,), "a number"),
    "top_entities": ((int,), "a number"),
    "recent_quotes": ((int,), "a number"),
    "search": ((bool,), "true or false (build a Pagefind search index)"),
    "max_article_size": ((int,), "a size in bytes (default 200000); larger articles are skipped"),
}


def normalise_base_url(value: str) -> str:
    """Base URLs always end in '/'; a bare path gets a leading '/'. '' means relative links."""
    value = value.strip()
    if value in ("", "."):
        return ""
    if "://" not in value and not value.startswith("/"):
        value = "/" + value
    return value if value.endswith("/") else value + "/"


def load_config(root: Path | str = ".", overrides: dict | None = None) -> ArchiveConfig:
    """Read `archive.yml` under `root` (if any), apply CLI overrides, validate everything."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(root, [f"archive folder {root} does not exist"])
    path = root / CONFIG_NAME
    data: dict = {}
    problems: list[str] = []
    if path.exists():
        try:
            # bounded (yamlsafe): an alias bomb here would hang the error message's repr()
            loaded = yamlsafe.load(path.read_text(encoding="utf-8"), yamlsafe.FRONT_MATTER_NODES)
        except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
            raise ConfigError(path, [f"not valid YAML: {exc}"]) from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(path, ["the file must hold a mapping of settings (key: value)"])
        data = loaded
    for key, value in (overrides or {}).items():
        if value is not None:
            data[key] = value
    clean: dict = {}
    for key, value in data.items():
        if key not in _SCHEMA:
            close = difflib.get_close_matches(str(key), _SCHEMA, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"unknown setting '{key}'{hint}")
            continue
        types, hint = _SCHEMA[key]
        if isinstance(value, bool) and bool not in types:
            problems.append(f"'{key}' must be {hint}, not {value!r}")
            continue
        if not isinstance(value, types):
            problems.append(f"'{key}' must be {hint}, not {type(value).__name__} {value!r}")
            continue
        clean[key] = value
    for key in ("latest_articles", "top_entities", "recent_quotes", "max_article_size"):
        if key in clean and clean[key] < 0:
            problems.append(f"'{key}' must not be negative")
    if problems:
        raise ConfigError(path, problems)
    if "base_url" in clean:
        clean["base_url"] = normalise_base_url(clean["base_url"])
    return ArchiveConfig(root=root, config_file=path if path.exists() else None, **clean)


def with_overrides(config: ArchiveConfig, **changes) -> ArchiveConfig:
    return replace(config, **{k: v for k, v in changes.items() if v is not None})
