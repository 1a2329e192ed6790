"""Finding shapes for 21011007 handling inside a function: what CA201's fix may do.

``audit.python.decisions`` (libcst) decides them; the fix stamps, the codemods and the
hints read them. Kept apart so that stamping a scan's findings loads no parser.
"""

RETRY = "code-retry"  # rejected and shipped again: removal keeps the meaning
GUARD = "code-guard"  # decided; the decision moves before the ship call (unsafe)
DECISION = "code-decision"  # decided; no exact move: a person decides
# decided per package of a batch ship's errors; the decision moves before the batch (unsafe)
BATCH_GUARD = "code-batch-guard"
GUARDS = frozenset({GUARD, BATCH_GUARD})  # the shapes the guard codemod moves first
