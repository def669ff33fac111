//! Reading the pre-configuration (CPython's preconfig step): isolation, the
//! environment switch, development mode, C-locale coercion (PEP 538), UTF-8
//! mode (PEP 540) and the memory allocator, from the caller's `PyPreConfig`,
//! the command line's `-E`/`-I`/`-X` options and the environment.
//!
//! Side effects on the process (the locale) go through [`PreHost`], so the
//! algorithm runs on owned values and can be tested with a fake host.

use std::borrow::Cow;

use crate::config::getopt::{GetOpt, Opt};
use crate::config::{CONFIG_INIT_COMPAT, PreConfig};
use crate::locale::DecodeError;
use crate::status::{PyResult, Status};
use crate::status_err;
use crate::wstr::{WideString, units_eq};

/// `PyMemAllocatorName` values (`PYMEM_ALLOCATOR_*`).
pub mod allocator {
    pub use crate::abi::pymem::{
        PYMEM_ALLOCATOR_DEBUG as DEBUG, PYMEM_ALLOCATOR_DEFAULT as DEFAULT,
        PYMEM_ALLOCATOR_MALLOC as MALLOC, PYMEM_ALLOCATOR_MALLOC_DEBUG as MALLOC_DEBUG,
        PYMEM_ALLOCATOR_MIMALLOC as MIMALLOC, PYMEM_ALLOCATOR_MIMALLOC_DEBUG as MIMALLOC_DEBUG,
        PYMEM_ALLOCATOR_NOT_SET as NOT_SET, PYMEM_ALLOCATOR_PYMALLOC as PYMALLOC,
        PYMEM_ALLOCATOR_PYMALLOC_DEBUG as PYMALLOC_DEBUG,
    };

    /// The allocator a `PYTHONMALLOC` name selects.
    pub fn by_name(name: &[u8]) -> Option<i32> {
        Some(match name {
            b"default" => DEFAULT,
            b"debug" => DEBUG,
            b"malloc" => MALLOC,
            b"malloc_debug" => MALLOC_DEBUG,
            b"pymalloc" => PYMALLOC,
            b"pymalloc_debug" => PYMALLOC_DEBUG,
            b"mimalloc" => MIMALLOC,
            b"mimalloc_debug" => MIMALLOC_DEBUG,
            _ => return None,
        })
    }
}

/// What the pre-configuration needs from the process.
pub trait PreHost {
    /// The raw value of an environment variable.
    fn getenv(&self, name: &str) -> Option<Cow<'_, [u8]>>;
    /// A mask over [`env_name_bit`] of the `PYTHON*` names that may be set:
    /// [`get_env`] does not ask for a `PYTHON*` name whose bit is clear.
    fn python_names(&self) -> u64 {
        u64::MAX
    }
    /// The current `LC_CTYPE` locale name.
    fn lc_ctype(&self) -> Option<Vec<u8>>;
    /// True when the current `LC_CTYPE` locale name is one of `names`.
    fn lc_ctype_in(&self, names: &[&[u8]]) -> bool {
        self.lc_ctype()
            .is_some_and(|n| names.contains(&n.as_slice()))
    }
    /// Sets `LC_CTYPE` to `name` (`b""`: from the environment); false on failure.
    fn set_lc_ctype(&mut self, name: &[u8]) -> bool;
    /// Coerces the C locale to a UTF-8 one (PEP 538); true when done.
    fn coerce_legacy_locale(&mut self, warn: bool) -> bool;
    /// Decodes a command-line argument with the given UTF-8 mode.
    fn decode_arg(&self, arg: &[u8], utf8_mode: bool) -> Result<WideString, DecodeError>;
}

/// The command line given to pre-initialization.
#[derive(Clone, Copy, Debug)]
pub enum PreArgs<'a> {
    /// No command line.
    None,
    /// Wide strings (`Py_PreInitializeFromArgs`, `PyConfig_SetArgv`).
    Wide(&'a [WideString]),
    /// Bytes, decoded with the UTF-8 mode being decided (`*BytesArgs`).
    Bytes(&'a [&'a [u8]]),
}

