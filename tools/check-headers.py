"""check-headers.py: which object-free declarations of CPython 3.14's
lifecycle, thread and memory headers pyrt's include/ lacks (issue #18).

usage: check-headers.py CC PY_INCLUDE[:MORE_INCLUDES] PYRT_INCLUDE [--list] [--objects] [--max N]

PY_INCLUDE is the directory of CPython's Python.h; MORE_INCLUDES (colon-
separated) are searched too (Debian's pyconfig.h lives in another one).

The names are computed, not typed: CPython's Python.h is run through the C
preprocessor with PyAPI_FUNC/PyAPI_DATA redefined to leave a mark, so the
declarations that survive the headers' own conditions (Linux, GIL build,
not the limited API) are found with their signatures; -dD keeps the macros,
and the line markers tell which header each came from. A declaration is
object-free when its signature, definition or expansion names no object
type (an identifier containing "Object", or a frame, code, buffer or
module-definition type)
and no object-using function of the same headers. Names with a leading
underscore are CPython's private ones and are skipped, except the two
initializers CPython's documentation gives embedders
(_PyInterpreterConfig_INIT, _PyInterpreterConfig_LEGACY_INIT).

A name counts as present in pyrt when it is declared or defined anywhere
under PYRT_INCLUDE (after preprocessing include/Python.h the same way).
Prints one line per header and a total; --list names each missing
declaration; --objects lists the declarations left out because they use
objects. Exits 1 when more than N (default 0) are missing.
"""

import os
import re
import subprocess
import sys
import tempfile

HEADERS = [
    "pylifecycle.h", "cpython/pylifecycle.h", "cpython/initconfig.h", "pystate.h",
    "cpython/pystate.h", "pymem.h", "cpython/pymem.h", "ceval.h", "cpython/ceval.h",
    "intrcheck.h", "pydebug.h", "fileutils.h", "cpython/fileutils.h", "pythread.h",
    "cpython/pythread.h", "pymacro.h", "pyport.h", "patchlevel.h",
]
DOCUMENTED_PRIVATE = {"_PyInterpreterConfig_INIT", "_PyInterpreterConfig_LEGACY_INIT"}
OBJECT_WORD = re.compile(r"\b\w*(Object|PyFrame|PyCode|Py_buffer|PyCompilerFlags|PyInterpreterFrame|PyModuleDef)\w*\b")
MARK_DEFS = ["-DPyAPI_FUNC(T)=PYRT_MARK_FUNC T", "-DPyAPI_DATA(T)=PYRT_MARK_DATA T"]


