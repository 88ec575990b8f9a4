//! The example's output: colour (only when stdout is a terminal and `NO_COLOR` is
//! unset), numbered section headings, explanations and results, a syntax error with a
//! caret under its column, and the formatting of numbers and counts.

use std::fmt;
use std::io::{self, IsTerminal};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use allockit::wrappers::CountingStats;

use crate::lexer::ParseError;

/// Prints a syntax error: the message, then the line with a caret under the column.
pub(crate) fn print_parse_error(source: &str, error: &ParseError) {
    let offset = error.offset.min(source.len());
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[offset..].find('\n').map_or(source.len(), |i| offset + i);
    let line_number = source[..line_start].matches('\n').count() + 1;
    let before = &source[line_start..offset];
    let column = before.chars().count() + 1;
    // Tabs stay tabs, so the caret lines up however the terminal draws them.
    let pad: String = before.chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    println!(
        "   {}error{}: {} (line {line_number}, column {column})",
        style(RED),
        style(RESET),
        error.message
    );
    println!("   {line_number:>3} | {}", &source[line_start..line_end]);
    println!("       | {pad}{}^{}", style(RED), style(RESET));
}

/// A value as people write it: integers without a fraction, others to 6 decimals.
pub(crate) fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value}")
    } else {
        let text = format!("{value:.6}");
        text.trim_end_matches('0').to_string()
    }
}

/// `1234567` as `1 234 567`.
pub(crate) fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(digit);
    }
    out
}

/// "1 tree", "2 trees".
pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{} {noun}s", grouped(n)) }
}

/// Allocations per parse, to one decimal.
pub(crate) fn per_parse_figure(stats: CountingStats, n: usize) -> String {
    format!("{:.1}", stats.allocations as f64 / n as f64)
}

pub(crate) const BOLD: &str = "\x1b[1m";
pub(crate) const CYAN: &str = "\x1b[36m";
pub(crate) const GREEN: &str = "\x1b[32m";
pub(crate) const RED: &str = "\x1b[31m";
pub(crate) const RESET: &str = "\x1b[0m";

static COLOUR: OnceLock<bool> = OnceLock::new();

pub(crate) fn init_colour() {
    COLOUR.get_or_init(|| {
        io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    });
}

/// `code` if colour is on, else nothing.
pub(crate) fn style(code: &'static str) -> &'static str {
    if COLOUR.get().copied().unwrap_or(false) { code } else { "" }
}

/// A numbered section heading.
pub(crate) fn section(title: &str) {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let number = NEXT.fetch_add(1, Ordering::Relaxed);
    println!();
    println!("{}{number}. {title}{}", style(BOLD), style(RESET));
}

/// A line of explanation.
pub(crate) fn say(text: &str) {
    println!("   {text}");
}

/// A line stating what happened.
pub(crate) fn result(args: fmt::Arguments<'_>) {
    println!("   {}=> {args}{}", style(GREEN), style(RESET));
}
