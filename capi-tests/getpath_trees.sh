#!/bin/sh
# Differential test of the path configuration on real directory trees.
#
# Each case builds a layout under a temporary root (an installation, a venv,
# symlinks, a build tree, a ._pth file...), puts `probe` at the case's
# executable path, and runs `probe --init` there once built against CPython
# 3.14 and once against pyrt. The printed configuration after
# initialization, the legacy path getters and the warnings on stderr must be
# identical; so must the path members pyrt's PyRT_ComputePathConfig computes
# without initializing. CPython needs a real standard library to finish initializing:
# trees link the oracle's lib/python3.14, or PYTHONPATH points at it.
#
# usage: capi-tests/getpath_trees.sh BUILD_DIR   (skips without the oracle)
set -u
BUILD=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
ORACLE=${ORACLE:-$here/../tools/cpython314}
if ! oracle_env=$("$ORACLE" env 2>"${TMPDIR:-/tmp}/pyrt-getpath.$$.err"); then
    "$here/../tools/skip" check-getpath "$(tail -n1 "${TMPDIR:-/tmp}/pyrt-getpath.$$.err" |
        sed -e 's/^cpython314: //' -e 's/^unavailable: /reference CPython 3.14 unavailable: /')"
    rm -f "${TMPDIR:-/tmp}/pyrt-getpath.$$.err"
    exit 0
fi
rm -f "${TMPDIR:-/tmp}/pyrt-getpath.$$.err"
if [ ! -x "$BUILD/cpython/probe" ]; then
    "$here/../tools/skip" check-getpath "no CPython build of probe in $BUILD/cpython"
    exit 0
