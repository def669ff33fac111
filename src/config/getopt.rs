//! The `python3` command-line scanner (CPython's own getopt, not POSIX's).
//!
//! * `argv[0]` is skipped; scanning stops at the first argument that does not
//!   start with `-`, at a lone `-`, and after `--` (which is consumed);
//! * whole arguments `--help` and `--version` act as `-h` and `-V`;
//! * short options may be grouped (`-bBE`); an option taking a value takes the
//!   rest of the group (`-Wd`, `-Xdev`) or else the next argument;
//! * a `-` inside a group starts a long option named by the rest of the
//!   argument (`--help-env`, `-b-x`); a lone trailing `-` (`-b-`) ends the scan
//!   with the diagnostic "Expected long option";
//! * long options match exactly; `check-hash-based-pycs` takes the next argument.

use crate::wstr::{WChar, WideString, units_eq};

/// Short options; a `:` marks an option that takes a value.
pub const SHORT_OPTS: &str = "bBc:dEhiIm:OPqRsStuvVW:xX:?";

/// Option character reported for `--check-hash-based-pycs`.
pub const OPT_CHECK_HASH: char = '\u{0}';
/// Option character reported for `--help-all`.
pub const OPT_HELP_ALL: char = '\u{1}';
/// Option character reported for `--help-env`.
pub const OPT_HELP_ENV: char = '\u{2}';
/// Option character reported for `--help-xoptions`.
pub const OPT_HELP_XOPTIONS: char = '\u{3}';

/// Long options: name, takes a value, and the option character reported.
pub const LONG_OPTS: &[(&str, bool, char)] = &[
    ("check-hash-based-pycs", true, OPT_CHECK_HASH),
    ("help-all", false, OPT_HELP_ALL),
    ("help-env", false, OPT_HELP_ENV),
    ("help-xoptions", false, OPT_HELP_XOPTIONS),
];

/// One step of the scan.
#[derive(Debug, PartialEq, Eq)]
pub enum Opt {
    /// An option character (long options map to their character) and its value.
    Opt(char, Option<WideString>),
    /// An unknown option or a missing value: CPython's diagnostic line
    /// (without newline, as bytes because it may quote a non-UTF-8 unit).
    Error(Vec<u8>),
    /// No more options.
    End,
    /// "Expected long option": the scan ends (CPython prints the line, then stops
    /// as if the options had ended).
    ExpectedLongOption,
}

/// A scanner over `argv` (index 0 is the program name and is skipped).
pub struct GetOpt<'a> {
    argv: &'a [WideString],
    /// Index of the next argument to read (CPython's `_PyOS_optind`).
    pub index: usize,
    /// Remaining units of the current group of short options.
    group: &'a [WChar],
}

const DASH: WChar = '-' as WChar;

/// What [`SHORT_OPTS`] says about each ASCII character: 0 not an option,
/// 1 an option, 2 an option taking a value.
const SHORT_KIND: [u8; 128] = {
    let s = SHORT_OPTS.as_bytes();
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < s.len() {
        if s[i] != b':' {
            t[s[i] as usize] = if i + 1 < s.len() && s[i + 1] == b':' {
                2
            } else {
                1
            };
        }
        i += 1;
    }
    t
};

/// The diagnostic for an unknown short option (CPython prints the option
/// as a single, truncated, byte).
#[cold]
#[inline(never)]
fn unknown_short(option: WChar) -> Opt {
    let mut msg = b"Unknown option: -".to_vec();
    msg.push(option as u8);
    Opt::Error(msg)
}

/// The diagnostic for a short option whose value is missing.
#[cold]
#[inline(never)]
fn missing_value(c: char) -> Opt {
    Opt::Error(format!("Argument expected for the -{c} option").into_bytes())
}

fn lossy(u: &[WChar]) -> Vec<u8> {
    WideString::from_units(u.to_vec())
        .to_string_lossy()
        .into_bytes()
}

