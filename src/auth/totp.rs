//! Two-factor login with a time-based one-time password (TOTP, RFC 6238: HMAC-SHA1, 30-second steps,
//! 6 digits — what every authenticator app supports) and single-use recovery codes.
//!
//! A code is accepted for the current step and one step either side (clock drift), and only once: the step
//! of the last accepted code is stored and a code of that step or an earlier one is refused (ASVS 6.5.1).

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::util::token_hash;

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: u32 = 6;
/// Recovery codes handed out at once.
pub const RECOVERY_CODES: usize = 10;

/// A new 160-bit secret (RFC 4226 recommends 160 bits).
pub fn new_secret() -> Vec<u8> {
    let mut buf = [0u8; 20];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    buf.to_vec()
}

/// The secret as people type it into an app without a camera: base32 in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let b32 = data_encoding::BASE32_NOPAD.encode(secret);
    b32.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// The `otpauth://` link an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc =
        |s: &str| -> String { form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20") };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        enc(issuer),
        enc(account),
        data_encoding::BASE32_NOPAD.encode(secret),
        enc(issuer)
    )
}

/// The code of one time step (RFC 4226 dynamic truncation).
pub fn code_at(secret: &[u8], step: u64) -> u32 {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let bin = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    bin % 10u32.pow(DIGITS)
}

pub fn step_of(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

fn now_step() -> u64 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    step_of(secs)
}

/// What a person typed, as six digits (spaces and a dash in the middle are allowed).
pub fn parse_code(input: &str) -> Option<u32> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    (digits.len() == DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok())?
}

/// The step whose code matches, within one step of `now`, and later than `last_step`.
pub fn matching_step(secret: &[u8], code: u32, now: u64, last_step: Option<u64>) -> Option<u64> {
    [now, now.saturating_sub(1), now + 1]
        .into_iter()
        .filter(|s| last_step.is_none_or(|last| *s > last))
        .find(|s| crate::util::constant_time_eq(&code_at(secret, *s).to_be_bytes(), &code.to_be_bytes()))
}

/// Crockford's base32 alphabet: no i, l, o or u, so nothing is mistaken for something else; 32 symbols, so
/// every random byte maps without bias (`% 32`).
const RECOVERY_ALPHABET: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// Characters per recovery code: 25 × 5 bits = 125 bits, enough that a plain SHA-256 of it cannot be
/// searched back from a stolen database (ASVS 6.5.2 asks for 112 bits before a fast hash is acceptable).
const RECOVERY_CHARS: usize = 25;

/// A recovery code, shown in groups of five: `k7m2p-x9rtq-…`.
fn new_recovery_code() -> String {
    let mut buf = [0u8; RECOVERY_CHARS];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    let s: Vec<char> = buf.iter().map(|b| RECOVERY_ALPHABET[usize::from(*b) % 32] as char).collect();
    s.chunks(5).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A typed recovery code in its stored form: case, dashes and spaces do not matter, and the look-alikes
/// Crockford leaves out are read as what they look like (o as 0, i and l as 1).
fn normalise_recovery(input: &str) -> Option<String> {
    let s: String = input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    (s.len() == RECOVERY_CHARS && s.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(s)
}

/// A QR code of `text` as SVG (no style attributes, so the strict CSP applies; the image is labelled).
pub fn qr_svg(text: &str) -> String {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"240\" height=\"240\" \
         role=\"img\" aria-labelledby=\"qr-titel\" class=\"app-qr\"><title id=\"qr-titel\">QR-code om \
         AI-register toe te voegen aan uw authenticator-app</title><rect width=\"100%\" height=\"100%\" \
         fill=\"#ffffff\"/><path d=\"{path}\" fill=\"#000000\"/></svg>"
    )
}

#[derive(sqlx::FromRow)]
pub struct TotpState {
    pub secret: Option<Vec<u8>>,
    pub last_step: Option<i64>,
    pub pending: Option<Vec<u8>>,
    pub enabled_at: Option<time::OffsetDateTime>,
    pub recovery_left: i64,
}

pub async fn state(pool: &PgPool, user_id: Uuid) -> sqlx::Result<TotpState> {
    sqlx::query_as!(
        TotpState,
        r#"select totp_secret as "secret?: Vec<u8>", totp_last_step as "last_step?: i64",
                 totp_pending as "pending?: Vec<u8>",
                totp_enabled_at as "enabled_at?: time::OffsetDateTime",
                (select count(*) from totp_recovery_code r where r.user_id = u.user_id and r.used_at is null) as "recovery_left!: i64"
           from app_user u where user_id = $1"#,
        user_id
    )
    .fetch_one(pool)
    .await
}

/// The secret being set up: the one shown in the last 30 minutes (so a reload does not invalidate a code
/// already scanned), or a new one.
pub async fn pending_secret(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<u8>> {
    let fresh = new_secret();
    sqlx::query_scalar!(
        r#"update app_user set
            totp_pending = case when totp_pending_at > now() - interval '30 minutes' then totp_pending else $2 end,
            totp_pending_at = case when totp_pending_at > now() - interval '30 minutes' then totp_pending_at else now() end
          where user_id = $1 returning totp_pending as "v!""#,
        user_id,
        fresh
    )
    .fetch_one(pool)
    .await
}

/// Whether the user must hold a second factor: beheerder or CISO in an organisation that requires it.
pub async fn required_for(pool: &PgPool, user_id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from membership m join organisation o using (organisation_id)
                        where m.user_id = $1 and o.require_mfa and m.role in ('beheerder', 'ciso')) as "v!""#,
        user_id
    )
    .fetch_one(pool)
    .await
}

