"""Render a report context with Jinja: self-contained HTML, or GitHub-flavoured Markdown.

jinja2 is imported inside the functions that render, never at module import, so the rest
of the CLI does not pay for it. HTML is autoescaped. Markdown escapes every value through
``finalize`` (HTML entities for the characters Markdown or GitHub would interpret), so a
snippet cannot become a link, a mention, a table cell break or markup. The HTML carries a
Content-Security-Policy that allows no network at all and only its own inline script and
style, by hash.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from audit.findings import ScanResult
from audit.render_context import RenderContext
from reports.context import RepoInput, build_context, repo_name
from reports.truncate import truncated

if TYPE_CHECKING:
    import jinja2

# GitHub rejects comments of 65,536 characters or more; keep room for a bot's own header.
MARKDOWN_LIMIT = 65_536
MARKDOWN_MARGIN = 512

_MD_SPECIAL = {
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "|": "&#124;",
    "~": "&#126;",
    "#": "&#35;",
    "@": "&#64;",
}
_MD_PATTERN = re.compile("[" + re.escape("".join(_MD_SPECIAL)) + "]")
_ROWS_TRIED = (500, 200, 100, 50, 25, 10, 5, 2, 0)


def _asset(name: str) -> str:
    return (resources.files("reports") / "templates" / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def md_escape(value: Any) -> str:
    """Text that GitHub renders literally: no markup, links, mentions or cell breaks."""
    text = html.escape(str(value), quote=False)
    text = _MD_PATTERN.sub(lambda m: _MD_SPECIAL[m.group(0)], text)
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


def shorten(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "\u2026"


def _md_code(value: Any) -> Any:
    from markupsafe import Markup

    return Markup(f"<code>{md_escape(value)}</code>")


def _md_block(value: Any, language: str = "") -> Any:
    """A fenced code block; the fence is longer than any backtick run inside."""
    from markupsafe import Markup

    text = str(value).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}{language}\n{text}\n{fence}")


_CODE_SPAN = re.compile(r"`([^`]+)`")


def _prose(escape: Callable[[str], str]) -> Callable[[Any], Any]:
    """Catalog prose marks code with backticks: escape the text, set code spans as code."""

    def prose(value: Any) -> Any:
        from markupsafe import Markup

        pieces = _CODE_SPAN.split(str(value))
        out = [
            f"<code>{escape(piece)}</code>" if index % 2 else escape(piece)
            for index, piece in enumerate(pieces)
        ]
        return Markup("".join(out))

    return prose


def _html_escape(text: str) -> str:
    return html.escape(text, quote=True)


def _md_finalize(value: Any) -> Any:
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return md_escape(value)


@lru_cache(maxsize=2)
def environment(kind: str) -> jinja2.Environment:
    """The Jinja environment for ``html`` (autoescaped) or ``markdown`` (finalize-escaped)."""
    import jinja2

    loader = jinja2.PackageLoader("reports", "templates")
    common: dict[str, Any] = {
        "loader": loader,
        "undefined": jinja2.StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if kind == "html":
        env = jinja2.Environment(autoescape=True, **common)
        env.filters["prose"] = _prose(_html_escape)
    else:
        env = jinja2.Environment(autoescape=False, finalize=_md_finalize, **common)
        env.filters["code"] = _md_code
        env.filters["block"] = _md_block
        env.filters["prose"] = _prose(md_escape)
    env.filters["shorten"] = shorten
    return env


def render_html(context: dict[str, Any]) -> str:
    from markupsafe import Markup

    css, script = _asset("report.css"), _asset("report.js")
    policy = "; ".join(
        (
            "default-src 'none'",
            f"style-src '{_sha256(css)}'",
            f"script-src '{_sha256(script)}'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    template = environment("html").get_template("report.html.j2")
    return template.render(ctx=context, css=Markup(css), script=Markup(script), policy=policy)


def render_markdown(context: dict[str, Any], limit: int = MARKDOWN_LIMIT) -> str:
    """Markdown for a PR comment, shortened to stay under ``limit`` characters."""
    template = environment("markdown").get_template("report.md.j2")
    budget = limit - MARKDOWN_MARGIN
    text = _tidy(template.render(ctx=context))
    if len(text) <= budget:
        return text
    for rows in _ROWS_TRIED:
        text = _tidy(template.render(ctx=truncated(context, rows)))
        if len(text) <= budget:
            return text
    return _hard_cut(text, budget)


def _tidy(text: str) -> str:
    """Collapse runs of blank lines outside code fences (templates leave some behind)."""
    out: list[str] = []
    fence = ""
    for line in text.split("\n"):
        stripped = line.strip()
        if fence:
            if stripped == fence:
                fence = ""
        elif stripped.startswith("```"):
            fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
        elif not stripped and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out)


def _hard_cut(text: str, budget: int) -> str:
    """Cut at a line break and close what was left open (a portfolio of thousands)."""
    note = (
        "\n\n> **Truncated:** this report is longer than a GitHub comment allows; "
        "render it as HTML (`cancel-audit report --format html`) to see all of it.\n"
    )
    cut = text.rfind("\n", 0, budget - len(note) - 200)
    kept = text[: max(cut, 0)]
    if kept.count("```") % 2:
        kept += "\n```"
    open_details = kept.count("<details") - kept.count("</details>")
    return kept + "\n\n</details>" * max(open_details, 0) + note


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "html": render_html,
    "md": render_markdown,
}


def render(context: dict[str, Any], fmt: str) -> str:
    return RENDERERS[fmt](context)


def _context_for_scan(result: ScanResult, context: RenderContext) -> dict[str, Any]:
    fallback = Path(result.roots[0]).resolve().name if result.roots else "repository"
    name = repo_name([Path(r).resolve().as_posix() for r in result.roots], fallback)
    repo = RepoInput(name, result, "live scan", context.tool_version)
    return build_context([repo], context.catalog, date.today(), context.tool_version)


def render_html_result(result: ScanResult, context: RenderContext) -> str:
    """``cancel-audit scan --format html``: the single-repository report."""
    return render_html(_context_for_scan(result, context))


def render_markdown_result(result: ScanResult, context: RenderContext) -> str:
    """``cancel-audit scan --format markdown``: the single-repository report."""
    return render_markdown(_context_for_scan(result, context))
