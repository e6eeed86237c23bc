#!/usr/bin/env python3
"""The compiler, sparse and kernel-doc warnings the series is to blame for.

    new-warnings.py build TREE LOG [--all]
        Warnings and errors in LOG (a kbuild log) that point at a line the
        series adds (git diff upstream HEAD in TREE), or with --all at any
        line of a file the series touches.
    new-warnings.py kernel-doc TREE FILE...
        kernel-doc -none -Wall warnings in each FILE that its upstream
        version does not have (line numbers ignored).

Prints what it finds, as "path:line: message", and exits 1 if anything.
"""

import os
import re
import subprocess
import sys
import tempfile

WARN = re.compile(r"^(?:\.\./)*(?:/\S+?/linux/)?([\w./+-]+):(\d+):(?:\d+:)?\s*"
                  r"(warning|error)[:\s](.*)$")


def git(tree, *args):
    return subprocess.run(["git", "-C", tree, *args], check=True,
                          capture_output=True, text=True).stdout


def added_lines(tree):
    """{path: set of line numbers the series adds} (new files: all)."""
    lines = {}
    path = None
    for line in git(tree, "diff", "-U0", "upstream", "HEAD").splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
            if path is not None:
                lines.setdefault(path, set())
        elif line.startswith("@@") and path:
            m = re.search(r"\+(\d+)(?:,(\d+))?", line)
            start, count = int(m.group(1)), int(m.group(2) or 1)
            lines[path].update(range(start, start + count))
    return lines


def build(tree, log, everything):
    touched = added_lines(tree)
    found = []
    seen = set()
    with open(log, errors="replace") as f:
        for line in f:
            m = WARN.match(line.strip())
            if not m:
                continue
            path, num = os.path.normpath(m.group(1)), int(m.group(2))
            if path not in touched:
                continue
            if not everything and num not in touched[path]:
                continue
            key = (path, num, m.group(4))
            if key not in seen:
                seen.add(key)
                found.append(f"{path}:{num}: {m.group(3)}: {m.group(4)}")
    return found


def kernel_doc(tree, path):
    def run(f):
        out = subprocess.run([os.path.join(tree, "scripts/kernel-doc"),
                              "-none", "-Wall", f], cwd=tree,
                             capture_output=True, text=True)
        msgs = []
        for line in (out.stdout + out.stderr).splitlines():
            m = re.match(r"^\S+?:(\d+): (warning|error): (.*)$", line)
            msgs.append(m.group(3) if m else line)
        return msgs, out.stdout + out.stderr

    new, text = run(path)
    try:
        old_src = git(tree, "show", f"upstream:{path}")
    except subprocess.CalledProcessError:
        old_src = None  # a file the series adds
    old = []
    if old_src is not None:
        with tempfile.TemporaryDirectory() as d:
            tmp = os.path.join(d, os.path.basename(path))
            with open(tmp, "w") as f:
                f.write(old_src)
            old, _ = run(tmp)
    left = list(old)
    found = []
    for line, msg in zip(text.splitlines(), new):
        if msg in left:
            left.remove(msg)
        else:
            found.append(line)
    return found


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("build", "kernel-doc"):
        sys.exit(__doc__)
    tree = os.path.abspath(sys.argv[2])
    if sys.argv[1] == "build":
        found = build(tree, sys.argv[3], "--all" in sys.argv[4:])
    else:
        found = []
        for path in sys.argv[3:]:
            found += kernel_doc(tree, path)
    for f in found:
        print(f)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
