//! Tokenizer and recursive-descent parser: expression text to an `Expr` tree, with a Dutch message and the
//! position of the first problem. The grammar is jexl 2.3.0's (jexl/dist/grammar.js), which the government's
//! tool evaluates these files with: `&&` and `||` share one level (10) and group left to right; `==`, `!=`, `<`,
//! `<=`, `>`, `>=` and `in` share the next (20); then `+ -` (30) and `* /` (40); `!` binds tighter than any of
//! them, and a `| transform` applies to the operand right before it. The conventional precedence (`&&` before
//! `||`, equality below comparison, a transform on everything before it) is kept only to point out
//! expressions whose readings differ (`reading_differs`).

use super::{Expr, FILTERS, FUNCTIONS, Op, ParseError, Value};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Sym(&'static str),
}

const SYMBOLS: [&str; 21] =
    ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "?", ":", "(", ")", "[", "]", ",", "|"];

fn tokenize(src: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    let err = |position, message: String| Err(ParseError { position, message });
    while i < b.len() {
        let c = b[i] as char;
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' {
            let start = i;
            i += 1;
            let from = i;
            while i < b.len() && b[i] as char != c {
                i += 1;
            }
            if i >= b.len() {
                return err(start, "tekst zonder afsluitend aanhalingsteken".into());
            }
            out.push((start, Tok::Str(src[from..i].to_string())));
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && ((b[i] as char).is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            match src[start..i].parse() {
                Ok(n) => out.push((start, Tok::Num(n))),
                Err(_) => return err(start, format!("ongeldig getal {}", &src[start..i])),
            }
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && ((b[i] as char).is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            out.push((start, Tok::Ident(src[start..i].to_string())));
        } else if let Some(sym) = SYMBOLS.iter().find(|s| src[i..].starts_with(**s)) {
            out.push((i, Tok::Sym(sym)));
            i += sym.len();
        } else {
            let ch = src[i..].chars().next().unwrap_or('?');
            return err(i, format!("onverwacht teken '{ch}'"));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    end: usize,
    /// jexl's grammar (true) or the conventional one (only to compare readings).
    jexl: bool,
}

type Levels = &'static [&'static [(&'static str, Op)]];

const JEXL: Levels = &[
    &[("||", Op::Or), ("&&", Op::And)],
    &[("==", Op::Eq), ("!=", Op::Ne), ("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt), ("in", Op::In)],
    &[("+", Op::Add), ("-", Op::Sub)],
    &[("*", Op::Mul), ("/", Op::Div)],
];

const CONVENTIONAL: Levels = &[
    &[("||", Op::Or)],
    &[("&&", Op::And)],
    &[("==", Op::Eq), ("!=", Op::Ne)],
    &[("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt), ("in", Op::In)],
    &[("+", Op::Add), ("-", Op::Sub)],
    &[("*", Op::Mul), ("/", Op::Div)],
];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(_, t)| t)
    }

    fn is(&self, sym: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym)
    }

    fn fail<T>(&self, message: String) -> Result<T, ParseError> {
        Err(ParseError { position: self.toks.get(self.at).map(|(p, _)| *p).unwrap_or(self.end), message })
    }

    fn expect(&mut self, sym: &str) -> Result<(), ParseError> {
        if self.is(sym) {
            self.at += 1;
            Ok(())
        } else {
            self.fail(format!("'{sym}' ontbreekt"))
        }
    }

    /// A whole expression: conventionally a transform applies to all of it.
    fn pipe(&mut self) -> Result<Expr, ParseError> {
        let e = self.ternary()?;
        if self.jexl { Ok(e) } else { self.transforms(e) }
    }

    fn transforms(&mut self, mut e: Expr) -> Result<Expr, ParseError> {
        while self.is("|") {
            self.at += 1;
            match self.peek().cloned() {
                Some(Tok::Ident(f)) if FILTERS.contains(&f.as_str()) => {
                    self.at += 1;
                    e = Expr::Pipe(Box::new(e), f);
                }
                _ => return self.fail(format!("na '|' hoort een filter: {}", FILTERS.join(", "))),
            }
        }
        Ok(e)
    }

    fn ternary(&mut self) -> Result<Expr, ParseError> {
        let c = self.binary(0)?;
        if !self.is("?") {
            return Ok(c);
        }
        self.at += 1;
        let a = self.ternary()?;
        self.expect(":")?;
        let b = self.ternary()?;
        Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)))
    }

    /// Binary operators by precedence level (0 = loosest), each level left to right.
    fn binary(&mut self, level: usize) -> Result<Expr, ParseError> {
        let levels = if self.jexl { JEXL } else { CONVENTIONAL };
        if level == levels.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        loop {
            let op = levels[level].iter().find(|(s, _)| match self.peek() {
                Some(Tok::Sym(t)) => t == s,
                Some(Tok::Ident(w)) => w == s,
                _ => false,
            });
            let Some((_, op)) = op else { return Ok(left) };
            self.at += 1;
            let right = self.binary(level + 1)?;
            left = Expr::Bin(*op, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.is("!") {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.is("-") {
            self.at += 1;
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        let e = self.primary()?;
        // jexl: a transform applies to the operand right before it.
        if self.jexl { self.transforms(e) } else { Ok(e) }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some(tok) = self.peek().cloned() else { return self.fail("de uitdrukking houdt te vroeg op".into()) };
        self.at += 1;
        match tok {
            Tok::Num(n) => Ok(Expr::Lit(Value::Num(n))),
            Tok::Str(s) => Ok(Expr::Lit(Value::Str(s))),
            Tok::Sym("(") => {
                let e = self.pipe()?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Sym("[") => {
                let mut items = Vec::new();
                if !self.is("]") {
                    loop {
                        items.push(self.pipe()?);
                        if !self.is(",") {
                            break;
                        }
                        self.at += 1;
                    }
                }
                self.expect("]")?;
                Ok(Expr::List(items))
            }
            Tok::Ident(w) => match w.as_str() {
                "true" => Ok(Expr::Lit(Value::Bool(true))),
                "false" => Ok(Expr::Lit(Value::Bool(false))),
                "null" => Ok(Expr::Lit(Value::Null)),
                _ if self.is("(") => {
                    if !FUNCTIONS.contains(&w.as_str()) {
                        self.at -= 1;
                        return self.fail(format!("onbekende functie {w}(); bekend zijn: {}", FUNCTIONS.join(", ")));
                    }
                    self.at += 1;
                    let mut args = Vec::new();
                    if !self.is(")") {
                        loop {
                            args.push(self.pipe()?);
                            if !self.is(",") {
                                break;
                            }
                            self.at += 1;
                        }
                    }
                    self.expect(")")?;
                    Ok(Expr::Call(w, args))
                }
                _ => Ok(Expr::Var(w)),
            },
            Tok::Sym(s) => {
                self.at -= 1;
                self.fail(format!("onverwacht '{s}'"))
            }
        }
    }
}

/// Parse as jexl 2.3.0 does (the reading that counts).
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parse_with(src, true)
}

/// Whether jexl reads the expression differently from the conventional precedence: most likely a slip in the
/// published data, so it is named at start-up.
pub fn reading_differs(src: &str) -> bool {
    matches!((parse_with(src, true), parse_with(src, false)), (Ok(a), Ok(b)) if a != b)
}

fn parse_with(src: &str, jexl: bool) -> Result<Expr, ParseError> {
    let toks = tokenize(src)?;
    let mut p = Parser { toks, at: 0, end: src.len(), jexl };
    let e = p.pipe()?;
    if p.at < p.toks.len() {
        return p.fail("onverwacht vervolg na een volledige uitdrukking".into());
    }
    Ok(e)
}
