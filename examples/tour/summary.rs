//! The closing table: what each traced allocator saw during the tour.

use std::sync::atomic::Ordering::Relaxed;

use crate::ledger::Ledger;
use crate::style::{BOLD, RESET, YELLOW, section, style};

pub fn table(ledgers: &[&Ledger]) {
    section("Summary: every allocator call of the tour");
    println!(
        "   {}{:<7} {:>6} {:>7} {:>11} {:>9} {:>13} {:>6} {:>11} {:>6} {:>7}{}",
        style(BOLD),
        "",
        "calls",
        "allocs",
        "bytes",
        "in place",
        "copy avoided",
        "moved",
        "copied",
        "frees",
        "refused",
        style(RESET)
    );
    for ledger in ledgers {
        let n = |c: &std::sync::atomic::AtomicUsize| c.load(Relaxed);
        println!(
            "   {:<7} {:>6} {:>7} {:>9} B {:>9} {:>11} B {:>6} {:>9} B {:>6} {:>7}",
            ledger.name,
            ledger.calls(),
            n(&ledger.allocations),
            n(&ledger.bytes_allocated),
            n(&ledger.grows_in_place),
            n(&ledger.copies_avoided),
            n(&ledger.grows_moved),
            n(&ledger.bytes_copied),
            n(&ledger.frees),
            n(&ledger.refused),
        );
    }
    println!();
    println!(
        "   {}in place{}: grows that only moved a pointer or extended the block; {}copy \
         avoided{}: the bytes they did not copy.",
        style(YELLOW),
        style(RESET),
        style(YELLOW),
        style(RESET)
    );
    println!("   The Bump grows its newest block in place; the Pool never resizes (one size);");
    println!(
        "   the global heap's realloc sometimes extends in place, sometimes moves and copies."
    );
}
