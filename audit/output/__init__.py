"""CI output formats for scan results (text, JSON, SARIF, JUnit, GitHub, GitLab).

The registry that looks a format up by name, including the report formats, is
``cancel_audit_cli.commands.formats``: it sits above both this package and ``reports``.
"""
