//! The demo's AI policy: two published versions built on the structure of the seed policies. Version 1 follows
//! the articles of the Flemish municipal policy (seed 003, Kortenberg: definition, aims, scope, regulation,
//! responsibility, guidelines, training, privacy, human oversight, sanctions, contact); version 2 adds the
//! principles, the procedure and the duty to report of the Dutch data-house policy (seed 002, Gegevenshuis), so
//! the comparison shows what changed. The demo people get departments, and some have read version 2.

use sqlx::PgConnection;
use time::macros::date;
use uuid::Uuid;

use crate::auth::roles::Role;
use crate::register::richtext;

const V1_TITLE: &str = "AI-beleid Gemeente Demodam";

const V1: &str = "# Art. 1 – Doel en reikwijdte

Onder artificiële intelligentie (AI) verstaan wij het gebruik van algoritmen, technologie en software die taken uitvoeren waarvoor normaal menselijke intelligentie nodig is: gegevens analyseren, aanbevelingen doen of tekst en beeld maken, met een zekere mate van zelfstandigheid.

Dit beleid geldt voor alle afdelingen en processen van de gemeente, voor alle medewerkers, en ook voor stagiairs, vrijwilligers, tijdelijke krachten en leveranciers die namens de gemeente AI inzetten.

Het beleid is niet statisch: het wordt aangepast aan nieuwe wetgeving en technologie. Wijzigingen maken wij bekend via AI-register en het intranet.

# Art. 2 – Regelgeving

- De AI-verordening (Verordening (EU) 2024/1689)
- De Algemene Verordening Gegevensbescherming (Verordening (EU) 2016/679)

# Art. 3 – Verantwoordelijkheid

Wie AI gebruikt, blijft verantwoordelijk voor het resultaat. AI-systemen nemen geen besluiten met gevolgen voor inwoners zonder menselijke tussenkomst.

# Art. 4 – Richtlijnen voor gebruik

Gebruik alleen AI-tools die in AI-register onder Toegestane AI-tools staan, en alleen met de gegevens die daar zijn toegestaan. Een tool die er niet in staat, vraagt u eerst aan.

- Deel geen vertrouwelijke gegevens of persoonsgegevens met openbare AI-tools.
- Deel geen inloggegevens van AI-tools met anderen.
- Pas dezelfde beveiligingsregels toe als voor ander werk: sterke wachtwoorden, bijgewerkte software.

# Art. 5 – Training

Alle medewerkers volgen de AI-basistraining. Wie beroepsmatig met AI werkt, volgt een verdiepende opleiding.

# Art. 6 – Privacy en gegevensbescherming

Gebruik niet meer persoonsgegevens dan nodig is, en waar het kan geanonimiseerd of gepseudonimiseerd. Hebt u per ongeluk gevoelige gegevens in een AI-tool ingevoerd, dan is dat een datalek: meld het meteen bij de FG.

# Art. 7 – Menselijke controle

Controleer wat AI maakt voordat u het gebruikt. AI ondersteunt uw oordeel en vervangt het niet.

# Art. 8 – Sancties

Wie dit beleid ernstig overtreedt, kan disciplinaire maatregelen krijgen volgens het personeelsreglement.

# Art. 9 – Contact

Vragen over AI stelt u aan de CISO of de Functionaris Gegevensbescherming.";

const V2: &str = "# Art. 1 – Doel en reikwijdte

Onder artificiële intelligentie (AI) verstaan wij het gebruik van algoritmen, technologie en software die taken uitvoeren waarvoor normaal menselijke intelligentie nodig is: gegevens analyseren, aanbevelingen doen of tekst en beeld maken, met een zekere mate van zelfstandigheid.

Dit beleid geldt voor alle afdelingen en processen van de gemeente, voor alle medewerkers, en ook voor stagiairs, vrijwilligers, tijdelijke krachten en leveranciers die namens de gemeente AI inzetten. Het geldt voor individueel gebruik en voor projecten.

Het beleid is niet statisch: het wordt aangepast aan nieuwe wetgeving en technologie. Wijzigingen maken wij bekend via AI-register en het intranet.

# Art. 2 – Regelgeving

- De AI-verordening (Verordening (EU) 2024/1689)
- De Algemene Verordening Gegevensbescherming (Verordening (EU) 2016/679)
- De Archiefwet en de Wet open overheid

# Art. 3 – Uitgangspunten voor verantwoord gebruik

- Transparantie: wij maken zichtbaar waar AI wordt gebruikt, voor collega's en inwoners; toepassingen met impact staan in het Algoritmeregister.
- Menselijke regie: AI ondersteunt medewerkers maar neemt het werk of de verantwoordelijkheid niet over. AI neemt nooit zelfstandig juridische of beleidsbesluiten.
- Veiligheid en privacy: geen persoonsgegevens of vertrouwelijke informatie in openbare AI-tools.
- Inclusiviteit: wij letten op vooroordelen in uitkomsten en op toegankelijkheid voor iedereen.

