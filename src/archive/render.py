"""Render `PageSpec`s with Jinja and publish the site atomically.

Templates are looked up in the archive's own `templates/` first, then in the default theme;
a site template can `{% extends "default:base.html" %}` to override one block of the default.
The site is written to a temporary folder beside the output and swapped in only when every
page rendered, so a failed build leaves the previous site untouched.
"""
from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from pathlib import Path

import jinja2
from markupsafe import Markup

import archive
from archive.body import ROOT
from archive.config import ArchiveConfig
from archive.errors import ArchiveError
from archive.jsonld import jsonld
from archive.plan import SECTIONS, PageSpec, article_path, entity_path
from archive.svg import Pictures


def theme_dir(kind: str) -> Path:
    """The default theme's `templates` or `static` folder: inside the installed package
    (wheel), or at the repository root (editable install)."""
    packaged = Path(archive.__file__).parent / "theme" / kind
    if packaged.is_dir():
        return packaged
    return Path(archive.__file__).resolve().parents[2] / kind


def make_env(config: ArchiveConfig) -> jinja2.Environment:
    default = jinja2.FileSystemLoader(str(theme_dir("templates")))
    loaders = []
    if config.templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(config.templates_dir)))
    loaders += [jinja2.PrefixLoader({"default": default}, delimiter=":"), default]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def relative(from_page: str, target: str) -> str:
    """Relative URL from one site path to another ('actors/x.html' from 'articles/a.html')."""
    base = posixpath.dirname(from_page) or "."
    return posixpath.relpath(target, base)


def render_page(env: jinja2.Environment, spec: PageSpec, site: dict) -> str:
    root = relative(spec.path, "index.html")[: -len("index.html")]

    def url(target: str) -> str:
        return relative(spec.path, target)

    def entity_url(entity_id: str) -> str | None:
        path = entity_path(site["archive"], entity_id)
        return url(path) if path else None

    context = dict(site, **spec.context, page_path=spec.path, page_kind=spec.kind, root=root,
                   url=url, entity_url=entity_url, article_url=lambda aid: url(article_path(aid)),
                   canonical=(site["config"].base_url + spec.path) if "://" in site["config"].base_url else None)
    if "body" in context and isinstance(context["body"], Markup):
        context["body"] = Markup(str(context["body"]).replace(ROOT, root))
    try:
        return env.get_template(spec.template).render(context)
    except jinja2.TemplateError as exc:
        raise ArchiveError(f"template {spec.template} failed for {spec.path}: {exc}") from exc


def site_context(config: ArchiveConfig, archive_obj) -> dict:
    return {
        "config": config, "archive": archive_obj, "site_title": config.title,
        "pipeline": archive_obj.pipeline, "sections": SECTIONS, "version": archive.__version__,
        "entities": archive_obj.entities,
        # issue 6: schema.org JSON-LD for the head, and the build-time SVG pictures
        "jsonld": jsonld, "pictures": Pictures(archive_obj),
    }


def copy_static(config: ArchiveConfig, dest: Path) -> None:
    """Default theme's static files, then the archive's own (which win, file by file)."""
    for src in (theme_dir("static"), config.static_dir):
        if src.is_dir():
            shutil.copytree(src, dest / "static", dirs_exist_ok=True)


def write_site(pages: list[PageSpec], config: ArchiveConfig, archive_obj, finish=None) -> int:
    """Render everything into a temporary folder, then swap it in. Returns pages written.

    `finish(tmp_dir)`, if given, runs after every page and static file is written and before
    the swap: it adds what is made from the finished site (data, feeds, search index)."""
    out = config.output_dir
    out.parent.mkdir(parents=True, exist_ok=True)
    env = make_env(config)
    site = site_context(config, archive_obj)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-tmp-", dir=out.parent))
    try:
        for spec in pages:
            target = tmp / spec.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render_page(env, spec, site), encoding="utf-8")
        copy_static(config, tmp)
        (tmp / ".nojekyll").write_text("", encoding="utf-8")
        if finish is not None:
            finish(tmp)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return len(pages)


def _swap(new: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        os.replace(out, old)
    os.replace(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
