#!/usr/bin/env python3
# Compile every complete C program (a code-block with a main()) of the
# given .rst files, as written, against the uapi headers and tools/jail.
# Usage: check-examples.py UAPI_INCLUDE_DIR TOOLS_JAIL_DIR FILE.rst...
import os
import re
import subprocess
import sys
import tempfile

uapi, tools = sys.argv[1], sys.argv[2]
bad = 0
for path in sys.argv[3:]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    blocks = re.findall(r"\.\. code-block:: c\n\n((?:    .*\n|\n)+)", text)
    for n, block in enumerate(b for b in blocks if "int main" in b):
        code = "\n".join(line[4:] for line in block.splitlines())
        with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as src:
            src.write(code)
        cmd = ["gcc", "-Wall", "-Werror", "-fsyntax-only", "-isystem", uapi,
               "-I", tools, src.name]
        res = subprocess.run(cmd, capture_output=True, text=True)
        os.unlink(src.name)
        if res.returncode:
            bad += 1
            print("%s: example %d does not compile:\n%s" % (path, n + 1,
                                                            res.stderr))
sys.exit(1 if bad else 0)
