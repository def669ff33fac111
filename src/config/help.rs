//! The texts `python3 -h`, `--help-env`, `--help-xoptions` and `--help-all`
//! print. The usage line and the "Try" line are CPython's interface (scripts
//! match them); the rest is pyrt's own wording.

/// The second line of the short usage printed on errors.
pub const TRY_HELP: &str = "Try `python -h' for more information.\n";

/// The usage line for program name `prog` (already encoded).
pub fn usage_line(prog: &[u8]) -> Vec<u8> {
    let mut line = b"usage: ".to_vec();
    line.extend_from_slice(prog);
    line.extend_from_slice(b" [option] ... [-c cmd | -m mod | file | -] [arg] ...\n");
    line
}

/// The option summary printed after the usage line by `-h`.
pub const OPTIONS: &str = "\
Options (pyrt: the command line CPython 3.14 accepts; environment variables in brackets):
-b     warn about bytes/str comparisons (-bb: make them errors)
-B     do not write .pyc files [PYTHONDONTWRITEBYTECODE]
-c cmd run cmd as the program; ends the option list
-d     parser debug output [PYTHONDEBUG]
-E     ignore every PYTHON* environment variable
-h     show this help and exit (also -? and --help)
-i     inspect interactively after running the program [PYTHONINSPECT]
-I     isolated mode: like -E -P -s
-m mod run the module mod as a script; ends the option list
-O     drop assert statements (-OO: also docstrings) [PYTHONOPTIMIZE]
-P     do not put the script's directory or the current one on sys.path [PYTHONSAFEPATH]
-q     no banner in interactive mode
-s     no user site-packages directory [PYTHONNOUSERSITE]
-S     do not import site at start-up
-u     unbuffered stdout and stderr [PYTHONUNBUFFERED]
-v     trace imports (repeat for more) [PYTHONVERBOSE]
-V     print the version and exit (-VV: with build details; also --version)
-W arg warning filter action:message:category:module:lineno [PYTHONWARNINGS]
-x     skip the first line of the source file
-X opt implementation option; --help-xoptions lists them
--check-hash-based-pycs always|default|never
       how to validate hash-based .pyc files
--help-env      list the environment variables
--help-xoptions list the -X options
--help-all      all of the above
file   run the program in this file; -: read it from standard input
arg ...         handed to the program as sys.argv[1:]
";

/// The environment-variable summary (`--help-env`).
pub const ENVIRONMENT: &str = "\
Environment variables read at start-up (ignored under -E and -I):
PYTHONPATH         directories searched for modules before the default ones (':'-separated)
PYTHONHOME         prefix[:exec_prefix] of the installation (default <prefix>/lib/pythonX.X)
PYTHONPLATLIBDIR   name of the platform library directory (default lib)
PYTHONSAFEPATH     like -P
PYTHONSTARTUP      file run before the first interactive prompt
PYTHONINSPECT      like -i
PYTHONOPTIMIZE     like -O (a number sets the level)
PYTHONDEBUG        like -d
PYTHONVERBOSE      like -v
PYTHONDONTWRITEBYTECODE  like -B
PYTHONNOUSERSITE   like -s
PYTHONUNBUFFERED   like -u
PYTHONWARNINGS     comma-separated warning filters, like -W
PYTHONIOENCODING   encoding[:errors] of stdin, stdout and stderr
PYTHONUTF8         1: UTF-8 mode on; 0: off
PYTHONCOERCECLOCALE  0: keep the C locale; warn: report coercion
PYTHONHASHSEED     random, or a number from 0 to 4294967295 fixing the str hash seed
PYTHONMALLOC       memory allocator: default, malloc, pymalloc, mimalloc, or one of them with _debug; debug
PYTHONMALLOCSTATS  print allocator statistics at exit
PYTHONDEVMODE      like -X dev
PYTHONFAULTHANDLER like -X faulthandler
PYTHONTRACEMALLOC  like -X tracemalloc (a number of frames)
PYTHONPROFILEIMPORTTIME  like -X importtime
PYTHONNODEBUGRANGES      like -X no_debug_ranges
PYTHONPYCACHEPREFIX      like -X pycache_prefix
PYTHONINTMAXSTRDIGITS    like -X int_max_str_digits
PYTHONWARNDEFAULTENCODING  like -X warn_default_encoding
PYTHONPERFSUPPORT, PYTHON_PERF_JIT_SUPPORT  like -X perf and -X perf_jit
PYTHON_CPU_COUNT   like -X cpu_count
PYTHON_FROZEN_MODULES      like -X frozen_modules
PYTHON_THREAD_INHERIT_CONTEXT, PYTHON_CONTEXT_AWARE_WARNINGS  like the -X options of those names
PYTHON_DISABLE_REMOTE_DEBUG  like -X disable-remote-debug
PYTHON_GIL         like -X gil
PYTHONEXECUTABLE   value of sys.executable
";

/// The `-X` option summary (`--help-xoptions`).
pub const XOPTIONS: &str = "\
-X options understood by this build (others are kept in sys._xoptions):
-X dev                     development mode: extra checks and warnings
-X utf8[=0|1]              UTF-8 mode
-X faulthandler            dump Python tracebacks on fatal signals
-X tracemalloc[=N]         trace memory allocations, keeping N frames
-X importtime[=2]          time each import
-X int_max_str_digits=N    limit on int/str conversions (0: none, else at least 640)
-X cpu_count=N|default     the CPU count os.cpu_count() reports
-X pycache_prefix=DIR      write .pyc files under DIR
-X no_debug_ranges         no column information in code objects
-X showrefcount            print reference totals (debug builds)
-X warn_default_encoding   warn when the locale encoding is used implicitly
-X frozen_modules=on|off   use the frozen standard modules
-X perf, -X perf_jit       support for the Linux perf profiler
-X disable-remote-debug    refuse remote debuggers
-X thread_inherit_context=0|1   threads start with the caller's context
-X context_aware_warnings=0|1   warnings filters follow the context
-X gil=1                   keep the GIL (the only value this build accepts)
";
