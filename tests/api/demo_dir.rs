//! The demo keeps to its own data directory (issue 18, item 8): trying the demo first and then starting a real
//! installation in the same directory gives a clean start with a setup link, not the demo's accounts.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::helpers::scratch_dir;

/// `airegister` run in `dir`, on the private cluster's default data directory (no DATABASE_URL, no
/// AIREGISTER_DATA_DIR).
fn airegister_in(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_airegister"));
    cmd.current_dir(dir).env_remove("DATABASE_URL").env_remove("AIREGISTER_DATA_DIR").env("AIREGISTER_LOG", "warn");
    cmd
}

#[tokio::test]
async fn the_demo_has_its_own_data_directory_and_a_real_start_afterwards_is_clean() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let top = scratch_dir("airegister-demo-dir-");
    let out = airegister_in(&top).args(["demo", "--demo-password", "demo-wachtwoord-123"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ciso@demo.example"));
    assert!(top.join("data/demo/postgres/PG_VERSION").exists(), "the demo's cluster is in ./data/demo/postgres");
    assert!(!top.join("data/postgres").exists(), "the real data directory is untouched");

    // A real start in the same directory: its own cluster, no administrator yet, so the setup link.
    let mut child = airegister_in(&top)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    // Stopped once it serves (a signal during start-up is not what this test is about): up to a minute, as a
    // loaded CI machine starts the cluster slowly; not ready by then is a failure of its own.
    let ready = format!("{}/readyz", first.rsplit(' ').next().unwrap());
    let mut serving = false;
    for _ in 0..600 {
        if reqwest::get(&ready).await.is_ok_and(|r| r.status() == 200) {
            serving = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    std::thread::spawn(move || for _ in lines {});
    let status = child.wait().unwrap();
    assert!(serving, "the real start answered {ready} within a minute");
    assert!(status.success(), "stopped by SIGTERM once serving, it exits cleanly: {status}");
    assert!(first.starts_with("AI-register luistert op"), "{first}");
    assert!(second.starts_with("Eerste start"), "a clean start asks to be set up: {second}");
    assert!(top.join("data/postgres/PG_VERSION").exists());

    // An explicit --data-dir still wins for the demo.
    let explicit = top.join("elders");
    let out = airegister_in(&top)
        .args(["demo", "--demo-password", "demo-wachtwoord-123", "--data-dir"])
        .arg(&explicit)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(explicit.join("PG_VERSION").exists());
    std::fs::remove_dir_all(&top).ok();
}
