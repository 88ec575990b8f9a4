//! The recursive-descent parser: JSON text to a [`Value`] built through a [`Build`].

use std::fmt;

use super::{Build, Value};

/// Arrays and objects nested deeper than this are an error, not a stack overflow.
pub(super) const MAX_DEPTH: usize = 128;

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
