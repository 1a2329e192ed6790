"""OpenAPI/Swagger documents and Postman collections (JSON or YAML) that list endpoint
paths: each listed path is a use of role ``url``.

A JSON or YAML file that is neither (``package.json``, CI workflows, malformed files) is
not a document we read: it yields nothing rather than an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Optional

from audit.catalog import HOLE, Catalog
from audit.findings import Finding, InventoryEntry
from audit.polyglot.hints import hint
from audit.polyglot.results import PolyglotContext, PolyglotOutput, by_hand

_VARIABLE = re.compile(r"\{\{[^}]*\}\}")  # Postman {{base_url}}, {{version}}


def _load(rel: str, text: str) -> Optional[Any]:
    try:
        if rel.lower().endswith(".json"):
            return json.loads(text)
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(text, Loader=loader)
    except (ValueError, RecursionError):
        return None
    except Exception as exc:  # yaml.YAMLError and friends: not a document we read
        if type(exc).__module__.startswith("yaml"):
            return None
        raise


def _openapi_paths(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    paths = document.get("paths")
    if not isinstance(paths, dict) or not ("openapi" in document or "swagger" in document):
        return
    for path, operations in paths.items():
        if isinstance(path, str):
            verbs = [v.upper() for v in operations] if isinstance(operations, dict) else []
            yield path, "/".join(v for v in verbs if v.isalpha()) or "path"


def _postman_urls(items: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, dict):
            continue
        yield from _postman_urls(item.get("item"))
        request = item.get("request")
        if not isinstance(request, dict):
            continue
        url = request.get("url")
        method = str(request.get("method", "request"))
        if isinstance(url, str):
            yield url, method
        elif isinstance(url, dict):
            raw = url.get("raw")
            if isinstance(raw, str):
                yield raw, method
            elif isinstance(url.get("path"), list):
                yield "/" + "/".join(str(p) for p in url["path"]), method


def _listed(document: Any) -> Optional[tuple[str, list[tuple[str, str]]]]:
    """("openapi" or "postman", the paths it lists), or None for other documents."""
    if not isinstance(document, dict):
        return None
    if "paths" in document:
        return "openapi", list(_openapi_paths(document))
    info = document.get("info")
    if isinstance(info, dict) and ("_postman_id" in info or "postman" in str(info.get("schema"))):
        return "postman", list(_postman_urls(document.get("item")))
    return None


def detect_apispec(
    rel: str, text: str, catalog: Catalog, context: PolyglotContext
) -> Optional[PolyglotOutput]:
    document = _listed(_load(rel, text))
    if document is None:
        return None
    language, listed = document
    lines = text.splitlines()
    findings: list[Finding] = []
    inventory: list[InventoryEntry] = []
    cursor = 0
    for path, method in listed:
        value = _VARIABLE.sub(HOLE, path)
        found = catalog.match_path(value)
        if found is None:
            continue
        line, column, cursor = _locate(path, lines, cursor)
        inventory.append(InventoryEntry(found.endpoint, found.version, "url", rel, line, column))
        rule = catalog.rule_for_endpoint(found.endpoint)
        if rule is None or rule.sites == "calls":
            continue  # call-site rules judge code, not a list of endpoints
        if rule.us_only and not context.markets.includes_us:
            continue
        if not (found.strong or context.file_has_context or context.project_has_context):
            continue
        snippet = lines[line - 1] if line <= len(lines) else ""
        findings.append(
            Finding(
                rule=rule.id,
                severity=rule.severity,
                category=rule.category,
                path=rel,
                line=line,
                column=column,
                end_line=line,
                end_column=column + len(path),
                message=rule.message.format(what=f"{method} {value.replace(HOLE, '{}')}")
                + by_hand(rule.id, language),
                snippet=snippet,
                confidence="high" if found.strong or context.file_has_context else "medium",
                fix="manual",
                matched=path,
                endpoint=found.endpoint,
                shape="url",
                language=language,
                hint=hint(rule.id, language),
            )
        )
    return PolyglotOutput(findings, inventory, [])


def _locate(path: str, lines: list[str], cursor: int) -> tuple[int, int, int]:
    """(line, column, next cursor) of ``path``'s first appearance at or after ``cursor``."""
    for index in range(cursor, len(lines)):
        column = lines[index].find(path)
        if column >= 0:
            return index + 1, column + 1, index
    for index, line in enumerate(lines):
        column = line.find(path)
        if column >= 0:
            return index + 1, column + 1, cursor
    return 1, 1, cursor