def preprocess(cc, includes, dump_macros):
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
        f.write("#include <Python.h>\n")
        src = f.name
    try:
        args = [cc, "-E", "-std=gnu11"] + (["-dD"] if dump_macros else []) + MARK_DEFS
        args += ["-I" + i for i in includes] + [src]
        return subprocess.run(args, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(src)


def by_file(text):
    """(file, chunk) pairs, following the preprocessor's line markers."""
    current, chunk, out = None, [], []
    for line in text.splitlines():
        m = re.match(r'# \d+ "([^"]+)"', line)
        if m:
            if chunk:
                out.append((current, "\n".join(chunk)))
            current, chunk = m.group(1), []
        else:
            chunk.append(line)
    if chunk:
        out.append((current, "\n".join(chunk)))
    return out


def header_of(path, py_include):
    if not path or not path.startswith(py_include + "/"):
        return None
    rel = path[len(py_include) + 1:]
    return rel if rel in HEADERS else None


def public(name):
    return not name.startswith("_") or name in DOCUMENTED_PRIVATE


def cpython_declarations(cc, py_include, more):
    """{name: (header, kind, text)} for every public declaration of HEADERS."""
    decls = {}
    text = preprocess(cc, [py_include] + more, dump_macros=True)
    for path, chunk in by_file(text):
        header = header_of(path, py_include)
        if header is None:
            continue
        for m in re.finditer(r"^#define (\w+)(\([^)]*\))? ?(.*)$", chunk, re.M):
            name, body = m.group(1), m.group(3)
            if name.startswith("PYRT_MARK") or re.fullmatch(r"_?Py\w*_H", name):
                continue
            decls.setdefault(name, (header, "macro", body))
        code = "\n".join(l for l in chunk.splitlines() if not l.startswith("#"))
        for m in re.finditer(r"PYRT_MARK_(FUNC|DATA)([^;]*);", code):
            sig = m.group(2)
            head = sig.split("(", 1)[0] if m.group(1) == "FUNC" else sig
            names = re.findall(r"\w+", head)
            if names:
                decls.setdefault(names[-1], (header, m.group(1).lower(), sig))
        for m in re.finditer(r"typedef\s+(?:(?:struct|union|enum)\s*(\w*)\s*)?(\{[^}]*\})?[^;]*?(\w+)\s*;", code):
            for name in (m.group(1), m.group(3)):
                if name:
                    decls.setdefault(name, (header, "type", m.group(0)))
        for m in re.finditer(r"\benum\s*\w*\s*\{([^}]*)\}", code):
            for name in re.findall(r"(\w+)\s*(?:=[^,]*)?(?:,|$)", m.group(1)):
                decls.setdefault(name, (header, "constant", m.group(0)))
        for m in re.finditer(r"\bstruct\s+(\w+)\s*\{[^}]*\}", code):
            decls.setdefault(m.group(1), (header, "type", m.group(0)))
    # A macro a header defines and undefines again is not part of it.
    undefined = set(re.findall(r"^#undef (\w+)", text, re.M))
    return {n: d for n, d in decls.items() if public(n) and not (d[1] == "macro" and n in undefined)}


def object_free(decls):
    """The names whose declaration uses no object, directly or through
    another declaration of the same headers (to a fixed point)."""
    uses_objects = {n for n, (_, _, t) in decls.items() if OBJECT_WORD.search(t)}
    while True:
        more = {n for n, (_, _, t) in decls.items()
                if n not in uses_objects and any(w in uses_objects for w in re.findall(r"\w+", t))}
        if not more:
            return {n: d for n, d in decls.items() if n not in uses_objects}
        uses_objects |= more


def pyrt_names(cc, pyrt_include):
    text = preprocess(cc, [pyrt_include], dump_macros=True)
    names = set()
    for path, chunk in by_file(text):
        if path and os.path.abspath(path).startswith(os.path.abspath(pyrt_include) + "/"):
            names |= set(re.findall(r"\w+", chunk))
    return names


def main():
    args = sys.argv[1:]
    listing = "--list" in args
    limit = 0
    if "--max" in args:
        limit = int(args[args.index("--max") + 1])
    cc, py_include, pyrt_include = [a for a in args if not a.startswith("--") and not a.isdigit()][:3]
    py_include, *more = py_include.split(":")
    py_include = os.path.abspath(py_include)
    every = cpython_declarations(cc, py_include, more)
    wanted = object_free(every)
    if "--objects" in args:
        for h in HEADERS:
            names = sorted(n for n, d in every.items() if d[0] == h and n not in wanted)
            if names:
                print(f"  {h}: " + ", ".join(names))
    have = pyrt_names(cc, pyrt_include)
    missing = sorted(n for n in wanted if n not in have)
    for h in HEADERS:
        total = sum(1 for d in wanted.values() if d[0] == h)
        miss = [n for n in missing if wanted[n][0] == h]
        if total:
            print(f"  {h}: {total - len(miss)} of {total} declared")
            if listing and miss:
                print("    missing: " + " ".join(miss))
    print(f"header check: {len(wanted) - len(missing)} of {len(wanted)} object-free declarations "
          f"of CPython 3.14's lifecycle headers declared in include/, {len(missing)} missing")
    sys.exit(1 if len(missing) > limit else 0)


main()
