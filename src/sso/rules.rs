//! What an organisation's provider changes for local logins (issue 19, item 5): with local_login off its
//! people sign in only through the provider (beheerders keep their password as a way in when the provider
//! is down), and an account that signed in at the provider may make an API token without a password.

use sqlx::PgPool;
use uuid::Uuid;

/// Minutes after signing in at the provider during which that login counts as recent authentication.
pub const RECENT_MINUTES: i32 = 10;

/// The label of the provider ("Gemeente-account") whose organisation does not allow this user a password
/// login; None when a password login is allowed. Beheerders (of any organisation) are always allowed.
pub async fn password_refused(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select p.label from membership m join sso_provider p using (organisation_id)
          where m.user_id = $1 and p.enabled and not p.local_login
            and not exists(select 1 from membership b where b.user_id = $1 and b.role = 'beheerder')
          order by p.label limit 1",
        user_id
    )
    .fetch_optional(pool)
    .await
}

/// The Dutch sentence for a refused password login or activation.
pub fn use_provider(label: &str) -> String {
    format!(
        "Uw organisatie laat inloggen met een wachtwoord niet toe. Gebruik de knop \u{201c}Inloggen met {label}\u{201d} op de inlogpagina."
    )
}

/// How this session began at a provider, when that was less than ten minutes ago: Some(whether the
/// provider's login counted as two-factor). None: not a provider login, or too long ago.
pub async fn recent_provider_login(pool: &PgPool, session_hash: &[u8]) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar!(
        "select mfa from sso_session where session_hash = $1 and created_at > now() - make_interval(mins => $2)",
        session_hash,
        RECENT_MINUTES
    )
    .fetch_optional(pool)
    .await
}
