//! The option table behind PEP 741 (`PyInitConfig_*`, and later
//! `PyConfig_Get`/`PyConfig_Set`): every option name, its C type and who may
//! change it, with typed access to the model's members by name.

use crate::config::{Config, PreConfig};
use crate::wstr::WideString;

/// The C type of an option, which decides what the getters and setters accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberType {
    /// `int`, any value.
    Int,
    /// `int` holding a non-negative value.
    UInt,
    /// `int` used as a boolean (non-negative when set).
    Bool,
    /// `unsigned long`.
    ULong,
    /// `wchar_t *` that should not be NULL once read.
    WStr,
    /// `wchar_t *` that may be NULL.
    WStrOpt,
    /// `PyWideStringList`.
    WStrList,
}

/// Who may change an option once the interpreter runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Settable with `PyConfig_Set`.
    Public,
    /// Readable with `PyConfig_Get`, not settable.
    ReadOnly,
    /// Only meaningful before initialization (not in `PyConfig_Names`).
    InitOnly,
}

/// One option: its name, type and visibility.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The option name (a member name).
    pub name: &'static str,
    /// Its C type.
    pub ty: MemberType,
    /// Who may change it.
    pub visibility: Visibility,
}

use MemberType::*;
use Visibility::*;

const fn s(name: &'static str, ty: MemberType, visibility: Visibility) -> Spec {
    Spec {
        name,
        ty,
        visibility,
    }
}

/// Number of `PyConfig` members.
pub const CONFIG_MEMBERS: usize = 69;

macro_rules! define_specs {
    (int { $($i:ident: $it:ident $iv:ident $ix:literal,)* }
     ulong { $($u:ident: $ut:ident $uv:ident $ux:literal,)* }
     wstr { $($s:ident: $st:ident $sv:ident $sx:literal,)* }
     list { $($l:ident: $lt:ident $lv:ident $lx:literal,)* }) => {
        /// The `PyConfig` options of CPython 3.14's default Linux build, in
        /// the order of CPython's own option table (each member's position
        /// in [`config_fields!`](crate::config_fields)).
        pub const CONFIG_SPECS: &[Spec] = &{
            const UNSET: Spec = s("", Int, InitOnly);
            let mut out = [UNSET; CONFIG_MEMBERS];
            $(out[$ix] = s(stringify!($i), $it, $iv);)*
            $(out[$ux] = s(stringify!($u), $ut, $uv);)*
            $(out[$sx] = s(stringify!($s), $st, $sv);)*
            $(out[$lx] = s(stringify!($l), $lt, $lv);)*
            // Every position is taken exactly once: a gap would stay UNSET.
            let mut k = 0;
            while k < CONFIG_MEMBERS {
                assert!(!out[k].name.is_empty(), "config_fields!: a position is missing");
                k += 1;
            }
            out
        };
    };
}
crate::config_fields!(define_specs);

/// The `PyPreConfig` options reachable by name.
pub const PRECONFIG_SPECS: &[Spec] = &[
    s("allocator", Int, ReadOnly),
    s("coerce_c_locale", Bool, ReadOnly),
    s("coerce_c_locale_warn", Bool, ReadOnly),
    s("configure_locale", Bool, ReadOnly),
    s("utf8_mode", Bool, ReadOnly),
];

