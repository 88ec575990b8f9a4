//! The tokenizer: token kinds, tokens that borrow their text from the source, the
//! `ParseError` (a byte offset and a message) that the lexer and the parser return, and
//! the `Lexer` that cuts a `&str` into tokens one at a time without allocating.

use crate::ast::BinOp;

/// What a token is. Its text stays in the source: lexing allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Kind {
    Num(f64),
    Ident,
    Let,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    LParen,
    RParen,
    Comma,
    Semi,
    Assign,
    Eof,
}

/// A token: its kind, its text (a slice of the source) and where it starts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token<'s> {
    pub(crate) kind: Kind,
    pub(crate) text: &'s str,
    pub(crate) offset: usize,
}

impl Token<'_> {
    /// How an error message names the token.
    pub(crate) fn describe(&self) -> String {
        match self.kind {
            Kind::Eof => "the end of the input".to_string(),
            _ => format!("`{}`", self.text),
        }
    }

    pub(crate) fn binary_op(&self) -> Option<BinOp> {
        Some(match self.kind {
            Kind::Plus => BinOp::Add,
            Kind::Minus => BinOp::Sub,
            Kind::Star => BinOp::Mul,
            Kind::Slash => BinOp::Div,
            Kind::Percent => BinOp::Rem,
            Kind::Caret => BinOp::Pow,
            _ => return None,
        })
    }
}

/// A syntax error: where (a byte offset into the source) and what.
#[derive(Debug, PartialEq)]
pub(crate) struct ParseError {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

impl ParseError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Self {
        ParseError { offset, message: message.into() }
    }
}

/// Cuts a `&str` into tokens, one at a time.
pub(crate) struct Lexer<'s> {
    source: &'s str,
    position: usize,
}

impl<'s> Lexer<'s> {
    pub(crate) fn new(source: &'s str) -> Self {
        Lexer { source, position: 0 }
    }

    /// The next token, `Eof` at the end (again and again).
    pub(crate) fn next_token(&mut self) -> Result<Token<'s>, ParseError> {
        self.skip_blanks_and_comments();
        let start = self.position;
        let rest = &self.source[start..];
        let Some(c) = rest.chars().next() else {
            return Ok(Token { kind: Kind::Eof, text: "", offset: start });
        };
        let kind = match c {
            '0'..='9' => return self.number(),
            'a'..='z' | 'A'..='Z' | '_' => return Ok(self.identifier()),
            '+' => Kind::Plus,
            '-' => Kind::Minus,
            '*' => Kind::Star,
            '/' => Kind::Slash,
            '%' => Kind::Percent,
            '^' => Kind::Caret,
            '(' => Kind::LParen,
            ')' => Kind::RParen,
            ',' => Kind::Comma,
            ';' => Kind::Semi,
            '=' => Kind::Assign,
            _ => return Err(ParseError::new(start, format!("unexpected character `{c}`"))),
        };
        self.position += 1; // every punctuation character is one byte
        Ok(Token { kind, text: &self.source[start..self.position], offset: start })
    }

    fn skip_blanks_and_comments(&mut self) {
        loop {
            let rest = &self.source[self.position..];
            let trimmed = rest.trim_start();
            self.position += rest.len() - trimmed.len();
            if !trimmed.starts_with('#') {
                return;
            }
            self.position += trimmed.find('\n').unwrap_or(trimmed.len());
        }
    }

    /// Digits, then optionally `.` and more digits: `12`, `2.5`.
    fn number(&mut self) -> Result<Token<'s>, ParseError> {
        let start = self.position;
        self.eat_digits();
        if self.source[self.position..].starts_with('.') {
            let dot = self.position;
            self.position += 1;
            if self.eat_digits() == 0 {
                return Err(ParseError::new(
                    dot,
                    "a number cannot end with `.`: digits must follow it",
                ));
            }
        }
        let text = &self.source[start..self.position];
        let value: f64 =
            text.parse().map_err(|_| ParseError::new(start, format!("bad number `{text}`")))?;
        Ok(Token { kind: Kind::Num(value), text, offset: start })
    }

    /// Skips ASCII digits and says how many there were.
    fn eat_digits(&mut self) -> usize {
        let digits = self.source[self.position..].bytes().take_while(u8::is_ascii_digit).count();
        self.position += digits;
        digits
    }

    fn identifier(&mut self) -> Token<'s> {
        let start = self.position;
        let len = self.source[start..]
            .bytes()
            .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_')
            .count();
        self.position += len;
        let text = &self.source[start..self.position];
        let kind = if text == "let" { Kind::Let } else { Kind::Ident };
        Token { kind, text, offset: start }
    }
}
