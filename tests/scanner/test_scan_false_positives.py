"""Names shared with unrelated software are not findings without TikTok Shop context."""

from __future__ import annotations

from pathlib import Path

from scan_helpers import REJECT, found, invoke, scan_json, write

# An HR app: leave requests can be cancelled, and HR can reject the cancellation.
HR_MODELS = '''\
"""Leave requests and their cancellation workflow."""


class LeaveRequest:
    fail_code = None

    def reject_cancellation(self, leave_id):
        """HR refuses an employee's request to cancel approved leave."""
        request = self.repository.get(leave_id)
        request.status = "cancellation_rejected"
        request.fail_code = "LEAVE_ALREADY_TAKEN"
        return request
'''

HR_VIEWS = """\
from .models import LeaveRequest


def refuse(hr, request_id):
    result = hr.reject_cancellation(request_id)
    if result.fail_code:
        return {"error": result.fail_code}
    return {"ok": True}
"""


def hr_project(root: Path) -> None:
    write(root, "hr/__init__.py", "")
    write(root, "hr/models.py", HR_MODELS)
    write(root, "hr/views.py", HR_VIEWS)


def test_hr_app_has_no_findings_by_default(project: Path) -> None:
    hr_project(project)

    status, data = scan_json(".")

    assert status == 0
    assert data["findings"] == [] and data["errors"] == []
    assert data["summary"]["files_parsed"] >= 1  # it was looked at, not missed
    assert data["summary"]["hidden_low_confidence"] >= 1
    assert "low-confidence hidden" in invoke("scan", ".").output


def test_hr_app_findings_appear_only_at_low_confidence(project: Path) -> None:
    hr_project(project)

    status, data = scan_json("--min-confidence", "low", ".")

    assert status == 1
    assert ("hr/views.py", "CA101") in found(data)
    assert {f["confidence"] for f in data["findings"]} == {"low"}
    assert data["summary"]["hidden_low_confidence"] == 0


def test_tiktok_code_elsewhere_in_the_project_raises_confidence(project: Path) -> None:
    hr_project(project)
    write(project, "shop/tiktok.py", REJECT)  # the project does talk to TikTok Shop

    _, data = scan_json(".")

    confidences = {(f["path"], f["confidence"]) for f in data["findings"]}
    assert ("shop/tiktok.py", "high") in confidences
    assert ("hr/views.py", "medium") in confidences
