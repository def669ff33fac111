//! The safe configuration model: [`Config`] and [`PreConfig`] on owned types.
//!
//! `ffi::initconfig` converts between these and the `#[repr(C)]` structs once,
//! at the boundary. The field list is written once, in [`config_fields!`], and
//! every per-field operation (the model struct, conversions, clearing) is
//! generated from it, so adding a field cannot miss a step.

use crate::wstr::WideString;

pub mod cparse;
pub mod fake;
pub mod getopt;
pub mod help;

pub mod legacy_paths;
pub mod pep741;
pub mod preconfig;
pub mod read;
pub mod spec;

/// `_config_init` value of the compat flavour (`Py_Initialize*`).
pub const CONFIG_INIT_COMPAT: i32 = 1;
/// `_config_init` value of `PyConfig_InitPythonConfig` / `PyPreConfig_InitPythonConfig`.
pub const CONFIG_INIT_PYTHON: i32 = 2;
/// `_config_init` value of the isolated flavour (also `PyInitConfig_Create`).
pub const CONFIG_INIT_ISOLATED: i32 = 3;

/// CPython's default limit on int/str conversion digits.
pub const DEFAULT_MAX_STR_DIGITS: i32 = 4300;

/// Every `PyConfig` member, the one table of them: grouped by C kind, in
/// header order, each with its option type, its visibility (PEP 741,
/// [`spec::MemberType`], [`spec::Visibility`]) and its position in CPython's
/// own option table (the order `PyConfig_Names` lists and getpath's results
/// are read in; [`spec::CONFIG_SPECS`] follows it). Calls `$callback!` with it:
/// the model's struct, its by-name access, the option table and the
/// conversions to and from C are all generated from this list.
#[macro_export]
#[doc(hidden)]
macro_rules! config_fields {
    ($callback:ident) => {
        $callback! {
            int {
                _config_init: UInt InitOnly 62,
                isolated: Bool ReadOnly 40,
                use_environment: Bool Public 19,
                dev_mode: Bool ReadOnly 28,
                install_signal_handlers: Bool ReadOnly 39,
                use_hash_seed: Bool ReadOnly 59,
                faulthandler: Bool ReadOnly 31,
                tracemalloc: UInt ReadOnly 57,
                perf_profiling: UInt ReadOnly 45,
                remote_debug: Bool ReadOnly 46,
                import_time: UInt ReadOnly 38,
                code_debug_ranges: Bool ReadOnly 26,
                show_ref_count: Bool ReadOnly 52,
                dump_refs: Bool ReadOnly 29,
                malloc_stats: Bool ReadOnly 41,
                parse_argv: Bool ReadOnly 43,
                site_import: Bool ReadOnly 53,
                bytes_warning: UInt Public 4,
                warn_default_encoding: Bool ReadOnly 61,
                inspect: Bool Public 8,
                interactive: Bool Public 10,
                optimization_level: UInt Public 12,
                parser_debug: Bool Public 13,
                write_bytecode: Bool Public 22,
                verbose: UInt Public 20,
                quiet: Bool Public 17,
                user_site_directory: Bool ReadOnly 60,
                configure_c_stdio: Bool ReadOnly 27,
                buffered_stdio: Bool ReadOnly 24,
                use_frozen_modules: Bool ReadOnly 58,
                safe_path: Bool ReadOnly 51,
                int_max_str_digits: UInt Public 9,
                thread_inherit_context: Int ReadOnly 36,
                context_aware_warnings: Int ReadOnly 37,
                cpu_count: Int Public 5,
                pathconfig_warnings: Bool ReadOnly 44,
                module_search_paths_set: Bool InitOnly 66,
                skip_source_first_line: Bool ReadOnly 54,
                _install_importlib: Bool InitOnly 64,
                _init_main: Bool InitOnly 63,
                _is_python_build: Bool InitOnly 65,
            }
            ulong {
                hash_seed: ULong ReadOnly 34,
            }
            wstr {
                dump_refs_file: WStrOpt ReadOnly 30,
                filesystem_encoding: WStr ReadOnly 32,
                filesystem_errors: WStr ReadOnly 33,
                pycache_prefix: WStrOpt Public 16,
                stdio_encoding: WStr ReadOnly 55,
                stdio_errors: WStr ReadOnly 56,
                check_hash_pycs_mode: WStr ReadOnly 25,
                program_name: WStr ReadOnly 47,
                pythonpath_env: WStrOpt InitOnly 67,
                home: WStrOpt ReadOnly 35,
                platlibdir: WStr Public 14,
                stdlib_dir: WStrOpt Public 18,
                executable: WStrOpt Public 7,
                base_executable: WStrOpt Public 2,
                prefix: WStrOpt Public 15,
                base_prefix: WStrOpt Public 3,
                exec_prefix: WStrOpt Public 6,
                base_exec_prefix: WStrOpt Public 1,
                run_command: WStrOpt ReadOnly 48,
                run_module: WStrOpt ReadOnly 50,
                run_filename: WStrOpt ReadOnly 49,
                sys_path_0: WStrOpt InitOnly 68,
            }
            list {
                orig_argv: WStrList ReadOnly 42,
                argv: WStrList Public 0,
                xoptions: WStrList Public 23,
                warnoptions: WStrList Public 21,
                module_search_paths: WStrList Public 11,
            }
        }
    };
}

