#!/usr/bin/env python3
"""Fails unless every alert of the Prometheus rules has a runbook and a test.

    scripts/check-alert-runbooks.py ALERTS_YML TESTS_YML OPERATIONS_MD

For each `- alert: Name` of ALERTS_YML: its `runbook_url` ends in
`docs/operations.md#anchor` where `anchor` is a heading of OPERATIONS_MD
(GitHub's heading anchors: lower case, punctuation but `-` and `_` dropped,
spaces to `-`), and TESTS_YML (`promtool test rules`) has a case that
expects it to fire. promtool checks the rules and runs the tests; this
checks that none is left out and that no link lands nowhere.

Why a script: promtool checks what a rule says, not that its link lands
on a heading or that a test exists for it.
"""

import re
import sys

ALERT = re.compile(r"^\s*- alert:\s*(\S+)\s*$")
RUNBOOK = re.compile(r'^\s*runbook_url:\s*"?([^"\s]+)"?\s*$')
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
FIRING_CASE = re.compile(r"alertname:\s*(\S+)\s*\n\s*exp_alerts:\s*\n\s*- exp_labels")


def anchor(heading):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"[`*]", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def runbooks(alerts_text):
    """(alert, runbook URL or None) for each alert, in order."""
    found, current = [], None
    for line in alerts_text.splitlines():
        if m := ALERT.match(line):
            current = [m.group(1), None]
            found.append(current)
        elif (m := RUNBOOK.match(line)) and current:
            current[1] = m.group(1)
    return found


def main(alerts_path, tests_path, doc_path):
    with open(alerts_path) as f:
        alerts = runbooks(f.read())
    with open(tests_path) as f:
        tested = set(FIRING_CASE.findall(f.read()))
    with open(doc_path) as f:
        anchors = {anchor(m.group(1)) for line in f if (m := HEADING.match(line))}
    problems = []
    for name, url in alerts:
        if url is None:
            problems.append(f"{name}: no runbook_url")
        elif "docs/operations.md#" not in url:
            problems.append(f"{name}: runbook_url {url} is not a part of docs/operations.md")
        elif url.rsplit("#", 1)[1] not in anchors:
            problems.append(f"{name}: {doc_path} has no heading #{url.rsplit('#', 1)[1]}")
        if name not in tested:
            problems.append(f"{name}: no test in {tests_path} expects it to fire")
    if not alerts:
        problems.append(f"no alert found in {alerts_path}")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"{alerts_path}: {len(alerts)} alerts, each with a runbook and a firing test")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
