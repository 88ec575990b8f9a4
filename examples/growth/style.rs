//! How numbers are written, in the table and in the chart alike: counts with thousands
//! separators, byte sizes in B, KiB, MiB or GiB, and bytes copied as a multiple of the
//! bytes pushed.

use crate::record::ELEM;

/// `copied` as a multiple of the bytes pushed, N × 8: `1.31`, or `<0.01` rather than a
/// misleading `0.00` when something was copied.
pub(crate) fn share(copied: usize, n: usize) -> String {
    let share = copied as f64 / (n * ELEM) as f64;
    match copied {
        0 => "0".to_string(),
        _ if share < 0.005 => "<0.01".to_string(),
        _ => format!("{share:.2}"),
    }
}

/// `1234567` as `1,234,567`.
pub(crate) fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count in B, KiB, MiB or GiB.
pub(crate) fn bytes(n: usize) -> String {
    let mut value = n as f64;
    for unit in ["B", "KiB", "MiB"] {
        // Below 1023.95 so that nothing prints as "1024.0 KiB".
        if value < 1023.95 {
            return if unit == "B" { format!("{n} B") } else { format!("{value:.1} {unit}") };
        }
        value /= 1024.0;
    }
    format!("{value:.1} GiB")
}
