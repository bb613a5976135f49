"""Load YAML that may be hostile (front matter, registry, archive.yml) within bounded time and memory.

`yaml.safe_load` never runs code, but two documents still hurt it:
- an alias bomb ("billion laughs"): nine anchors of ten aliases each load as a small shared
  graph, and then `str()`, a template or an error message walks 10^9 nodes and never returns;
- deep nesting (`[[[[…` ten thousand times): the composer recurses and dies with RecursionError.

So before constructing anything, `load` runs over the parser's event stream (the parser is a
state machine, not recursive) and counts every node as it would be once aliases are expanded,
and the nesting depth including what aliases bring in. A document over either limit is refused
with `YAMLTooBig` before it is built. Values that YAML accepts but Python cannot construct
(`date: 2021-13-45`, a 5,000-digit integer) come out as `YAMLValueError`, not as a crash.
"""
from __future__ import annotations

import yaml

# Far above any real front matter or registry entry, far below anything that can hurt.
MAX_DEPTH = 40
FRONT_MATTER_NODES = 20_000
REGISTRY_NODES = 2_000_000

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # same events, faster where libyaml exists


class YAMLTooBig(ValueError):
    """The document would expand beyond the node or depth limit."""


class YAMLValueError(ValueError):
    """The YAML is well-formed but a value cannot be constructed (a bad date, a huge number)."""


def check(text: str, max_nodes: int, max_depth: int = MAX_DEPTH) -> None:
    """Raise YAMLTooBig if `text` expands beyond the limits, yaml.YAMLError if it is not YAML."""
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (expanded nodes, depth)
    stack: list[list] = []  # open collections: [nodes so far, anchor, depth below]
    total = 0

    def add(nodes: int, depth: int) -> None:
        nonlocal total
        total += nodes
        if total > max_nodes:
            raise YAMLTooBig(f"it expands to more than {max_nodes:,} values (an alias bomb?)")
        if len(stack) + depth > max_depth:
            raise YAMLTooBig(f"it is nested more than {max_depth} levels deep")
        if stack:
            stack[-1][2] = max(stack[-1][2], depth)

    for event in _events(text, max_depth):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            add(1, 1)
            stack.append([total, event.anchor, 0])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            started, anchor, below = stack.pop()
            if anchor:
                # the collection itself (counted at its start) plus everything inside it
                anchors[anchor] = (total - started + 1, below + 1)
        elif isinstance(event, yaml.ScalarEvent):
            add(1, 0)
            if event.anchor:
                anchors[event.anchor] = (1, 0)
        elif isinstance(event, yaml.AliasEvent):
            nodes, depth = anchors.get(event.anchor, (1, 0))  # unknown anchors: the loader reports them
            add(nodes, depth)


def _events(text: str, max_depth: int):
    """Parser events one by one (a bomb is never expanded)."""
    try:
        yield from yaml.parse(text, Loader=_Parser)
    except yaml.YAMLError as exc:
        # PyYAML >= 6.0.4 has a nesting limit of its own, hit while its scanner looks ahead in
        # flow collections ("[[[[…") before our count of the events gets there: same refusal.
        if "maximum nesting depth" in str(exc):
            raise YAMLTooBig(f"it is nested more than {max_depth} levels deep") from None
        raise


def load(text: str, max_nodes: int, loader: type = yaml.SafeLoader, max_depth: int = MAX_DEPTH):
    """`check`, then load one document with `loader` (a SafeLoader subclass).

    Raises YAMLTooBig, YAMLValueError or yaml.YAMLError; each has a message for the user.
    """
    check(text, max_nodes, max_depth)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - loader is a SafeLoader
    except yaml.YAMLError:
        raise
    except (ValueError, OverflowError, TypeError) as exc:
        raise YAMLValueError(f"a value cannot be read: {exc}") from None
