"""libcst codemods that rewrite cancel-audit findings."""
