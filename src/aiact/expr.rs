//! The little language of the decision tree's `redirects`: `"label" in labels`, `!`, `&&`, `||` and
//! parentheses, e.g. `("AI-systeem" in labels || "open-source" in labels) && !("hoog-risico AI" in labels)`.
//! A real tokenizer and parser, with the grammar of jexl 2.3.0, which the government's frontend evaluates the tree
//! with (jexl/dist/grammar.js): `&&` and `||` have the same precedence (10) and group left to right, so
//! `a || b && c` is `(a || b) && c`; `in` (20) binds tighter than both, and `!` tighter than anything, so
//! `!"x" in labels` is `(!"x") in labels`, which is always false. The conventional reading (`&&` before `||`,
//! `!` over the whole `in`) is kept only to point out expressions whose two readings differ (`reading_differs`).

use std::collections::BTreeSet;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A text, only ever as the left side of `in labels`.
    Str(String),
    /// `x in labels`
    In(Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// What an expression evaluates to, as in JavaScript: a text or a boolean.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Val {
    Str(String),
    Bool(bool),
}

impl Val {
    fn truthy(&self) -> bool {
        match self {
            Val::Str(s) => !s.is_empty(),
            Val::Bool(b) => *b,
        }
    }
}

impl Expr {
    pub fn eval(&self, labels: &BTreeSet<String>) -> bool {
        self.value(labels).truthy()
    }

    fn value(&self, labels: &BTreeSet<String>) -> Val {
        match self {
            Expr::Str(s) => Val::Str(s.clone()),
            // jexl's `in` on a list compares with `===`: only a text can be found among the labels.
            Expr::In(e) => Val::Bool(matches!(e.value(labels), Val::Str(s) if labels.contains(&s))),
            Expr::Not(e) => Val::Bool(!e.value(labels).truthy()),
            Expr::And(a, b) => {
                let l = a.value(labels);
                if l.truthy() { b.value(labels) } else { l }
            }
            Expr::Or(a, b) => {
                let l = a.value(labels);
                if l.truthy() { l } else { b.value(labels) }
            }
        }
    }

    /// Every label the expression mentions.
    pub fn labels(&self) -> Vec<&str> {
        match self {
            Expr::Str(l) => vec![l.as_str()],
            Expr::In(e) | Expr::Not(e) => e.labels(),
            Expr::And(a, b) | Expr::Or(a, b) => [a.labels(), b.labels()].concat(),
        }
    }
}

/// Why an expression could not be read: where (character position) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub position: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (teken {})", self.message, self.position + 1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Str(String),
    Word(String),
    Not,
    And,
    Or,
    Open,
    Close,
}

fn describe(t: &Token) -> String {
    match t {
        Token::Str(s) => format!("de tekst \"{s}\""),
        Token::Word(w) => format!("het woord '{w}'"),
        Token::Not => "'!'".into(),
        Token::And => "'&&'".into(),
        Token::Or => "'||'".into(),
        Token::Open => "'('".into(),
        Token::Close => "')'".into(),
    }
}

fn tokenize(src: &str) -> Result<Vec<(usize, Token)>, ParseError> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |position: usize, message: String| ParseError { position, message };
    while i < chars.len() {
        let (pos, c) = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push((pos, Token::Open));
                i += 1;
            }
            ')' => {
                out.push((pos, Token::Close));
                i += 1;
            }
            '!' => {
                out.push((pos, Token::Not));
                i += 1;
            }
            '&' | '|' => {
                if chars.get(i + 1).map(|(_, n)| *n) != Some(c) {
                    return Err(err(pos, format!("'{c}' hoort dubbel: '{c}{c}'")));
                }
                out.push((pos, if c == '&' { Token::And } else { Token::Or }));
                i += 2;
            }
            '"' | '\'' => {
                let quote = c;
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(err(pos, "tekst zonder afsluitend aanhalingsteken".into())),
                        Some((_, ch)) if *ch == quote => break,
                        Some((_, ch)) => s.push(*ch),
                    }
                    i += 1;
                }
                out.push((pos, Token::Str(s)));
                i += 1;
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut w = String::new();
                while let Some((_, ch)) = chars.get(i).filter(|(_, ch)| ch.is_alphanumeric() || *ch == '_') {
                    w.push(*ch);
                    i += 1;
                }
                out.push((pos, Token::Word(w)));
            }
            other => return Err(err(pos, format!("onverwacht teken '{other}'"))),
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    at: usize,
    end: usize,
    /// jexl's grammar (true) or the conventional one (only to compare readings).
    jexl: bool,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, t)| t)
    }

    fn position(&self) -> usize {
        self.tokens.get(self.at).map(|(p, _)| *p).unwrap_or(self.end)
    }

    fn fail<T>(&self, message: String) -> Result<T, ParseError> {
        Err(ParseError { position: self.position(), message })
    }

    /// jexl: `&&` and `||` on one level, left to right. Conventional: `||` over `&&`.
    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        loop {
            match self.peek() {
                Some(Token::Or) => {
                    self.at += 1;
                    left = Expr::Or(Box::new(left), Box::new(self.and()?));
                }
                Some(Token::And) if self.jexl => {
                    self.at += 1;
                    left = Expr::And(Box::new(left), Box::new(self.and()?));
                }
                _ => return Ok(left),
            }
        }
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        if self.jexl {
            return self.comparison();
        }
        let mut left = self.comparison()?;
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.comparison()?));
        }
        Ok(left)
    }

    /// `x in labels`. In jexl `!` binds tighter than `in`; conventionally `!` negates the whole comparison.
    fn comparison(&mut self) -> Result<Expr, ParseError> {
        if !self.jexl && self.peek() == Some(&Token::Not) {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.comparison()?)));
        }
        let mut e = self.unary()?;
        while self.peek() == Some(&Token::Word("in".into())) {
            self.at += 1;
            if self.peek() != Some(&Token::Word("labels".into())) {
                return self.fail("na 'in' hoort 'labels'".into());
            }
            self.at += 1;
            e = Expr::In(Box::new(e));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.jexl && self.peek() == Some(&Token::Not) {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        match self.peek().cloned() {
            Some(Token::Open) => {
                self.at += 1;
                let e = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return self.fail("')' ontbreekt".into());
                }
                self.at += 1;
                Ok(e)
            }
            Some(Token::Str(label)) => {
                self.at += 1;
                // A text on its own is always a slip in a condition: it must be looked up in the labels.
                if self.peek() != Some(&Token::Word("in".into())) {
                    return self.fail(format!("na \"{label}\" hoort 'in labels'"));
                }
                Ok(Expr::Str(label))
            }
            Some(t) => {
                self.fail(format!("verwacht een tekst tussen aanhalingstekens, '(' of '!', maar las {}", describe(&t)))
            }
            None => self.fail("de uitdrukking houdt te vroeg op".into()),
        }
    }
}