/// The legacy global flags the compat flavour reads.
#[derive(Clone, Copy, Debug, Default)]
pub struct LegacyFlags {
    /// `Py_IsolatedFlag`.
    pub isolated: i32,
    /// `Py_IgnoreEnvironmentFlag`.
    pub ignore_environment: i32,
    /// `Py_UTF8Mode`.
    pub utf8_mode: i32,
}

/// What the `-E`/`-I`/`-X` pre-scan of the command line found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreCmdline {
    /// `-X` options, in order.
    pub xoptions: Vec<WideString>,
    /// Isolated mode after the scan.
    pub isolated: i32,
    /// Use of the environment after the scan.
    pub use_environment: i32,
    /// Development mode after the scan.
    pub dev_mode: i32,
    /// `-X warn_default_encoding` or `PYTHONWARNDEFAULTENCODING`.
    pub warn_default_encoding: i32,
}

/// The value of `-X name` or `-X name=value`: `Some(None)` when given without
/// a value, `Some(Some(v))` with one (the first occurrence wins).
#[inline(always)]
pub fn get_xoption<'a>(xoptions: &'a [WideString], name: &str) -> Option<Option<&'a [i32]>> {
    debug_assert!(!name.contains('='));
    // The key is the text before the first `=`; names hold no `=`, so the key
    // is `name` when the option ends, or has `=`, right after a prefix equal
    // to it (checked first: it rejects most options at once).
    let bytes = name.as_bytes();
    let ascii = name.is_ascii();
    let n = if ascii {
        bytes.len()
    } else {
        name.chars().count()
    };
    xoptions.iter().find_map(|x| {
        let u = x.units();
        let value = match u.get(n) {
            None if u.len() == n => None,
            None => return None,
            Some(&c) if c == '=' as i32 => Some(&u[n + 1..]),
            Some(_) => return None,
        };
        let key = &u[..n];
        let same = if ascii {
            key.iter().zip(bytes).all(|(&k, &b)| k == i32::from(b))
        } else {
            units_eq(key, name)
        };
        same.then_some(value)
    })
}

/// A bit chosen by a variable name's length and last byte (see
/// [`PreHost::python_names`]).
#[inline(always)]
pub fn env_name_bit(name: &[u8]) -> u64 {
    let last = name.last().copied().unwrap_or(0) as usize;
    1 << ((name.len() * 7 + last) & 63)
}

/// `getenv` honouring `use_environment`; empty values count as unset.
#[inline(always)]
pub fn get_env<'h>(
    host: &'h dyn PreHost,
    use_environment: bool,
    name: &str,
) -> Option<Cow<'h, [u8]>> {
    if !use_environment {
        return None;
    }
    if name.starts_with("PYTHON") && host.python_names() & env_name_bit(name.as_bytes()) == 0 {
        return None;
    }
    host.getenv(name).filter(|v| !v.is_empty())
}

/// Scans the command line for `-E`, `-I` and `-X`, stopping at `-c`/`-m`.
fn scan_argv(argv: &[WideString], cmd: &mut PreCmdline) {
    let mut g = GetOpt::new(argv);
    loop {
        match g.next_opt() {
            Opt::End | Opt::ExpectedLongOption | Opt::Opt('c' | 'm', _) => break,
            Opt::Opt('E', _) => cmd.use_environment = 0,
            Opt::Opt('I', _) => cmd.isolated = 1,
            Opt::Opt('X', Some(v)) => cmd.xoptions.push(v),
            Opt::Opt(..) | Opt::Error(_) => {}
        }
    }
}

