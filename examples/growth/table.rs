//! The printed output after the runs: the table of calls, grows and bytes copied per
//! allocator, and the notes on what it shows, written from the measurements and wrapped
//! to 90 columns.

use std::fmt::Write as _;
use std::vec::Vec as StdVec;

use crate::record::ELEM;
use crate::runs::Run;
use crate::style::{bytes, group, share};

/// The table: per allocator, the calls, the grows in place and moved, the bytes copied,
/// the final capacity, and those bytes relative to N × 8.
pub(crate) fn print_table(runs: &[Run], n: usize) {
    let pushed = n * ELEM;
    println!(
        "{:<17}  {:>5}  {:>8}  {:>5}  {:>12}  {:>14}  {:>16}",
        "allocator",
        "calls",
        "in place",
        "moved",
        "bytes copied",
        "final capacity",
        "copied / (N × 8)"
    );
    println!("{}", "-".repeat(89));
    for run in runs {
        let t = &run.trace;
        println!(
            "{:<17}  {:>5}  {:>8}  {:>5}  {:>12}  {:>14}  {:>15}×",
            run.name,
            t.calls,
            t.grows_in_place(),
            t.grows_moved(),
            group(t.bytes_copied()),
            group(t.capacity),
            share(t.bytes_copied(), n)
        );
    }
    println!("{}", "-".repeat(89));
    note(&format!(
        "calls: the allocation, the grows and the final deallocate. in place, moved: the grows. \
         N~×~8~=~{} bytes pushed.",
        group(pushed)
    ));
}

/// A few lines on what the table shows, written from the measurements.
pub(crate) fn print_notes(runs: &[Run], n: usize) {
    let [global, newest, not_newest, reserved] = runs else { return };
    let share = |copied: usize| share(copied, n);
    let growing = &newest.trace;
    let first: StdVec<String> = growing.changes.iter().take(4).map(|c| group(c.capacity)).collect();
    let grows = growing.grows().count();

    println!("\nWhat this shows:");
    if grows == 0 {
        bullet(
            "The first allocation, 4 slots, holds every push, so no vector grows: push 5 would \
             be the first to double the capacity. Try a larger N.",
        );
        return;
    }
    bullet(&format!(
        "Capacity runs {}, ... up to {}: {grows} grows for {} pushes, the same steps over every \
         allocator (the growth rule never asks the allocator). What differs is what a grow costs.",
        first.join(", "),
        group(growing.capacity),
        group(n)
    ));
    bullet(&format!(
        "Bump (newest): the vector's block ends at the bump pointer, so a grow only moves the \
         pointer: {} of {grows} grows in place, {} bytes copied. Dropping the vector, still the \
         newest block, gave its bytes back: the bump holds {} afterwards.",
        newest.trace.grows_in_place(),
        group(newest.trace.bytes_copied()),
        bytes(newest.left_in_bump.unwrap_or(0))
    ));
    let held = not_newest.left_in_bump.unwrap_or(0);
    bullet(&format!(
        "Bump (not newest): a u64 allocated after the vector each time it grows pins it: {} of \
         {grows} grows moved, copying {} ({}~×~N~×~8). No buffer it left was the newest block, \
         so none could be given back: after the vector is dropped the bump still holds {}, \
         {:.1}× the final vector, until it is reset. Being the newest block is what makes \
         growing free.",
        not_newest.trace.grows_moved(),
        bytes(not_newest.trace.bytes_copied()),
        share(not_newest.trace.bytes_copied()),
        bytes(held),
        held as f64 / (not_newest.trace.capacity * ELEM) as f64
    ));
    let in_place = global.trace.grows_in_place();
    let mut about_global = format!(
        "Global: realloc grew the block in place {}{} and moved it {}, copying {} \
         ({}~×~N~×~8).",
        times(in_place),
        if in_place > 0 { " (the memory right after it was free)" } else { "" },
        times(global.trace.grows_moved()),
        bytes(global.trace.bytes_copied()),
        share(global.trace.bytes_copied())
    );
    let remapped = global.trace.remapped();
    if cfg!(all(target_os = "linux", target_env = "gnu")) && remapped > 0 {
        let _ = write!(
            about_global,
            " {remapped} of the moves were of blocks of 128 KiB or more, which glibc normally \
             maps with mmap and moves with mremap, remapping pages instead of copying bytes; \
             Tracing sees only the new address, so for Global the bytes copied may overstate \
             the copying."
        );
    }
    bullet(&about_global);
    bullet(
        "Doubling bounds the copying whatever the allocator: the grows copy \
         4~+~8~+~...~+~c/2~=~c~-~4~<~2N elements (c the final capacity), less than \
         2~×~N~×~8 bytes, so push is amortized O(1).",
    );
    bullet(&format!(
        "with_capacity(N): {} calls (allocate, deallocate), capacity {}, nothing copied: the \
         baseline when N is known up front.",
        reserved.trace.calls,
        group(reserved.trace.capacity)
    ));
}

/// Prints `text` wrapped to 90 columns (see [`wrap`]).
fn note(text: &str) {
    wrap(text, "", "");
}

/// Prints `text` as a list item wrapped to 90 columns (see [`wrap`]).
fn bullet(text: &str) {
    wrap(text, "- ", "  ");
}

/// Prints `text` wrapped to 90 columns, each line starting with `first` or `rest`; a `~`
/// is a space that does not break.
fn wrap(text: &str, first: &str, rest: &str) {
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > 90 {
            println!("{line}");
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&word.replace('~', " "));
        empty = false;
    }
    println!("{line}");
}

/// `1 time`, `2 times`.
fn times(k: usize) -> String {
    if k == 1 { "1 time".to_string() } else { format!("{k} times") }
}
