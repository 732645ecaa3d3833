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

/// How this session began at a provider: None when not at a provider; otherwise whether that login was less
/// than ten minutes ago and whether it counted as two-factor.
pub async fn provider_login(pool: &PgPool, session_hash: &[u8]) -> sqlx::Result<Option<ProviderLogin>> {
    sqlx::query_as!(
        ProviderLogin,
        r#"select mfa, created_at > now() - make_interval(mins => $2) as "recent!"
             from sso_session where session_hash = $1"#,
        session_hash,
        RECENT_MINUTES
    )
    .fetch_optional(pool)
    .await
}

pub struct ProviderLogin {
    pub mfa: bool,
    pub recent: bool,
}

impl ProviderLogin {
    /// Some(two-factor) when the provider's login was recent enough to stand in for a password.
    pub fn recent(login: &Option<ProviderLogin>) -> Option<bool> {
        login.as_ref().filter(|l| l.recent).map(|l| l.mfa)
    }
}
