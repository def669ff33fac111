//! PEP 741's `PyInitConfig` on owned types: an isolated pre-configuration and
//! configuration, changed by option name, with CPython's sticky error state.

use std::ffi::CString;

use crate::abi::pylifecycle::_inittab;
use crate::config::spec::{self, MemberMut, MemberType};
use crate::config::{Config, PreConfig};
use crate::locale::{decode_utf8_strict, encode_utf8_strict};
use crate::status::Status;
use crate::wstr::WideString;

/// An initialization configuration built option by option.
#[derive(Debug)]
pub struct InitConfig {
    /// The pre-configuration (isolated flavour at creation).
    pub pre: PreConfig,
    /// The configuration (isolated flavour at creation).
    pub config: Config,
    /// The first failure, kept until the object is freed (`None`: none yet).
    status: Option<Status>,
    /// Storage for the "exit code N" text `get_error` hands out.
    exit_text: Option<CString>,
    /// Modules added with `PyInitConfig_AddModule`, in order.
    pub inittab: Vec<_inittab>,
}

/// A failed call; the reason is stored in the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed;

type Res<T> = Result<T, Failed>;

impl Default for InitConfig {
    fn default() -> Self {
        InitConfig::new()
    }
}

impl InitConfig {
    /// `PyInitConfig_Create`: the isolated flavours of both structures.
    pub fn new() -> InitConfig {
        InitConfig {
            pre: PreConfig::isolated(),
            config: Config::isolated(),
            status: None,
            exit_text: None,
            inittab: Vec::new(),
        }
    }

    fn fail<T>(&mut self, msg: &'static std::ffi::CStr) -> Res<T> {
        self.status = Some(Status::Error { func: None, msg });
        Err(Failed)
    }

    /// Records the outcome of initialization (an error or an exit request).
    pub fn set_status(&mut self, status: Status) {
        self.status = Some(status);
    }

    /// `PyInitConfig_GetError`: the message of the recorded error, or
    /// "exit code N" for a recorded exit request.
    pub fn get_error(&mut self) -> Option<&std::ffi::CStr> {
        match self.status {
            Some(Status::Exit(code)) => {
                let text = CString::new(format!("exit code {code}")).ok()?;
                Some(self.exit_text.insert(text).as_c_str())
            }
            Some(Status::Error { msg, .. }) => Some(msg),
            None => None,
        }
    }

    /// `PyInitConfig_GetExitCode`.
    pub fn exit_code(&self) -> Option<i32> {
        match self.status {
            Some(Status::Exit(code)) => Some(code),
            _ => None,
        }
    }

    fn member(&mut self, name: &str) -> Res<(MemberType, Slot)> {
        match spec::find(name) {
            Some((spec, true)) => Ok((spec.ty, Slot::Pre(spec.name))),
            Some((spec, false)) => Ok((spec.ty, Slot::Config(spec.name))),
            None => self.fail(c"unknown config option name"),
        }
    }

