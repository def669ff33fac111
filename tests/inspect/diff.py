# The differential test of pyrt-inspect (issue #16): over real directory
# trees, the reference CPython 3.14 `python` program (tests/inspect/
# python_main.c, copied or linked into each tree) runs tests/inspect/dump.py
# (as `-c`, a script or a module) and prints the keys `pyrt-inspect --json`
# reports; pyrt-inspect gets the same argv, environment and working
# directory. Every key and the stderr text must be identical.
#
#   python diff.py PYTHON_PROGRAM PYRT_INSPECT STDLIB WORKDIR [CASE...]
#
# With PYRT_PROGRAM in the environment (the same python_main.c built against
# pyrt), a startup that fails is also run with that program in place of the
# real one: pyrt's own initialization must fail with CPython's report.
import json
import os
import re
import shutil
import subprocess
import sys

PROGRAM, INSPECT, STDLIB, WORK = sys.argv[1:5]
ONLY = sys.argv[5:]
HERE = os.path.dirname(os.path.abspath(__file__))
DUMP = open(os.path.join(HERE, "dump.py")).read()
KEYS = ["version", "sys.executable", "sys._base_executable", "sys.prefix",
        "sys.base_prefix", "sys.exec_prefix", "sys.base_exec_prefix",
        "sys.platlibdir", "sys._stdlib_dir", "sys.path", "sys.flags", "site",
        "sitecustomize", "usercustomize"]
DEB = "local/lib/python3.14/dist-packages"


