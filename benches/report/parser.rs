//! The parser workload: a generated JSON-like document parsed into an AST, the AST walked,
//! and the AST freed, with the AST's memory in a [`Bump`] or on the heap.
//!
//! # What it shows
//!
//! A compiler's front end builds a tree of many small objects (nodes, identifiers, child
//! lists), reads it a few times, and throws all of it away at once. That is the life an
//! arena is made for, and this workload has exactly that shape: one run is
//!
//! ```text
//!   parse (recursive descent) ──► walk (a checksum over every value and key) ──► free
//! ```
//!
//! and the report times the whole run. The parser is written once, generic over [`Build`]
//! (how to allocate a node, a string and a list), so the variants differ *only* in where
//! the AST lives:
//!
//! | variant   | a node (`Value`)                 | a string       | a child list                 |
//! |-----------|----------------------------------|----------------|------------------------------|
//! | `bump`    | `&'b Value`, [`Bump::alloc`]     | `&'b str`, [`Bump::alloc_str`] | `allockit::Vec<_, &'b Bump>` |
//! | `std`     | `Box<Value>`                     | `String`       | `Vec<_>`                     |
//! | `bumpalo` | `&'b Value`, `bumpalo::Bump::alloc` | `&'b str`   | `bumpalo::collections::Vec<'b, _>` |
//!
//! # Where the memory goes
//!
//! With `std`, every node, every string (keys included) and every non-empty list is a
//! heap block of its own: one `malloc` when it is built, one `free` when the tree is
//! dropped, and a malloc header beside each (8 bytes, the block rounded up to 16). The
//! 10 MB document has 430,000 values, 340,000 keys, 173,000 string values and 106,000
//! non-empty lists: 1.05 million blocks. With `bump`, the same things are carved one
//! after the other out of chunks that start at 512 bytes and double up to 16 MiB: 16
//! chunks (32 MiB) for the 10 MB document, and freeing the tree is freeing those 16:
//!
//! ```text
//!   std: a block per node, string and list, wherever malloc finds room
//!    ┌─┬─────┐      ┌─┬──────┐   ┌─┬─────┐          ┌─┬───────────┐   ┌─┬─────┐
//!    │h│ Box │ ...  │h│String│   │h│ Box │   ...    │h│ Vec buffer│   │h│ Box │  ...
//!    └─┴─────┘      └─┴──────┘   └─┴─────┘          └─┴───────────┘   └─┴─────┘
//!     ▲ h: malloc's header    malloc'd one by one while parsing, freed one by one by Drop
//!
//!   bump: the same values side by side, in the order the parser made them
//!    ┌──┬───────────────────────────────────────┐   ┌──┬─────────────────────────── ─ ─
//!    │H │ "id" node "name" "Ada" node list node │◄──┤H │ "tags" "rust" node list ...
//!    └──┴───────────────────────────────────────┘   └──┴─────────────────────────── ─ ─
//!     ▲ H: chunk header    a pointer bump per allocation; all freed when the Bump drops
//! ```
//!
//! So `bump` calls the system allocator 32 times (16 chunks in, 16 out) where `std` calls
//! it two million times, touches memory in the order it parses (and a subtree's nodes lie
//! together for the walk), and carries no per-block header: its peak resident memory is
//! about two thirds of `std`'s. It pays in two ways: the newest chunk is partly empty (up
//! to half of what the bump holds, since chunks double, though untouched pages cost no
//! resident memory), and a node cannot be freed alone (no matter here: the whole tree
//! dies together). Its nodes are also a little bigger: a `Value` is 40 bytes against
//! `std`'s 32, because an `allockit::Vec<_, &Bump>` carries its allocator (32 bytes
//! against 24).
//!
//! # Child lists
//!
//! While an array is being parsed, its elements' own nodes and strings are allocated after
//! its list would be, so a list pushed to in place would never be the bump's newest block
//! and every growth would copy it and strand the old buffer. The parser instead collects a
//! list's children on a scratch stack (a `std::vec::Vec` reused for the whole parse) and
//! builds the list once, at its exact length, when the closing bracket comes: the way
//! arena-based compilers build their child slices. Every variant goes through the same
//! scratch stacks, so the comparison stays fair (`std`'s lists get exact capacities too).
//!
//! # The document
//!
//! [`generate`] writes, from a fixed seed, an array of records shaped like an API dump:
//! ids, names (some outside ASCII), emails, numbers, booleans and nulls, tag lists, a
//! nested address, lists of small objects, and a free-text `bio` whose strings carry
//! escapes (`\"`, `\\`, `\n`, `\t`, `\u00e9`, surrogate pairs). The outer levels are
//! pretty-printed, the inner ones written on one line. A record is about 1.1 KB and 46
//! values; the 10 MB document has 9,300 of them.
//!
//! [`self_check`] parses small valid and malformed documents through every variant and
//! checks the trees, the errors and their byte offsets.