/// Switch two-factor login on with the pending secret, if `code` matches it; returns the recovery codes.
pub async fn enable(conn: &mut PgConnection, user_id: Uuid, code: u32) -> sqlx::Result<Option<Vec<String>>> {
    let pending: Option<Vec<u8>> = sqlx::query_scalar!(
        "select totp_pending from app_user where user_id = $1 and totp_secret is null
            and totp_pending_at > now() - interval '30 minutes' for update",
        user_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    let Some(secret) = pending else { return Ok(None) };
    let Some(step) = matching_step(&secret, code, now_step(), None) else { return Ok(None) };
    sqlx::query!(
        "update app_user set totp_secret = totp_pending, totp_pending = null, totp_pending_at = null, totp_enabled_at = now(),
                totp_last_step = $2, version = version + 1
          where user_id = $1",
        user_id,
        step as i64
    )
    .execute(&mut *conn)
    .await?;
    replace_recovery_codes(conn, user_id).await.map(Some)
}

/// Another phone: a new pending secret beside the current one, which keeps working until the new phone
/// has given a code ([`replace_secret`]).
pub async fn start_relink(pool: &PgPool, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "update app_user set totp_pending = $2, totp_pending_at = now() where user_id = $1 and totp_secret is not null",
        user_id,
        new_secret()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The pending secret of another phone, shown for 30 minutes after [`start_relink`].
pub async fn relink_secret(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar!(
        "select totp_pending from app_user where user_id = $1 and totp_secret is not null
            and totp_pending_at > now() - interval '30 minutes'",
        user_id
    )
    .fetch_optional(pool)
    .await
    .map(Option::flatten)
}

/// Make the other phone's secret the one that counts, if `code` comes from it; false otherwise.
pub async fn replace_secret(conn: &mut PgConnection, user_id: Uuid, code: u32) -> sqlx::Result<bool> {
    let pending: Option<Vec<u8>> = sqlx::query_scalar!(
        "select totp_pending from app_user where user_id = $1 and totp_secret is not null
            and totp_pending_at > now() - interval '30 minutes' for update",
        user_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    let Some(step) = pending.and_then(|secret| matching_step(&secret, code, now_step(), None)) else {
        return Ok(false);
    };
    sqlx::query!(
        "update app_user set totp_secret = totp_pending, totp_pending = null, totp_pending_at = null,
                totp_enabled_at = now(), totp_last_step = $2, version = version + 1
          where user_id = $1",
        user_id,
        step as i64
    )
    .execute(conn)
    .await?;
    Ok(true)
}

/// Stop linking another phone (the current one stays).
pub async fn cancel_relink(pool: &PgPool, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "update app_user set totp_pending = null, totp_pending_at = null where user_id = $1 and totp_secret is not null",
        user_id
    )
        .execute(pool)
        .await?;
    Ok(())
}

/// New recovery codes; the earlier ones stop working.
pub async fn replace_recovery_codes(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query!("delete from totp_recovery_code where user_id = $1", user_id).execute(&mut *conn).await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| token_hash(&normalise_recovery(c).unwrap_or_default())).collect();
    sqlx::query!(
        "insert into totp_recovery_code (user_id, code_hash) select $1, unnest($2::bytea[])",
        user_id,
        &hashes
    )
    .execute(&mut *conn)
    .await?;
    Ok(codes)
}

/// Switch two-factor login off (by the user, or reset by an administrator).
pub async fn disable(conn: &mut PgConnection, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "update app_user set totp_secret = null, totp_enabled_at = null, totp_last_step = null, totp_pending = null,
                totp_pending_at = null,
                version = version + 1
          where user_id = $1",
        user_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("delete from totp_recovery_code where user_id = $1", user_id).execute(conn).await?;
    Ok(())
}

/// How a second factor was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    Code,
    RecoveryCode,
}

