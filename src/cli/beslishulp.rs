//! `beslishulp run`: walk the AI Act decision tree with stored answers and print the outcome as JSON (with the
//! tree's content hash); `reference`: the reference data's versions, hashes and sources.

use std::path::Path;

use anyhow::{Context, bail};

pub fn run(answers: &Path, tree: Option<&Path>) -> anyhow::Result<()> {
    use airegister::aiact::{self, engine, tree::Tree};
    let loaded;
    let (tree, sha256): (&Tree, String) = match tree {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("kan {} niet lezen", path.display()))?;
            loaded = Tree::parse(&path.display().to_string(), &text)?;
            (&loaded, aiact::sha256_hex(text.as_bytes()))
        }
        None => (aiact::load()?, aiact::tree_sha256().to_string()),
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
        "tree": {"name": tree.name, "version": tree.version, "sha256": sha256},
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

/// `airegister reference`: one line per reference file, in columns.
pub fn reference() {
    let list = airegister::reference::list();
    let rows: Vec<[String; 4]> =
        list.iter().map(|e| [e.name.to_string(), e.version.clone(), e.short().to_string(), e.source.clone()]).collect();
    let head = ["Naam".to_string(), "Versie".into(), "Hash".into(), "Bron".into()];
    let width = |i: usize| rows.iter().chain([&head]).map(|r| r[i].chars().count()).max().unwrap_or(0);
    let widths = [width(0), width(1), width(2)];
    for r in [&head].into_iter().chain(&rows) {
        println!("{:w0$}  {:w1$}  {:w2$}  {}", r[0], r[1], r[2], r[3], w0 = widths[0], w1 = widths[1], w2 = widths[2]);
    }
}
