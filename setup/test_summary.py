"""Add up the Odoo phases and pytest into one pytest-style closing line.

Exits non-zero when anything failed, any test was skipped (a skipped browser
test means a missing Chromium or websocket-client, not a pass), a log was not
clean, or no test ran at all.
"""

import json
import pathlib
import sys
import xml.etree.ElementTree as ET


def main(reports_dir, pytest_rc):
    reports = pathlib.Path(reports_dir)
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
    junit = reports / "pytest.xml"
    if junit.exists():
        suite = ET.parse(junit).getroot()
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
        tests = int(suite.get("tests"))
        py_failed = int(suite.get("failures")) + int(suite.get("errors"))
        py_skipped = int(suite.get("skipped"))
        passed += tests - py_failed - py_skipped
        failed += py_failed
        skipped += py_skipped
    if pytest_rc not in (0, 1) or not junit.exists():
        failed += 1
        print(f"FAILED pytest exited with {pytest_rc}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    ok = failed == 0 and skipped == 0 and passed > 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