# Art. 4 – Richtlijnen voor gebruik

Gebruik alleen AI-tools die in AI-register onder Toegestane AI-tools staan, en alleen met de gegevens die daar zijn toegestaan. Een tool die er niet in staat, vraagt u eerst aan.

- Deel geen vertrouwelijke gegevens of persoonsgegevens met openbare AI-tools.
- Deel geen inloggegevens van AI-tools met anderen.
- Pas dezelfde beveiligingsregels toe als voor ander werk: sterke wachtwoorden, bijgewerkte software.

# Art. 5 – Procedure voor de inzet van AI

1. Bepaal het doel en de maatschappelijke meerwaarde.
2. Voer een risicoanalyse uit (DPIA of IAMA) waar dat nodig is.
3. Leg afspraken met de leverancier vast, ook over het gebruik van gegevens.
4. Registreer de toepassing in AI-register en, waar nodig, in het Algoritmeregister.
5. Informeer en train de medewerkers die ermee werken.

# Art. 6 – Training

Alle medewerkers volgen de AI-basistraining. Wie beroepsmatig met AI werkt, volgt een verdiepende opleiding. Iedereen bevestigt in AI-register dat hij of zij dit beleid heeft gelezen.

# Art. 7 – Privacy en gegevensbescherming

Gebruik niet meer persoonsgegevens dan nodig is, en waar het kan geanonimiseerd of gepseudonimiseerd. Hebt u per ongeluk gevoelige gegevens in een AI-tool ingevoerd, dan is dat een datalek: meld het meteen bij de FG.

# Art. 8 – Menselijke controle

Controleer wat AI maakt voordat u het gebruikt. AI ondersteunt uw oordeel en vervangt het niet.

# Art. 9 – Meldplicht en evaluatie

- Incidenten met AI meldt u bij de CISO of de FG, in AI-register via het tabblad Incidenten van de tool.
- Dit beleid wordt jaarlijks geëvalueerd en bijgewerkt.

# Art. 10 – Sancties

Wie dit beleid ernstig overtreedt, kan disciplinaire maatregelen krijgen volgens het personeelsreglement.

# Art. 11 – Contact

Vragen over AI stelt u aan de CISO of de Functionaris Gegevensbescherming.";

/// The demo people's departments, by role.
pub const DEPARTMENTS: [(Role, &str); 6] = [
    (Role::Medewerker, "Burgerzaken"),
    (Role::Projectleider, "Sociaal Domein"),
    (Role::Ciso, "Informatievoorziening"),
    (Role::Fg, "Informatievoorziening"),
    (Role::Directie, "Directie"),
    (Role::Beheerder, "Informatievoorziening"),
];

async fn version(conn: &mut PgConnection, org: Uuid, number: i32, text: &str, in_force: bool) -> anyhow::Result<Uuid> {
    let html = richtext::to_html(text).ok_or_else(|| anyhow::anyhow!("the demo policy has no text"))?;
    let on = if in_force { date!(2026 - 01 - 15) } else { date!(2025 - 03 - 01) };
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into policy_version (policy_version_id, organisation_id, number, title, body, status, published_on,
                                     published_at, superseded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $7::date::timestamptz,
                 case when $8 then timestamptz '2026-01-15 09:00+01' end)",
        id,
        org,
        number,
        V1_TITLE,
        html,
        if in_force { "gepubliceerd" } else { "vervangen" },
        on,
        !in_force
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The policy, once (an organisation that has one keeps it); the departments where none is set.
pub async fn seed(conn: &mut PgConnection, org: Uuid, people: &[(Role, Uuid)]) -> anyhow::Result<()> {
    for (role, department) in DEPARTMENTS {
        if let Some((_, id)) = people.iter().find(|(r, _)| *r == role) {
            sqlx::query!(
                "update app_user set department = $2 where user_id = $1 and department is null",
                id,
                department
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    let has: bool =
        sqlx::query_scalar!(r#"select exists (select 1 from policy_version where organisation_id = $1) as "v!""#, org)
            .fetch_one(&mut *conn)
            .await?;
    if has {
        return Ok(());
    }
    let first = version(conn, org, 1, V1, false).await?;
    let second = version(conn, org, 2, V2, true).await?;
    // Everyone read version 1; of version 2 the CISO, the FG and the directie have, the others are still asked.
    for (role, id) in people {
        sqlx::query!(
            "insert into policy_acknowledgement (policy_version_id, user_id, acknowledged_at) values ($1, $2, '2025-03-10')",
            first,
            id
        )
        .execute(&mut *conn)
        .await?;
        if matches!(role, Role::Ciso | Role::Fg | Role::Directie) {
            sqlx::query!(
                "insert into policy_acknowledgement (policy_version_id, user_id, acknowledged_at) values ($1, $2, '2026-01-20')",
                second,
                id
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