use std::fmt::{self, Write as _};
use std::ops::Deref;
use std::vec::Drain;

use allockit::Bump;

// ---------------------------------------------------------------------------------------
// The report's interface.
// ---------------------------------------------------------------------------------------

/// One way of building the AST.
pub struct Variant {
    /// Short name (`"bump"`, `"std"`).
    pub name: &'static str,
    /// One line: where the nodes and strings live.
    pub about: &'static str,
    /// Ours or a peer.
    pub ours: bool,
    /// Parses `document`, walks the AST and drops it.
    pub run: fn(document: &str) -> Summary,
}

/// What a parse computed: equal for every variant on the same document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    /// A hash of the AST's contents.
    pub checksum: u64,
    /// AST nodes built.
    pub nodes: u64,
}

/// Every variant: ours first, then the peer the report compares it with (`std`), then
/// bumpalo for context.
pub fn variants() -> Vec<Variant> {
    vec![
        Variant {
            name: "bump",
            about: "nodes and strings in an allockit `Bump`, child lists `allockit::Vec<_, &Bump>`",
            ours: true,
            run: run_bump,
        },
        Variant {
            name: "std",
            about: "`Box` nodes, `String` strings, `Vec` child lists (glibc malloc)",
            ours: false,
            run: run_std,
        },
        Variant {
            name: "bumpalo",
            about: "nodes and strings in a `bumpalo::Bump`, child lists `bumpalo::collections::Vec`",
            ours: false,
            run: run_bumpalo,
        },
    ]
}

/// The `bump` variant: a fresh `Bump` per run, dropped with the AST in it.
fn run_bump(document: &str) -> Summary {
    let bump = Bump::new();
    let summary = parse_walk_drop(InBump(&bump), document);
    drop(bump);
    summary
}

/// The `std` variant: the AST on the global heap, dropped node by node.
fn run_std(document: &str) -> Summary {
    parse_walk_drop(OnHeap, document)
}

/// The `bumpalo` variant: a fresh `bumpalo::Bump` per run.
fn run_bumpalo(document: &str) -> Summary {
    let bump = bumpalo::Bump::new();
    let summary = parse_walk_drop(InBumpalo(&bump), document);
    drop(bump);
    summary
}

/// Parses `document` with `build`, walks the AST and drops it (the nodes a `Bump` holds
/// go when the caller drops the `Bump`).
///
/// # Panics
///
/// On a syntax error, with its byte offset: the document is ours, so an error is a bug.
fn parse_walk_drop<B: Build>(build: B, document: &str) -> Summary {
    let (root, nodes) = parse(build, document)
        .unwrap_or_else(|error| panic!("the generated document does not parse: {error}"));
    let mut hash = Fnv::new();
    let walked = walk(&root, &mut hash);
    assert_eq!(walked, nodes, "the walk visited another number of nodes than were built");
    drop(root);
    Summary { checksum: hash.finish(), nodes }
}

// ---------------------------------------------------------------------------------------
// The AST, generic over where it lives.
// ---------------------------------------------------------------------------------------

