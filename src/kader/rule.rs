//! Which requirements apply to a registration: its AI Act profile (from the decision aid's outcome) against
//! each requirement's front matter, read as the Algoritmekader's own site reads it when it filters the
//! requirements on a decision-aid outcome: `filterTable()` in `docs/javascripts/filtering.js` of
//! MinBZK/Algoritmekader at v2.5.1 (commit 450e1befcc977c6d5b71c87bddbc1bdf22a8e343). A requirement applies when,
//! for every profile category the requirement names values for, one of the profile's labels is among them
//! (`data-labels`, written by `src/overrides/hooks/lists.py`). A category the profile has no value for matches
//! every value (the site adds the whole label group). The `uitzondering` expressions are parsed and checked at
//! start-up but do not exclude: the site writes them as `data-uitzondering` and has not read them since commit
//! 34e14ab985 ("add expression functions (#797)", 2025-09-22), which removed the exception check from the
//! filter. Its one correction instead: a general-purpose AI model with systemic risk counts as risk group and
//! transparency "niet-van-toepassing" and not as "uitzondering-van-toepassing".

use std::collections::BTreeSet;

use super::reference::{CATEGORIES, Kader, Requirement, known_values};

/// An exception expression: labels joined with `&&`, `||`, `!` and parentheses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Label(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn eval(&self, facts: &BTreeSet<String>) -> bool {
        match self {
            Expr::Label(l) => facts.contains(l),
            Expr::Not(e) => !e.eval(facts),
            Expr::And(a, b) => a.eval(facts) && b.eval(facts),
            Expr::Or(a, b) => a.eval(facts) || b.eval(facts),
        }
    }
    pub fn labels(&self) -> Vec<&str> {
        match self {
            Expr::Label(l) => vec![l.as_str()],
            Expr::Not(e) => e.labels(),
            Expr::And(a, b) | Expr::Or(a, b) => [a.labels(), b.labels()].concat(),
        }
    }
}

/// Whether "category-value" is a label of the known vocabulary.
pub fn is_known_label(label: &str) -> bool {
    CATEGORIES
        .iter()
        .any(|c| label.strip_prefix(c).and_then(|v| v.strip_prefix('-')).is_some_and(|v| known_values(c).contains(&v)))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Label(String),
    And,
    Or,
    Not,
    Open,
    Close,
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {}
            '(' => out.push(Token::Open),
            ')' => out.push(Token::Close),
            '!' => out.push(Token::Not),
            '&' | '|' => {
                if chars.next() != Some(c) {
                    return Err(format!("losse {c}"));
                }
                out.push(if c == '&' { Token::And } else { Token::Or });
            }
            '"' => {
                let label: String = chars.by_ref().take_while(|&c| c != '"').collect();
                out.push(Token::Label(label));
            }
            c if c.is_ascii_alphanumeric() => {
                let mut label = c.to_string();
                while let Some(&n) = chars.peek().filter(|n| n.is_ascii_alphanumeric() || **n == '-') {
                    label.push(n);
                    chars.next();
                }
                out.push(Token::Label(label));
            }
            c => return Err(format!("onverwacht teken {c:?}")),
        }
    }
    Ok(out)
}

/// Parse an exception; `||` binds weaker than `&&`.
pub fn parse(text: &str) -> Result<Expr, String> {
    let tokens = tokens(text)?;
    let mut pos = 0;
    let e = or(&tokens, &mut pos)?;
    if pos != tokens.len() {
        return Err("onverwacht einde".into());
    }
    Ok(e)
}

fn or(t: &[Token], pos: &mut usize) -> Result<Expr, String> {
    let mut e = and(t, pos)?;
    while t.get(*pos) == Some(&Token::Or) {
        *pos += 1;
        e = Expr::Or(Box::new(e), Box::new(and(t, pos)?));
    }
    Ok(e)
}

fn and(t: &[Token], pos: &mut usize) -> Result<Expr, String> {
    let mut e = unary(t, pos)?;
    while t.get(*pos) == Some(&Token::And) {
        *pos += 1;
        e = Expr::And(Box::new(e), Box::new(unary(t, pos)?));
    }
    Ok(e)
}

