//! The generated document: records shaped like real data, from a fixed seed.

use std::fmt::Write as _;

/// A deterministic JSON-like document of about `bytes` bytes (records are added until it
/// reaches `bytes`, so it ends up to one record, about a kilobyte, longer).
///
/// The same `bytes` gives the same document in every process: the report's children
/// generate it again and must see what the parent timed.
pub fn generate(bytes: usize) -> String {
    let mut rng = Rng(0x0070_6172_7365_7221);
    let mut out = String::with_capacity(bytes + 4096);
    out.push('[');
    let mut id = 0;
    while out.len() < bytes {
        if id > 0 {
            out.push(',');
        }
        out.push_str("\n  ");
        let record = record(&mut rng, id);
        emit(&record, 1, &mut out, &mut rng);
        id += 1;
    }
    out.push_str("\n]\n");
    out
}

/// splitmix64: a small, fixed-seed generator (the document must not vary between runs).
struct Rng(u64);

impl Rng {
    /// The next 64 random bits.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..high`.
    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low)
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of `choices`.
    fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
        choices[self.next() as usize % choices.len()]
    }

    /// A float in `low..high`.
    fn float(&mut self, low: f64, high: f64) -> f64 {
        low + (self.next() >> 11) as f64 / (1u64 << 53) as f64 * (high - low)
    }
}

