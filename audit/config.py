"""Project configuration: ``.cancel-audit.yaml`` or ``[tool.cancel-audit]`` in pyproject.toml.

Every key is validated; a mistake stops the run with one sentence that names the key and,
for a misspelling, the closest valid one. YAML is read with ``yaml.safe_load`` only.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from audit.catalog import Catalog
from audit.findings import CONFIDENCES, SEVERITIES
from audit.markets import Markets

CONFIG_FILES = (".cancel-audit.yaml", ".cancel-audit.yml")
FAIL_ON_CHOICES = ("error", "warning", "info", "never")
DEFAULT_MAX_FILE_SIZE = 1_000_000
# [tool.cancel-audit], a sub-table or tool.cancel-audit.KEY = ...; a pyproject that only
# names cancel-audit (a dependency, a script) does not end the search for a config file.
_TOOL_TABLE = re.compile(
    r"""^[ \t]*\[?[ \t]*tool[ \t]*\.[ \t]*["']?cancel-audit["']?[ \t]*[].=]""", re.MULTILINE
)
_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?i?b?)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "kib": 1024,
    "m": 1000**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1000**3,
    "gb": 1000**3,
    "gib": 1024**3,
}


class ConfigError(Exception):
    """A configuration problem, worded for the user (exit status 2)."""


@dataclass(frozen=True)
class Config:
    markets: Markets = field(default_factory=Markets)  # the US alone
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    select: Optional[frozenset[str]] = None  # None: every rule
    ignore: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)
    min_confidence: str = "medium"
    fail_on: str = "error"
    gitignore: bool = True
    jobs: Optional[int] = None  # worker processes for parsing; None: one per CPU
    include_docs: bool = False  # also read Markdown/reStructuredText (--include-docs)
    methods: dict[str, list[str]] = field(default_factory=dict)  # endpoint -> names
    urls: dict[str, list[str]] = field(default_factory=dict)  # endpoint -> templates
    codes: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    context_markers: list[str] = field(default_factory=list)
    source: Optional[str] = None  # the file it came from

    def rule_enabled(self, rule_id: str) -> bool:
        if rule_id in self.ignore:
            return False
        return self.select is None or rule_id in self.select or rule_id == "CA001"


def find_config_file(start: Path) -> Optional[Path]:
    """The nearest config file in ``start`` or its parents, up to the repository root."""
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        for name in CONFIG_FILES:
            candidate = candidate_dir / name
            if os.path.isfile(candidate):  # False, not PermissionError, in a locked folder
                return candidate
        pyproject = candidate_dir / "pyproject.toml"
        if os.path.isfile(pyproject) and _TOOL_TABLE.search(_read_text(pyproject)):
            return pyproject
        if os.path.exists(candidate_dir / ".git"):
            break
    return None


def load_config(path: Optional[Path], catalog: Catalog) -> Config:
    """Read and validate a config file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    raw = _read_raw(path)
    return parse_config(raw, catalog, source=str(path))


MAX_CONFIG_BYTES = 1_000_000


def _read_text(path: Path) -> str:
    """The file's text; a UTF-8 BOM (Windows editors write one) is not part of it."""
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"config file {path} is larger than {MAX_CONFIG_BYTES // 1000} KB")
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read config file {path}: byte {exc.start} is not UTF-8") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc


