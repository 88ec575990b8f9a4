//! The self-check the report runs at start-up (bench binaries run no `#[test]`s).

use std::fmt::Write as _;

use super::*;

/// Writes `value` back as compact JSON, every string escaped the same way (`"`, `\`,
/// `\n`, `\t`, other controls as `\u00XX`, the rest as is): a canonical form to compare
/// parsed trees with.
fn render<B: Build>(value: &Value<B>, out: &mut String) {
    fn string(text: &str, out: &mut String) {
        out.push('"');
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c < ' ' => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Value::Str(s) => string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                render(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(key, out);
                out.push(':');
                render(value, out);
            }
            out.push('}');
        }
    }
}

/// `document` parsed by `build` and rendered back (see [`render`]), with its node count.
fn reparse<B: Build>(build: B, document: &str) -> Result<(String, u64), SyntaxError> {
    let (root, nodes) = parse(build, document)?;
    let mut text = String::new();
    render(&root, &mut text);
    Ok((text, nodes))
}

/// `document` through every builder: they must agree; the `std` result is returned.
fn reparse_all(document: &str) -> Result<(String, u64), SyntaxError> {
    let heap = reparse(OnHeap, document);
    let bump = Bump::new();
    assert_eq!(reparse(InBump(&bump), document), heap, "bump and std disagree on {document:?}");
    let bumpalo = bumpalo::Bump::new();
    assert_eq!(
        reparse(InBumpalo(&bumpalo), document),
        heap,
        "bumpalo and std disagree on {document:?}"
    );
    heap
}

/// Parses small valid and malformed documents through every variant and panics if a tree,
/// a node count, an error or an error's offset is not the expected one; then checks that
/// [`generate`] is deterministic, has the escapes it promises, and round-trips.
///
/// Bench binaries run no `#[test]`s: the report calls this at start-up.
pub fn self_check() {
    // (document, its canonical rendering, nodes)
    let valid: &[(&str, &str, u64)] = &[
        ("0", "0", 1),
        (" \n\t\r null \n", "null", 1),
        ("[]", "[]", 1),
        ("{ }", "{}", 1),
        (
            "[1, -2, 0, -0, 3.5, -0.25e2, 1E3, 2e+2, true, false, null]",
            "[1,-2,0,0,3.5,-25.0,1000.0,200.0,true,false,null]",
            12,
        ),
        (
            "[9223372036854775807, -9223372036854775808]",
            "[9223372036854775807,-9223372036854775808]",
            3,
        ),
        ("99999999999999999999", "1e20", 1),
        (r#""""#, r#""""#, 1),
        (r#""plain""#, r#""plain""#, 1),
        (r#""Zürich 東京 🦀""#, r#""Zürich 東京 🦀""#, 1),
        (
            r#""q\" b\\ s\/ \b\f\n\r\t \u00e9\u00E9 \ud83e\udd80 \u0041""#,
            "\"q\\\" b\\\\ s/ \\u0008\\u000c\\n\\u000d\\t éé 🦀 A\"",
            1,
        ),
        (
            r#"{"a": {"b": [[], {}, [[1]]]}, "k\"ey": "v", "a": null}"#,
            r#"{"a":{"b":[[],{},[[1]]]},"k\"ey":"v","a":null}"#,
            10,
        ),
        ("[{\"x\": [1, {\"y\": \"\\\\\"}]}, \"tail\\n\"]", r#"[{"x":[1,{"y":"\\"}]},"tail\n"]"#, 7),
    ];
    for &(document, canonical, nodes) in valid {
        let parsed = reparse_all(document)
            .unwrap_or_else(|error| panic!("{document:?} should parse: {error}"));
        assert_eq!(parsed, (canonical.to_owned(), nodes), "parsing {document:?}");
        // The variants' own run agrees too.
        let runs: Vec<Summary> = variants().iter().map(|v| (v.run)(document)).collect();
        assert!(runs.windows(2).all(|w| w[0] == w[1]), "{document:?}: {runs:?}");
        assert_eq!(runs[0].nodes, nodes);
    }

    // (document, offset of the error)
    let nested = "[".repeat(MAX_DEPTH + 1);
    let invalid: &[(&str, usize)] = &[
        ("", 0),
        ("   ", 3),
        ("[1, 2] x", 7),
        ("{} {}", 3),
        ("[1, 2,]", 6),
        ("[1 2]", 3),
        ("[", 1),
        ("[1,", 3),
        ("{\"a\" 1}", 5),
        ("{\"a\": 1,}", 8),
        ("{1: 2}", 1),
        ("{\"a\": 1 \"b\": 2}", 8),
        ("\"abc", 0),
        ("[\"ok\", \"abc\\\"]", 7),
        ("\"abc\\", 0),
        ("\"a\\x\"", 2),
        ("\"\\u12g4\"", 1),
        ("\"\\u12\"", 1),
        ("\"\\ud800\"", 1),
        ("\"\\ud800\\u0041\"", 1),
        ("\"\\udc00\"", 1),
        ("\"line\nbreak\"", 5),
        ("\"tab\\t\tin\"", 6),
        ("tru", 0),
        ("nul", 0),
        ("True", 0),
        ("-", 1),
        ("-a", 1),
        ("01", 1),
        ("1.", 2),
        ("1.e3", 2),
        ("1e", 2),
        ("1e+", 3),
        (".5", 0),
        ("+1", 0),
        (&nested, MAX_DEPTH),
    ];
    for &(document, offset) in invalid {
        match reparse_all(document) {
            Ok((tree, _)) => panic!("{document:?} should not parse, but gave {tree}"),
            Err(error) => assert_eq!(error.offset, offset, "{document:?}: {error}"),
        }
    }
    // Nesting up to the limit is fine.
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert_eq!(reparse_all(&deep).map(|(_, nodes)| nodes), Ok(MAX_DEPTH as u64));

    // The generator: deterministic, about the size asked, with escapes, and round-trips.
    let document = generate(64 << 10);
    assert_eq!(document, generate(64 << 10), "generate is not deterministic");
    assert!((64 << 10..(64 << 10) + 8192).contains(&document.len()), "{}", document.len());
    for needle in ["\\\"", "\\\\", "\\n", "\\t", "\\u00", "\\ud83e\\udd80", "é", "null", "e-"] {
        assert!(document.contains(needle), "the generated document has no {needle}");
    }
    let (canonical, nodes) = reparse_all(&document).expect("the generated document parses");
    assert_eq!(reparse_all(&canonical), Ok((canonical.clone(), nodes)), "round trip");
    let runs: Vec<Summary> = variants().iter().map(|v| (v.run)(&document)).collect();
    assert!(runs.windows(2).all(|w| w[0] == w[1]), "{runs:?}");
    assert_eq!(runs[0], run_std(&canonical), "the walk should see through formatting");
}