/// Reads the pre-command-line part shared with `PyConfig_Read`: isolation,
/// environment, dev mode and `warn_default_encoding`.
pub fn read_cmdline(
    pre: &PreConfig,
    argv: Option<&[WideString]>,
    host: &dyn PreHost,
) -> PreCmdline {
    let mut cmd = PreCmdline {
        xoptions: Vec::new(),
        isolated: pre.isolated,
        use_environment: pre.use_environment,
        dev_mode: pre.dev_mode,
        warn_default_encoding: 0,
    };
    if pre.parse_argv != 0 {
        if let Some(argv) = argv {
            scan_argv(argv, &mut cmd);
        }
    }
    if cmd.isolated < 0 {
        cmd.isolated = 0;
    }
    if cmd.isolated > 0 {
        cmd.use_environment = 0;
    }
    if cmd.use_environment < 0 {
        cmd.use_environment = 0;
    }
    let use_env = cmd.use_environment > 0;
    if cmd.dev_mode < 0
        && (get_xoption(&cmd.xoptions, "dev").is_some()
            || get_env(host, use_env, "PYTHONDEVMODE").is_some())
    {
        cmd.dev_mode = 1;
    }
    if cmd.dev_mode < 0 {
        cmd.dev_mode = 0;
    }
    if get_xoption(&cmd.xoptions, "warn_default_encoding").is_some()
        || get_env(host, use_env, "PYTHONWARNDEFAULTENCODING").is_some()
    {
        cmd.warn_default_encoding = 1;
    }
    cmd
}

fn init_coerce_c_locale(pre: &mut PreConfig, host: &dyn PreHost) {
    if pre.configure_locale == 0 {
        pre.coerce_c_locale = 0;
        pre.coerce_c_locale_warn = 0;
        return;
    }
    if let Some(v) = get_env(host, pre.use_environment > 0, "PYTHONCOERCECLOCALE") {
        if *v == *b"0" {
            if pre.coerce_c_locale < 0 {
                pre.coerce_c_locale = 0;
            }
        } else if *v == *b"warn" {
            if pre.coerce_c_locale_warn < 0 {
                pre.coerce_c_locale_warn = 1;
            }
        } else if pre.coerce_c_locale < 0 {
            pre.coerce_c_locale = 1;
        }
    }
    if pre.coerce_c_locale < 0 || pre.coerce_c_locale == 1 {
        pre.coerce_c_locale = if legacy_locale_detected(host) { 2 } else { 0 };
    }
    if pre.coerce_c_locale_warn < 0 {
        pre.coerce_c_locale_warn = 0;
    }
}

/// True when `LC_CTYPE` is the plain C locale and `LC_ALL` does not override it.
pub fn legacy_locale_detected(host: &dyn PreHost) -> bool {
    if host.getenv("LC_ALL").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    host.lc_ctype_in(&[b"C"])
}

fn init_utf8_mode(pre: &mut PreConfig, cmd: &PreCmdline, host: &dyn PreHost) -> PyResult<()> {
    if pre.utf8_mode >= 0 {
        return Ok(());
    }
    if let Some(value) = get_xoption(&cmd.xoptions, "utf8") {
        pre.utf8_mode = match value {
            None => 1,
            Some(v) if v == ['1' as i32] => 1,
            Some(v) if v == ['0' as i32] => 0,
            Some(_) => {
                return status_err!("preconfig_init_utf8_mode", "invalid -X utf8 option value");
            }
        };
        return Ok(());
    }
    if let Some(v) = get_env(host, pre.use_environment > 0, "PYTHONUTF8") {
        pre.utf8_mode = match &*v {
            b"1" => 1,
            b"0" => 0,
            _ => {
                return status_err!(
                    "preconfig_init_utf8_mode",
                    "invalid PYTHONUTF8 environment variable value"
                );
            }
        };
        return Ok(());
    }
    let ctype = host.lc_ctype();
    pre.utf8_mode = matches!(ctype.as_deref(), Some(b"C") | Some(b"POSIX")) as i32;
    Ok(())
}

fn init_allocator(pre: &mut PreConfig, host: &dyn PreHost) -> PyResult<()> {
    if pre.allocator == allocator::NOT_SET {
        if let Some(name) = get_env(host, pre.use_environment > 0, "PYTHONMALLOC") {
            match allocator::by_name(&name) {
                Some(a) => pre.allocator = a,
                None => {
                    return status_err!(
                        "preconfig_init_allocator",
                        "PYTHONMALLOC: unknown allocator"
                    );
                }
            }
        }
    }
    if pre.dev_mode > 0 && pre.allocator == allocator::NOT_SET {
        pre.allocator = allocator::DEBUG;
    }
    Ok(())
}

