//! `prescan run`: evaluate a Pre-scan DPIA answer set as the government's tool does and print the verdict as JSON.

use std::path::Path;

use anyhow::{Context, bail};

pub fn run(answers: &Path) -> anyhow::Result<()> {
    use airegister::questionnaires::{self, run};
    let def = &questionnaires::load().map_err(anyhow::Error::msg)?.prescan;
    let text = std::fs::read_to_string(answers).with_context(|| format!("kan {} niet lezen", answers.display()))?;
    let given: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!("{}: geen geldige JSON; verwacht een object met per vraag-id het antwoord", answers.display())
    })?;
    let checked = match run::check(def, &given) {
        Ok(a) => a,
        Err(wrong) => {
            let lines: Vec<String> = wrong
                .iter()
                .map(|w| {
                    if w.question.is_empty() {
                        w.message.clone()
                    } else {
                        format!("vraag {}: {}", w.question, w.message)
                    }
                })
                .collect();
            bail!("{}: {}", answers.display(), lines.join("; "));
        }
    };
    println!("{}", serde_json::to_string_pretty(&run::report(def, &checked))?);
    Ok(())
}
