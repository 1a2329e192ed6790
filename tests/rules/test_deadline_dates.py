"""The rule texts and the generated helper state the deadline in prose; it must be the
one in ``audit.markets``, so a changed deadline cannot leave an old date behind."""

from __future__ import annotations

import re
from pathlib import Path

import audit
import codemods.helper_module
from audit.markets import REJECT_DEADLINE

DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
RULE_TEXTS = sorted((Path(audit.__file__).parent / "rules").glob("*/rule.yaml"))


def test_every_date_in_the_rule_texts_is_the_deadline() -> None:
    texts = [*RULE_TEXTS, Path(codemods.helper_module.__file__)]
    dates = {(path.name, d) for path in texts for d in DATE.findall(path.read_text("utf-8"))}
    assert dates, "no date found: the pattern or the paths are wrong"
    assert {d for _, d in dates} == {REJECT_DEADLINE.isoformat()}, sorted(dates)
