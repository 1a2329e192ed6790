"""The top layer: the ``cancel-audit`` command line and its verbs.

Nothing below imports it; ``audit/__main__.py`` (``python -m audit``) is the one entry point
that does, and the layering contract names it.
"""