def mk(path, text=None, data=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if data is not None:
        open(path, "wb").write(data)
    else:
        open(path, "w").write(text or "")


def install(root, libdir="lib", link=False):
    """A Python 3.14 installation at root: bin/python3 and a standard
    library whose entries link to the reference's."""
    os.makedirs(os.path.join(root, "bin"), exist_ok=True)
    exe = os.path.join(root, "bin", "python3")
    if link:
        os.symlink(PROGRAM, exe)
    else:
        shutil.copy(PROGRAM, exe)
    std = os.path.join(root, libdir, "python3.14")
    os.makedirs(std, exist_ok=True)
    for name in os.listdir(STDLIB):
        if name not in ("site-packages", "dist-packages"):
            os.symlink(os.path.join(STDLIB, name), os.path.join(std, name))
    return exe


def venv(root, base, cfg, link=False):
    os.makedirs(os.path.join(root, "bin"), exist_ok=True)
    exe = os.path.join(root, "bin", "python3")
    if link:
        os.symlink(os.path.join(base, "bin", "python3"), exe)
    else:
        shutil.copy(PROGRAM, exe)
    os.makedirs(os.path.join(root, "lib/python3.14/site-packages"))
    mk(os.path.join(root, "pyvenv.cfg"), cfg.replace("@BASE@", os.path.join(base, "bin")))
    return exe


# Each case: (name, setup(t) -> (argv, env, cwd)). `t` is the case's
# directory; env is added to PATH=/usr/bin:/bin HOME=t/home.
CASES = []


def case(fn):
    CASES.append((fn.__name__, fn))
    return fn


def C():
    return ["-c", DUMP]


@case
def install_abs(t):
    return [install(f"{t}/py")] + C(), {}, t


@case
def install_relative(t):
    install(f"{t}/py")
    return ["py/bin/python3"] + C(), {}, t


@case
def install_from_path(t):
    install(f"{t}/py")
    return ["python3"] + C(), {"PATH": f"{t}/py/bin:/usr/bin:/bin"}, t


@case
def program_symlink_abs(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/links")
    os.symlink(exe, f"{t}/links/python3")
    return [f"{t}/links/python3"] + C(), {}, t


@case
def program_symlink_rel(t):
    install(f"{t}/py")
    os.makedirs(f"{t}/links")
    os.symlink("../py/bin/python3", f"{t}/links/python3")
    return [f"{t}/links/python3"] + C(), {}, t


@case
def debian_dirs(t):
    exe = install(f"{t}/py")
    for d in (DEB, "lib/python3/dist-packages", "lib/python3.14/dist-packages"):
        os.makedirs(f"{t}/py/{d}")
        mk(f"{t}/py/{d}/x.pth", f"{t}/extra-{d.replace('/', '-')}\n")
        os.makedirs(f"{t}/extra-{d.replace('/', '-')}")
    return [exe] + C(), {}, t


@case
def venv_copy_no_system(t):
    install(f"{t}/base")
    exe = venv(f"{t}/venv", f"{t}/base", "home = @BASE@\ninclude-system-site-packages = false\n")
    return [exe] + C(), {}, t


@case
def venv_link_no_system(t):
    install(f"{t}/base")
    exe = venv(f"{t}/venv", f"{t}/base", "home = @BASE@\ninclude-system-site-packages = false\n", link=True)
    return [exe] + C(), {}, t


@case
def venv_system_site(t):
    install(f"{t}/base")
    os.makedirs(f"{t}/base/{DEB}")
    exe = venv(f"{t}/venv", f"{t}/base", "home = @BASE@\ninclude-system-site-packages = true\n", link=True)
    return [exe] + C(), {}, t


@case
def venv_system_site_spelling(t):
    install(f"{t}/base")
    os.makedirs(f"{t}/base/{DEB}")
    exe = venv(f"{t}/venv", f"{t}/base", "home=@BASE@\r\n  Include-System-Site-Packages=  TRUE \r\n", link=True)
    return [exe] + C(), {}, t


@case
def venv_system_site_yes_is_not_true(t):
    install(f"{t}/base")
    os.makedirs(f"{t}/base/{DEB}")
    exe = venv(f"{t}/venv", f"{t}/base", "home = @BASE@\ninclude-system-site-packages = yes\n", link=True)
    return [exe] + C(), {}, t


@case
def venv_no_key(t):
    install(f"{t}/base")
    os.makedirs(f"{t}/base/{DEB}")
    exe = venv(f"{t}/venv", f"{t}/base", "home = @BASE@\nversion = 3.14.10\n# include-system-site-packages = false\n", link=True)
    return [exe] + C(), {}, t


@case
def venv_no_home_link(t):
    install(f"{t}/base")
    exe = venv(f"{t}/venv", f"{t}/base", "include-system-site-packages = false\n", link=True)
    return [exe] + C(), {}, t


@case
def venv_cfg_in_bin(t):
    install(f"{t}/base")
    exe = venv(f"{t}/venv", f"{t}/base", "home = @BASE@\n", link=True)
    os.rename(f"{t}/venv/pyvenv.cfg", f"{t}/venv/bin/pyvenv.cfg")
    return [exe] + C(), {}, t


@case
def venv_started_through_dotdot(t):
    install(f"{t}/base")
    venv(f"{t}/venv", f"{t}/base", "home = @BASE@\ninclude-system-site-packages = false\n", link=True)
    os.makedirs(f"{t}/work")
    return ["../venv/bin/python3"] + C(), {}, f"{t}/work"


def dotdot_venv(t):
    install(f"{t}/base")
    venv(f"{t}/venv", f"{t}/base", "home = @BASE@\ninclude-system-site-packages = false\n", link=True)
    os.makedirs(f"{t}/work")
    return "../venv/bin/python3", f"{t}/work"


@case
def site_warning_ignored(t):
    exe, cwd = dotdot_venv(t)
    return [exe, "-W", "ignore"] + C(), {}, cwd


@case
def site_warning_ignored_by_env(t):
    exe, cwd = dotdot_venv(t)
    return [exe] + C(), {"PYTHONWARNINGS": "i::RuntimeWarning:site"}, cwd


@case
def site_warning_error(t):
    exe, cwd = dotdot_venv(t)
    return [exe, "-W", "error", "-c", "pass"], {}, cwd


@case
def site_warning_error_overridden(t):
    exe, cwd = dotdot_venv(t)
    return [exe, "-W", "error", "-W", "default:Unexpected value in sys.prefix"] + C(), {}, cwd


@case
def site_warning_other_category(t):
    exe, cwd = dotdot_venv(t)
    return [exe, "-W", "error::DeprecationWarning", "-X", "dev"] + C(), {}, cwd


@case
def invalid_warning_options(t):
    # The options the warnings module ignores, each with its line (those
    # pyrt can decide: not a class looked up inside a module it finds).
    exe = install(f"{t}/py")
    bad = ["foo", "error::Foo", "a:b:c:d:e:f", "::Warning::-1", "::Warning::x",
           "i::nosuchmod.X", "::int", "d::builtins.Nope", "::RuntimeWarning::5",
           " e : : UserWarning ", "i::json.nosub.X", "i::json.decoder.nosub.X"]
    argv = [exe]
    for b in bad:
        argv += ["-W", b]
    return argv + C(), {"PYTHONWARNINGS": "bogus, ok"}, t


@case
def invalid_warning_option_before_site_warning(t):
    exe, cwd = dotdot_venv(t)
    return [exe, "-W", "foo"] + C(), {}, cwd


@case
def invalid_warning_option_then_site_error(t):
    exe, cwd = dotdot_venv(t)
    return [exe, "-W", "foo", "-W", "error", "-c", "pass"], {}, cwd


@case
def invalid_warning_option_without_site(t):
    exe = install(f"{t}/py")
    return [exe, "-S", "-W", "::nosuchmod.X"] + C(), {}, t


@case
def venv_user_site_with_system(t):
    install(f"{t}/base")
    exe = venv(f"{t}/venv", f"{t}/base", "home = @BASE@\ninclude-system-site-packages = true\n", link=True)
    us = f"{t}/home/.local/lib/python3.14/site-packages"
    mk(f"{us}/u.pth", "../../../userextra\n")
    os.makedirs(f"{t}/home/.local/lib/userextra")
    return [exe] + C(), {}, t


@case
def venv_user_site_without_system(t):
    install(f"{t}/base")
    exe = venv(f"{t}/venv", f"{t}/base", "home = @BASE@\ninclude-system-site-packages = false\n", link=True)
    os.makedirs(f"{t}/home/.local/lib/python3.14/site-packages")
    return [exe] + C(), {}, t


@case
def venv_pth(t):
    install(f"{t}/base")
    exe = venv(f"{t}/venv", f"{t}/base", "home = @BASE@\n", link=True)
    sp = f"{t}/venv/lib/python3.14/site-packages"
    os.makedirs(f"{sp}/pkg")
    mk(f"{sp}/editable.pth", f"{t}/src\nimport sys\n")
    os.makedirs(f"{t}/src")
    return [exe] + C(), {}, t


@case
def venv_isolated(t):
    install(f"{t}/base")
    exe = venv(f"{t}/venv", f"{t}/base", "home = @BASE@\ninclude-system-site-packages = true\n", link=True)
    os.makedirs(f"{t}/home/.local/lib/python3.14/site-packages")
    return [exe, "-I"] + C(), {}, t


def pth_site(t):
    exe = install(f"{t}/py")
    sp = f"{t}/py/{DEB}"
    os.makedirs(sp)
    return exe, sp


@case
def pth_lines(t):
    exe, sp = pth_site(t)
    for d in ("rel", "abs", " lead", "trail"):
        os.makedirs(f"{sp}/{d}" if d != "abs" else f"{t}/abs")
    mk(f"{sp}/a.pth", f"# a comment\n\nrel\n{t}/abs\nmissing\n lead\ntrail  \t\n   \n#rel\nimport os\nimport\tsys\nimportant\n")
    return [exe] + C(), {}, t


@case
def pth_order_and_hidden(t):
    exe, sp = pth_site(t)
    for d in ("one", "two", "three", "four"):
        os.makedirs(f"{t}/{d}")
    mk(f"{sp}/b.pth", f"{t}/two\n")
    mk(f"{sp}/a.pth", f"{t}/one\n")
    mk(f"{sp}/Z.pth", f"{t}/three\n")
    mk(f"{sp}/.hidden.pth", f"{t}/four\n")
    mk(f"{sp}/notpth.txt", f"{t}/four\n")
    return [exe] + C(), {}, t


@case
def pth_bom_and_newlines(t):
    exe, sp = pth_site(t)
    for d in ("bom", "cr", "crlf", "ff", "ls"):
        os.makedirs(f"{t}/{d}")
    mk(f"{sp}/bom.pth", data=b"\xef\xbb\xbf" + f"{t}/bom\r{t}/cr\r\n{t}/crlf\n".encode())
    mk(f"{sp}/sep.pth", data=f"{t}/ff\x0c{t}/ls\u2028{t}/none\n".encode())
    return [exe] + C(), {}, t


@case
def pth_duplicates_and_files(t):
    exe, sp = pth_site(t)
    os.makedirs(f"{t}/d")
    mk(f"{t}/lib.zip", "not really a zip")
    mk(f"{sp}/a.pth", f"{t}/d\n{t}/d\n{t}/lib.zip\n{sp}\n")
    mk(f"{sp}/b.pth", f"{t}/d/\n{t}/d/../d\n")
    return [exe] + C(), {}, t


@case
def pth_not_recursive(t):
    exe, sp = pth_site(t)
    os.makedirs(f"{t}/inner")
    mk(f"{t}/inner/nested.pth", f"{t}\n")
    mk(f"{sp}/a.pth", f"{t}/inner\n")
    return [exe] + C(), {}, t


@case
def pth_non_ascii(t):
    exe, sp = pth_site(t)
    os.makedirs(f"{t}/caf\u00e9")
    mk(f"{sp}/a.pth", data=f"{t}/caf\u00e9\n".encode())
    return [exe] + C(), {}, t


@case
def sitecustomize_found(t):
    exe, sp = pth_site(t)
    mk(f"{sp}/sitecustomize.py", "")
    mk(f"{t}/home/.local/lib/python3.14/site-packages/usercustomize.py", "")
    return [exe] + C(), {}, t


@case
def user_site(t):
    exe = install(f"{t}/py")
    us = f"{t}/home/.local/lib/python3.14/site-packages"
    os.makedirs(f"{t}/home/src")
    mk(f"{us}/dev.pth", f"{t}/home/src\n")
    return [exe] + C(), {}, t


@case
def user_base_env(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/ub/lib/python3.14/site-packages")
    return [exe] + C(), {"PYTHONUSERBASE": f"{t}/ub"}, t


@case
def user_base_env_under_E(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/ub/lib/python3.14/site-packages")
    return [exe, "-E"] + C(), {"PYTHONUSERBASE": f"{t}/ub"}, t


@case
def user_site_off_s(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/home/.local/lib/python3.14/site-packages")
    return [exe, "-s"] + C(), {}, t


@case
def user_site_off_env(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/home/.local/lib/python3.14/site-packages")
    return [exe] + C(), {"PYTHONNOUSERSITE": "1"}, t


@case
def home_trailing_slash(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/home/.local/lib/python3.14/site-packages")
    return [exe] + C(), {"HOME": f"{t}/home//"}, t


@case
def isolated(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/home/.local/lib/python3.14/site-packages")
    return [exe, "-I"] + C(), {"PYTHONPATH": f"{t}/pp"}, t


@case
def ignore_environment(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/pp")
    return [exe, "-E"] + C(), {"PYTHONPATH": f"{t}/pp"}, t


@case
def pythonpath_mixed(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/pp/a")
    os.makedirs(f"{t}/b")
    return [exe] + C(), {"PYTHONPATH": f"pp/a:{t}/b:missing"}, t


@case
def pythonpath_empty(t):
    exe = install(f"{t}/py")
    return [exe] + C(), {"PYTHONPATH": ""}, t


@case
def pythonpath_repeated(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/a")
    return [exe] + C(), {"PYTHONPATH": f"{t}/a::{t}/a:a:"}, t


@case
def pythonhome(t):
    install(f"{t}/py")
    os.makedirs(f"{t}/elsewhere")
    shutil.copy(PROGRAM, f"{t}/elsewhere/python3")
    return [f"{t}/elsewhere/python3"] + C(), {"PYTHONHOME": f"{t}/py"}, t


@case
def no_site(t):
    exe, sp = pth_site(t)
    return [exe, "-S"] + C(), {"PYTHONPATH": "rel"}, t


@case
def safe_path(t):
    exe = install(f"{t}/py")
    return [exe, "-P"] + C(), {}, t


@case
def flags(t):
    exe = install(f"{t}/py")
    return [exe, "-X", "dev", "-X", "utf8", "-OO", "-B", "-bb", "-q", "-X", "int_max_str_digits=5000"] + C(), {"PYTHONHASHSEED": "0"}, t


@case
def script(t):
    exe = install(f"{t}/py")
    mk(f"{t}/proj/dump.py", DUMP)
    return [exe, "proj/dump.py"], {}, t


@case
def script_linked(t):
    exe = install(f"{t}/py")
    mk(f"{t}/real/dump.py", DUMP)
    os.makedirs(f"{t}/bin2")
    os.symlink(f"{t}/real/dump.py", f"{t}/bin2/dump")
    return [exe, f"{t}/bin2/dump"], {}, t


@case
def module(t):
    exe = install(f"{t}/py")
    mk(f"{t}/work/dumpmod.py", DUMP)
    return [exe, "-m", "dumpmod"], {}, f"{t}/work"


@case
def lib64(t):
    exe = install(f"{t}/py", libdir="lib64")
    for d in ("lib64/python3.14/dist-packages", "lib/python3.14/dist-packages"):
        os.makedirs(f"{t}/py/{d}", exist_ok=True)
    return [exe] + C(), {"PYTHONPLATLIBDIR": "lib64"}, t


@case
def missing_stdlib_linked_program(t):
    install(f"{t}/py", link=True)
    return [f"{t}/py/bin/python3", "-c", "pass"], {}, t


@case
def missing_stdlib_pythonhome(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/empty")
    return [exe, "-c", "pass"], {"PYTHONHOME": f"{t}/empty"}, t


@case
def missing_stdlib_platlibdir(t):
    exe = install(f"{t}/py")
    os.makedirs(f"{t}/py/lib64/python3.14/lib-dynload")
    return [exe, "-c", "pass"], {"PYTHONPLATLIBDIR": "lib64"}, t


def zipped_stdlib(t, tops):
    """An installation whose modules are lib/python314.zip's (stored, as
    zipimport reads it; the tops of the reference's standard library named),
    its extension modules lib-dynload's."""
    import zipfile
    os.makedirs(f"{t}/py/bin")
    shutil.copy(PROGRAM, f"{t}/py/bin/python3")
    os.makedirs(f"{t}/py/lib/python3.14")
    os.symlink(os.path.join(STDLIB, "lib-dynload"), f"{t}/py/lib/python3.14/lib-dynload")
    with zipfile.ZipFile(f"{t}/py/lib/python314.zip", "w", zipfile.ZIP_STORED) as z:
        for top in tops:
            src = os.path.join(STDLIB, top)
            if not os.path.exists(src):
                continue
            if os.path.isdir(src):
                for root, dirs, files in os.walk(src):
                    dirs[:] = [d for d in dirs if d != "__pycache__"]
                    for f in files:
                        if f.endswith(".py"):
                            full = os.path.join(root, f)
                            z.write(full, os.path.relpath(full, STDLIB))
            else:
                z.write(src, top)
    return f"{t}/py/bin/python3"


@case
def stdlib_in_zip(t):
    exe = zipped_stdlib(t, ("encodings", "json", "re", "collections", "importlib", "enum.py",
                            "functools.py", "keyword.py", "operator.py", "reprlib.py", "types.py",
                            "copyreg.py", "warnings.py", "_py_warnings.py", "weakref.py",
                            "_weakrefset.py", "contextlib.py", "linecache.py", "tokenize.py",
                            "token.py", "heapq.py", "locale.py", "fnmatch.py", "ntpath.py"))
    return [exe] + C(), {}, t


@case
def zip_without_encodings(t):
    exe = zipped_stdlib(t, ("json",))
    return [exe, "-c", "pass"], {}, t


@case
def namespace_encodings_only(t):
    install(f"{t}/py")
    os.makedirs(f"{t}/ns/lib/python3.14/encodings")
    os.makedirs(f"{t}/ns/lib/python3.14/lib-dynload")
    mk(f"{t}/ns/lib/python3.14/os.py", "")
    return [f"{t}/py/bin/python3", "-c", "pass"], {"PYTHONHOME": f"{t}/ns"}, t


@case
def site_missing_without_frozen_modules(t):
    exe = install(f"{t}/py")
    os.unlink(f"{t}/py/lib/python3.14/site.py")
    return [exe, "-X", "frozen_modules=off", "-c", "pass"], {}, t


@case
def sourceless_encodings(t):
    exe = install(f"{t}/py")
    enc = f"{t}/py/lib/python3.14/encodings"
    os.unlink(enc)
    os.makedirs(enc)
    src = os.path.join(STDLIB, "encodings")
    for name in os.listdir(src):
        if name not in ("__init__.py", "__pycache__"):
            os.symlink(os.path.join(src, name), os.path.join(enc, name))
    import py_compile
    py_compile.compile(os.path.join(src, "__init__.py"), cfile=f"{enc}/__init__.pyc", doraise=True)
    return [exe] + C(), {}, t


def command_line(t):
    """What the program answers without starting: the version, help and
    command-line errors, with the same exit status on the same streams;
    the texts are identical but for the help texts (pyrt's own words) and
    the build information of -VV."""
    exe = install(f"{t}/py")
    problems = []
    env = {"PATH": "/usr/bin:/bin", "HOME": t}
    for args, exact in ((["--version"], True), (["-V"], True), (["-Z"], True), (["-c"], True),
                        (["-X"], True), (["-m"], True), (["--unknown"], True),
                        (["-h"], False), (["--help-env"], False), (["-VV"], False)):
        a = subprocess.run([exe] + args, env=env, cwd=t, capture_output=True, stdin=subprocess.DEVNULL)
        b = subprocess.run([INSPECT, "--json", exe] + args, env=env, cwd=t, capture_output=True,
                           stdin=subprocess.DEVNULL)
        same = (a.returncode == b.returncode and bool(a.stdout) == bool(b.stdout)
                and bool(a.stderr) == bool(b.stderr))
        if exact:
            same = same and a.stdout == b.stdout and a.stderr == b.stderr
        if not same:
            problems.append(f"{args}: CPython exit {a.returncode} {a.stdout[:60]!r} {a.stderr[:200]!r}; "
                            f"pyrt-inspect exit {b.returncode} {b.stdout[:60]!r} {b.stderr[:200]!r}")
    return problems


def refused(t):
    """pyrt-inspect's own refusals: exit status 2 and one line."""
    problems = []
    os.makedirs(f"{t}/py312/bin")
    shutil.copy(PROGRAM, f"{t}/py312/bin/python3.12")
    mk(f"{t}/py312/lib/python3.12/os.py", "")
    for argv in ([f"{t}/py312/bin/python3.12", "-c", "pass"], [f"{t}/nonexistent/python3"], ["no-such-python3.14"]):
        r = subprocess.run([INSPECT, "--json"] + argv, env={"PATH": "/usr/bin:/bin", "HOME": t},
                           capture_output=True, cwd=t)
        lines = r.stderr.decode().splitlines()
        if r.returncode != 2 or len(lines) != 1 or r.stdout:
            problems.append(f"{argv[0]}: exit {r.returncode}, stderr {r.stderr!r}, stdout {r.stdout[:80]!r}")
    return problems


def main():
    failed = passed = 0
    for name, setup in CASES:
        if ONLY and name not in ONLY:
            continue
        t = os.path.join(WORK, name)
        shutil.rmtree(t, ignore_errors=True)
        os.makedirs(f"{t}/home")
        argv, env, cwd = setup(t)
        env.setdefault("HOME", f"{t}/home")
        full = {"PATH": "/usr/bin:/bin"}
        full.update(env)
        cp = subprocess.run(argv, env=full, cwd=cwd, capture_output=True,
                            stdin=subprocess.DEVNULL, timeout=60)
        rt = subprocess.run([INSPECT, "--json", "--"] + argv, env=full, cwd=cwd,
                            capture_output=True, stdin=subprocess.DEVNULL, timeout=60)
        problems = []
        try:
            want = json.loads(cp.stdout)
        except ValueError:
            want = None
        if want is None:
            # A startup that fails: the same report on stderr (the thread's
            # address aside) and exit status.
            try:
                got = json.loads(rt.stdout)
            except ValueError:
                got = {}
            norm = lambda text: re.sub(r"Current thread 0x[0-9a-f]+", "Current thread 0x...", text)
            if got.get("exit_status") != cp.returncode or cp.returncode == 0:
                problems.append(f"exit status: CPython {cp.returncode}, pyrt {got.get('exit_status')}")
            if norm(cp.stderr.decode(errors="surrogateescape")) != norm(got.get("stderr", "")):
                problems.append(f"stderr:\n    CPython: {cp.stderr!r}\n    pyrt:    {got.get('stderr')!r}")
            own = os.environ.get("PYRT_PROGRAM")
            real = os.path.realpath(os.path.join(cwd, argv[0]))
            if own and os.path.isfile(real) and not os.path.islink(os.path.join(cwd, argv[0])):
                # The same startup through pyrt's own initialization.
                shutil.copy(own, real)
                pr = subprocess.run(argv, env=full, cwd=cwd, capture_output=True,
                                    stdin=subprocess.DEVNULL, timeout=60)
                if (pr.returncode, norm(pr.stderr.decode(errors="surrogateescape"))) != \
                        (cp.returncode, norm(cp.stderr.decode(errors="surrogateescape"))):
                    problems.append(f"pyrt's initialization: exit {pr.returncode}, stderr {pr.stderr!r}")
            failed += bool(problems)
            passed += not problems
            print(f"{'FAIL' if problems else 'PASS'} inspect/{name}")
            for p in problems:
                print("  " + p)
            continue
        try:
            got = json.loads(rt.stdout)
        except ValueError:
            problems.append(f"pyrt-inspect printed no JSON (exit {rt.returncode}): {rt.stderr.decode(errors='replace')[:400]}")
            got = None
        if want is not None and got is not None:
            for k in KEYS:
                if want.get(k) != got.get(k):
                    problems.append(f"{k}:\n    CPython: {json.dumps(want.get(k))}\n    pyrt:    {json.dumps(got.get(k))}")
            if cp.stderr.decode(errors="surrogateescape") != got.get("stderr"):
                problems.append(f"stderr:\n    CPython: {cp.stderr!r}\n    pyrt:    {got.get('stderr')!r}")
        if problems:
            failed += 1
            print(f"FAIL inspect/{name}")
            for p in problems:
                print("  " + p)
        else:
            passed += 1
            print(f"PASS inspect/{name}")
    if not ONLY:
        t = os.path.join(WORK, "command_line")
        shutil.rmtree(t, ignore_errors=True)
        os.makedirs(t)
        problems = command_line(t)
        failed += bool(problems)
        passed += not problems
        print(f"{'FAIL' if problems else 'PASS'} inspect/command_line")
        for p in problems:
            print("  " + p)
        t = os.path.join(WORK, "refused")
        shutil.rmtree(t, ignore_errors=True)
        os.makedirs(t)
        problems = refused(t)
        if problems:
            failed += 1
            print("FAIL inspect/refused")
            for p in problems:
                print("  " + p)
        else:
            passed += 1
            print("PASS inspect/refused")
    print(f"inspect trees: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
