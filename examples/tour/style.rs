//! The tour's output: numbered section headings, explanations, results, and the trace
//! lines, with colour only when stdout is a terminal and `NO_COLOR` is unset.

use std::fmt;
use std::io::{self, IsTerminal};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

pub const BOLD: &str = "\x1b[1m";
pub const CYAN: &str = "\x1b[36m";
pub const GREEN: &str = "\x1b[32m";
pub const YELLOW: &str = "\x1b[33m";
pub const RESET: &str = "\x1b[0m";

static COLOUR: OnceLock<bool> = OnceLock::new();

/// Decides once, before anything is traced, whether to use colour.
pub fn init_colour() {
    COLOUR.get_or_init(|| {
        io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    });
}

/// `code` if colour is on, else nothing.
pub fn style(code: &'static str) -> &'static str {
    if COLOUR.get().copied().unwrap_or(false) { code } else { "" }
}

/// A section heading, numbered in the order the sections run.
pub fn section(title: &str) {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let number = NEXT.fetch_add(1, Ordering::Relaxed);
    println!();
    println!("{}{number}. {title}{}", style(BOLD), style(RESET));
}

/// A line of explanation.
pub fn say(text: &str) {
    println!("   {text}");
}

/// A line stating what happened.
pub fn result(args: fmt::Arguments<'_>) {
    println!("   {}=> {args}{}", style(GREEN), style(RESET));
}
