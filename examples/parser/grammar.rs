//! The parser: `parse`, a recursive-descent parser with one token of lookahead and
//! precedence climbing for the binary operators, which builds the statements, nodes,
//! names and argument lists in a bump and refuses input nested deeper than `MAX_DEPTH`.

use allockit::alloc::Allocator;
use allockit::{Bump, Vec};

use crate::ast::{Expr, PREC_POW, Stmt};
use crate::lexer::{Kind, Lexer, ParseError, Token};

/// How deeply the parser may nest (parentheses, unary minus, `^`, calls, and each operator
/// of a chain such as `1 + 2 + 3`). Deeper input is an error rather than a stack overflow,
/// and the limit also keeps the trees shallow enough for the recursive evaluator and
/// printers.
const MAX_DEPTH: usize = 64;

/// Parses `source` into statements whose nodes, names and lists all live in `bump`.
///
/// The result borrows the bump, not the source: names are copied into the bump.
pub(crate) fn parse<'b, A: Allocator>(
    source: &str,
    bump: &'b Bump<A>,
) -> Result<&'b [Stmt<'b>], ParseError> {
    let mut lexer = Lexer::new(source);
    let next = lexer.next_token()?;
    let mut parser = Parser { lexer, next, bump, depth: 0 };
    parser.program()
}

/// A recursive-descent parser with one token of lookahead; binary operators by
/// precedence climbing.
struct Parser<'s, 'b, A: Allocator> {
    lexer: Lexer<'s>,
    /// The lookahead: the next token, not yet consumed.
    next: Token<'s>,
    bump: &'b Bump<A>,
    depth: usize,
}

impl<'s, 'b, A: Allocator> Parser<'s, 'b, A> {
    /// Consumes the lookahead token and returns it.
    fn advance(&mut self) -> Result<Token<'s>, ParseError> {
        let token = self.next;
        self.next = self.lexer.next_token()?;
        Ok(token)
    }

    /// Consumes a token of `kind`, or fails with "expected `what`".
    fn expect(&mut self, kind: Kind, what: &str) -> Result<Token<'s>, ParseError> {
        if self.next.kind == kind { self.advance() } else { Err(self.unexpected(what)) }
    }

    /// "expected `what`, found ..." at the lookahead token.
    fn unexpected(&self, what: &str) -> ParseError {
        ParseError::new(
            self.next.offset,
            format!("expected {what}, found {}", self.next.describe()),
        )
    }

    /// `statement*`, collected in a `Vec` in the bump and then turned into a slice.
    fn program(&mut self) -> Result<&'b [Stmt<'b>], ParseError> {
        let mut statements: Vec<Stmt<'b>, &'b Bump<A>> = Vec::new_in(self.bump);
        while self.next.kind != Kind::Eof {
            let statement = self.statement()?;
            statements.push(statement);
        }
        // `leak` hands the elements over for as long as the allocator lives: for a bump,
        // until it is reset. Nothing leaks for real.
        Ok(statements.leak())
    }

    /// `let name = expr;` or `expr;`.
    fn statement(&mut self) -> Result<Stmt<'b>, ParseError> {
        if self.next.kind == Kind::Let {
            self.advance()?;
            let name = self.expect(Kind::Ident, "a name after `let`")?;
            let name: &'b str = self.bump.alloc_str(name.text);
            if self.next.kind != Kind::Assign {
                // Formatted only on the error path: a parse that succeeds allocates
                // nothing outside the bump (the memory section checks it).
                return Err(self.unexpected(&format!("`=` after `let {name}`")));
            }
            self.advance()?;
            let value = self.expression(0)?;
            self.expect(Kind::Semi, "an operator or `;`")?;
            Ok(Stmt::Let(name, value))
        } else {
            let value = self.expression(0)?;
            self.expect(Kind::Semi, "an operator or `;`")?;
            Ok(Stmt::Expr(value))
        }
    }

    /// Precedence climbing: an operand, then operators binding at least as tightly as
    /// `min_precedence`, each with a right-hand side parsed one level tighter (or at the
    /// same level, for the right-associative `^`).
    fn expression(&mut self, min_precedence: u8) -> Result<&'b Expr<'b>, ParseError> {
        let depth = self.depth;
        self.nest()?;
        let mut lhs = self.operand()?;
        while let Some(op) = self.next.binary_op() {
            let precedence = op.precedence();
            if precedence < min_precedence {
                break;
            }
            self.nest()?;
            self.advance()?;
            let rhs_min = if op.is_right_associative() { precedence } else { precedence + 1 };
            let rhs = self.expression(rhs_min)?;
            lhs = self.bump.alloc(Expr::Binary(op, lhs, rhs));
        }
        self.depth = depth;
        Ok(lhs)
    }

    /// One level deeper, or an error past [`MAX_DEPTH`].
    fn nest(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(self.next.offset, "expression nested too deeply"));
        }
        Ok(())
    }

    /// A number, a name, a call, `-operand` or `(expression)`.
    fn operand(&mut self) -> Result<&'b Expr<'b>, ParseError> {
        let token = self.next;
        let node = match token.kind {
            Kind::Num(value) => {
                self.advance()?;
                Expr::Num(value)
            }
            Kind::Ident => {
                self.advance()?;
                let name: &'b str = self.bump.alloc_str(token.text);
                if self.next.kind == Kind::LParen {
                    Expr::Call(name, self.arguments(name)?)
                } else {
                    Expr::Var(name)
                }
            }
            Kind::Minus => {
                self.advance()?;
                Expr::Neg(self.expression(PREC_POW)?)
            }
            Kind::LParen => {
                self.advance()?;
                let inner = self.expression(0)?;
                self.expect(Kind::RParen, "`)` or an operator")?;
                return Ok(inner); // parentheses only group: no node of their own
            }
            _ => return Err(self.unexpected("an expression")),
        };
        Ok(self.bump.alloc(node))
    }

    /// `( )` or `( expr {, expr} )`: the arguments, gathered in a `Vec` in the bump and
    /// handed back as a slice of it.
    fn arguments(&mut self, name: &str) -> Result<&'b [&'b Expr<'b>], ParseError> {
        self.expect(Kind::LParen, "`(`")?;
        let mut args: Vec<&'b Expr<'b>, &'b Bump<A>> = Vec::new_in(self.bump);
        if self.next.kind != Kind::RParen {
            loop {
                let arg = self.expression(0)?;
                args.push(arg);
                match self.next.kind {
                    Kind::Comma => self.advance()?,
                    Kind::RParen => break,
                    _ => {
                        return Err(self.unexpected(&format!("`,` or `)` in the call of `{name}`")));
                    }
                };
            }
        }
        self.advance()?; // the `)`
        Ok(args.leak())
    }
}

