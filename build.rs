//! Build script: gives the shared library a soname so that binaries linked
//! with `-lpyrt` record `libpyrt.so` and find it through the usual search path.

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpyrt.so");
    println!("cargo:rerun-if-changed=build.rs");
}
