"""One module per part of a readiness report; ``reports.context`` puts them together.

Each module turns scan facts into plain dicts (str, int, bool, None, lists and dicts)
for the templates to lay out.
"""
