//! `Include/intrcheck.h`: the signal handler type.

use std::ffi::c_int;

/// A C signal handler (`PyOS_sighandler_t`).
pub type PyOS_sighandler_t = Option<unsafe extern "C" fn(c_int)>;