/// A generated value, before it is written out.
enum Gen {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number already formatted (`12.50`, `-3.1e-4`).
    Float(String),
    /// Unescaped text; [`emit_string`] escapes it.
    Str(String),
    /// An array.
    Array(Vec<Gen>),
    /// An object.
    Object(Vec<(&'static str, Gen)>),
}

// The vocabulary of the records (rustfmt would put each word on a line of its own).

/// First names, a third of them outside ASCII.
#[rustfmt::skip]
const FIRST: &[&str] = &[
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Zoë", "José",
    "Łukasz", "Søren", "Anaïs", "Chloé", "Björn", "Nguyễn", "Ana", "Dennis", "Leslie", "Niklaus",
];
/// Last names.
#[rustfmt::skip]
const LAST: &[&str] = &[
    "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Müller",
    "García", "Kowalski", "Kierkegaard", "Dubois", "Nørgaard", "Ritchie", "Lamport", "Wirth",
];
/// Cities.
#[rustfmt::skip]
const CITIES: &[&str] = &[
    "Paris", "Zürich", "São Paulo", "Kraków", "Reykjavík", "Berlin", "Montréal", "Oslo", "Lyon",
    "Toronto", "Seattle", "Köln", "Málaga", "Austin",
];
/// Street names.
const STREETS: &[&str] =
    &["Main St", "Rue de la Paix", "Bahnhofstraße", "Elm Avenue", "Calle Mayor", "Baker Street"];
/// The words of the free text.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "allocator", "arena", "bump", "pointer", "chunk", "parser", "token", "syntax", "tree", "node",
    "compiler", "lexer", "memory", "cache", "page", "heap", "stack", "vector", "string", "box",
    "the", "a", "of", "and", "to", "in", "is", "it", "that", "with", "for", "on", "fast", "small",
    "large", "free", "lifetime", "borrow", "trait", "generic", "benchmark", "ratio", "median",
];
/// Tags.
#[rustfmt::skip]
const TAGS: &[&str] = &[
    "rust", "c", "go", "zig", "ocaml", "admin", "beta", "premium", "legacy", "eu", "us", "mobile",
];
/// Kinds of history events.
const KINDS: &[&str] = &["login", "purchase", "refund", "transfer", "logout", "update"];
/// Bits of text that need escaping or are outside ASCII, dropped into the bios.
const ODD: &[&str] = &[
    "\"quoted\"",
    "C:\\Users\\ada\\notes.txt",
    "line one\nline two",
    "a\ttab",
    "café",
    "naïve résumé",
    "🦀 crab",
    "π ≈ 3.14159",
    "back\\slash",
    "\"a\\\"b\"",
];

/// Record number `id`: a dozen fields, some optional, nested up to three levels below it.
fn record(rng: &mut Rng, id: i64) -> Gen {
    let first = rng.pick(FIRST);
    let last = rng.pick(LAST);
    let mut fields = vec![
        ("id", Gen::Int(id)),
        ("guid", Gen::Str(format!("{:016x}{:016x}", rng.next(), rng.next()))),
        ("name", Gen::Str(format!("{first} {last}"))),
        ("email", Gen::Str(format!("{}.{}{}@example.com", ascii(first), ascii(last), id % 97))),
        ("active", Gen::Bool(rng.chance(70))),
        ("age", Gen::Int(rng.range(18, 90) as i64)),
        ("balance", Gen::Float(format!("{:.2}", rng.float(-500.0, 25_000.0)))),
        ("score", Gen::Float(score(rng))),
        ("tags", Gen::Array((0..rng.range(0, 6)).map(|_| word(rng, TAGS)).collect())),
    ];
    let address = if rng.chance(85) {
        Gen::Object(vec![
            ("street", Gen::Str(format!("{} {}", rng.range(1, 300), rng.pick(STREETS)))),
            ("city", word(rng, CITIES)),
            ("zip", Gen::Str(format!("{:05}", rng.range(1000, 99_999)))),
            (
                "geo",
                Gen::Object(vec![
                    ("lat", Gen::Float(format!("{:.6}", rng.float(-90.0, 90.0)))),
                    ("lon", Gen::Float(format!("{:.6}", rng.float(-180.0, 180.0)))),
                ]),
            ),
        ])
    } else {
        Gen::Null
    };
    fields.push(("address", address));
    let friends = (0..rng.range(0, 5))
        .map(|_| {
            Gen::Object(vec![
                ("id", Gen::Int(rng.range(0, 1_000_000) as i64)),
                ("name", Gen::Str(format!("{} {}", rng.pick(FIRST), rng.pick(LAST)))),
            ])
        })
        .collect();
    fields.push(("friends", Gen::Array(friends)));
    let history = (0..rng.range(0, 7))
        .map(|_| {
            let note = if rng.chance(60) { Gen::Null } else { Gen::Str(sentence(rng, 2, 10)) };
            Gen::Object(vec![
                (
                    "at",
                    Gen::Str(format!(
                        "2024-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                        rng.range(1, 13),
                        rng.range(1, 29),
                        rng.range(0, 24),
                        rng.range(0, 60),
                        rng.range(0, 60)
                    )),
                ),
                ("kind", word(rng, KINDS)),
                ("amount", Gen::Float(format!("{:.2}", rng.float(-1000.0, 1000.0)))),
                ("note", note),
            ])
        })
        .collect();
    fields.push(("history", Gen::Array(history)));
    fields.push(("bio", Gen::Str(sentence(rng, 5, 60))));
    if rng.chance(40) {
        let ratio = if rng.chance(50) {
            Gen::Null
        } else {
            Gen::Float(format!("{:.4e}", rng.float(0.0, 1.0)))
        };
        fields.push((
            "metadata",
            Gen::Object(vec![
                ("version", Gen::Int(rng.range(1, 5) as i64)),
                (
                    "flags",
                    Gen::Array((0..rng.range(1, 5)).map(|_| Gen::Bool(rng.chance(50))).collect()),
                ),
                ("ratio", ratio),
                (
                    "labels",
                    Gen::Object(vec![
                        ("lang", word(rng, &["en", "fr", "de", "pt", "ja"])),
                        ("tier", Gen::Int(rng.range(0, 3) as i64)),
                    ]),
                ),
            ]),
        ));
    }
    Gen::Object(fields)
}

/// A string value picked from `choices`.
fn word(rng: &mut Rng, choices: &[&str]) -> Gen {
    Gen::Str(rng.pick(choices).to_owned())
}

/// `name` without its non-ASCII letters (for emails).
fn ascii(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect()
}

/// A score: usually a plain decimal, sometimes with an exponent.
fn score(rng: &mut Rng) -> String {
    let x = rng.float(0.0, 1.0);
    if rng.chance(20) { format!("{:.3e}", x / 1000.0) } else { format!("{x:.4}") }
}

/// Between `min` and `max` words, with now and then a bit of [`ODD`] text.
fn sentence(rng: &mut Rng, min: u64, max: u64) -> String {
    let mut text = String::new();
    for i in 0..rng.range(min, max) {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(if rng.chance(8) { rng.pick(ODD) } else { rng.pick(WORDS) });
    }
    text.push('.');
    text
}

/// Writes `value` at nesting `depth`: the outer levels (arrays and objects at depth 0 to
/// 2 that hold a container) one member per line, the rest on one line.
fn emit(value: &Gen, depth: usize, out: &mut String, rng: &mut Rng) {
    const INDENT: &str = "                ";
    match value {
        Gen::Null => out.push_str("null"),
        Gen::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Gen::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Gen::Float(text) => out.push_str(text),
        Gen::Str(text) => emit_string(text, out, rng),
        Gen::Array(items) => {
            let pretty = depth <= 2 && items.iter().any(|i| matches!(i, Gen::Object(_)));
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(match (i, pretty) {
                    (0, false) => "",
                    (_, false) => ", ",
                    (0, true) => "\n",
                    (_, true) => ",\n",
                });
                if pretty {
                    out.push_str(&INDENT[..2 * (depth + 1)]);
                }
                emit(item, depth + 1, out, rng);
            }
            if pretty {
                out.push('\n');
                out.push_str(&INDENT[..2 * depth]);
            }
            out.push(']');
        }
        Gen::Object(members) => {
            let pretty = depth <= 2;
            out.push('{');
            for (i, (key, value)) in members.iter().enumerate() {
                out.push_str(match (i, pretty) {
                    (0, false) => "",
                    (_, false) => ", ",
                    (0, true) => "\n",
                    (_, true) => ",\n",
                });
                if pretty {
                    out.push_str(&INDENT[..2 * (depth + 1)]);
                }
                emit_string(key, out, rng);
                out.push_str(": ");
                emit(value, depth + 1, out, rng);
            }
            if pretty && !members.is_empty() {
                out.push('\n');
                out.push_str(&INDENT[..2 * depth]);
            }
            out.push('}');
        }
    }
}

/// Writes `text` as a JSON string: quotes, backslashes and control characters escaped,
/// and the non-ASCII characters of half the strings as `\u` escapes (surrogate pairs
/// beyond the BMP), the others as they are.
fn emit_string(text: &str, out: &mut String, rng: &mut Rng) {
    let escape_unicode = !text.is_ascii() && rng.chance(50);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if !c.is_ascii() && escape_unicode => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