    fn slot(&mut self, slot: Slot) -> MemberMut<'_> {
        match slot {
            Slot::Pre(name) => MemberMut::Int(self.pre.member_mut(name).expect("spec table")),
            Slot::Config(name) => self.config.member_mut(name).expect("spec table"),
        }
    }

    /// `PyInitConfig_GetInt`.
    pub fn get_int(&mut self, name: &str) -> Res<i64> {
        let (ty, slot) = self.member(name)?;
        match (ty, self.slot(slot)) {
            (MemberType::Int | MemberType::UInt | MemberType::Bool, MemberMut::Int(v)) => {
                Ok(*v as i64)
            }
            (MemberType::ULong, MemberMut::ULong(v)) => match i64::try_from(*v) {
                Ok(v) => Ok(v),
                Err(_) => self.fail(c"config option value doesn't fit into int64_t"),
            },
            _ => self.fail(c"config option type is not int"),
        }
    }

    /// `PyInitConfig_SetInt` (setting `hash_seed` also sets `use_hash_seed`).
    pub fn set_int(&mut self, name: &str, value: i64) -> Res<()> {
        let (ty, slot) = self.member(name)?;
        let ok = match (ty, self.slot(slot)) {
            (MemberType::Int, MemberMut::Int(v)) => match i32::try_from(value) {
                Ok(n) => {
                    *v = n;
                    Ok(())
                }
                Err(_) => Err(c"config option value is out of int range"),
            },
            (MemberType::UInt | MemberType::Bool, MemberMut::Int(v)) => {
                match u32::try_from(value) {
                    Ok(n) => {
                        *v = n as i32;
                        Ok(())
                    }
                    Err(_) => Err(c"config option value is out of unsigned int range"),
                }
            }
            (MemberType::ULong, MemberMut::ULong(v)) => match u64::try_from(value) {
                Ok(n) => {
                    *v = n;
                    Ok(())
                }
                Err(_) => Err(c"config option value is out of unsigned long range"),
            },
            _ => Err(c"config option type is not int"),
        };
        match ok {
            Ok(()) => {
                if name == "hash_seed" {
                    self.config.use_hash_seed = 1;
                }
                Ok(())
            }
            Err(msg) => self.fail(msg),
        }
    }

    /// `PyInitConfig_GetStr`: UTF-8 bytes, or `None` for an unset string.
    pub fn get_str(&mut self, name: &str) -> Res<Option<Vec<u8>>> {
        let (ty, slot) = self.member(name)?;
        let value = match (ty, self.slot(slot)) {
            (MemberType::WStr | MemberType::WStrOpt, MemberMut::Str(v)) => v.clone(),
            _ => return self.fail(c"config option type is not string"),
        };
        match value {
            None => Ok(None),
            Some(w) => match encode_utf8_strict(w.units()) {
                Some(b) => Ok(Some(b)),
                None => self.fail(c"encoding error"),
            },
        }
    }

    /// `PyInitConfig_SetStr` with UTF-8 input (`None`: NULL).
    pub fn set_str(&mut self, name: &str, value: Option<&[u8]>) -> Res<()> {
        let (ty, slot) = self.member(name)?;
        if !matches!(ty, MemberType::WStr | MemberType::WStrOpt) {
            return self.fail(c"config option type is not string");
        }
        let new = match value {
            None if ty == MemberType::WStr => {
                return self.fail(c"config option string cannot be NULL");
            }
            None => None,
            Some(bytes) => match decode_utf8_strict(bytes) {
                Some(units) => Some(WideString::from_units(units)),
                None => return self.fail(c"decoding error"),
            },
        };
        if let MemberMut::Str(v) = self.slot(slot) {
            *v = new;
        }
        Ok(())
    }

    /// `PyInitConfig_GetStrList`: UTF-8 items.
    pub fn get_str_list(&mut self, name: &str) -> Res<Vec<Vec<u8>>> {
        let (ty, slot) = self.member(name)?;
        let items = match (ty, self.slot(slot)) {
            (MemberType::WStrList, MemberMut::List(v)) => v.clone(),
            _ => return self.fail(c"config option type is not string list"),
        };
        let mut out = Vec::with_capacity(items.len());
        for w in &items {
            match encode_utf8_strict(w.units()) {
                Some(b) => out.push(b),
                None => return self.fail(c"encoding error"),
            }
        }
        Ok(out)
    }

    /// `PyInitConfig_SetStrList` with UTF-8 items (setting
    /// `module_search_paths` also sets `module_search_paths_set`).
    pub fn set_str_list(&mut self, name: &str, items: &[&[u8]]) -> Res<()> {
        let (ty, slot) = self.member(name)?;
        if ty != MemberType::WStrList {
            return self.fail(c"config option type is not strings list");
        }
        let mut list = Vec::with_capacity(items.len());
        for bytes in items {
            match decode_utf8_strict(bytes) {
                Some(units) => list.push(WideString::from_units(units)),
                None => return self.fail(c"decoding error"),
            }
        }
        if let MemberMut::List(v) = self.slot(slot) {
            *v = list;
        }
        if name == "module_search_paths" {
            self.config.module_search_paths_set = 1;
        }
        Ok(())
    }

    /// Records an out-of-memory failure.
    pub fn no_memory(&mut self) -> Failed {
        self.status = Some(Status::Error {
            func: None,
            msg: crate::status::NO_MEMORY_MSG,
        });
        Failed
    }
}

#[derive(Clone, Copy)]
enum Slot {
    Pre(&'static str),
    Config(&'static str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_sticky() {
        let mut c = InitConfig::new();
        assert!(c.get_error().is_none());
        assert_eq!(c.get_int("nope"), Err(Failed));
        assert_eq!(c.set_int("verbose", 2), Ok(()));
        assert_eq!(
            c.get_error().unwrap().to_str().unwrap(),
            "unknown config option name"
        );
        assert_eq!(c.set_int("verbose", -1), Err(Failed));
        assert_eq!(c.set_int("cpu_count", -1), Ok(()));
        assert_eq!(c.set_int("hash_seed", 10), Ok(()));
        assert_eq!(c.config.use_hash_seed, 1);
        assert_eq!(c.get_int("allocator"), Ok(0));
        assert_eq!(c.set_str("home", Some(b"\xff")), Err(Failed));
        assert_eq!(c.get_error().unwrap().to_str().unwrap(), "decoding error");
        c.set_status(Status::Exit(3));
        assert_eq!(c.get_error().unwrap().to_str().unwrap(), "exit code 3");
        assert_eq!(c.exit_code(), Some(3));
    }
}