/// Mutable access to one member of the model.
#[derive(Debug)]
pub enum MemberMut<'a> {
    /// An `int` member.
    Int(&'a mut i32),
    /// The `unsigned long` member.
    ULong(&'a mut u64),
    /// A string member.
    Str(&'a mut Option<WideString>),
    /// A list member.
    List(&'a mut Vec<WideString>),
}

macro_rules! impl_member_mut {
    (int { $($i:ident: $it:ident $iv:ident $ix:literal,)* }
     ulong { $($u:ident: $ut:ident $uv:ident $ux:literal,)* }
     wstr { $($s:ident: $st:ident $sv:ident $sx:literal,)* }
     list { $($l:ident: $lt:ident $lv:ident $lx:literal,)* }) => {
        impl Config {
            /// The member called `name`, if there is one.
            pub fn member_mut(&mut self, name: &str) -> Option<MemberMut<'_>> {
                Some(match name {
                    $(stringify!($i) => MemberMut::Int(&mut self.$i),)*
                    $(stringify!($u) => MemberMut::ULong(&mut self.$u),)*
                    $(stringify!($s) => MemberMut::Str(&mut self.$s),)*
                    $(stringify!($l) => MemberMut::List(&mut self.$l),)*
                    _ => return None,
                })
            }
        }
    };
}
crate::config_fields!(impl_member_mut);

impl PreConfig {
    /// The `int` member called `name` among those [`PRECONFIG_SPECS`] lists.
    pub fn member_mut(&mut self, name: &str) -> Option<&mut i32> {
        Some(match name {
            "allocator" => &mut self.allocator,
            "coerce_c_locale" => &mut self.coerce_c_locale,
            "coerce_c_locale_warn" => &mut self.coerce_c_locale_warn,
            "configure_locale" => &mut self.configure_locale,
            "utf8_mode" => &mut self.utf8_mode,
            _ => return None,
        })
    }
}

/// The option called `name`: its spec and whether it lives in the pre-config.
pub fn find(name: &str) -> Option<(&'static Spec, bool)> {
    CONFIG_SPECS
        .iter()
        .find(|s| s.name == name)
        .map(|s| (s, false))
        .or_else(|| {
            PRECONFIG_SPECS
                .iter()
                .find(|s| s.name == name)
                .map(|s| (s, true))
        })
}

/// `PyConfig_GetInt` on the running interpreter's values: the integer option
/// `name` (pre-configuration options from `pre`); None for an unknown,
/// init-only or non-integer option, or an `unsigned long` out of range.
pub fn get_int(config: &mut Config, pre: &mut PreConfig, name: &str) -> Option<i32> {
    match find(name) {
        Some((spec, _)) if spec.visibility == Visibility::InitOnly => None,
        Some((_, true)) => pre.member_mut(name).map(|v| *v),
        Some((spec, false)) => match (spec.ty, config.member_mut(name)) {
            (Int | UInt | Bool, Some(MemberMut::Int(v))) => Some(*v),
            (ULong, Some(MemberMut::ULong(v))) => i32::try_from(*v).ok(),
            _ => None,
        },
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spec_names_a_member() {
        let mut c = Config::isolated();
        for s in CONFIG_SPECS {
            let m = c.member_mut(s.name).expect(s.name);
            let ok = matches!(
                (s.ty, m),
                (Int | UInt | Bool, MemberMut::Int(_))
                    | (ULong, MemberMut::ULong(_))
                    | (WStr | WStrOpt, MemberMut::Str(_))
                    | (WStrList, MemberMut::List(_))
            );
            assert!(ok, "{} has the wrong kind", s.name);
        }
        // All 69 members are reachable; 67 names are public or read-only, with the pre-config's.
        assert_eq!(CONFIG_SPECS.len(), CONFIG_MEMBERS);
        // CPython's table order: the public options first, by name, then the
        // read-only and the init-only ones.
        let names: Vec<&str> = CONFIG_SPECS.iter().map(|s| s.name).collect();
        assert_eq!(names[..3], ["argv", "base_exec_prefix", "base_executable"]);
        assert_eq!(names[24], "buffered_stdio");
        assert_eq!(names[68], "sys_path_0");
        let names = CONFIG_SPECS
            .iter()
            .filter(|s| s.visibility != InitOnly)
            .count()
            + PRECONFIG_SPECS.len();
        assert_eq!(names, 67);
        let mut p = PreConfig::isolated();
        for s in PRECONFIG_SPECS {
            assert!(p.member_mut(s.name).is_some());
        }
    }
}