/// How to allocate the AST: a node, a string, and the two kinds of child list.
///
/// The parser only ever builds through these four methods, and the walk only reads
/// through the `Deref`s, so one parser serves every allocator.
pub trait Build: Sized {
    /// A pointer to a value (`&'b Value` in a bump, `Box<Value>` on the heap).
    type Node: Deref<Target = Value<Self>>;
    /// An unescaped string: an object key or a string value.
    type Str: Deref<Target = str>;
    /// An array's elements.
    type Items: Deref<Target = [Self::Node]>;
    /// An object's members, in document order.
    type Members: Deref<Target = [(Self::Str, Self::Node)]>;

    /// Puts `value` somewhere and points at it.
    fn node(&self, value: Value<Self>) -> Self::Node;
    /// Copies `text` out of the document (or the unescaping buffer).
    fn string(&self, text: &str) -> Self::Str;
    /// The list of an array's elements, built at its final length.
    fn items(&self, items: Drain<'_, Self::Node>) -> Self::Items;
    /// The list of an object's members, built at its final length.
    fn members(&self, members: Drain<'_, (Self::Str, Self::Node)>) -> Self::Members;
}

/// A JSON value whose nodes, strings and lists are whatever `B` allocates.
pub enum Value<B: Build> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number without fraction or exponent that fits an `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string, unescaped.
    Str(B::Str),
    /// An array.
    Array(B::Items),
    /// An object; duplicate keys are kept, in order.
    Object(B::Members),
}

/// The AST in an allockit [`Bump`]: nodes by [`Bump::alloc`], strings by
/// [`Bump::alloc_str`], lists as `allockit::Vec<_, &Bump>`. Nothing in it is ever dropped
/// (`alloc` never drops); the memory goes back when the `Bump` is dropped.
struct InBump<'b>(&'b Bump);

impl<'b> Build for InBump<'b> {
    type Node = &'b Value<Self>;
    type Str = &'b str;
    type Items = allockit::Vec<&'b Value<Self>, &'b Bump>;
    type Members = allockit::Vec<(&'b str, &'b Value<Self>), &'b Bump>;

    #[inline]
    fn node(&self, value: Value<Self>) -> Self::Node {
        self.0.alloc(value)
    }

    #[inline]
    fn string(&self, text: &str) -> Self::Str {
        self.0.alloc_str(text)
    }

    #[inline]
    fn items(&self, items: Drain<'_, Self::Node>) -> Self::Items {
        let mut list = allockit::Vec::with_capacity_in(items.len(), self.0);
        list.extend(items);
        list
    }

    #[inline]
    fn members(&self, members: Drain<'_, (Self::Str, Self::Node)>) -> Self::Members {
        let mut list = allockit::Vec::with_capacity_in(members.len(), self.0);
        list.extend(members);
        list
    }
}

/// The AST on the global heap: `Box` nodes, `String` strings, `Vec` lists.
struct OnHeap;

impl Build for OnHeap {
    type Node = Box<Value<Self>>;
    type Str = String;
    type Items = Vec<Box<Value<Self>>>;
    type Members = Vec<(String, Box<Value<Self>>)>;

    #[inline]
    fn node(&self, value: Value<Self>) -> Self::Node {
        Box::new(value)
    }

    #[inline]
    fn string(&self, text: &str) -> Self::Str {
        text.to_owned()
    }

    #[inline]
    fn items(&self, items: Drain<'_, Self::Node>) -> Self::Items {
        // `Drain` knows its length: one allocation of exactly that many.
        items.collect()
    }

    #[inline]
    fn members(&self, members: Drain<'_, (Self::Str, Self::Node)>) -> Self::Members {
        members.collect()
    }
}

/// The AST in a `bumpalo::Bump`, built as [`InBump`] builds it.
struct InBumpalo<'b>(&'b bumpalo::Bump);

impl<'b> Build for InBumpalo<'b> {
    type Node = &'b Value<Self>;
    type Str = &'b str;
    type Items = bumpalo::collections::Vec<'b, &'b Value<Self>>;
    type Members = bumpalo::collections::Vec<'b, (&'b str, &'b Value<Self>)>;

    #[inline]
    fn node(&self, value: Value<Self>) -> Self::Node {
        self.0.alloc(value)
    }

    #[inline]
    fn string(&self, text: &str) -> Self::Str {
        self.0.alloc_str(text)
    }

    #[inline]
    fn items(&self, items: Drain<'_, Self::Node>) -> Self::Items {
        let mut list = bumpalo::collections::Vec::with_capacity_in(items.len(), self.0);
        list.extend(items);
        list
    }

    #[inline]
    fn members(&self, members: Drain<'_, (Self::Str, Self::Node)>) -> Self::Members {
        let mut list = bumpalo::collections::Vec::with_capacity_in(members.len(), self.0);
        list.extend(members);
        list
    }
}

// ---------------------------------------------------------------------------------------
// The parser.
// ---------------------------------------------------------------------------------------

/// Arrays and objects nested deeper than this are an error, not a stack overflow.
const MAX_DEPTH: usize = 128;

/// Why a document does not parse, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset of the problem: the unexpected byte, the opening quote of an
    /// unterminated string, the backslash of a bad escape, the start of a bad number.
    pub offset: usize,
    /// What is wrong.
    pub what: &'static str,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "syntax error at byte {}: {}", self.offset, self.what)
    }
}

/// Parses `document` (one JSON value, whitespace around it allowed) into an AST built by
/// `build`, and returns its root and the number of nodes built.
///
/// # Errors
///
/// The first [`SyntaxError`]; whatever was built before it is dropped (or, in a bump,
/// left for the bump to free).
pub fn parse<B: Build>(build: B, document: &str) -> Result<(B::Node, u64), SyntaxError> {
    let mut parser = Parser {
        build,
        text: document,
        bytes: document.as_bytes(),
        pos: 0,
        depth: 0,
        nodes: 0,
        items: Vec::new(),
        members: Vec::new(),
        unescaped: String::new(),
    };
    let root = parser.value()?;
    parser.skip_whitespace();
    if parser.pos != parser.bytes.len() {
        return Err(parser.error("trailing characters after the document"));
    }
    Ok((root, parser.nodes))
}

/// A recursive-descent parser's state: a cursor into the document, and the scratch space
/// reused for the whole parse.
struct Parser<'d, B: Build> {
    /// Where the AST goes.
    build: B,
    /// The document.
    text: &'d str,
    /// The document's bytes (every token starts with an ASCII byte, so the parser reads
    /// bytes and slices `text` only at ASCII positions, which are char boundaries).
    bytes: &'d [u8],
    /// The next byte to read.
    pos: usize,
    /// Arrays and objects open around `pos`.
    depth: usize,
    /// Nodes built so far.
    nodes: u64,
    /// The elements of the arrays being parsed, innermost last (see the module doc's
    /// "Child lists").
    items: Vec<B::Node>,
    /// The members of the objects being parsed, innermost last.
    members: Vec<(B::Str, B::Node)>,
    /// The string being unescaped, when it has escapes.
    unescaped: String,
}

impl<B: Build> Parser<'_, B> {
    /// An error at the current position.
    fn error(&self, what: &'static str) -> SyntaxError {
        SyntaxError { offset: self.pos, what }
    }

    /// The byte at the cursor, if any.
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Moves past spaces, tabs, newlines and carriage returns.
    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// `value := object | array | string | number | true | false | null`, after optional
    /// whitespace; one node.
    fn value(&mut self) -> Result<B::Node, SyntaxError> {
        self.skip_whitespace();
        let value = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a value")),
            None => return Err(self.error("expected a value, found the end of the document")),
        };
        self.nodes += 1;
        Ok(self.build.node(value))
    }

    /// One more level of nesting, up to [`MAX_DEPTH`]; the cursor is on `[` or `{`, and
    /// moves past it.
    fn open(&mut self) -> Result<(), SyntaxError> {
        if self.depth == MAX_DEPTH {
            return Err(self.error("arrays and objects nested too deep"));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// `array := '[' (value (',' value)*)? ']'`.
    fn array(&mut self) -> Result<Value<B>, SyntaxError> {
        self.open()?;
        let first = self.items.len();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                let item = self.value()?;
                self.items.push(item);
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error("expected ',' or ']' after an array element")),
                }
            }
        }
        self.depth -= 1;
        Ok(Value::Array(self.build.items(self.items.drain(first..))))
    }

    /// `object := '{' (string ':' value (',' string ':' value)*)? '}'`.
    fn object(&mut self) -> Result<Value<B>, SyntaxError> {
        self.open()?;
        let first = self.members.len();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.skip_whitespace();
                if self.peek() != Some(b'"') {
                    return Err(self.error("expected a string key"));
                }
                let key = self.string()?;
                self.skip_whitespace();
                if self.peek() != Some(b':') {
                    return Err(self.error("expected ':' after an object key"));
                }
                self.pos += 1;
                let value = self.value()?;
                self.members.push((key, value));
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error("expected ',' or '}' after an object member")),
                }
            }
        }
        self.depth -= 1;
        Ok(Value::Object(self.build.members(self.members.drain(first..))))
    }

    /// `word` (`true`, `false`, `null`) at the cursor, read as `value`.
    fn literal(&mut self, word: &'static str, value: Value<B>) -> Result<Value<B>, SyntaxError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("invalid literal (expected true, false or null)"))
        }
    }

    /// Moves past a run of ASCII digits and says whether there was at least one.
    #[inline]
    fn digits(&mut self) -> bool {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos > start
    }

    /// `number := '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?`: an
    /// [`Value::Int`] when it has neither fraction nor exponent and fits an `i64`, else a
    /// [`Value::Float`].
    fn number(&mut self) -> Result<Value<B>, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            // No leading zeros: the digit after a `0` is left for the caller to reject.
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("expected a digit")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integer = false;
            if !self.digits() {
                return Err(self.error("expected a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !self.digits() {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        let text = &self.text[start..self.pos];
        if integer && let Ok(int) = text.parse::<i64>() {
            return Ok(Value::Int(int));
        }
        // The grammar above is a subset of what `f64::from_str` accepts, so this holds;
        // an integer too big for an `i64` becomes the nearest float, as in most parsers.
        text.parse()
            .map(Value::Float)
            .map_err(|_| SyntaxError { offset: start, what: "bad number" })
    }

    /// Moves past the bytes that stand for themselves in a string: up to the next quote,
    /// backslash or control character, or the end.
    #[inline]
    fn skip_plain(&mut self) {
        let rest = &self.bytes[self.pos..];
        self.pos +=
            rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(rest.len());
    }

    /// `string := '"' (char | escape)* '"'`, unescaped and copied by the builder. The
    /// cursor is on the opening quote.
    fn string(&mut self) -> Result<B::Str, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        // The common case: no escape, so the string is a slice of the document.
        self.skip_plain();
        match self.peek() {
            Some(b'"') => {
                let text = &self.text[start..self.pos];
                self.pos += 1;
                return Ok(self.build.string(text));
            }
            Some(b'\\') => {}
            Some(_) => return Err(self.error("control character in a string")),
            None => return Err(SyntaxError { offset: open, what: "unterminated string" }),
        }
        // Escapes: the string is rebuilt in `unescaped`, plain runs copied whole.
        self.unescaped.clear();
        self.unescaped.push_str(&self.text[start..self.pos]);
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(self.build.string(&self.unescaped));
                }
                Some(b'\\') => self.escape(open)?,
                Some(0..0x20) => return Err(self.error("control character in a string")),
                Some(_) => {
                    let run = self.pos;
                    self.skip_plain();
                    self.unescaped.push_str(&self.text[run..self.pos]);
                }
                None => return Err(SyntaxError { offset: open, what: "unterminated string" }),
            }
        }
    }

    /// One escape, the cursor on its backslash, appended to `unescaped`. `open` is the
    /// string's opening quote, for the error if the document ends inside it.
    fn escape(&mut self, open: usize) -> Result<(), SyntaxError> {
        let backslash = self.pos;
        let bad = SyntaxError { offset: backslash, what: "invalid escape" };
        let c = match self.bytes.get(backslash + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos = backslash + 2;
                let c = self.unicode_escape(backslash)?;
                self.unescaped.push(c);
                return Ok(());
            }
            Some(_) => return Err(bad),
            None => return Err(SyntaxError { offset: open, what: "unterminated string" }),
        };
        self.pos = backslash + 2;
        self.unescaped.push(c);
        Ok(())
    }

