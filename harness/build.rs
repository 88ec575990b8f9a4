//! Sets `cfg(nightly_rustc)` on a nightly compiler.
//!
//! When allockit is built with its `nightly` feature, its `Allocator` is core's unstable
//! trait, and a crate that implements it (as `TestAlloc` does) needs
//! `#![feature(allocator_api)]`. A feature of this crate cannot follow allockit's (a dev-
//! dependency cannot be switched by the crate that depends on it), so the gate is on for
//! every nightly build, where it is harmless when unused.

use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    if version.contains("-nightly") || version.contains("-dev") {
        println!("cargo:rustc-cfg=nightly_rustc");
    }
}
