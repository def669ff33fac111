//! The process-wide path configuration of the legacy API: what
//! `Py_SetPythonHome`, `Py_SetProgramName` and `Py_SetPath` recorded, and what
//! the last initialization computed (`Py_GetPath`, `Py_GetPrefix`, ...).
//!
//! `PyConfig_Read` copies the recorded values into members the caller left
//! unset ([`copy_into`]); initialization stores the computed paths back
//! ([`LegacyPaths::update_from`]).

use crate::config::Config;
use crate::wstr::WideString;

/// The legacy path configuration (`None` is NULL).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LegacyPaths {
    /// `Py_GetPrefix`; `""` after `Py_SetPath`.
    pub prefix: Option<WideString>,
    /// `Py_GetExecPrefix`; `""` after `Py_SetPath`.
    pub exec_prefix: Option<WideString>,
    /// The standard library directory (`""`, or the home, after `Py_SetPath`).
    pub stdlib_dir: Option<WideString>,
    /// `Py_GetProgramName` / `Py_SetProgramName`.
    pub program_name: Option<WideString>,
    /// `Py_GetPythonHome` / `Py_SetPythonHome`.
    pub home: Option<WideString>,
    /// `Py_GetProgramFullPath`: the computed `executable`.
    pub program_full_path: Option<WideString>,
    /// The string given to `Py_SetPath`.
    pub module_search_path: Option<WideString>,
    /// The computed search path joined with `:`.
    pub calculated_module_search_path: Option<WideString>,
    /// Whether the last computation found a build tree.
    pub is_python_build: i32,
}

fn non_empty(value: Option<&WideString>) -> Option<WideString> {
    value.filter(|v| !v.is_empty()).cloned()
}

impl LegacyPaths {
    /// The empty configuration (nothing recorded).
    pub const fn new() -> LegacyPaths {
        LegacyPaths {
            prefix: None,
            exec_prefix: None,
            stdlib_dir: None,
            program_name: None,
            home: None,
            program_full_path: None,
            module_search_path: None,
            calculated_module_search_path: None,
            is_python_build: 0,
        }
    }

    /// `Py_SetPythonHome`: NULL or `""` forgets the home.
    pub fn set_home(&mut self, home: Option<&WideString>) {
        self.home = non_empty(home);
    }

    /// `Py_SetProgramName`: NULL or `""` forgets the name.
    pub fn set_program_name(&mut self, name: Option<&WideString>) {
        self.program_name = non_empty(name);
    }

    /// `Py_SetPath`: NULL forgets everything recorded; otherwise the search
    /// path is fixed, the prefixes become `""` and the standard library
    /// directory becomes the home (or `""`).
    pub fn set_path(&mut self, path: Option<&WideString>) {
        let Some(path) = path else {
            *self = LegacyPaths::new();
            return;
        };
        self.prefix = Some(WideString::new());
        self.exec_prefix = Some(WideString::new());
        self.stdlib_dir = Some(self.home.clone().unwrap_or_default());
        self.module_search_path = Some(path.clone());
        self.calculated_module_search_path = None;
    }

    /// `Py_GetPath`: the string given to `Py_SetPath`, else the computed path.
    pub fn path(&self) -> Option<&WideString> {
        self.module_search_path
            .as_ref()
            .or(self.calculated_module_search_path.as_ref())
    }

    /// Stores what an initialization computed (members that are set).
    pub fn update_from(&mut self, c: &Config) {
        fn copy(dst: &mut Option<WideString>, src: &Option<WideString>) {
            if src.is_some() {
                dst.clone_from(src);
            }
        }
        copy(&mut self.prefix, &c.prefix);
        copy(&mut self.exec_prefix, &c.exec_prefix);
        copy(&mut self.stdlib_dir, &c.stdlib_dir);
        copy(&mut self.program_name, &c.program_name);
        copy(&mut self.home, &c.home);
        copy(&mut self.program_full_path, &c.executable);
        if c._is_python_build >= 0 {
            self.is_python_build = c._is_python_build;
        }
        let paths = &c.module_search_paths;
        let len = paths
            .iter()
            .map(|p| p.len() + 1)
            .sum::<usize>()
            .saturating_sub(1);
        let mut joined: Vec<crate::wstr::WChar> = Vec::with_capacity(len);
        for (i, p) in paths.iter().enumerate() {
            if i > 0 {
                joined.push(':' as crate::wstr::WChar);
            }
            joined.extend_from_slice(p.units());
        }
        self.calculated_module_search_path = Some(WideString::from_slice(&joined));
    }
}

/// Copies recorded values into the members `c` leaves unset (NULL), and
/// the build-tree flag when `c` has none (the first step of the path
/// configuration, run by `PyConfig_Read` and again at initialization).
pub fn copy_into(c: &mut Config, g: &LegacyPaths) {
    fn copy(dst: &mut Option<WideString>, src: &Option<WideString>) {
        if dst.is_none() && src.is_some() {
            dst.clone_from(src);
        }
    }
    copy(&mut c.prefix, &g.prefix);
    copy(&mut c.exec_prefix, &g.exec_prefix);
    copy(&mut c.stdlib_dir, &g.stdlib_dir);
    copy(&mut c.program_name, &g.program_name);
    copy(&mut c.home, &g.home);
    copy(&mut c.executable, &g.program_full_path);
    if g.is_python_build >= 0 && c._is_python_build <= 0 {
        c._is_python_build = g.is_python_build;
    }
}
