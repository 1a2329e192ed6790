"""A local TikTok Shop v202309 simulator for the cancellation and shipping flow.

``Sandbox`` runs it on a loopback port; ``load_scenario`` reads what it is seeded with.
See docs/sandbox.md.
"""

from __future__ import annotations

from audit.markets import REJECT_DEADLINE
from audit.sandbox.errors import ApiError
from audit.sandbox.harness import Sandbox
from audit.sandbox.routes import ENDPOINT_NAMES
from audit.sandbox.rules import CHANGE_DATE, Rules
from audit.sandbox.scenario import Scenario, ScenarioError, builtin_scenarios, load_scenario

__all__ = [
    "CHANGE_DATE",
    "ENDPOINT_NAMES",
    "REJECT_DEADLINE",
    "ApiError",
    "Rules",
    "Sandbox",
    "Scenario",
    "ScenarioError",
    "builtin_scenarios",
    "load_scenario",
]
