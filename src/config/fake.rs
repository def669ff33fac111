//! A deterministic host for the configuration reader: fixed environment,
//! UTF-8 locale, output counted instead of printed. Used by the randomized
//! tests and the libFuzzer target.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::config::preconfig::PreHost;
use crate::config::read::ConfigHost;
use crate::locale::{DecodeError, decode_utf8_escape, encode_utf8_escape};
use crate::wstr::WideString;

/// A host with the given environment and a `C.UTF-8` locale.
#[derive(Debug, Default)]
pub struct FakeHost {
    /// Environment variables.
    pub env: HashMap<String, Vec<u8>>,
    /// Bytes "printed" to stdout and stderr.
    pub output: usize,
}

impl PreHost for FakeHost {
    fn getenv(&self, name: &str) -> Option<Cow<'_, [u8]>> {
        self.env.get(name).map(|v| Cow::Borrowed(v.as_slice()))
    }
    fn lc_ctype(&self) -> Option<Vec<u8>> {
        Some(b"C.UTF-8".to_vec())
    }
    fn set_lc_ctype(&mut self, _: &[u8]) -> bool {
        true
    }
    fn coerce_legacy_locale(&mut self, _: bool) -> bool {
        false
    }
    fn decode_arg(&self, arg: &[u8], _utf8: bool) -> Result<WideString, DecodeError> {
        Ok(WideString::from_units(decode_utf8_escape(arg)))
    }
}

impl ConfigHost for FakeHost {
    fn cwd(&self) -> Option<WideString> {
        Some("/cwd".into())
    }
    fn with_locale_codeset(&self, f: &mut dyn FnMut(Option<&[u8]>)) {
        f(Some(b"UTF-8"))
    }
    fn force_ascii(&self) -> bool {
        false
    }
    fn write_stdout(&mut self, text: &[u8]) {
        self.output += text.len();
    }
    fn write_stderr(&mut self, text: &[u8]) {
        self.output += text.len();
    }
    fn encode(&self, text: &WideString) -> Vec<u8> {
        encode_utf8_escape(text.units()).unwrap_or_default()
    }
    fn ignore_environment_flag(&self) -> bool {
        false
    }
}

/// Reads a configuration of flavour `flavour` (1 compat, 2 Python, 3
/// isolated) from `argv` and `env` with a [`FakeHost`]: pre-configuration,
/// then `PyConfig_Read`, then a second read that must agree with the first.
/// Panics only if the reader misbehaves.
pub fn read_scenario(
    flavour: i32,
    parse_argv: i32,
    argv: Vec<WideString>,
    env: HashMap<String, Vec<u8>>,
) {
    use crate::config::preconfig::{self, LegacyFlags, PreArgs};
    use crate::config::read::{LegacyGlobals, ReadContext, read};
    use crate::config::{Config, PreConfig};
    let mut host = FakeHost { env, output: 0 };
    let mut pre = PreConfig::for_flavour(flavour);
    let pre_result = preconfig::read(
        &mut pre,
        PreArgs::Wide(&argv),
        LegacyFlags::default(),
        &mut host,
    );
    let mut config = match flavour {
        1 => Config::compat(),
        2 => Config::python(),
        _ => Config::isolated(),
    };
    config.parse_argv = parse_argv;
    config.argv = argv;
    let ctx = ReadContext {
        preconfig: pre,
        legacy: LegacyGlobals::default(),
        queued_warnoptions: &[],
        queued_xoptions: &[],
        copy_legacy_paths: &|c| {
            crate::config::legacy_paths::copy_into(
                c,
                &crate::config::legacy_paths::LegacyPaths::new(),
            )
        },
    };
    if pre_result.is_ok() && read(&mut config, &ctx, &mut host).is_ok() {
        // Reading again changes nothing, except that CPython recomputes
        // warn_default_encoding from the (now unparsed) command line.
        let mut again = config.clone();
        read(&mut config, &ctx, &mut host).expect("second read");
        again.warn_default_encoding = config.warn_default_encoding;
        assert_eq!(config, again);
        assert!(!config.argv.is_empty());
    }
}