fn read_once(pre: &mut PreConfig, argv: Option<&[WideString]>, host: &dyn PreHost) -> PyResult<()> {
    let cmd = read_cmdline(pre, argv, host);
    pre.isolated = cmd.isolated;
    pre.use_environment = cmd.use_environment;
    pre.dev_mode = cmd.dev_mode;
    init_coerce_c_locale(pre, host);
    init_utf8_mode(pre, &cmd, host)?;
    init_allocator(pre, host)
}

/// Reads the pre-configuration in place (CPython's preconfig read step).
/// Leaves the process locale as it found it, apart from a C-locale coercion
/// that the read decided on.
pub fn read(
    pre: &mut PreConfig,
    args: PreArgs<'_>,
    legacy: LegacyFlags,
    host: &mut dyn PreHost,
) -> PyResult<()> {
    if pre._config_init == CONFIG_INIT_COMPAT {
        if pre.isolated == -1 {
            pre.isolated = legacy.isolated;
        }
        if pre.use_environment == -1 {
            pre.use_environment = (legacy.ignore_environment == 0) as i32;
        }
        if legacy.utf8_mode > 0 {
            pre.utf8_mode = legacy.utf8_mode;
        }
    }
    let saved_ctype = host.lc_ctype();
    if pre.configure_locale != 0 {
        host.set_lc_ctype(b"");
    }
    let result = read_loop(pre, args, host);
    if let Some(ctype) = saved_ctype {
        host.set_lc_ctype(&ctype);
    }
    result
}

fn read_loop(pre: &mut PreConfig, args: PreArgs<'_>, host: &mut dyn PreHost) -> PyResult<()> {
    let saved = *pre;
    let mut locale_coerced = false;
    let mut loops = 0;
    loop {
        if loops == 2 {
            return status_err!(
                "_PyPreConfig_Read",
                "Encoding changed twice while reading the configuration"
            );
        }
        loops += 1;
        let utf8_before = pre.utf8_mode;
        let decoded;
        let argv = match args {
            PreArgs::None => None,
            PreArgs::Wide(w) => Some(w),
            PreArgs::Bytes(b) => {
                decoded = decode_args(b, utf8_before >= 1, host)?;
                Some(decoded.as_slice())
            }
        };
        read_once(pre, argv, host)?;
        let mut changed = false;
        if pre.coerce_c_locale != 0 && !locale_coerced {
            locale_coerced = true;
            host.coerce_legacy_locale(false);
            changed = true;
        }
        if utf8_before == -1 {
            changed |= pre.utf8_mode == 1;
        } else {
            changed |= pre.utf8_mode != utf8_before;
        }
        if !changed {
            return Ok(());
        }
        let (utf8, coerce) = (pre.utf8_mode, pre.coerce_c_locale);
        *pre = saved;
        pre.utf8_mode = utf8;
        pre.coerce_c_locale = coerce;
    }
}

/// Decodes a bytes command line; CPython's error names the arguments.
pub fn decode_args(
    args: &[&[u8]],
    utf8_mode: bool,
    host: &dyn PreHost,
) -> PyResult<Vec<WideString>> {
    args.iter()
        .map(|a| decode_arg(a, utf8_mode, host))
        .collect()
}

