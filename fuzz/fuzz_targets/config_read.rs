//! libFuzzer target: arbitrary bytes become a flavour, a command line and an
//! environment; the configuration reader must never panic and must agree
//! with itself on a second read (see `pyrt::config::fake::read_scenario`).
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use pyrt::config::fake::read_scenario;
use pyrt::locale::decode_utf8_escape;
use pyrt::wstr::WideString;

/// Environment variables the reader consults, indexed by input bytes.
const ENV_NAMES: &[&str] = &[
    "PYTHONDEBUG", "PYTHONVERBOSE", "PYTHONOPTIMIZE", "PYTHONINSPECT", "PYTHONHASHSEED",
    "PYTHONWARNINGS", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONMALLOC", "PYTHONDEVMODE",
    "PYTHONTRACEMALLOC", "PYTHONPROFILEIMPORTTIME", "PYTHONINTMAXSTRDIGITS", "PYTHON_CPU_COUNT",
    "PYTHON_GIL", "PYTHON_FROZEN_MODULES", "PYTHONPYCACHEPREFIX", "PYTHONPATH",
    "PYTHON_THREAD_INHERIT_CONTEXT", "PYTHONCOERCECLOCALE", "PYTHONDONTWRITEBYTECODE",
    "PYTHONWARNDEFAULTENCODING", "PYTHONPERFSUPPORT", "PYTHON_CONTEXT_AWARE_WARNINGS",
];

fuzz_target!(|data: &[u8]| {
    // Layout: [flavour, parse_argv, n_env] then NUL-separated fields: the
    // environment values (each preceded by a name index byte), then argv.
    if data.len() < 3 {
        return;
    }
    let flavour = (data[0] % 3) as i32 + 1;
    let parse_argv = (data[1] % 3) as i32 - 1;
    let n_env = (data[2] % 6) as usize;
    let mut fields = data[3..].split(|&b| b == 0);
    let mut env = HashMap::new();
    for _ in 0..n_env {
        let Some(field) = fields.next() else { break };
        if let Some((&idx, value)) = field.split_first() {
            env.insert(ENV_NAMES[idx as usize % ENV_NAMES.len()].to_string(), value.to_vec());
        }
    }
    let mut argv: Vec<WideString> = vec!["prog".into()];
    argv.extend(fields.take(16).map(|f| WideString::from_units(decode_utf8_escape(f))));
    read_scenario(flavour, parse_argv, argv, env);
});