/// Check a typed code (six digits) or recovery code against the user's second factor, using it up.
pub async fn verify(pool: &PgPool, user_id: Uuid, input: &str) -> sqlx::Result<Option<Verified>> {
    let mut tx = pool.begin().await?;
    let row: Option<(Option<Vec<u8>>, Option<i64>)> = sqlx::query!(
        r#"select totp_secret as "c0?: Vec<u8>",
                     totp_last_step as "c1?: i64" from app_user where user_id = $1 for update"#,
        user_id
    )
    .map(|r| (r.c0, r.c1))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((Some(secret), last)) = row else { return Ok(None) };
    if let Some(code) = parse_code(input) {
        let Some(step) = matching_step(&secret, code, now_step(), last.map(|l| l as u64)) else { return Ok(None) };
        sqlx::query!("update app_user set totp_last_step = $2 where user_id = $1", user_id, step as i64)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(Some(Verified::Code));
    }
    let Some(normal) = normalise_recovery(input) else { return Ok(None) };
    let used = sqlx::query!(
        "update totp_recovery_code set used_at = now() where user_id = $1 and code_hash = $2 and used_at is null",
        user_id,
        token_hash(&normal)
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((used.rows_affected() == 1).then_some(Verified::RecoveryCode))
}

/// For tests and the set-up page's check: the code an app would show now.
pub fn current_code(secret: &[u8]) -> u32 {
    code_at(secret, now_step())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, reduced to six digits.
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59u64, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
            (20000000000, 65353130),
        ] {
            assert_eq!(code_at(secret, step_of(time)), eight % 1_000_000, "t={time}");
        }
    }

    #[test]
    fn one_step_either_side_and_only_once() {
        let secret = b"12345678901234567890";
        let now = 1000;
        let code = code_at(secret, now);
        assert_eq!(matching_step(secret, code, now, None), Some(now));
        assert_eq!(matching_step(secret, code_at(secret, now - 1), now, None), Some(now - 1));
        assert_eq!(matching_step(secret, code_at(secret, now + 1), now, None), Some(now + 1));
        assert_eq!(matching_step(secret, code_at(secret, now - 2), now, None), None, "too old");
        assert_eq!(matching_step(secret, code, now, Some(now)), None, "already used");
        assert_eq!(matching_step(secret, code_at(secret, now - 1), now, Some(now - 1)), None);
    }

    #[test]
    fn typed_codes() {
        assert_eq!(parse_code("123 456"), Some(123456));
        assert_eq!(parse_code("012-345"), Some(12345));
        assert_eq!(parse_code("12345"), None);
        assert_eq!(parse_code("12345a"), None);
        assert_eq!(normalise_recovery("K7M2P-X9RTQ-abcde-fghjk-mnpq0").as_deref(), Some("k7m2px9rtqabcdefghjkmnpq0"));
        assert_eq!(normalise_recovery("k7m2p x9rtq abcde fghjk mnpqO").as_deref(), Some("k7m2px9rtqabcdefghjkmnpq0"));
        assert_eq!(normalise_recovery("abc"), None);
        assert_eq!(normalise_recovery("uuuuu-uuuuu-uuuuu-uuuuu-uuuuu"), None, "u is not in the alphabet");
        let c = new_recovery_code();
        assert_eq!(c.len(), 29);
        assert!(normalise_recovery(&c).is_some());
    }

    #[test]
    fn otpauth_link_and_qr() {
        let secret = b"12345678901234567890";
        let uri = otpauth_uri("AI-register Gemeente Demodam", "ciso@demo.example", secret);
        assert!(uri.starts_with("otpauth://totp/AI-register%20Gemeente%20Demodam:ciso%40demo.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"), "{uri}");
        assert_eq!(secret_text(secret), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        let svg = qr_svg(&uri);
        assert!(svg.starts_with("<svg") && svg.contains("<title") && !svg.contains("style="));
    }
}
