"""The review web UI's audit page (/audit, /audit/{id}) through FastAPI's TestClient, over rows
stored the way `campforge audit` stores them (agent.audit.store, real SQLite)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agent.audit.core import AuditRow
from agent.audit.store import AuditStore
from agent.selftest.report import CheckResult, Evidence, Report
from agent.workspace import Workspace
from review.web import create_app

SOURCE = "internbootcamp:/lib"
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
NO_REFERENCE = "InternBootcamp modules carry no reference program or brute-force solver"


def report(*checks: CheckResult) -> Report:
    return Report(
        verdict=Report.verdict_of(list(checks)),
        candidate="adapter.py",
        cases_per_difficulty=20,
        checks=list(checks),
    )


def passing(check_id: str) -> CheckResult:
    return CheckResult(id=check_id, passed=True, summary=f"{check_id} holds")


def store_row(store: AuditStore, row: AuditRow) -> None:
    store.save(row.source, row.name, "fingerprint", row.model_dump())


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    workspace = Workspace.open(tmp_path / "home")
    store_sample_audit(workspace)
    return workspace


def store_sample_audit(workspace: Workspace) -> None:
    """Three audit rows: a pass (with a check that does not apply), a leakage failure whose
    name and evidence carry markup, and an unusable module (no report)."""
    store = AuditStore(workspace.database)
    good = report(
        passing("contract"),
        passing("completeness"),
        passing("leakage"),
        CheckResult.not_applicable("reference", NO_REFERENCE),
    )
    store_row(
        store,
        AuditRow(
            source=SOURCE,
            name="agood",
            module="bootcamp/agood/agood.py",
            class_name="Agoodbootcamp",
            verdict="pass",
            not_applicable=["reference"],
            evidence=good.summary_line(),
            seconds=1.25,
            answer_key="ans",
            writer="tags/text",
            report=good.model_dump(mode="json"),
        ),
    )
    leak = CheckResult(
        id="leakage",
        passed=False,
        summary=f"the prompt contains the answer in 100% of cases: e.g. '{SCRIPT}'",
        evidence=Evidence(case={"n": SCRIPT}, expected=SCRIPT, got=f"...{SCRIPT}..."),
    )
    bad = report(passing("contract"), passing("completeness"), leak)
    store_row(
        store,
        AuditRow(
            source=SOURCE,
            name=f"bleak{SCRIPT}",
            module="bootcamp/bleak/bleak.py",
            class_name="Bleakbootcamp",
            verdict="fail",
            failing=["leakage"],
            evidence=f"leakage: the prompt contains the answer [{SCRIPT}]",
            seconds=2.5,
            answer_key="expected",
            report=bad.model_dump(mode="json"),
        ),
    )
    store_row(
        store,
        AuditRow(
            source=SOURCE,
            name="cpy2",
            module="bootcamp/cpy2/cpy2.py",
            verdict="unusable: Python 2 syntax (a print statement at line 3)",
            evidence="unusable: Python 2 syntax (a print statement at line 3)",
        ),
    )
    store.close()


def names(html: str) -> list[str]:
    return re.findall(r'data-audit="[0-9]+">\s*<td><a href="/audit/[0-9]+">([^<]*)<', html)


def test_the_audit_page_lists_every_row_and_links_each(workspace: Workspace) -> None:
    client = TestClient(create_app(workspace))
    page = client.get("/audit")
    assert page.status_code == 200
    html = page.text
    assert names(html) == ["agood", f"bleak{ESCAPED}", "cpy2"]
    assert SCRIPT not in html and ESCAPED in html  # names and evidence are escaped
    assert "leakage: the prompt contains the answer" in html
    assert "1.2" in html and "2.5" in html  # seconds
    ids = re.findall(r'data-audit="([0-9]+)"', html)
    for row_id in ids:
        assert f'href="/audit/{row_id}"' in html
    assert re.search(r'data-verdict="pass">pass <strong>1</strong>', html)
    assert re.search(r'data-verdict="fail">fail <strong>1</strong>', html)
    assert re.search(r'data-verdict="unusable">unusable <strong>1</strong>', html)
    counts = html[html.index('id="check-counts"') :]
    assert re.search(r'data-check="leakage">\s*<td>leakage</td>\s*<td><a[^>]*>1</a></td>', counts)
    # the navigation links the queue and the audit from every page
    for path in ("/", "/audit"):
        assert 'href="/audit" id="nav-audit"' in client.get(path).text


def test_the_audit_page_filters_by_verdict_and_by_check(workspace: Workspace) -> None:
    client = TestClient(create_app(workspace))
    assert names(client.get("/audit?verdict=pass").text) == ["agood"]
    assert names(client.get("/audit?verdict=unusable").text) == ["cpy2"]
    assert names(client.get("/audit?check=leakage").text) == [f"bleak{ESCAPED}"]  # fails it
    assert names(client.get("/audit?check=leakage&state=pass").text) == ["agood"]
    assert names(client.get("/audit?check=reference&state=n/a").text) == ["agood"]
    assert names(client.get("/audit?check=reference&state=pass").text) == []
    assert "No audited bootcamp matches" in client.get("/audit?verdict=error").text
    assert names(client.get("/audit?verdict=fail&check=leakage").text) == [f"bleak{ESCAPED}"]
    assert names(client.get(f"/audit?source={SOURCE}").text) == ["agood", f"bleak{ESCAPED}", "cpy2"]
    for bad in ("verdict=maybe", "check=nonsense", "check=leakage&state=ok", "state=fail"):
        page = client.get(f"/audit?{bad}")
        assert page.status_code == 400, bad
        assert "unknown" in page.text or "needs the check" in page.text or "no audited" in page.text


def test_a_row_shows_its_whole_report_with_checks_that_do_not_apply_as_na(
    workspace: Workspace,
) -> None:
    client = TestClient(create_app(workspace))
    html = client.get("/audit").text
    ids = dict(zip(names(html), re.findall(r'data-audit="([0-9]+)"', html), strict=True))

    good = client.get(f"/audit/{ids['agood']}").text
    states = dict(re.findall(r'data-check="([^"]+)" data-state="([^"]+)"', good))
    assert states == {
        "contract": "pass",
        "completeness": "pass",
        "leakage": "pass",
        "reference": "n/a",
    }
    row = good[good.index('data-check="reference"') :]
    row = row[: row.index("</tr>")]
    assert "<td>n/a</td>" in row and f"not applicable: {NO_REFERENCE}" in row
    assert "✓" not in row and "✗" not in row
    assert "pass: 3/3 checks, 1 not applicable" in good
    assert "<code>ans</code>" in good and "tags/text" in good

    bad = client.get(f"/audit/{ids[f'bleak{ESCAPED}']}").text
    assert SCRIPT not in bad and ESCAPED in bad
    leak = bad[bad.index('data-check="leakage"') :]
    assert 'data-state="fail"' in leak[:40] and 'class="evidence"' in leak
    assert "&#34;n&#34;: &#34;&lt;script&gt;" in leak  # the evidence's case, escaped JSON

    unusable = client.get(f"/audit/{ids['cpy2']}").text
    assert 'id="no-report"' in unusable and "Python 2 syntax" in unusable


def test_unknown_and_out_of_range_audit_ids_are_404(workspace: Workspace) -> None:
    client = TestClient(create_app(workspace))
    for given in ("999", "0", "-1", str(2**63), "abc"):
        page = client.get(f"/audit/{given}")
        assert page.status_code == 404, given
        assert "/audit" in page.text


def test_the_audit_page_of_a_workspace_without_an_audit(tmp_path: Path) -> None:
    client = TestClient(create_app(Workspace.open(tmp_path / "home")))
    page = client.get("/audit")
    assert page.status_code == 200 and "Nothing audited yet" in page.text
