//! `beslishulp run`: walk the AI Act decision tree with stored answers and print the outcome as JSON.

use std::path::Path;

use anyhow::{Context, bail};

pub fn run(answers: &Path, tree: Option<&Path>) -> anyhow::Result<()> {
    use airegister::aiact::{self, engine, tree::Tree};
    let loaded;
    let tree: &Tree = match tree {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("kan {} niet lezen", path.display()))?;
            loaded = Tree::parse(&path.display().to_string(), &text)?;
            &loaded
        }
        None => aiact::load()?,
    };
    let text = std::fs::read_to_string(answers).with_context(|| format!("kan {} niet lezen", answers.display()))?;
    let steps: Vec<engine::Step> = serde_json::from_str(&text).with_context(|| {
        format!("{}: verwacht een JSON-lijst van {{\"questionId\": ..., \"answer\": ...}}", answers.display())
    })?;
    let outcome = engine::run(tree, &steps)?;
    let Some(conclusion_id) = &outcome.conclusion_id else {
        bail!(
            "de antwoorden houden op bij vraag {} zonder conclusie",
            outcome.next_question_id.as_deref().unwrap_or("?")
        );
    };
    let out = serde_json::json!({
        "tree": {"name": tree.name, "version": tree.version},
        "labels": outcome.labels,
        "conclusionId": conclusion_id,
        "conclusion": outcome.conclusion,
        "obligation": outcome.obligation,
        "subresults": outcome.subresults,
        "roles": outcome.roles,
        "systemType": outcome.system_type,
        "riskGroup": outcome.risk_group,
        "transparency": outcome.transparency,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
