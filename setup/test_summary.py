"""Add up the Odoo phases and the junit reports into one pytest-style closing line.

    python test_summary.py REPORTS_DIR NAME=EXIT_CODE...

REPORTS_DIR holds one JSON report per Odoo phase (setup/odoo_test_runner.py)
and junit XML files: the pytest runs (out-of-process tests, the addon's tests
through pytest-odoo) and setup/lifecycle_check.py. Each NAME=EXIT_CODE names a
junit report NAME.xml that must exist and the exit code of what wrote it
(0 or 1: anything else is a crash or a usage error, e.g. pytest's 5 for no
test collected). A bare EXIT_CODE stands for pytest=EXIT_CODE.

Exits non-zero when anything failed, any test was skipped (a skipped browser
test means a missing Chromium or websocket-client, not a pass), a log was not
clean, or no test ran at all.
"""

import json
import pathlib
import sys
import xml.etree.ElementTree as ET


def odoo_phases(reports):
    passed = failed = skipped = 0
    for report_file in sorted(reports.glob("*.json")):
        phase = report_file.stem
        report = json.loads(report_file.read_text(encoding="utf-8"))
        passed += report["passed"]
        failed += report["failed"]
        skipped += report["skipped"]
        # every phase also counts as one check: Odoo loaded with a clean log
        clean = report["registry_loaded"] and report["exit_code"] == 0
        clean = clean and not report["log_problems"]
        if clean:
            passed += 1
        else:
            failed += 1
            print(f"FAILED odoo {phase}: exit code {report['exit_code']}, log:")
            for line in report["log_problems"][:40]:
                print(f"    {line[:400]}")
        for skip in report["skips"]:
            print(f"SKIPPED odoo {phase}: {skip}")
        print(
            f"odoo {phase}: {report['tests_run']} tests, {report['failed']} failed, "
            f"{report['skipped']} skipped"
        )
    return passed, failed, skipped


def junit_report(junit):
    """(tests, failed, skipped) of a junit file; prints what failed."""
    root = ET.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = failed = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests"))
        failed += int(suite.get("failures")) + int(suite.get("errors"))
        skipped += int(suite.get("skipped"))
        for case in suite.iter("testcase"):
            problem = case.find("failure")
            if problem is None:
                problem = case.find("error")
            if problem is not None:
                name = f"{case.get('classname')}::{case.get('name')}"
                message = (problem.get("message") or "").strip()[:3000]
                message = message.replace("\n", "\n    ")
                print(f"FAILED {junit.stem} {name}: {message}")
    print(f"{junit.stem}: {tests} tests, {failed} failed, {skipped} skipped")
    return tests - failed - skipped, failed, skipped


def main(reports_dir, exit_codes):
    reports = pathlib.Path(reports_dir)
    passed, failed, skipped = odoo_phases(reports)
    for junit in sorted(reports.glob("*.xml")):
        junit_passed, junit_failed, junit_skipped = junit_report(junit)
        passed += junit_passed
        failed += junit_failed
        skipped += junit_skipped
    for name, exit_code in exit_codes.items():
        if exit_code not in (0, 1) or not (reports / f"{name}.xml").exists():
            failed += 1
            print(f"FAILED {name} exited with {exit_code} (report {name}.xml)")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    ok = failed == 0 and skipped == 0 and passed > 0
    return 0 if ok else 1


def parse_exit_codes(args):
    exit_codes = {}
    for arg in args:
        name, _, code = arg.rpartition("=")
        exit_codes[name or "pytest"] = int(code)
    return exit_codes


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], parse_exit_codes(sys.argv[2:])))
