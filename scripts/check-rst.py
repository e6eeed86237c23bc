#!/usr/bin/env python3
# A Sphinx-free reStructuredText check: parse each file with docutils, the
# kernel's Sphinx directives and roles accepted as they are, and print
# every warning or error docutils reports.  Exit status 1 if there is any.
import io
import sys

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles


class AnyOptions(dict):
    """Accept every option of a directive docutils does not know."""

    def __missing__(self, key):
        return directives.unchanged


class Ignored(Directive):
    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec = AnyOptions()

    def run(self):
        return []


def literal_role(name, rawtext, text, lineno, inliner, options=None,
                 content=None):
    return [nodes.literal(rawtext, text)], []


for d in ("kernel-doc", "toctree", "code-block", "c:function", "c:macro",
          "c:type", "c:struct", "kernel-abi", "kernel-feat"):
    directives.register_directive(d, Ignored)
for r in ("manpage", "c:func", "c:type", "c:macro", "c:struct", "ref",
          "doc", "kbd", "abbr"):
    roles.register_local_role(r, literal_role)

bad = 0
for path in sys.argv[1:]:
    stream = io.StringIO()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    publish_doctree(text, source_path=path,
                    settings_overrides={"report_level": 2, "halt_level": 5,
                                        "warning_stream": stream})
    report = stream.getvalue().strip()
    if report:
        print(report)
        bad += 1
sys.exit(1 if bad else 0)