fn parse_with(src: &str, jexl: bool) -> Result<Expr, ParseError> {
    let tokens = tokenize(src)?;
    let mut p = Parser { tokens, at: 0, end: src.len(), jexl };
    let e = p.or()?;
    if let Some(t) = p.peek().cloned() {
        return p.fail(format!("onverwacht {} na een volledige uitdrukking", describe(&t)));
    }
    Ok(e)
}

/// Parse as jexl 2.3.0 does (the reading that counts).
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    parse_with(src, true)
}

/// Whether jexl reads the expression differently from the conventional precedence (`&&` before `||`, `!` over a
/// whole `in`): most likely a slip in the published data, so it is named at start-up.
pub fn reading_differs(src: &str) -> bool {
    matches!((parse_with(src, true), parse_with(src, false)), (Ok(a), Ok(b)) if a != b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(ls: &[&str]) -> BTreeSet<String> {
        ls.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn precedence_and_grouping_as_jexl() {
        // jexl: && and || on one level, left to right: (a || b) && c.
        let e = parse(r#""a" in labels || "b" in labels && "c" in labels"#).unwrap();
        assert!(!e.eval(&labels(&["a"])), "conventionally a || (b && c) would hold");
        assert!(!e.eval(&labels(&["b"])));
        assert!(e.eval(&labels(&["a", "c"])));
        assert!(e.eval(&labels(&["b", "c"])));
        assert!(reading_differs(r#""a" in labels || "b" in labels && "c" in labels"#));
        // a && b || c reads the same both ways.
        let e = parse(r#""a" in labels && "b" in labels || "c" in labels"#).unwrap();
        assert!(e.eval(&labels(&["c"])));
        assert!(!reading_differs(r#""a" in labels && "b" in labels || "c" in labels"#));
        let g = parse(r#"("a" in labels || "b" in labels) && "c" in labels"#).unwrap();
        assert!(!g.eval(&labels(&["a"])));
        assert!(g.eval(&labels(&["a", "c"])));
        assert!(!reading_differs(r#"("a" in labels || "b" in labels) && "c" in labels"#));
        // jexl: !"b" in labels is (!"b") in labels: false in labels, never true.
        let n = parse(r#"!"b" in labels"#).unwrap();
        assert!(!n.eval(&labels(&[])));
        assert!(!n.eval(&labels(&["b"])));
        assert!(reading_differs(r#"!"b" in labels"#));
        let n = parse(r#"!("a" in labels) && !("b" in labels)"#).unwrap();
        assert!(n.eval(&labels(&[])));
        assert!(!n.eval(&labels(&["b"])));
        assert!(!reading_differs(r#"!("a" in labels) && !("b" in labels)"#));
        assert!(parse(r#"!!("x" in labels)"#).unwrap().eval(&labels(&["x"])));
        assert_eq!(parse("'single quotes' in labels").unwrap(), Expr::In(Box::new(Expr::Str("single quotes".into()))));
    }

    #[test]
    fn malformed_expressions_say_where() {
        for (src, what) in [
            (r#""a" in labels &&"#, "te vroeg"),
            (r#""a" in labels & "b" in labels"#, "hoort dubbel"),
            (r#""a" labels"#, "hoort 'in labels'"),
            (r#""a" in lables"#, "na 'in' hoort 'labels'"),
            (r#"("a" in labels"#, "')' ontbreekt"),
            (r#""a" in labels)"#, "onverwacht ')'"),
            (r#""open"#, "afsluitend aanhalingsteken"),
            (r#"a in labels"#, "verwacht een tekst"),
            ("", "te vroeg"),
            (r#""a" in labels # x"#, "onverwacht teken '#'"),
        ] {
            let e = parse(src).unwrap_err();
            assert!(e.message.contains(what), "{src:?}: {e}");
        }
        assert_eq!(parse(r#""a" in labels &&"#).unwrap_err().position, 16);
    }
}