#[cfg(test)]
mod tests {
    use allockit::Bump;

    use super::parse;
    use crate::PROGRAM;
    use crate::ast::Stmt;
    use crate::eval::Env;

    /// Parses and prints one expression statement, fully parenthesised.
    fn grouped_as(source: &str) -> String {
        let bump = Bump::new();
        match parse(source, &bump) {
            Ok([Stmt::Expr(value)]) => value.to_string(),
            other => panic!("{source:?}: {other:?}"),
        }
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(grouped_as("1 + 2 * 3;"), "(1 + (2 * 3))");
        assert_eq!(grouped_as("1 - 2 - 3;"), "((1 - 2) - 3)");
        assert_eq!(grouped_as("2 ^ 3 ^ 2;"), "(2 ^ (3 ^ 2))");
        assert_eq!(grouped_as("-2 ^ 2;"), "(-(2 ^ 2))");
        assert_eq!(grouped_as("-2 * 3;"), "((-2) * 3)");
        assert_eq!(grouped_as("2 ^ -1;"), "(2 ^ (-1))");
        assert_eq!(grouped_as("a % b / c;"), "((a % b) / c)");
        assert_eq!(grouped_as("f() + g(1, (2 + 3) * 4);"), "(f() + g(1, ((2 + 3) * 4)))");
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        let bump = Bump::new();
        let error = |source| parse(source, &bump).unwrap_err();
        assert_eq!(error("let = 4;").offset, 4);
        assert_eq!(error("let r = 2.;").offset, 9);
        assert_eq!(error("1 + ;").offset, 4);
        assert_eq!(error("(1 + 2;").offset, 6);
        assert_eq!(error("f(1 2);").offset, 4);
        assert_eq!(error("1 + 2").offset, 5); // missing `;` at the end of the input
        assert_eq!(error("é;").message, "unexpected character `é`");
    }

    /// Every prefix of the program and every one-character deletion parses or fails with
    /// an error, never a panic; deep nesting is an error too.
    #[test]
    fn bad_input_never_panics() {
        let bump = Bump::new();
        for (i, _) in PROGRAM.char_indices() {
            let _ = parse(&PROGRAM[..i], &bump);
            let mut deleted = PROGRAM.to_string();
            deleted.remove(i);
            if let Ok(program) = parse(&deleted, &bump) {
                let mut env = Env::new();
                for statement in program {
                    let _ = env.run(statement);
                }
            }
        }
        let deep = format!("{}1{};", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(parse(&deep, &bump).unwrap_err().message, "expression nested too deeply");
        let long = format!("{}1;", "1 + ".repeat(10_000));
        assert!(parse(&long, &bump).is_err());
        let tower = format!("{}2;", "2 ^ -".repeat(10_000));
        assert!(parse(&tower, &bump).is_err());
    }
}
