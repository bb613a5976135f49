"""The editor's registry of entities: load, validate, and expose aliases for matching.

Format (YAML, `entities.yml` beside the articles by default):

    entities:
      - id: esmail-qaani            # stable id: lowercase letters, digits, hyphens
        type: actor                 # actor | militia | organisation | place | event
        name: Esmail Qaani
        aliases: [Qaani, Ghaani, "Qassem Soleimani's heir"]
        kind: military commander    # optional finer type (state force, political party …)
        role: commander of the Quds Force     # or roles: [{title, organisation, since, until}]
        affiliation: quds-force     # id of another entity
        description: Iranian general who succeeded Qassem Soleimani …
      - id: us-iraq-strategic-dialogue
        type: event
        name: US-Iraq strategic dialogue
        date: 2021-04-07            # YYYY, YYYY-MM or YYYY-MM-DD: the precision is kept
        place: baghdad
        participants: [mustafa-kadhimi]

Validation collects every problem (unknown keys, bad types, duplicate ids, an alias claimed by
two entities, references to unknown ids, events without dates) with the entry's line.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from archive import yamlsafe
from archive.errors import RegistryError
from archive.models import Entity, Role
from archive.nlp.lexicon import word_list
from archive.nlp.normalise import alias_key, is_acronym
from archive.reader import RESERVED_SLUGS, clean_text, parse_date

ENTITY_TYPES = ("actor", "militia", "organisation", "place", "event")
_KEYS = {
    "id", "type", "name", "aliases", "kind", "description", "role", "roles", "affiliation",
    "date", "place", "participants", "url",
}
_ROLE_KEYS = {"title", "organisation", "since", "until"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Registry:
    entities: tuple[Entity, ...]
    path: Path | None = None

    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    def aliases(self) -> list[tuple[str, str]]:
        """(surface form, entity id) for every name and alias."""
        out = []
        for e in self.entities:
            for alias in [e.name, *e.aliases]:
                out.append((alias, e.id))
        claimed = {alias_key(a) for a, _ in out}
        surnames: dict[str, list[str]] = {}
        for e in self.entities:
            # A person is often named by surname alone after the first mention ("Husseini"
            # after "Jaafar Husseini"); add it unless another entity could own it too.
            words = e.name.split()
            if e.type == "actor" and len(words) >= 2:
                surnames.setdefault(words[-1], []).append(e.id)
        for surname, ids in surnames.items():
            if len(ids) == 1 and alias_key(surname) not in claimed:
                out.append((surname, ids[0]))
        return out


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of each mapping (for error messages)."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def empty_registry() -> Registry:
    return Registry(entities=())


def load_registry(path: Path) -> Registry:
    if not path.exists():
        return Registry(entities=(), path=path)
    try:
        # bounded: an alias bomb or deep nesting is refused before it is built (yamlsafe)
        data = yamlsafe.load(path.read_text(encoding="utf-8"), yamlsafe.REGISTRY_NODES, loader=_LineLoader)
    except UnicodeDecodeError as exc:
        raise RegistryError(path, [f"not UTF-8 text (byte {exc.start}); save the file as UTF-8"]) from None
    except yaml.YAMLError as exc:
        raise RegistryError(path, [f"not valid YAML: {exc}"]) from None
    except ValueError as exc:  # YAMLTooBig, YAMLValueError
        raise RegistryError(path, [f"refused: {exc}"]) from None
    if data is None:
        return Registry(entities=(), path=path)
    items = data.get("entities") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise RegistryError(path, ["expected a list under 'entities:'"])
    problems: list[str] = []
    where = str(path)
    lines: list[int | str] = []
    entities = []
    for item in items:
        line = item.get("__line__", "?") if isinstance(item, dict) else "?"
        if (e := _parse_entry(item, problems, where)) is not None:
            entities.append(e)
            lines.append(line)
    _check_cross_refs(entities, problems, [f"{where}:{n}" for n in lines])
    if problems:
        raise RegistryError(path, problems)
    return Registry(entities=tuple(entities), path=path)


def _text_list(value, where, key, problems) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        problems.append(f"{where}: '{key}' must be a list of strings")
        return []
    return [clean_text(str(v)) for v in value]


def _parse_entry(item, problems: list[str], path: str = "entities.yml") -> Entity | None:
    if not isinstance(item, dict):
        problems.append(f"{path}: entry {item!r}: each entry must be a mapping with id, type and name")
        return None
    line = item.pop("__line__", "?")
    eid = item.get("id")
    # file:line first, as compilers do, so editors and terminals can jump to the entry.
    where = f"{path}:{line}: id {eid!r}"
    for key in item:
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), _KEYS, n=1)
            problems.append(f"{where}: unknown key '{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    if not isinstance(eid, str) or not _ID.match(eid):
        problems.append(f"{where}: 'id' must be lowercase letters, digits and hyphens")
        return None
    if eid in RESERVED_SLUGS:
        # "index" would overwrite the section's own index page; "con" cannot be a file on Windows
        problems.append(f"{where}: id '{eid}' is reserved; choose another")
        return None
    for key in ("name", "kind", "description", "affiliation", "place"):
        # rendered as text or used as an id: a list or mapping here is a mistake, not a value
        if item.get(key) is not None and not isinstance(item[key], (str, int, float)):
            problems.append(f"{where}: '{key}' must be text")
            item[key] = None
        elif isinstance(item.get(key), str):
            # control characters (YAML "\a", "\x1b") would make the entity's feed invalid XML
            item[key] = clean_text(item[key])
    url = item.get("url")
    if url is not None and not (isinstance(url, str) and re.match(r"https?://[^\s/]", url, re.I)):
        problems.append(f"{where}: 'url' must be an http:// or https:// address")
    etype = item.get("type")
    if etype not in ENTITY_TYPES:
        problems.append(f"{where}: 'type' must be one of {', '.join(ENTITY_TYPES)}, not {etype!r}")
        return None
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: 'name' is required")
        return None
    date = None
    if item.get("date") is not None:
        try:
            date = parse_date(item["date"], "date")
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    elif etype == "event":
        problems.append(f"{where}: an event needs a 'date' (YYYY, YYYY-MM or YYYY-MM-DD)")
    roles = _parse_roles(item, where, problems)
    return Entity(
        id=eid, type=etype, name=name.strip(),
        aliases=_text_list(item.get("aliases"), where, "aliases", problems),
        kind=item.get("kind"), description=item.get("description"), roles=roles,
        affiliation=item.get("affiliation"), date=date, place=item.get("place"),
        participants=_text_list(item.get("participants"), where, "participants", problems),
        in_registry=True,
    )


def _parse_roles(item, where, problems) -> list[Role]:
    roles: list[Role] = []
    if isinstance(item.get("role"), str):
        roles.append(Role(title=clean_text(item["role"]), organisation=item.get("affiliation")))
    for raw in item.get("roles") or []:
        if isinstance(raw, str):
            roles.append(Role(title=clean_text(raw)))
            continue
        if not isinstance(raw, dict) or "title" not in raw:
            problems.append(f"{where}: each of 'roles' needs a 'title'")
            continue
        raw.pop("__line__", None)
        for key in raw:
            if key not in _ROLE_KEYS:
                problems.append(f"{where}: unknown role key '{key}'")
        try:
            since = parse_date(raw["since"], "since") if raw.get("since") is not None else None
            until = parse_date(raw["until"], "until") if raw.get("until") is not None else None
        except ValueError as exc:
            problems.append(f"{where}: role {exc}")
            continue
        roles.append(Role(title=clean_text(str(raw["title"])), organisation=raw.get("organisation"), since=since, until=until))
    return roles


def _stop_words() -> frozenset[str]:
    return frozenset(word_list("alias_stop_words.txt"))


def _check_cross_refs(entities: list[Entity], problems: list[str], where: list[str] | None = None) -> None:
    where = where or ["entities.yml:?"] * len(entities)
    ids: dict[str, Entity] = {}
    first_at: dict[str, str] = {}
    for e, at in zip(entities, where):
        if e.id in ids:
            problems.append(f"{at}: duplicate id '{e.id}' (first used at {first_at[e.id]})")
        ids[e.id] = e
        first_at.setdefault(e.id, at)
    claimed: dict[str, tuple[str, str]] = {}
    for e, at in zip(entities, where):
        for alias in [e.name, *e.aliases]:
            # "the", "of the", "he" would link nearly every sentence of every article. Acronyms
            # ("US", "WHO") are matched case-sensitively, so they are safe.
            if not is_acronym(alias) and alias.split() and all(w in _stop_words() for w in alias_key(alias).split()):
                problems.append(f"{at}: id '{e.id}': alias {alias!r} is only common words; it would match almost every article")
        for alias in sorted({alias_key(a) for a in [e.name, *e.aliases]}):
            if len(alias) < 2:
                problems.append(f"{at}: id '{e.id}': alias {alias!r} is too short to match safely")
                continue
            if not any(c.isalnum() for c in alias):
                problems.append(f"{at}: id '{e.id}': alias {alias!r} has no letters or digits; it would match punctuation")
                continue
            other, other_at = claimed.setdefault(alias, (e.id, at))
            if other != e.id:
                problems.append(f"{at}: alias {alias!r} is claimed by both '{other}' ({other_at}) and '{e.id}'")
    for e, at in zip(entities, where):
        refs = [e.affiliation, e.place, *e.participants, *(r.organisation for r in e.roles)]
        for ref in refs:
            if ref and ref not in ids:
                close = difflib.get_close_matches(ref, list(ids), n=1)
                problems.append(f"{at}: id '{e.id}': refers to unknown id '{ref}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
