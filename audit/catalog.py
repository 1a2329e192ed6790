"""The rule catalog: endpoint patterns from ``catalog.yaml``, rules from their units.

Each rule is a unit, a folder ``audit/rules/<id>_<slug>/`` holding its catalog entry
(``rule.yaml``) and its examples; :func:`rule_units` discovers them, so adding a rule is
adding a folder.

The catalog is the single source of truth for matching. The scanner's prefilter, the
Python detector and the codemods all ask it what a path, a method name or an error code
means; none of them keeps its own list.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Optional

from audit.markets import Markets

if TYPE_CHECKING:
    from audit.python.project_model import ProjectModel

# Unknown parts of a statically evaluated string (a variable in an f-string, an
# unresolved name in a concatenation) are replaced by this character.
HOLE = "\x00"

_SEGMENT = r"[^/?#\s\"']+"
_VERSION = r"(?P<version>20\d{4}|\{[^/}]*\}|\x00|\*)"
# A template ends at the end of the text, a query, a fragment, whitespace, a quote,
# an unknown part or a mock wildcard, optionally after one trailing slash.
_TAIL = r"/?(?=$|[?#\s\"'*\x00])"


@dataclass(frozen=True)
class PathTemplate:
    endpoint: str
    template: str
    strong: bool
    pattern: str  # what ``regex`` compiles

    @cached_property
    def regex(self) -> re.Pattern[str]:
        # compiled on first use: a scan that matches no path never pays for ~70 of them
        return re.compile(self.pattern)

    @property
    def specificity(self) -> int:
        return len(self.template)


@dataclass(frozen=True)
class PathMatch:
    endpoint: str
    version: Optional[str]
    strong: bool
    template: str


@dataclass(frozen=True)
class MethodMatch:
    endpoint: str
    strong: bool


@dataclass(frozen=True)
class Endpoint:
    name: str
    title: str
    templates: tuple[PathTemplate, ...]
    strong_methods: tuple[str, ...]
    weak_methods: tuple[str, ...]
    prefilter: tuple[str, ...]


@dataclass(frozen=True)
class Fix:
    kind: str  # safe, unsafe, manual, none
    detail: str
    mixed_markets: Optional[str] = None

    def kind_for(self, markets: Markets) -> str:
        """The fix kind once the configured markets are known."""
        if self.mixed_markets and markets.others:
            return self.mixed_markets
        return self.kind


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    category: str
    severity: str
    summary: str
    message: str  # the finding's message; {what} names the matched code
    why: str
    example: str
    instead: str
    fix: Fix
    endpoints: tuple[str, ...] = ()
    codes: bool = False
    us_only: bool = False
    # "calls": only call sites inside functions count (not definitions or SDK wrappers)
    sites: str = "all"
    # facts of an enclosing function that excuse a call site (an endpoint it also calls,
    # or the cancel flag it reads)
    excused_by: tuple[str, ...] = ()
    # call arguments that make a call a lookup of given items rather than a search
    lookup_filters: tuple[str, ...] = ()
    # endpoints whose use in the same file keeps a finding's code alive
    live_with: tuple[str, ...] = ()
    # facts a call site's function (or one around it) must show to count, e.g. that a
    # search asks for pending requests
    requires: tuple[str, ...] = ()

    def finding_message(self, what: str, markets: Markets) -> str:
        """The message for a match, with a word for the markets the rule does not cover."""
        message = self.message.format(what=what)
        others = markets.others
        if self.us_only and others:
            subject = (
                f"Market {others[0]} still uses"
                if len(others) == 1
                else f"Markets {markets.others_text()} still use"
            )
            message += f" {subject} the old behaviour: keep a path for them."
        return message

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "summary": self.summary,
            "why": self.why,
            "example": self.example,
            "instead": self.instead,
            "fix": {"kind": self.fix.kind, "detail": self.fix.detail},
            "endpoints": list(self.endpoints),
            "us_only": self.us_only,
        }


@dataclass(frozen=True)
class Catalog:
    rules: dict[str, Rule]
    endpoints: dict[str, Endpoint]
    codes: tuple[int, ...]
    messages: tuple[str, ...]
    context_markers: tuple[str, ...]
    cancel_flag: str
    extra_prefilter: tuple[str, ...]
    _methods: dict[str, MethodMatch] = field(default_factory=dict)
    _templates: tuple[PathTemplate, ...] = ()
    # markers of other marketplaces' code (Shopee, Lazada ...): weak evidence there is theirs
    other_marketplaces: tuple[str, ...] = ()
    # what the scanned project defines itself: wrappers, path builders, join templates
    project: Optional[ProjectModel] = field(default=None, compare=False, hash=False)

    def with_project(self, project: ProjectModel) -> Catalog:
        """A copy that also knows the project's own wrappers, builders and constants."""
        return dataclasses.replace(self, project=project)

    def rule_for_endpoint(self, endpoint: str) -> Optional[Rule]:
        for rule in self.rules.values():
            if endpoint in rule.endpoints:
                return rule
        return None

    def code_rule(self) -> Rule:
        return next(rule for rule in self.rules.values() if rule.codes)

    def method(self, name: str) -> Optional[MethodMatch]:
        return self._methods.get(name)

    def match_path(self, text: str) -> Optional[PathMatch]:
        """The most specific endpoint template found in ``text``, if any."""
        for template in self._templates:
            found = template.regex.search(text)
            if found:
                version = found.group("version") if "version" in template.regex.groupindex else None
                if version is not None and not version.isdigit():
                    version = None
                return PathMatch(template.endpoint, version, template.strong, template.template)
        return None

    def prefilter_fragments(self) -> list[str]:
        fragments: set[str] = set(self.extra_prefilter)
        for endpoint in self.endpoints.values():
            fragments.update(endpoint.prefilter)
            fragments.update(endpoint.strong_methods)
            fragments.update(endpoint.weak_methods)
        fragments.update(self.context_markers)
        fragments.update(str(code) for code in self.codes)
        fragments.update(self.messages)
        return sorted(fragments)

    def with_user_patterns(
        self,
        methods: dict[str, list[str]],
        urls: dict[str, list[str]],
        codes: list[int],
        messages: list[str],
        context_markers: list[str],
    ) -> Catalog:
        """A copy that also knows the user's own wrapper names, URL templates and codes.

        ``methods`` and ``urls`` are keyed by endpoint name. User spellings count as strong
        evidence: the user has said the name is theirs.
        """
        endpoints = dict(self.endpoints)
        for name in set(methods) | set(urls):
            base = endpoints[name]
            extra_templates = tuple(
                compile_template(name, template, strong=True) for template in urls.get(name, [])
            )
            extra_methods = tuple(methods.get(name, []))
            endpoints[name] = Endpoint(
                name=base.name,
                title=base.title,
                templates=base.templates + extra_templates,
                strong_methods=base.strong_methods + extra_methods,
                weak_methods=base.weak_methods,
                prefilter=base.prefilter
                + extra_methods
                + tuple(_longest_literal(t) for t in urls.get(name, [])),
            )
        built = build_catalog(
            rules=self.rules,
            endpoints=endpoints,
            codes=self.codes + tuple(codes),
            messages=self.messages + tuple(messages),
            context_markers=self.context_markers + tuple(context_markers),
            cancel_flag=self.cancel_flag,
            extra_prefilter=self.extra_prefilter + tuple(str(c) for c in codes),
        )
        return dataclasses.replace(built, other_marketplaces=self.other_marketplaces)