/// Decodes one argument of a bytes command line, with [`decode_args`]' errors.
pub fn decode_arg(arg: &[u8], utf8_mode: bool, host: &dyn PreHost) -> PyResult<WideString> {
    host.decode_arg(arg, utf8_mode).map_err(|e| match e {
        DecodeError::Invalid => Status::error(
            c"_PyArgv_AsWstrList",
            c"cannot decode command line arguments",
        ),
        DecodeError::NoMemory => Status::no_memory(c"_PyArgv_AsWstrList"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Fake {
        env: HashMap<String, Vec<u8>>,
        ctype: Vec<u8>,
        coerced: bool,
    }

    impl PreHost for Fake {
        fn getenv(&self, name: &str) -> Option<Cow<'_, [u8]>> {
            self.env.get(name).map(|v| Cow::Borrowed(v.as_slice()))
        }
        fn lc_ctype(&self) -> Option<Vec<u8>> {
            Some(self.ctype.clone())
        }
        fn set_lc_ctype(&mut self, name: &[u8]) -> bool {
            if !name.is_empty() {
                self.ctype = name.to_vec();
            }
            true
        }
        fn coerce_legacy_locale(&mut self, _warn: bool) -> bool {
            self.coerced = true;
            self.ctype = b"C.UTF-8".to_vec();
            true
        }
        fn decode_arg(&self, arg: &[u8], utf8: bool) -> Result<WideString, DecodeError> {
            let _ = utf8;
            Ok(WideString::from(std::str::from_utf8(arg).unwrap()))
        }
    }

    fn fake(env: &[(&str, &str)], ctype: &str) -> Fake {
        Fake {
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
                .collect(),
            ctype: ctype.as_bytes().to_vec(),
            coerced: false,
        }
    }

    #[test]
    fn xoption_lookup() {
        let x: Vec<WideString> = ["", "ab", "a=1", "a", "é=x", "dev=", "dev"]
            .iter()
            .map(|s| (*s).into())
            .collect();
        let one = ['1' as i32];
        let ex = ['x' as i32];
        assert_eq!(get_xoption(&x, "a"), Some(Some(&one[..])));
        assert_eq!(get_xoption(&x, "ab"), Some(None));
        assert_eq!(get_xoption(&x, "é"), Some(Some(&ex[..])));
        assert_eq!(get_xoption(&x, "dev"), Some(Some(&[][..])));
        assert_eq!(get_xoption(&x, "b"), None);
        assert_eq!(get_xoption(&x, "abc"), None);
        assert_eq!(get_xoption(&[], "a"), None);
    }

    #[test]
    fn utf8_from_xoption_beats_env() {
        let mut host = fake(&[("PYTHONUTF8", "0")], "en_US.UTF-8");
        let mut pre = PreConfig::python();
        let argv: Vec<WideString> = ["py", "-X", "utf8"].iter().map(|s| (*s).into()).collect();
        read(
            &mut pre,
            PreArgs::Wide(&argv),
            LegacyFlags::default(),
            &mut host,
        )
        .unwrap();
        assert_eq!(pre.utf8_mode, 1);
        assert_eq!(pre.coerce_c_locale, 0);
    }

    #[test]
    fn bad_values_are_errors() {
        let mut host = fake(&[("PYTHONUTF8", "2")], "C.UTF-8");
        let mut pre = PreConfig::python();
        let err = read(&mut pre, PreArgs::None, LegacyFlags::default(), &mut host).unwrap_err();
        assert_eq!(
            err.message(),
            Some("invalid PYTHONUTF8 environment variable value")
        );
        let mut host = fake(&[("PYTHONMALLOC", "nope")], "C.UTF-8");
        let mut pre = PreConfig::python();
        let err = read(&mut pre, PreArgs::None, LegacyFlags::default(), &mut host).unwrap_err();
        assert_eq!(err.message(), Some("PYTHONMALLOC: unknown allocator"));
    }

    #[test]
    fn c_locale_coerces_and_dev_mode_picks_debug_allocator() {
        let mut host = fake(&[("PYTHONDEVMODE", "1")], "C");
        let mut pre = PreConfig::python();
        read(&mut pre, PreArgs::None, LegacyFlags::default(), &mut host).unwrap();
        assert!(host.coerced);
        assert_eq!(pre.coerce_c_locale, 2);
        assert_eq!(pre.dev_mode, 1);
        assert_eq!(pre.allocator, allocator::DEBUG);
        // The C locale also turns UTF-8 mode on (decided before the coercion).
        assert_eq!(pre.utf8_mode, 1);
    }

    #[test]
    fn isolated_ignores_env() {
        let mut host = fake(
            &[("PYTHONUTF8", "1"), ("PYTHONMALLOC", "malloc")],
            "C.UTF-8",
        );
        let mut pre = PreConfig::isolated();
        read(&mut pre, PreArgs::None, LegacyFlags::default(), &mut host).unwrap();
        assert_eq!(
            (pre.utf8_mode, pre.allocator, pre.use_environment),
            (0, 0, 0)
        );
    }
}