    /// The character of a `\uXXXX` escape whose `XXXX` is at the cursor, or of a
    /// surrogate pair `\uD8xx\uDCxx`. `backslash` is where the escape began, for errors.
    fn unicode_escape(&mut self, backslash: usize) -> Result<char, SyntaxError> {
        let lone = SyntaxError { offset: backslash, what: "unpaired surrogate in a \\u escape" };
        let high = self.hex4(backslash)?;
        let code = match high {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(lone);
                }
                self.pos += 2;
                let low = self.hex4(backslash)?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(lone);
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(lone),
            code => code,
        };
        // Every value left is a scalar value: surrogates were handled above.
        char::from_u32(code).ok_or(lone)
    }

    /// Four hex digits at the cursor.
    fn hex4(&mut self, backslash: usize) -> Result<u32, SyntaxError> {
        let bad = SyntaxError { offset: backslash, what: "\\u needs four hex digits" };
        let digits = self.bytes.get(self.pos..self.pos + 4).ok_or(bad)?;
        let mut code = 0;
        for &digit in digits {
            code = code * 16 + char::from(digit).to_digit(16).ok_or(bad)?;
        }
        self.pos += 4;
        Ok(code)
    }
}

// ---------------------------------------------------------------------------------------
// The walk.
// ---------------------------------------------------------------------------------------