def compile_template(endpoint: str, template: str, strong: bool) -> PathTemplate:
    """Turn ``/return_refund/{version}/cancellations/{cancel_id}/reject`` into a regex."""
    pieces = re.split(r"(\{[^}]*\})", template)
    out = []
    for piece in pieces:
        if piece == "{version}":
            out.append(_VERSION)
        elif piece.startswith("{") and piece.endswith("}"):
            out.append(_SEGMENT)
        else:
            out.append(re.escape(piece))
    # A relative template must start at a path boundary so "precancellations/x/reject"
    # does not count; an absolute one starts with "/" and is its own boundary.
    head = "" if template.startswith("/") else r"(?:^|(?<=[/\x00*\s]))"
    return PathTemplate(endpoint, template, strong, head + "".join(out) + _TAIL)


def _longest_literal(template: str) -> str:
    pieces = [p.strip("/") for p in re.split(r"\{[^}]*\}", template)]
    return max(pieces, key=len)


def build_catalog(
    rules: dict[str, Rule],
    endpoints: dict[str, Endpoint],
    codes: tuple[int, ...],
    messages: tuple[str, ...],
    context_markers: tuple[str, ...],
    cancel_flag: str,
    extra_prefilter: tuple[str, ...],
) -> Catalog:
    methods: dict[str, MethodMatch] = {}
    for endpoint in endpoints.values():
        for name in endpoint.weak_methods:
            methods.setdefault(name, MethodMatch(endpoint.name, strong=False))
        for name in endpoint.strong_methods:
            methods[name] = MethodMatch(endpoint.name, strong=True)
    templates = sorted(
        (t for e in endpoints.values() for t in e.templates),
        key=lambda t: t.specificity,
        reverse=True,
    )
    return Catalog(
        rules=rules,
        endpoints=endpoints,
        codes=codes,
        messages=messages,
        context_markers=context_markers,
        cancel_flag=cancel_flag,
        extra_prefilter=extra_prefilter,
        _methods=methods,
        _templates=tuple(templates),
    )


