//! The evaluator: `Env`, the `let` bindings so far, which runs a statement and evaluates
//! its tree to an `f64` (errors, such as an unknown name or a division by zero, are
//! `String`s), and the built-in functions `sqrt`, `abs`, `min` and `max`.

use allockit::Vec;

use crate::ast::{BinOp, Expr, Stmt};

/// The `let` bindings so far; a later `let` of the same name shadows the earlier one.
pub(crate) struct Env<'b> {
    bindings: Vec<(&'b str, f64)>,
}

impl<'b> Env<'b> {
    pub(crate) fn new() -> Self {
        Env { bindings: Vec::new() }
    }

    fn get(&self, name: &str) -> Option<f64> {
        self.bindings.iter().rev().find(|(n, _)| *n == name).map(|&(_, value)| value)
    }

    /// Runs a statement and returns its value (for `let`, the value bound).
    pub(crate) fn run(&mut self, statement: &Stmt<'b>) -> Result<f64, String> {
        match *statement {
            Stmt::Let(name, value) => {
                let value = self.eval(value)?;
                self.bindings.push((name, value));
                Ok(value)
            }
            Stmt::Expr(value) => self.eval(value),
        }
    }

    fn eval(&self, expr: &Expr<'_>) -> Result<f64, String> {
        match *expr {
            Expr::Num(value) => Ok(value),
            Expr::Var(name) => self.get(name).ok_or_else(|| format!("unknown name `{name}`")),
            Expr::Neg(operand) => Ok(-self.eval(operand)?),
            Expr::Binary(op, lhs, rhs) => {
                let (a, b) = (self.eval(lhs)?, self.eval(rhs)?);
                match op {
                    BinOp::Add => Ok(a + b),
                    BinOp::Sub => Ok(a - b),
                    BinOp::Mul => Ok(a * b),
                    BinOp::Div | BinOp::Rem if b == 0.0 => Err(format!("`{expr}` divides by zero")),
                    BinOp::Div => Ok(a / b),
                    BinOp::Rem => Ok(a % b),
                    BinOp::Pow => Ok(a.powf(b)),
                }
            }
            Expr::Call(name, args) => {
                let values =
                    args.iter().map(|arg| self.eval(arg)).collect::<Result<Vec<f64>, _>>()?;
                call_builtin(name, &values)
            }
        }
    }
}

/// The built-in functions: `sqrt`, `abs`, and `min` and `max` of one or more values.
fn call_builtin(name: &str, args: &[f64]) -> Result<f64, String> {
    match (name, args) {
        ("sqrt", &[x]) => Ok(x.sqrt()),
        ("abs", &[x]) => Ok(x.abs()),
        ("min", [first, rest @ ..]) => Ok(rest.iter().fold(*first, |m, &x| m.min(x))),
        ("max", [first, rest @ ..]) => Ok(rest.iter().fold(*first, |m, &x| m.max(x))),
        ("sqrt" | "abs", _) => Err(format!("`{name}` takes 1 argument, not {}", args.len())),
        ("min" | "max", _) => Err(format!("`{name}` needs at least 1 argument")),
        _ => Err(format!("unknown function `{name}`")),
    }
}

#[cfg(test)]
mod tests {
    use allockit::Bump;

    use super::Env;
    use crate::PROGRAM;
    use crate::grammar::parse;

    #[test]
    fn the_program_evaluates() {
        let bump = Bump::new();
        let program = parse(PROGRAM, &bump).unwrap();
        let mut env = Env::new();
        let values: std::vec::Vec<f64> = program.iter().map(|s| env.run(s).unwrap()).collect();
        assert_eq!(values[4], 512.0); // tower
        assert_eq!(values[5], -4.0); // negated
        assert_eq!(values[6], 35.0); // mixed: 7 + 30 - (2 % 3)
        assert_eq!(values[7], 5.0); // hypotenuse
        assert_eq!(values[10], -4.5); // -(1 - 2.5) * -3
    }
}