def _short(value: Any) -> str:
    """A value as an error message quotes it: never more than a line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_raw(path: Path) -> dict[str, Any]:
    text = _read_text(path)
    if path.name == "pyproject.toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - exercised on Python < 3.11 only
            import tomli as tomllib
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
        except RecursionError:
            raise ConfigError(f"{path} is not valid TOML: it nests too deeply") from None
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(
                f"{path}: 'tool' must be a table ([tool.cancel-audit]), not {_short(tool)}"
            )
        section = tool.get("cancel-audit", {})
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [tool.cancel-audit] must be a table")
        _check_depth(section, str(path))
        return section
    import yaml

    from audit.bounded_yaml import BoundedYamlError, load

    try:
        data = load(text)
    except BoundedYamlError as exc:
        raise ConfigError(f"{path} is refused: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path} is not valid YAML: it nests too deeply") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ConfigError(
            f"{path} is not valid YAML{line}: {getattr(exc, 'problem', exc)}"
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping of settings, not {type(data).__name__}")
    return data


_MAX_DEPTH = 32


def _check_depth(value: Any, where: str) -> None:
    """No setting nests deeper than a few levels; deeper is a mistake, or an attack."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise ConfigError(f"{where}: settings nest more than {_MAX_DEPTH} levels deep")
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, depth + 1) for child in children)


def _unknown(kind: str, key: str, valid: list[str], where: str) -> ConfigError:
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; valid {kind}s: {', '.join(valid)}"
    return ConfigError(f"{where}: unknown {kind} '{key}'{hint}")


def _string_list(value: Any, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of non-empty strings")
    return list(value)


def parse_excludes(value: Any, where: str) -> tuple[str, ...]:
    """gitignore-style globs, each one checked the way discovery will compile it."""
    import pathspec

    globs = _string_list(value, "exclude", where)
    for glob in globs:
        try:
            pathspec.GitIgnoreSpec.from_lines([glob])
        except Exception as exc:  # pathspec raises its own error types, and ValueError
            raise ConfigError(
                f"{where}: exclude pattern {_short(glob)} is not a valid gitignore glob"
            ) from exc
    return tuple(globs)


def parse_size(value: Any, where: str = "config") -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(str(value)) if isinstance(value, str) else None
    if match is None or int(match.group(1)) <= 0:
        raise ConfigError(
            f"{where}: 'max-file-size' must be a positive size such as 1000000, '512KB' or '2MB'"
        )
    return int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "").lower()]


def parse_rule_ids(value: Any, key: str, catalog: Catalog, where: str) -> frozenset[str]:
    ids = _string_list(value, key, where)
    for rule_id in ids:
        if rule_id.upper() not in catalog.rules:
            raise _unknown("rule", rule_id, sorted(catalog.rules), f"{where}: rules.{key}")
    return frozenset(rule_id.upper() for rule_id in ids)


