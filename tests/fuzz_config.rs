//! Randomized ("fuzz") tests of the configuration reader and the string
//! codecs, on a fixed seed so a failure reproduces: every generated command
//! line and environment must give a configuration or a status, never a panic,
//! and the codecs must round-trip. Inputs that ever broke something are kept
//! in `REGRESSIONS`.

use std::collections::HashMap;

use pyrt::config::fake::read_scenario;
use pyrt::locale::{decode_utf8_escape, encode_utf8_escape};
use pyrt::wstr::{WChar, WideString};

/// xorshift64*: small, deterministic, good enough to spread inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const OPTIONS: &[&str] = &[
    "-b",
    "-bb",
    "-B",
    "-c",
    "-d",
    "-E",
    "-h",
    "-i",
    "-I",
    "-m",
    "-O",
    "-OO",
    "-P",
    "-q",
    "-R",
    "-s",
    "-S",
    "-t",
    "-u",
    "-v",
    "-V",
    "-W",
    "-x",
    "-X",
    "-?",
    "--",
    "-",
    "--help",
    "--version",
    "--help-all",
    "--help-env",
    "--help-xoptions",
    "--check-hash-based-pycs",
    "-b-",
    "-z",
    "-J",
    "-Wd",
    "-Xdev",
    "-OOc",
    "--foo",
    "script.py",
    "arg",
    "",
    "-X",
    "-X",
];
const XVALUES: &[&str] = &[
    "dev",
    "utf8",
    "utf8=0",
    "utf8=2",
    "importtime=2",
    "importtime=x",
    "tracemalloc=-1",
    "tracemalloc=5",
    "int_max_str_digits=639",
    "int_max_str_digits=",
    "cpu_count=0",
    "cpu_count=default",
    "pycache_prefix=",
    "gil=0",
    "gil=1",
    "frozen_modules=maybe",
    "thread_inherit_context=2",
    "context_aware_warnings=1",
    "perf_jit",
    "=",
    "faulthandler",
    "no_debug_ranges",
    "showrefcount",
    "warn_default_encoding",
    "disable-remote-debug",
];
const ENV_NAMES: &[&str] = &[
    "PYTHONDEBUG",
    "PYTHONVERBOSE",
    "PYTHONOPTIMIZE",
    "PYTHONINSPECT",
    "PYTHONHASHSEED",
    "PYTHONWARNINGS",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "PYTHONMALLOC",
    "PYTHONDEVMODE",
    "PYTHONTRACEMALLOC",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONINTMAXSTRDIGITS",
    "PYTHON_CPU_COUNT",
    "PYTHON_GIL",
    "PYTHON_FROZEN_MODULES",
    "PYTHONPYCACHEPREFIX",
    "PYTHONPATH",
    "PYTHON_THREAD_INHERIT_CONTEXT",
    "PYTHONCOERCECLOCALE",
    "PYTHONDONTWRITEBYTECODE",
];
const ENV_VALUES: &[&str] = &[
    "",
    "0",
    "1",
    "2",
    "-1",
    "x",
    " 7",
    "7 ",
    "random",
    "4294967296",
    "99999999999",
    "a,,b",
    ":",
    "latin1:replace",
    "default",
    "on",
    "off",
    "malloc",
    "debug",
    "\u{e9}",
];

fn random_bytes(rng: &mut Rng) -> Vec<u8> {
    (0..rng.below(6))
        .map(|_| rng.next() as u8)
        .filter(|&b| b != 0)
        .collect()
}

fn run_once(rng: &mut Rng) {
    let mut argv: Vec<WideString> = vec!["prog".into()];
    for _ in 0..rng.below(8) {
        let token = match rng.below(4) {
            0 => rng.pick(XVALUES).to_string(),
            1 => String::from_utf8_lossy(&random_bytes(rng)).into_owned(),
            _ => rng.pick(OPTIONS).to_string(),
        };
        argv.push(WideString::from_units(decode_utf8_escape(token.as_bytes())));
    }
    let mut env = HashMap::new();
    for _ in 0..rng.below(5) {
        let value = if rng.below(5) == 0 {
            random_bytes(rng)
        } else {
            rng.pick(ENV_VALUES).as_bytes().to_vec()
        };
        env.insert(rng.pick(ENV_NAMES).to_string(), value);
    }
    let flavour = rng.below(3) as i32 + 1;
    let parse_argv = rng.below(3) as i32 - 1;
    read_scenario(flavour, parse_argv, argv, env);
}

#[test]
fn random_command_lines_and_environments() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    for _ in 0..100_000 {
        run_once(&mut rng);
    }
}

/// Inputs kept after they once misbehaved (none so far).
const REGRESSIONS: &[&[&str]] = &[&["prog", "-b-"], &["prog", "-X"], &["prog", "--", ""]];

#[test]
fn regressions() {
    for args in REGRESSIONS {
        let argv = args.iter().map(|a| (*a).into()).collect();
        read_scenario(2, 1, argv, HashMap::new());
    }
}

#[test]
fn utf8_surrogateescape_round_trips_any_bytes() {
    let mut rng = Rng(42);
    for _ in 0..20_000 {
        let bytes: Vec<u8> = (0..rng.below(24)).map(|_| rng.next() as u8).collect();
        let units = decode_utf8_escape(&bytes);
        assert_eq!(encode_utf8_escape(&units).unwrap(), bytes);
    }
}

#[test]
fn wide_strings_round_trip_through_utf8() {
    let mut rng = Rng(7);
    for _ in 0..20_000 {
        let units: Vec<WChar> = (0..rng.below(12))
            .map(|_| match rng.below(4) {
                // Escaped continuation bytes never join into a valid sequence.
                0 => (0xDC80 + rng.below(0x40)) as WChar,
                1 => (1 + rng.below(0x7F)) as WChar,
                2 => (0x10000 + rng.below(0x100000)) as WChar,
                _ => {
                    let c = 0x80 + rng.below(0xD800 - 0x80);
                    c as WChar
                }
            })
            .collect();
        let bytes = encode_utf8_escape(&units).unwrap();
        assert_eq!(decode_utf8_escape(&bytes), units);
    }
}