macro_rules! define_config {
    (int { $($i:ident: $it:ident $iv:ident $ix:literal,)* }
     ulong { $($u:ident: $ut:ident $uv:ident $ux:literal,)* }
     wstr { $($s:ident: $st:ident $sv:ident $sx:literal,)* }
     list { $($l:ident: $lt:ident $lv:ident $lx:literal,)* }) => {
        /// A `PyConfig` on owned types. Each member has the name, meaning and
        /// value range of the `PyConfig` member of the same name (CPython's
        /// documentation of `PyConfig` describes each one); -1 means "not set yet,
        /// decided by `PyConfig_Read`".
        #[allow(missing_docs)]
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct Config {
            $(pub $i: i32,)*
            $(pub $u: u64,)*
            $(pub $s: Option<WideString>,)*
            $(pub $l: Vec<WideString>,)*
        }

    };
}
config_fields!(define_config);

impl Config {
    /// The flavour matching a `_config_init` value (unknown values give compat).
    pub fn for_flavour(config_init: i32) -> Config {
        match config_init {
            CONFIG_INIT_PYTHON => Config::python(),
            CONFIG_INIT_ISOLATED => Config::isolated(),
            _ => Config::compat(),
        }
    }

    /// The compat flavour (`_PyConfig_InitCompatConfig`, used by `Py_Initialize*`):
    /// most flags are -1 so that `PyConfig_Read` takes them from the legacy globals.
    pub fn compat() -> Config {
        Config {
            _config_init: CONFIG_INIT_COMPAT,
            isolated: -1,
            use_environment: -1,
            dev_mode: -1,
            install_signal_handlers: 1,
            use_hash_seed: -1,
            hash_seed: 0,
            faulthandler: -1,
            tracemalloc: -1,
            perf_profiling: -1,
            remote_debug: -1,
            import_time: -1,
            code_debug_ranges: 1,
            show_ref_count: 0,
            dump_refs: 0,
            dump_refs_file: None,
            malloc_stats: 0,
            filesystem_encoding: None,
            filesystem_errors: None,
            pycache_prefix: None,
            parse_argv: 0,
            orig_argv: Vec::new(),
            argv: Vec::new(),
            xoptions: Vec::new(),
            warnoptions: Vec::new(),
            site_import: -1,
            bytes_warning: -1,
            warn_default_encoding: 0,
            inspect: -1,
            interactive: -1,
            optimization_level: -1,
            parser_debug: -1,
            write_bytecode: -1,
            verbose: -1,
            quiet: -1,
            user_site_directory: -1,
            configure_c_stdio: 0,
            buffered_stdio: -1,
            stdio_encoding: None,
            stdio_errors: None,
            check_hash_pycs_mode: None,
            use_frozen_modules: 1,
            safe_path: 0,
            int_max_str_digits: -1,
            thread_inherit_context: 0,
            context_aware_warnings: 0,
            cpu_count: -1,
            pathconfig_warnings: -1,
            program_name: None,
            pythonpath_env: None,
            home: None,
            platlibdir: None,
            module_search_paths_set: 0,
            module_search_paths: Vec::new(),
            stdlib_dir: None,
            executable: None,
            base_executable: None,
            prefix: None,
            base_prefix: None,
            exec_prefix: None,
            base_exec_prefix: None,
            skip_source_first_line: 0,
            run_command: None,
            run_module: None,
            run_filename: None,
            sys_path_0: None,
            _install_importlib: 1,
            _init_main: 1,
            _is_python_build: 0,
        }
    }

    /// The Python flavour (`PyConfig_InitPythonConfig`): behaves like the
    /// `python3` program, reading the environment and the command line.
    pub fn python() -> Config {
        Config {
            _config_init: CONFIG_INIT_PYTHON,
            isolated: 0,
            use_environment: 1,
            parse_argv: 1,
            site_import: 1,
            bytes_warning: 0,
            inspect: 0,
            interactive: 0,
            optimization_level: 0,
            parser_debug: 0,
            write_bytecode: 1,
            verbose: 0,
            quiet: 0,
            user_site_directory: 1,
            configure_c_stdio: 1,
            buffered_stdio: 1,
            pathconfig_warnings: 1,
            ..Config::compat()
        }
    }

