"""The self-test: sandboxed, property-based checks of a candidate bootcamp, with evidence.

report = run_selftest(Path("candidate.py"), spec=spec)   # a Report
report.verdict                                            # "pass" or "fail"
"""

from agent.selftest.context import Settings
from agent.selftest.render import print_report
from agent.selftest.report import CheckResult, Evidence, Report
from agent.selftest.runner import CHECK_IDS, UnusableInput, run_selftest

__all__ = [
    "CHECK_IDS",
    "CheckResult",
    "Evidence",
    "Report",
    "Settings",
    "UnusableInput",
    "print_report",
    "run_selftest",
]
