"""Allow ``python -m cancel_audit_cli``."""

from cancel_audit_cli.cli import main

if __name__ == "__main__":
    main()