/// FNV-1a, fed 64-bit words instead of bytes (8 times fewer multiplications: the walk
/// should cost little beside the parse it checks).
struct Fnv(u64);

impl Fnv {
    /// FNV-1a's offset basis.
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Mixes in one word.
    #[inline]
    fn word(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(0x0100_0000_01b3);
    }

    /// The length, then the bytes in little-endian words (the last one zero-padded).
    fn bytes(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64);
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.word(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let mut last = [0; 8];
        last[..words.remainder().len()].copy_from_slice(words.remainder());
        self.word(u64::from_le_bytes(last));
    }

    /// The hash of everything mixed in.
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Hashes `value` and everything under it, depth first, into `hash` (a tag per value,
/// so the tree's shape counts, then its contents), and returns the nodes visited.
fn walk<B: Build>(value: &Value<B>, hash: &mut Fnv) -> u64 {
    match value {
        Value::Null => hash.word(1),
        Value::Bool(b) => hash.word(2 + u64::from(*b)),
        Value::Int(i) => {
            hash.word(4);
            hash.word(*i as u64);
        }
        Value::Float(f) => {
            hash.word(5);
            hash.word(f.to_bits());
        }
        Value::Str(s) => {
            hash.word(6);
            hash.bytes(s.as_bytes());
        }
        Value::Array(items) => {
            hash.word(7);
            hash.word(items.len() as u64);
            return 1 + items.iter().map(|item| walk(item, hash)).sum::<u64>();
        }
        Value::Object(members) => {
            hash.word(8);
            hash.word(members.len() as u64);
            let mut nodes = 1;
            for (key, value) in members.iter() {
                hash.bytes(key.as_bytes());
                nodes += walk(value, hash);
            }
            return nodes;
        }
    }
    1
}

// ---------------------------------------------------------------------------------------
// The document.
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// The self-check.
// ---------------------------------------------------------------------------------------

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