impl<'a> GetOpt<'a> {
    /// Starts scanning at `argv[1]`.
    pub fn new(argv: &'a [WideString]) -> GetOpt<'a> {
        GetOpt {
            argv,
            index: 1,
            group: &[],
        }
    }

    /// Reads the next option.
    #[inline]
    pub fn next_opt(&mut self) -> Opt {
        if self.group.is_empty() {
            let Some(arg) = self.argv.get(self.index) else {
                return Opt::End;
            };
            let u = arg.units();
            if u.first() != Some(&DASH) || u.len() == 1 {
                return Opt::End;
            }
            // Only arguments starting with `--` can be these three.
            if u[1] == DASH {
                if u.len() == 2 {
                    self.index += 1;
                    return Opt::End;
                }
                if units_eq(u, "--help") {
                    self.index += 1;
                    return Opt::Opt('h', None);
                }
                if units_eq(u, "--version") {
                    self.index += 1;
                    return Opt::Opt('V', None);
                }
            }
            self.group = &u[1..];
            self.index += 1;
        }
        let option = self.group[0];
        self.group = &self.group[1..];
        if option == DASH {
            return self.long_option();
        }
        let kind = usize::try_from(option)
            .ok()
            .and_then(|i| SHORT_KIND.get(i).copied())
            .unwrap_or(0);
        if kind == 0 {
            return unknown_short(option);
        }
        let c = char::from(option as u8);
        if kind == 1 {
            return Opt::Opt(c, None);
        }
        if !self.group.is_empty() {
            // The group is the end of the argument just read: share its storage.
            let arg = &self.argv[self.index - 1];
            let value = arg.slice(arg.len() - self.group.len()..arg.len());
            self.group = &[];
            return Opt::Opt(c, Some(value));
        }
        match self.argv.get(self.index) {
            Some(v) => {
                self.index += 1;
                Opt::Opt(c, Some(v.clone()))
            }
            None => missing_value(c),
        }
    }

    fn long_option(&mut self) -> Opt {
        let name = std::mem::take(&mut self.group);
        if name.is_empty() {
            return Opt::ExpectedLongOption;
        }
        let whole = self.argv[self.index - 1].units();
        let Some(&(_, has_arg, c)) = LONG_OPTS.iter().find(|(n, _, _)| units_eq(name, n)) else {
            let mut msg = b"Unknown option: ".to_vec();
            msg.extend(lossy(whole));
            return Opt::Error(msg);
        };
        if !has_arg {
            return Opt::Opt(c, None);
        }
        match self.argv.get(self.index) {
            Some(v) => {
                self.index += 1;
                Opt::Opt(c, Some(v.clone()))
            }
            None => {
                let mut msg = b"Argument expected for the ".to_vec();
                msg.extend(lossy(whole));
                msg.extend(b" options");
                Opt::Error(msg)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(a: &[&str]) -> Vec<WideString> {
        a.iter().map(|s| WideString::from(*s)).collect()
    }

    #[test]
    fn groups_values_and_end() {
        let a = argv(&["py", "-bBE", "-Wd", "-X", "dev", "-c", "pass", "x"]);
        let mut g = GetOpt::new(&a);
        assert_eq!(g.next_opt(), Opt::Opt('b', None));
        assert_eq!(g.next_opt(), Opt::Opt('B', None));
        assert_eq!(g.next_opt(), Opt::Opt('E', None));
        assert_eq!(g.next_opt(), Opt::Opt('W', Some("d".into())));
        assert_eq!(g.next_opt(), Opt::Opt('X', Some("dev".into())));
        assert_eq!(g.next_opt(), Opt::Opt('c', Some("pass".into())));
        assert_eq!(g.index, 7);
    }

    #[test]
    fn errors_and_stops() {
        let a = argv(&["py", "-z", "-W"]);
        let mut g = GetOpt::new(&a);
        assert_eq!(g.next_opt(), Opt::Error(b"Unknown option: -z".to_vec()));
        assert_eq!(
            g.next_opt(),
            Opt::Error(b"Argument expected for the -W option".to_vec())
        );
        let a = argv(&["py", "--", "-E"]);
        let mut g = GetOpt::new(&a);
        assert_eq!(g.next_opt(), Opt::End);
        assert_eq!(g.index, 2);
        let a = argv(&["py", "-", "-E"]);
        assert_eq!(GetOpt::new(&a).next_opt(), Opt::End);
        let a = argv(&["py", "--version"]);
        assert_eq!(GetOpt::new(&a).next_opt(), Opt::Opt('V', None));
        let a = argv(&["py", "-b-"]);
        let mut g = GetOpt::new(&a);
        assert_eq!(g.next_opt(), Opt::Opt('b', None));
        assert_eq!(g.next_opt(), Opt::ExpectedLongOption);
        let a = argv(&["py", "--foo=1"]);
        assert_eq!(
            GetOpt::new(&a).next_opt(),
            Opt::Error(b"Unknown option: --foo=1".to_vec())
        );
        let a = argv(&["py", "--check-hash-based-pycs"]);
        assert_eq!(
            GetOpt::new(&a).next_opt(),
            Opt::Error(b"Argument expected for the --check-hash-based-pycs options".to_vec())
        );
    }
}
