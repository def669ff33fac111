//! The `python3` command-line scanner (CPython's own getopt, not POSIX's):
//! short options may be grouped (`-bBE`), a value may be attached (`-Wd`,
//! `-Xdev`) or be the next argument, `--` ends the options, and the first
//! argument that is `-` or does not start with `-` ends them too.

use crate::wstr::{WChar, WideString};

/// Short options; a `:` marks an option that takes a value.
pub const SHORT_OPTS: &str = "bBc:dEhiIm:OPqRsStuvVW:xX:?";

/// Long options: name, takes a value, and the option character it stands for.
pub const LONG_OPTS: &[(&str, bool, char)] = &[
    ("check-hash-based-pycs", true, '\u{0}'),
    ("help-all", false, '\u{1}'),
    ("help-env", false, '\u{2}'),
    ("help-xoptions", false, '\u{3}'),
    ("help", false, 'h'),
    ("version", false, 'V'),
];

/// One step of the scan.
#[derive(Debug, PartialEq, Eq)]
pub enum Opt {
    /// An option character (long options map to their character) and its value.
    Opt(char, Option<WideString>),
    /// An unknown option or a missing value; the text is CPython's message.
    Error(String),
    /// No more options; the index of the first non-option argument.
    End(usize),
}

/// A scanner over `argv` (index 0 is the program name and is skipped).
pub struct GetOpt<'a> {
    argv: &'a [WideString],
    /// Index of the next argument to read.
    pub index: usize,
    /// Position inside a group of short options (0: at a new argument).
    pos: usize,
}

fn ch(c: WChar) -> char {
    char::from_u32(c as u32).unwrap_or('\u{FFFD}')
}

impl<'a> GetOpt<'a> {
    /// Starts scanning at `argv[1]`.
    pub fn new(argv: &'a [WideString]) -> GetOpt<'a> {
        GetOpt {
            argv,
            index: 1,
            pos: 0,
        }
    }

    /// Reads the next option.
    pub fn next_opt(&mut self) -> Opt {
        if self.pos == 0 {
            let Some(arg) = self.argv.get(self.index) else {
                return Opt::End(self.index);
            };
            let u = arg.units();
            if u.len() < 2 || u[0] != '-' as WChar {
                return Opt::End(self.index);
            }
            if u == ['-' as WChar, '-' as WChar] {
                self.index += 1;
                return Opt::End(self.index);
            }
            if u[1] == '-' as WChar {
                self.index += 1;
                let name: String = u[2..].iter().map(|&c| ch(c)).collect();
                return match LONG_OPTS.iter().find(|(n, _, _)| *n == name) {
                    None => Opt::Error(format!("unknown option --{name}")),
                    Some(&(n, true, c)) => match self.argv.get(self.index) {
                        Some(v) => {
                            self.index += 1;
                            Opt::Opt(c, Some(v.clone()))
                        }
                        None => Opt::Error(format!("Argument expected for the --{n} options")),
                    },
                    Some(&(_, false, c)) => Opt::Opt(c, None),
                };
            }
            self.pos = 1;
        }
        let arg = self.argv[self.index].units();
        let c = ch(arg[self.pos]);
        self.pos += 1;
        let at_end = self.pos >= arg.len();
        let spec = SHORT_OPTS.find(c).filter(|_| c != ':');
        let Some(spec) = spec else {
            if at_end {
                self.index += 1;
                self.pos = 0;
            }
            return Opt::Error(format!("Unknown option: -{c}"));
        };
        let takes_value = SHORT_OPTS[spec + c.len_utf8()..].starts_with(':');
        if !takes_value {
            if at_end {
                self.index += 1;
                self.pos = 0;
            }
            return Opt::Opt(c, None);
        }
        if !at_end {
            let value = WideString::from_units(arg[self.pos..].to_vec());
            self.index += 1;
            self.pos = 0;
            return Opt::Opt(c, Some(value));
        }
        self.index += 1;
        self.pos = 0;
        match self.argv.get(self.index) {
            Some(v) => {
                self.index += 1;
                Opt::Opt(c, Some(v.clone()))
            }
            None => Opt::Error(format!("Argument expected for the -{c} option")),
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
        assert_eq!(g.next_opt(), Opt::Error("Unknown option: -z".into()));
        assert_eq!(
            g.next_opt(),
            Opt::Error("Argument expected for the -W option".into())
        );
        let a = argv(&["py", "--", "-E"]);
        assert_eq!(GetOpt::new(&a).next_opt(), Opt::End(2));
        let a = argv(&["py", "-", "-E"]);
        assert_eq!(GetOpt::new(&a).next_opt(), Opt::End(1));
        let a = argv(&["py", "--version"]);
        assert_eq!(GetOpt::new(&a).next_opt(), Opt::Opt('V', None));
    }
}
