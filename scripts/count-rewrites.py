#!/usr/bin/env python3
"""Count the lines that one patch of the series adds and a later patch
removes or changes (a changed line shows as removed, then added).

Usage: count-rewrites.py BASE HEAD  (run inside the series' git tree)

A removed line counts when an earlier patch of the series added the same
text to the same file and no patch before it removed that text again.
Blank lines and lone braces are ignored.  Prints one line per case and
the total last: "rewritten lines: N".
"""
import subprocess
import sys
from collections import Counter, defaultdict


def git(*args):
    return subprocess.run(['git', *args], check=True, capture_output=True,
                          text=True).stdout


def trivial(text):
    return text.strip() in ('', '{', '}', '};', '*/', '/*', '*')


def main():
    base, head = sys.argv[1:3]
    commits = git('rev-list', '--reverse', f'{base}..{head}').split()
    added = defaultdict(Counter)   # file -> text -> lines added, not yet removed
    total = 0
    for commit in commits:
        subject = git('log', '-1', '--format=%s', commit).strip()
        diff = git('show', '--format=', '-U0', '--no-renames', commit)
        path = None
        removed, new = [], []
        for line in diff.split('\n'):
            if line.startswith('+++ '):
                path = line[6:] if line != '+++ /dev/null' else path
            elif line.startswith('--- '):
                path = line[6:] if line != '--- /dev/null' else None
            elif line.startswith('-') and path:
                removed.append((path, line[1:]))
            elif line.startswith('+') and path:
                new.append((path, line[1:]))
        for path, text in removed:
            if trivial(text) or added[path][text] <= 0:
                continue
            added[path][text] -= 1
            total += 1
            print(f'{subject}: {path}: {text.strip()[:70]}')
        for path, text in new:
            if not trivial(text):
                added[path][text] += 1
    print(f'rewritten lines: {total}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