def _parse_rules(value: Any, catalog: Catalog, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'rules' must be a mapping with select, ignore and severity")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in ("select", "ignore"):
            out[key] = parse_rule_ids(item, key, catalog, where)
        elif key == "severity":
            if not isinstance(item, dict):
                raise ConfigError(f"{where}: 'rules.severity' must map rule ids to severities")
            severities = {}
            for rule_id, severity in item.items():
                if str(rule_id).upper() not in catalog.rules:
                    raise _unknown("rule", str(rule_id), sorted(catalog.rules), where)
                if severity not in SEVERITIES:
                    raise ConfigError(
                        f"{where}: rules.severity.{rule_id} must be one of {', '.join(SEVERITIES)}"
                    )
                severities[str(rule_id).upper()] = severity
            out["severity"] = severities
        else:
            raise _unknown(
                "key", f"rules.{key}", ["rules.select", "rules.ignore", "rules.severity"], where
            )
    return out


def _parse_patterns(value: Any, catalog: Catalog, where: str) -> dict[str, Any]:
    """Patterns keyed by rule id (its first endpoint) or by endpoint name."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'patterns' must be a mapping of rule ids to patterns")
    methods: dict[str, list[str]] = {}
    urls: dict[str, list[str]] = {}
    codes: list[int] = []
    messages: list[str] = []
    code_rule = catalog.code_rule().id
    valid_targets = sorted(catalog.rules) + sorted(catalog.endpoints)
    for target, spec in value.items():
        target = str(target)
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: patterns.{target} must be a mapping")
        label = f"{where}: patterns.{target}"
        if target.upper() == code_rule:
            for key, item in spec.items():
                if key == "codes":
                    if not isinstance(item, list) or not all(
                        isinstance(c, int) and not isinstance(c, bool) for c in item
                    ):
                        raise ConfigError(f"{label}.codes must be a list of integers")
                    codes.extend(item)
                elif key == "messages":
                    messages.extend(_string_list(item, key, label))
                else:
                    raise _unknown("key", key, ["codes", "messages"], label)
            continue
        if target.upper() in catalog.rules:
            rule = catalog.rules[target.upper()]
            if not rule.endpoints:
                raise ConfigError(f"{label}: rule {rule.id} takes no patterns")
            endpoint = rule.endpoints[0]
        elif target in catalog.endpoints:
            endpoint = target
        else:
            raise _unknown("rule or endpoint", target, valid_targets, f"{where}: patterns")
        for key, item in spec.items():
            if key == "methods":
                methods.setdefault(endpoint, []).extend(_string_list(item, key, label))
            elif key == "urls":
                urls.setdefault(endpoint, []).extend(_string_list(item, key, label))
            else:
                raise _unknown("key", key, ["methods", "urls"], label)
    return {"methods": methods, "urls": urls, "codes": codes, "messages": messages}


def _choice(value: Any, key: str, choices: tuple[str, ...], where: str) -> str:
    if value not in choices:
        raise ConfigError(
            f"{where}: '{key}' must be one of {', '.join(choices)}, not {_short(value)}"
        )
    return str(value)


def parse_markets(value: Any, where: str) -> Markets:
    markets = _string_list(value, "markets", where)
    normalised = []
    for market in markets:
        code = market.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise ConfigError(
                f"{where}: market {_short(market)} is not a two-letter code such as US"
            )
        normalised.append("UK" if code == "GB" else code)
    if not normalised:
        raise ConfigError(f"{where}: 'markets' must name at least one market, e.g. [US]")
    return Markets(tuple(dict.fromkeys(normalised)))


def parse_jobs(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{where}: 'jobs' must be a positive number of processes")
    return value


def _boolean(value: Any, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: '{key}' must be true or false")
    return value


_KEYS: dict[str, Callable[[Any, Catalog, str], dict[str, Any]]] = {
    "markets": lambda v, c, w: {"markets": parse_markets(v, w)},
    "exclude": lambda v, c, w: {"exclude": parse_excludes(v, w)},
    "max-file-size": lambda v, c, w: {"max_file_size": parse_size(v, w)},
    "rules": _parse_rules,
    "patterns": _parse_patterns,
    "context": lambda v, c, w: {"context_markers": _string_list(v, "context", w)},
    "min-confidence": lambda v, c, w: {
        "min_confidence": _choice(v, "min-confidence", CONFIDENCES, w)
    },
    "fail-on": lambda v, c, w: {"fail_on": _choice(v, "fail-on", FAIL_ON_CHOICES, w)},
    "gitignore": lambda v, c, w: {"gitignore": _boolean(v, "gitignore", w)},
    "jobs": lambda v, c, w: {"jobs": parse_jobs(v, w)},
}


def parse_config(raw: dict[str, Any], catalog: Catalog, source: str = "config") -> Config:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        parser = _KEYS.get(str(key))
        if parser is None:
            raise _unknown("key", str(key), sorted(_KEYS), source)
        values.update(parser(value, catalog, source))
    return Config(source=source, **values)


def apply_to_catalog(config: Config, catalog: Catalog) -> Catalog:
    """The catalog with the user's patterns and severity overrides."""
    import dataclasses

    if config.severity:
        rules = {
            rid: dataclasses.replace(rule, severity=config.severity.get(rid, rule.severity))
            for rid, rule in catalog.rules.items()
        }
        catalog = dataclasses.replace(catalog, rules=rules)
    if config.methods or config.urls or config.codes or config.messages or config.context_markers:
        catalog = catalog.with_user_patterns(
            config.methods, config.urls, config.codes, config.messages, config.context_markers
        )
    return catalog