fn unary(t: &[Token], pos: &mut usize) -> Result<Expr, String> {
    *pos += 1;
    match t.get(*pos - 1) {
        Some(Token::Not) => Ok(Expr::Not(Box::new(unary(t, pos)?))),
        Some(Token::Label(l)) => Ok(Expr::Label(l.clone())),
        Some(Token::Open) => {
            let e = or(t, pos)?;
            if t.get(*pos) != Some(&Token::Close) {
                return Err("haakje niet gesloten".into());
            }
            *pos += 1;
            Ok(e)
        }
        _ => Err("label verwacht".into()),
    }
}

/// A registration's profile in the Algoritmekader's labels: category → values (roles may be several).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub values: Vec<(&'static str, Vec<String>)>,
}

/// What the decision aid recorded for a registration (its latest completed run).
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub labels: Vec<String>,
    pub roles: Vec<String>,
    pub system_type: Option<String>,
    pub risk_group: Option<String>,
    pub transparency: Option<String>,
}

fn slug(s: &str) -> String {
    s.to_lowercase().replace(' ', "-")
}

impl Profile {
    /// The profile from the decision aid's outcome; None when the AI Act does not apply at all ("niet van
    /// toepassing": no AI system) or no system type was established: then no requirement's front matter fits.
    pub fn from_outcome(o: &Outcome) -> Option<Profile> {
        let group = match o.risk_group.as_deref()? {
            "hoog-risico AI" => "hoog-risico-ai-systeem",
            "geen hoog-risico AI" => "geen-hoog-risico-ai-systeem",
            "verboden AI" => "verboden-ai",
            "uitzondering van toepassing" => "uitzondering-van-toepassing",
            _ => return None,
        };
        let has = |l: &str| o.labels.iter().any(|x| x == l);
        let either = |yes: &str, no: &str| {
            if has(yes) {
                slug(yes)
            } else if has(no) {
                slug(no)
            } else {
                "niet-van-toepassing".to_string()
            }
        };
        Some(Profile {
            values: vec![
                ("soort-toepassing", vec![slug(o.system_type.as_deref()?)]),
                ("risicogroep", vec![group.to_string()]),
                ("rol-ai-act", o.roles.iter().map(|r| slug(r)).collect()),
                (
                    "transparantieverplichting",
                    vec![o.transparency.as_deref().map(slug).unwrap_or_else(|| "niet-van-toepassing".into())],
                ),
                ("systeemrisico", vec![either("systeemrisico", "geen systeemrisico")]),
                ("open-source", vec![either("open-source", "geen open-source")]),
            ],
        })
    }

    /// Every "category-value" label of the profile.
    pub fn facts(&self) -> BTreeSet<String> {
        self.values.iter().flat_map(|(c, vs)| vs.iter().map(move |v| format!("{c}-{v}"))).collect()
    }

    /// The labels the site filters on: the profile's, every value of a category it has none for, and the
    /// site's correction for a general-purpose AI model with systemic risk (see the module's comment).
    pub fn site_labels(&self) -> BTreeSet<String> {
        let mut labels = self.facts();
        for c in CATEGORIES {
            if self.values.iter().all(|(pc, vs)| *pc != c || vs.is_empty()) {
                labels.extend(known_values(c).iter().map(|v| format!("{c}-{v}")));
            }
        }
        if labels.contains("soort-toepassing-ai-model-voor-algemene-doeleinden")
            && labels.contains("systeemrisico-systeemrisico")
        {
            labels.insert("risicogroep-niet-van-toepassing".into());
            labels.insert("transparantieverplichting-niet-van-toepassing".into());
            labels.remove("risicogroep-uitzondering-van-toepassing");
        }
        labels
    }

    /// Whether one requirement applies to this profile.
    pub fn applies(&self, r: &Requirement) -> bool {
        let labels = self.site_labels();
        CATEGORIES.iter().all(|c| {
            let values = r.profile.get(*c).map(Vec::as_slice).unwrap_or_default();
            values.is_empty() || values.iter().any(|v| labels.contains(&format!("{c}-{v}")))
        })
    }

    /// The ids of the applicable requirements, in the Algoritmekader's order.
    pub fn applicable(&self, kader: &Kader) -> Vec<String> {
        kader.requirements.iter().filter(|r| self.applies(r)).map(|r| r.id.clone()).collect()
    }
}

/// What changed between the recorded set and a recomputed one: (newly applicable, no longer applicable).
pub fn difference(before: &[String], now: &[String]) -> (Vec<String>, Vec<String>) {
    let added = now.iter().filter(|r| !before.contains(r)).cloned().collect();
    let removed = before.iter().filter(|r| !now.contains(r)).cloned().collect();
    (added, removed)
}

#[cfg(test)]
mod tests;