def _parse_rule(rule_id: str, raw: dict[str, Any]) -> Rule:
    fix = raw["fix"]
    return Rule(
        id=rule_id,
        name=raw["name"],
        category=raw["category"],
        severity=raw["severity"],
        summary=raw["summary"],
        message=raw["message"],
        why=raw["why"],
        example=raw["example"],
        instead=raw["instead"],
        fix=Fix(kind=fix["kind"], detail=fix["detail"], mixed_markets=fix.get("mixed_markets")),
        endpoints=tuple(raw.get("endpoints", ())),
        codes=bool(raw.get("codes", False)),
        us_only=bool(raw.get("us_only", False)),
        sites=raw.get("sites", "all"),
        excused_by=tuple(raw.get("excused_by", ())),
        lookup_filters=tuple(raw.get("lookup_filters", ())),
        live_with=tuple(raw.get("live_with", ())),
        requires=tuple(raw.get("requires", ())),
    )


def _parse_endpoint(name: str, raw: dict[str, Any]) -> Endpoint:
    return Endpoint(
        name=name,
        title=raw["title"],
        templates=tuple(
            compile_template(name, p["template"], bool(p["strong"])) for p in raw["paths"]
        ),
        strong_methods=tuple(raw["methods"]["strong"]),
        weak_methods=tuple(raw["methods"]["weak"]),
        prefilter=tuple(raw["prefilter"]),
    )


_UNIT_NAME = re.compile(r"^(ca\d{3})_[a-z0-9_]+$")


@dataclass(frozen=True)
class RuleUnit:
    """One rule's folder: its entry (``rule.yaml``) and its examples."""

    id: str
    folder: Any  # an importlib.resources Traversable


def rule_units() -> tuple[RuleUnit, ...]:
    """Every rule unit under ``audit/rules``, in id order."""
    root = resources.files("audit").joinpath("rules")
    units = []
    for entry in root.iterdir():
        found = _UNIT_NAME.match(entry.name)
        if found and entry.is_dir() and entry.joinpath("rule.yaml").is_file():
            units.append(RuleUnit(found.group(1).upper(), entry))
    return tuple(sorted(units, key=lambda unit: unit.id))


def _load_yaml(text: str) -> Any:
    import yaml  # deferred: start-up time matters for a CLI

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when built with it
    return yaml.load(text, Loader=loader)


# the mark an invalid example puts on a line that must get the finding
EXPECT_MARK = re.compile(r"[ \t]*#[ \t]*expect:[ \t]*CA\d{3}(?:[ ,]+CA\d{3})*[ \t]*$", re.MULTILINE)


def shown_example(source: str) -> str:
    """An example file as ``explain`` shows it: without its ``# expect:`` marks."""
    return EXPECT_MARK.sub("", source)


def load_rule_entries() -> dict[str, dict[str, Any]]:
    """Each unit's ``rule.yaml`` (without its ``id`` key), keyed by rule id.

    The ``example`` users read is the unit's ``examples/invalid.py`` and ``instead`` its
    ``examples/valid.py``: the example tests prove the first fires and the second does not.
    """
    entries: dict[str, dict[str, Any]] = {}
    for unit in rule_units():
        raw = dict(_load_yaml(unit.folder.joinpath("rule.yaml").read_text(encoding="utf-8")))
        declared = raw.pop("id", unit.id)
        if declared != unit.id:
            raise ValueError(f"rule unit {unit.folder.name} declares id {declared}")
        examples = unit.folder.joinpath("examples")
        for key, name in (("example", "invalid.py"), ("instead", "valid.py")):
            if examples.joinpath(name).is_file():
                raw[key] = shown_example(examples.joinpath(name).read_text(encoding="utf-8"))
        entries[unit.id] = raw
    return entries


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The built-in catalog (cached: it is read once per process)."""
    text = resources.files("audit").joinpath("catalog.yaml").read_text(encoding="utf-8")
    raw = _load_yaml(text)
    errors = raw["error_codes"]
    built = build_catalog(
        rules={rid: _parse_rule(rid, r) for rid, r in load_rule_entries().items()},
        endpoints={name: _parse_endpoint(name, e) for name, e in raw["endpoints"].items()},
        codes=tuple(int(c) for c in errors["codes"]),
        messages=tuple(errors["messages"]),
        context_markers=tuple(raw["context_markers"]),
        cancel_flag=raw["cancel_flag"],
        extra_prefilter=(*errors["prefilter"], raw["cancel_flag"]),
    )
    return dataclasses.replace(built, other_marketplaces=tuple(raw.get("other_marketplaces", ())))
