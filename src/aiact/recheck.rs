//! Re-check a stored decision-aid run against the tree loaded now: the stored answers are walked again and
//! the outcome compared with what was stored. The government changes the tree's content without changing its
//! version (the AI omnibus update of 2026-08-04 kept "1.0.0"), so a run records the tree's content hash, and a
//! run made with another tree offers this check.

use super::engine::{self, Step};
use super::tree::Tree;

/// What a run concluded: the fields that are compared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Concluded {
    pub conclusion_id: Option<String>,
    pub risk_group: Option<String>,
    pub roles: Vec<String>,
    pub system_type: Option<String>,
    pub transparency: Option<String>,
    pub labels: Vec<String>,
}

/// The result of walking the stored answers through the current tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recheck {
    /// The same outcome.
    Same,
    /// Another outcome: one Dutch line per difference.
    Different(Vec<String>),
    /// An answer no longer fits (the question or the answer is gone).
    NoLongerFits(String),
    /// The answers now stop at a question the tree added: the aid must be run again from there.
    Unfinished(String),
}

fn shown(v: &Option<String>) -> String {
    v.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "–".into())
}

/// Walk `steps` through `tree` and compare with `before`.
pub fn recheck(tree: &Tree, steps: &[Step], before: &Concluded) -> Recheck {
    let now = match engine::run(tree, steps) {
        Ok(o) => o,
        Err(e) => return Recheck::NoLongerFits(e.to_string()),
    };
    if now.conclusion_id.is_none() {
        return Recheck::Unfinished(now.next_question_id.unwrap_or_default());
    }
    let mut lines = Vec::new();
    let mut one = |what: &str, was: String, is: String| {
        if was != is {
            lines.push(format!("{what}: was {was}, nu {is}"));
        }
    };
    one("Conclusie", shown(&before.conclusion_id), shown(&now.conclusion_id));
    one("Risicogroep", shown(&before.risk_group), shown(&now.risk_group));
    one("Rol", before.roles.join(", "), now.roles.join(", "));
    one("Soort systeem", shown(&before.system_type), shown(&now.system_type));
    one("Transparantie", shown(&before.transparency), shown(&now.transparency));
    let added: Vec<&String> = now.labels.iter().filter(|l| !before.labels.contains(l)).collect();
    let gone: Vec<&String> = before.labels.iter().filter(|l| !now.labels.contains(l)).collect();
    if !added.is_empty() || !gone.is_empty() {
        let list = |v: &[&String]| {
            if v.is_empty() { "–".to_string() } else { v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ") }
        };
        lines.push(format!("Labels: erbij {}; vervallen {}", list(&added[..]), list(&gone[..])));
    }
    if lines.is_empty() { Recheck::Same } else { Recheck::Different(lines) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Tree {
        Tree::parse("decision-tree.yaml", super::super::BUILT_IN).expect("the built-in tree is valid")
    }

    fn steps(path: &[(&str, &str)]) -> Vec<Step> {
        path.iter().map(|(q, a)| Step { question_id: q.to_string(), answer: a.to_string(), remark: None }).collect()
    }

    fn concluded(tree: &Tree, path: &[(&str, &str)]) -> Concluded {
        let o = engine::run(tree, &steps(path)).expect("a valid path");
        Concluded {
            conclusion_id: o.conclusion_id,
            risk_group: o.risk_group,
            roles: o.roles,
            system_type: o.system_type,
            transparency: o.transparency,
            labels: o.labels,
        }
    }

    #[test]
    fn the_same_tree_gives_the_same_outcome() {
        let t = tree();
        let before = concluded(&t, &[("1.1", "Nee")]);
        assert_eq!(before.conclusion_id.as_deref(), Some("11.0"));
        assert_eq!(recheck(&t, &steps(&[("1.1", "Nee")]), &before), Recheck::Same);
    }

    #[test]
    fn a_changed_outcome_names_each_difference() {
        let t = tree();
        let mut before = concluded(&t, &[("1.1", "Nee")]);
        before.conclusion_id = Some("12.0".into());
        before.labels.push("hoog-risico AI".into());
        let Recheck::Different(lines) = recheck(&t, &steps(&[("1.1", "Nee")]), &before) else { panic!("different") };
        assert_eq!(lines[0], "Conclusie: was 12.0, nu 11.0");
        assert!(lines.iter().any(|l| l == "Labels: erbij –; vervallen hoog-risico AI"), "{lines:?}");
    }

    #[test]
    fn answers_that_no_longer_fit_or_stop_early_are_said_so() {
        let t = tree();
        let before = Concluded::default();
        assert!(matches!(recheck(&t, &steps(&[("1.1", "Misschien")]), &before), Recheck::NoLongerFits(_)));
        assert_eq!(recheck(&t, &steps(&[("1.1", "Ja")]), &before), Recheck::Unfinished("1.2".into()));
    }
}