fi
eval "$oracle_env"
STD=$ORACLE_HOME/lib/python3.14
ROOT=$(mktemp -d /tmp/pyrt-getpath.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
pass=0
fail=0
failed=""

# install DIR [PLATLIBDIR]: an installation whose stdlib is the oracle's.
install() {
    mkdir -p "$1/bin" "$1/${2:-lib}"
    ln -sfn "$STD" "$1/${2:-lib}/python3.14"
}
# exe PATH: an executable file that is not the probe.
exe() {
    mkdir -p "$(dirname "$1")"
    : >"$1"
    chmod +x "$1"
}

# case NAME EXE CWD ENV ARGS...: runs `probe --init ARGS` placed at EXE, from
# CWD, with only PATH=/usr/bin:/bin and the space-separated ENV assignments.
case_() {
    name=$1 exe_path=$2 cwd=$3 envs=$4
    shift 4
    mkdir -p "$(dirname "$exe_path")" "$cwd"
    for impl in cpython pyrt; do
        rm -f "$exe_path"
        cp "$BUILD/$impl/probe" "$exe_path"
        # shellcheck disable=SC2086
        (cd "$cwd" && env -i PATH=/usr/bin:/bin $envs "$exe_path" --init "$@") \
            >"$ROOT/$name.$impl" 2>&1
        # The path members alone: pyrt computes them with
        # PyRT_ComputePathConfig, without initializing.
        # shellcheck disable=SC2086
        (cd "$cwd" && env -i PATH=/usr/bin:/bin $envs "$exe_path" --init --paths "$@") \
            >>"$ROOT/$name.$impl" 2>&1
    done
    if cmp -s "$ROOT/$name.cpython" "$ROOT/$name.pyrt" &&
        grep -q "^status: init ${expect:-ok}" "$ROOT/$name.cpython"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failed="$failed $name"
        echo "FAIL getpath tree $name"
        diff "$ROOT/$name.cpython" "$ROOT/$name.pyrt" | head -20
        grep -q "^status: init ${expect:-ok}" "$ROOT/$name.cpython" ||
            echo "  (CPython's initialization did not end with '${expect:-ok}': the case is wrong)"
    fi
}

T=$ROOT/t
install "$T/usr"

# Installations and how the executable is found.
case_ install_absolute "$T/usr/bin/python3" "$T" "" -- "$T/usr/bin/python3"
case_ install_relative_argv0 "$T/usr/bin/python3" "$T/usr" "" -- bin/python3
case_ install_dotdot_argv0 "$T/usr/bin/python3" "$T/usr/lib" "" -- ../bin/./python3
case_ install_path_search "$T/usr/bin/python3" "$T" "PATH=$T/usr/bin:/usr/bin" -- python3
mkdir -p "$T/notexec" && : >"$T/notexec/python3"
case_ path_skips_non_executable "$T/usr/bin/python3" "$T" "PATH=$T/notexec:$T/usr/bin" -- python3
case_ path_relative_entry "$T/usr/bin/python3" "$T/usr" "PATH=bin:/usr/bin PYTHONPATH=$STD" -- python3
case_ no_argv_default_name "$T/usr/bin/python3" "$T" "PATH=$T/usr/bin"
case_ set_program_name "$T/usr/bin/python3" "$T" "" --set-program-name "$T/usr/bin/python3"
case_ config_program_name "$T/usr/bin/python3" "$T" "" --set "program_name=$T/usr/bin/python3" -- ignored
case_ read_set_program_name_executable "$T/usr/bin/python3" "$T/usr" "PYTHONPATH=$STD" --set program_name=./init_read_set --set executable=my_executable
case_ config_executable "$T/usr/bin/python3" "$T" "PYTHONPATH=$STD" --set "executable=$T/usr/bin/python3" -- /nowhere/python3
case_ pythonexecutable_env "$T/usr/bin/python3" "$T" "PYTHONEXECUTABLE=$T/other/python PYTHONPATH=$STD" -- "$T/usr/bin/python3"
case_ launcher_env "$T/usr/bin/python3" "$T" "__PYVENV_LAUNCHER__=$T/other/launcher PYTHONPATH=$STD" -- "$T/usr/bin/python3"

# Symbolic links: the search starts next to the target; executable keeps the link.
mkdir -p "$T/bin" "$T/links"
ln -sfn "$T/usr/bin/python3" "$T/bin/py"
ln -sfn ../usr/bin/python3 "$T/links/py-rel"
ln -sfn "$T/bin/py" "$T/links/py-chain"
case_ symlink_absolute "$T/usr/bin/python3" "$T" "" -- "$T/bin/py"
case_ symlink_relative "$T/usr/bin/python3" "$T" "" -- "$T/links/py-rel"
case_ symlink_chain "$T/usr/bin/python3" "$T" "" -- "$T/links/py-chain"
case_ symlink_through_path "$T/usr/bin/python3" "$T" "PATH=$T/bin" -- py

# Virtual environments.
V=$ROOT/venv
install "$V/usr"
exe "$V/usr/bin/python3"
mkdir -p "$V/env/bin"
printf 'home = %s\ninclude-system-site-packages = false\nversion = 3.14.10\n' "$V/usr/bin" >"$V/env/pyvenv.cfg"
case_ venv_copied_executable "$V/env/bin/python3" "$V" "" -- "$V/env/bin/python3"
case_ venv_with_pythonhome "$V/env/bin/python3" "$V" "PYTHONHOME=$V/usr" -- "$V/env/bin/python3"
case_ venv_isolated_flag "$V/env/bin/python3" "$V" "" -- "$V/env/bin/python3" -I
S=$ROOT/venvlink
install "$S/usr"
mkdir -p "$S/env/bin"
printf 'home = %s\n' "$S/usr/bin" >"$S/env/pyvenv.cfg"
ln -sfn "$S/usr/bin/python3" "$S/env/bin/python3"
case_ venv_symlinked_executable "$S/usr/bin/python3" "$S" "" -- "$S/env/bin/python3"
N=$ROOT/venvnohome
install "$N/usr"
mkdir -p "$N/env/bin"
printf 'version = 3.14.10\n' >"$N/env/pyvenv.cfg"
ln -sfn "$N/usr/bin/python3" "$N/env/bin/python3"
case_ venv_without_home_key "$N/usr/bin/python3" "$N" "" -- "$N/env/bin/python3"
B=$ROOT/venvbeside
install "$B/usr"
exe "$B/usr/bin/python3"
mkdir -p "$B/flat"
printf '#home = /wrong\nHOME=%s\nhome = /second\n' "$B/usr/bin" >"$B/flat/pyvenv.cfg"
Y=$ROOT/venvdir
install "$Y/usr"
mkdir -p "$Y/usr/pyvenv.cfg"
case_ venv_cfg_is_directory "$Y/usr/bin/python3" "$Y" "" -- "$Y/usr/bin/python3" -S
case_ venv_cfg_beside_executable "$B/flat/python3" "$B" "" -- "$B/flat/python3" -S
R=$ROOT/reloc
install "$R/opt"
mkdir -p "$R/public/bin" "$R/env/bin"
ln -sfn "$R/opt/bin/python3" "$R/public/bin/python"
ln -sfn "$R/public/bin/python" "$R/env/bin/python"
printf 'home = %s\n' "$R/public/bin" >"$R/env/pyvenv.cfg"
case_ venv_relocated_base "$R/opt/bin/python3" "$R" "" -- "$R/env/bin/python"

# Home: PYTHONHOME, PyConfig.home, Py_SetPythonHome.
mkdir -p "$T/elsewhere/bin"
case_ pythonhome "$T/elsewhere/bin/python3" "$T" "PYTHONHOME=$T/usr" -- "$T/elsewhere/bin/python3"
case_ pythonhome_prefix_exec_prefix "$T/elsewhere/bin/python3" "$T" "PYTHONHOME=$T/usr:$T/usr" -- "$T/elsewhere/bin/python3"
case_ pythonhome_ignored_with_E "$T/usr/bin/python3" "$T" "PYTHONHOME=/nonexistent" -- "$T/usr/bin/python3" -E
case_ config_home "$T/elsewhere/bin/python3" "$T" "" --set "home=$T/usr" -- "$T/elsewhere/bin/python3"
case_ set_python_home "$T/elsewhere/bin/python3" "$T" "" --set-home "$T/usr" -- "$T/elsewhere/bin/python3"

# PYTHONPATH, -E, -I, isolated configuration.
case_ pythonpath_entries "$T/usr/bin/python3" "$T" "PYTHONPATH=rel/dir::../up/../x:$T/abs" -- "$T/usr/bin/python3"
case_ pythonpath_ignored_with_E "$T/usr/bin/python3" "$T" "PYTHONPATH=/ignored" -- "$T/usr/bin/python3" -E
case_ isolated_option "$T/usr/bin/python3" "$T" "PYTHONPATH=/ignored" -- "$T/usr/bin/python3" -I
case_ isolated_config "$T/usr/bin/python3" "$T" "" --isolated -- "$T/usr/bin/python3"
case_ safe_path_option "$T/usr/bin/python3" "$T" "" -- "$T/usr/bin/python3" -P
mkdir -p "$T/scripts" && echo 'pass' >"$T/scripts/main.py"
case_ script_sys_path0 "$T/usr/bin/python3" "$T" "" -- "$T/usr/bin/python3" scripts/main.py arg
case_ script_sys_path0_safe_path "$T/usr/bin/python3" "$T" "" -- "$T/usr/bin/python3" -P scripts/main.py

# platlibdir, zip landmark, missing landmarks.
L=$ROOT/lib64
install "$L/usr" lib64
case_ platlibdir_env_lib64 "$L/usr/bin/python3" "$L" "PYTHONPLATLIBDIR=lib64" -- "$L/usr/bin/python3"
case_ platlibdir_config_lib64 "$L/usr/bin/python3" "$L" "" --set platlibdir=lib64 -- "$L/usr/bin/python3"
# CPython formats its landmarks as "{platlibdir}/python3.14...": one `/`
# after any platlibdir, a one-character one included (a join would not add it).
P=$ROOT/onechar
install "$P/usr" l
case_ platlibdir_one_character "$P/usr/bin/python3" "$P" "PYTHONPLATLIBDIR=l" -- "$P/usr/bin/python3"
case_ platlibdir_trailing_slashes "$P/usr/bin/python3" "$P" "PYTHONPLATLIBDIR=l//" -- "$P/usr/bin/python3"
Z=$ROOT/zip
mkdir -p "$Z/lib" && : >"$Z/lib/python314.zip"
case_ zip_landmark "$Z/bin/python3" "$Z" "PYTHONPATH=$STD" -- "$Z/bin/python3"
case_ no_landmarks_warns "$ROOT/bare/bin/python3" "$ROOT" "PYTHONPATH=$STD" -- "$ROOT/bare/bin/python3"
case_ no_landmarks_quiet "$ROOT/bare/bin/python3" "$ROOT" "PYTHONPATH=$STD" --set pathconfig_warnings=0 -- "$ROOT/bare/bin/python3"
case_ no_executable_found "$ROOT/bare/bin/python3" "$T/usr" "PYTHONPATH=$STD" -- not-on-path

# Caller-set outputs.
case_ module_search_paths_preset "$ROOT/bare/bin/python3" "$ROOT" "" --list "module_search_paths=$STD,$STD/lib-dynload" --set module_search_paths_set=1 -- "$ROOT/bare/bin/python3"
case_ config_prefixes "$ROOT/bare/bin/python3" "$ROOT" "" --set "prefix=$T/usr" --set "exec_prefix=$T/usr" -- "$ROOT/bare/bin/python3"
case_ config_stdlib_dir "$T/usr/bin/python3" "$T" "PYTHONPATH=$STD" --set stdlib_dir=/custom/stdlib -- "$T/usr/bin/python3"
case_ set_path "$ROOT/bare/bin/python3" "$ROOT" "" --set-path "$STD:$STD/lib-dynload" -- "$ROOT/bare/bin/python3"
case_ set_path_and_home "$ROOT/bare/bin/python3" "$ROOT" "" --set-home "$T/usr" --set-path "$STD:$STD/lib-dynload" -- "$ROOT/bare/bin/python3"

# Build tree (pybuilddir.txt) and ._pth files.
# The build settings are those of the reference build (VPATH=..): the
# source tree is the build directory's parent.
D=$ROOT/build
mkdir -p "$D/src/build/lib.linux-x86_64-3.14"
ln -sfn "$STD" "$D/Lib"
echo build/lib.linux-x86_64-3.14 >"$D/src/pybuilddir.txt"
case_ build_tree "$D/src/python" "$D" "" -- "$D/src/python"
E=$ROOT/buildempty
mkdir -p "$E/src"
ln -sfn "$STD" "$E/Lib"
: >"$E/src/pybuilddir.txt"
case_ build_tree_empty_pybuilddir "$E/src/python" "$E" "" -- "$E/src/python"
# A pybuilddir.txt that is a directory reads as an empty file.
G=$ROOT/builddirdir
mkdir -p "$G/src/pybuilddir.txt"
ln -sfn "$STD" "$G/Lib"
case_ build_tree_pybuilddir_is_directory "$G/src/python" "$G" "" -- "$G/src/python"
case_ build_tree_ignored_with_home "$D/src/python" "$D" "" --set "home=$T/usr" -- "$D/src/python"
case_ build_tree_forced_with_home "$D/src/python" "$D" "" --set "home=$T/usr" --set _is_python_build=1 -- "$D/src/python"
P=$ROOT/pth
install "$P"
printf '# comment\n\n../lib/python3.14\n  ../lib/python3.14/lib-dynload  # trailing\nimport site\n' >"$P/bin/python3._pth"
case_ pth_file "$P/bin/python3" "$P" "PYTHONPATH=/ignored" -- "$P/bin/python3"

# NUL bytes in pyvenv.cfg, ._pth and pybuilddir.txt: CPython reads each
# file up to its first NUL.
U=$ROOT/nul
install "$U/usr"
install "$U/env"
mkdir -p "$U/env2/bin"
printf 'version = 3.14.10\000\nhome = /nowhere/bin\n' >"$U/env/pyvenv.cfg"
case_ nul_hides_later_home_lines "$U/env/bin/python3" "$U" "" -- "$U/env/bin/python3"
printf 'home = %s\000junk\n' "$U/usr/bin" >"$U/env2/pyvenv.cfg"
case_ nul_ends_home_value "$U/usr/bin/python3" "$U" "" -- "$U/env2/bin/python3"
W=$ROOT/nulpth
install "$W"
printf '../lib/python3.14\nabc\000def\n../lib/python3.14/lib-dynload\n' >"$W/bin/python3._pth"
case_ nul_in_pth_file "$W/bin/python3" "$W" "" -- "$W/bin/python3"
K=$ROOT/nulbuild
mkdir -p "$K/src/build/lib.linux-x86_64-3.14"
ln -sfn "$STD" "$K/Lib"
printf 'build/lib.linux-x86_64-3.14\000junk' >"$K/src/pybuilddir.txt"
case_ nul_in_pybuilddir "$K/src/python" "$K" "" -- "$K/src/python"

# Values CPython refuses when it reads the getpath results back (the
# first bad option in its table's order is named).
expect=error
case_ invalid_bytes_warning "$T/usr/bin/python3" "$T" "" --set bytes_warning=-1 -- "$T/usr/bin/python3"
case_ invalid_first_in_table_order "$T/usr/bin/python3" "$T" "" --set _config_init=9 --set optimization_level=-3 --set bytes_warning=-1 -- "$T/usr/bin/python3"
case_ invalid_optimization_level_int_min "$T/usr/bin/python3" "$T" "" --set optimization_level=-2147483648 -- "$T/usr/bin/python3"
case_ invalid_config_init "$T/usr/bin/python3" "$T" "" --set _config_init=100 -- "$T/usr/bin/python3"
case_ invalid_config_init_zero "$T/usr/bin/python3" "$T" "" --set _config_init=0 -- "$T/usr/bin/python3"
expect=ok
case_ negative_values_read_normalizes "$T/usr/bin/python3" "$T" "" --set tracemalloc=-1 --set int_max_str_digits=-5 --set import_time=-1 --set perf_profiling=-1 --set cpu_count=-7 -- "$T/usr/bin/python3"

echo "getpath trees: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
