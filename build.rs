//! Build script: gives the shared library the soname `libpyrt.so.0` (its ABI
//! version), so binaries linked with `-lpyrt` record that name; the Makefile
//! and `make install` provide the matching `libpyrt.so.0` link.

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpyrt.so.0");
    println!("cargo:rerun-if-changed=build.rs");
}
