//! Layer 5: C to model and back. The `#[repr(C)]` structs of
//! [`crate::abi`] become the safe model of [`crate::config`] and
//! [`crate::wstr`] and the other way round, with every block handed to C
//! allocated in the raw domain ([`crate::mem`]). Nothing here knows the
//! runtime's state.

pub mod config;
pub mod status;
pub mod wide;