    /// The isolated flavour (`PyConfig_InitIsolatedConfig`): ignores the
    /// environment, the command line and the user's site directory.
    pub fn isolated() -> Config {
        Config {
            _config_init: CONFIG_INIT_ISOLATED,
            isolated: 1,
            use_environment: 0,
            dev_mode: 0,
            install_signal_handlers: 0,
            use_hash_seed: 0,
            tracemalloc: 0,
            perf_profiling: 0,
            parse_argv: 0,
            site_import: 1,
            bytes_warning: 0,
            inspect: 0,
            interactive: 0,
            optimization_level: 0,
            parser_debug: 0,
            write_bytecode: 1,
            verbose: 0,
            quiet: 0,
            user_site_directory: 0,
            configure_c_stdio: 0,
            buffered_stdio: 1,
            safe_path: 1,
            int_max_str_digits: DEFAULT_MAX_STR_DIGITS,
            pathconfig_warnings: 0,
            ..Config::compat()
        }
    }
}

/// A `PyPreConfig` on owned types (all members are integers; see
/// `PyPreConfig` in CPython's documentation for each one).
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PreConfig {
    pub _config_init: i32,
    pub parse_argv: i32,
    pub isolated: i32,
    pub use_environment: i32,
    pub configure_locale: i32,
    pub coerce_c_locale: i32,
    pub coerce_c_locale_warn: i32,
    pub utf8_mode: i32,
    pub dev_mode: i32,
    pub allocator: i32,
}

impl PreConfig {
    /// The compat flavour (`_PyPreConfig_InitCompatConfig`).
    pub const fn compat() -> PreConfig {
        PreConfig {
            _config_init: CONFIG_INIT_COMPAT,
            parse_argv: 0,
            isolated: -1,
            use_environment: -1,
            configure_locale: 1,
            coerce_c_locale: 0,
            coerce_c_locale_warn: 0,
            utf8_mode: 0,
            dev_mode: -1,
            allocator: 0,
        }
    }

    /// The Python flavour (`PyPreConfig_InitPythonConfig`).
    pub const fn python() -> PreConfig {
        PreConfig {
            _config_init: CONFIG_INIT_PYTHON,
            parse_argv: 1,
            isolated: 0,
            use_environment: 1,
            coerce_c_locale: -1,
            coerce_c_locale_warn: -1,
            utf8_mode: -1,
            ..PreConfig::compat()
        }
    }

    /// The isolated flavour (`PyPreConfig_InitIsolatedConfig`).
    pub const fn isolated() -> PreConfig {
        PreConfig {
            _config_init: CONFIG_INIT_ISOLATED,
            parse_argv: 0,
            isolated: 1,
            use_environment: 0,
            configure_locale: 0,
            dev_mode: 0,
            ..PreConfig::compat()
        }
    }

    /// Takes the members a `PyConfig` passes to its pre-configuration
    /// (`parse_argv`, `isolated`, `use_environment`, `dev_mode`), skipping the
    /// ones still -1.
    pub fn overlay(&mut self, parse_argv: i32, isolated: i32, use_environment: i32, dev_mode: i32) {
        for (dst, src) in [
            (&mut self.parse_argv, parse_argv),
            (&mut self.isolated, isolated),
            (&mut self.use_environment, use_environment),
            (&mut self.dev_mode, dev_mode),
        ] {
            if src != -1 {
                *dst = src;
            }
        }
    }

    /// The flavour matching a `_config_init` value (unknown values give compat).
    pub const fn for_flavour(config_init: i32) -> PreConfig {
        match config_init {
            CONFIG_INIT_PYTHON => PreConfig::python(),
            CONFIG_INIT_ISOLATED => PreConfig::isolated(),
            _ => PreConfig::compat(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flavours_differ_where_cpython_says() {
        let (c, p, i) = (Config::compat(), Config::python(), Config::isolated());
        assert_eq!((c.site_import, p.site_import, i.site_import), (-1, 1, 1));
        assert_eq!(
            (
                c.int_max_str_digits,
                p.int_max_str_digits,
                i.int_max_str_digits
            ),
            (-1, -1, 4300)
        );
        assert_eq!((c.safe_path, p.safe_path, i.safe_path), (0, 0, 1));
        assert_eq!(PreConfig::python().utf8_mode, -1);
        assert_eq!(PreConfig::isolated().configure_locale, 0);
    }
}
