"""Every verb of the ``cancel-audit`` command line (named by ``cancel_audit_cli.cli``)."""
