# Prints, as JSON, what tests/inspect/diff.py compares with `pyrt-inspect --json`.
import json
import sys

site = sys.modules.get("site")
FLAGS = ["debug", "inspect", "interactive", "optimize", "dont_write_bytecode",
         "no_user_site", "no_site", "ignore_environment", "verbose",
         "bytes_warning", "quiet", "hash_randomization", "isolated", "dev_mode",
         "utf8_mode", "warn_default_encoding", "safe_path", "int_max_str_digits"]
print(json.dumps({
    "version": "%d.%d.%d" % sys.version_info[:3],
    "sys.executable": sys.executable,
    "sys._base_executable": sys._base_executable,
    "sys.prefix": sys.prefix,
    "sys.base_prefix": sys.base_prefix,
    "sys.exec_prefix": sys.exec_prefix,
    "sys.base_exec_prefix": sys.base_exec_prefix,
    "sys.platlibdir": sys.platlibdir,
    "sys._stdlib_dir": sys._stdlib_dir,
    "sys.path": sys.path,
    "sys.flags": {name: getattr(sys.flags, name) for name in FLAGS},
    "sitecustomize": getattr(sys.modules.get("sitecustomize"), "__file__", None),
    "usercustomize": getattr(sys.modules.get("usercustomize"), "__file__", None),
    "site": None if site is None else {
        "ENABLE_USER_SITE": site.ENABLE_USER_SITE,
        "USER_BASE": site.USER_BASE,
        "USER_SITE": site.USER_SITE,
        "PREFIXES": site.PREFIXES,
    },
}))
