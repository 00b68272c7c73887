#!/usr/bin/env python3
"""Writes pending insta inline snapshots into the test source (a stand-in for
`cargo insta accept` where cargo-insta is not installed).

Run the tests with INSTA_FORCE_PASS=1 INSTA_UPDATE=always, then: scripts/apply-inline-snapshots.py FILE.rs
"""
import json, os, sys

src = sys.argv[1]
pending = os.path.join(os.path.dirname(src), "." + os.path.basename(src) + ".pending-snap")
lines = open(src).read().split("\n")
edits = {}
for l in open(pending):
    d = json.loads(l)
    edits[d["line"]] = d["new"]["snapshot"]
for line_no in sorted(edits, reverse=True):
    i = line_no - 1
    # The assertion may span lines; find the `@` literal from the reported line on.
    j = i
    while '@"' not in lines[j] and '@r' not in lines[j]:
        j += 1
    line = lines[j]
    at = line.index("@")
    end = line.rindex(")")
    indent = " " * (len(line) - len(line.lstrip()))
    body = "\n".join((indent + s) if s else "" for s in edits[line_no].split("\n"))
    lines[j] = line[:at] + '@r#"\n' + body + "\n" + indent + '"#' + line[end:]
open(src, "w").write("\n".join(lines))
os.remove(pending)
print(f"applied {len(edits)} snapshot(s) to {src}")
