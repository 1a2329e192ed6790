"""Allow ``python -m audit``: an entry point only, like the console script (nothing imports it)."""

from cancel_audit_cli.cli import main

if __name__ == "__main__":
    main()
