//! Sending over SMTP with lettre: the transport from the settings, and a message as plain text with an HTML
//! alternative made from the same template data (escaped by askama; no remote images, only links into the
//! application).

use std::time::Duration;

use askama::Template;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::outbox::Due;
use crate::config::{MailSecurity, MailSettings};

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct Text<'a> {
    name: &'a str,
    body: &'a str,
    url: Option<String>,
    unsubscribe: Option<String>,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct Html<'a> {
    subject: &'a str,
    name: &'a str,
    body: &'a str,
    url: Option<String>,
    unsubscribe: Option<String>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `List-Unsubscribe` (RFC 2369) with the one-click link.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, BoxError> {
        Ok(Self(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): a mail program may unsubscribe with a POST.
#[derive(Clone)]
struct OneClick;

impl Header for OneClick {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, BoxError> {
        Ok(Self)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

/// Why a message did not go out: the server's answer (never a password), and whether trying again is useless.
#[derive(Debug)]
pub struct SendError {
    pub text: String,
    pub permanent: bool,
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The application's address, for the links in messages.
    base_url: String,
}

impl Mailer {
    pub fn new(settings: &MailSettings, base_url: &str) -> Result<Self, String> {
        let builder = match settings.security {
            MailSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
            MailSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
                .map_err(|e| format!("SMTP-server {}: {e}", settings.host))?,
            MailSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)
                .map_err(|e| format!("SMTP-server {}: {e}", settings.host))?,
        };
        let mut builder = builder.port(settings.port).timeout(Some(Duration::from_secs(20)));
        if let Some(user) = &settings.user {
            builder =
                builder.credentials(Credentials::new(user.clone(), settings.password.clone().unwrap_or_default()));
        }
        let from = settings.from.parse::<Mailbox>().map_err(|e| format!("Afzender {:?}: {e}", settings.from))?;
        Ok(Self { transport: builder.build(), from, base_url: base_url.trim_end_matches('/').to_string() })
    }

    /// The e-mail for an outbox message; with an unsubscribe token, the link (in the text and in the headers)
    /// that switches this kind of message off for the recipient.
    pub fn message(&self, due: &Due, unsubscribe: Option<&str>) -> Result<Message, SendError> {
        let refused =
            |what: &str, e: &dyn std::fmt::Display| SendError { text: format!("{what}: {e}"), permanent: true };
        let to = due.to_address.parse().map_err(|e| refused("Ontvanger", &e))?;
        let url = due.link.as_deref().map(|l| format!("{}{l}", self.base_url));
        let unsubscribe = unsubscribe.map(|t| format!("{}/e-mail/afmelden/{t}", self.base_url));
        let text = Text { name: &due.to_name, body: &due.body, url: url.clone(), unsubscribe: unsubscribe.clone() };
        let html =
            Html { subject: &due.subject, name: &due.to_name, body: &due.body, url, unsubscribe: unsubscribe.clone() };
        let (text, html) = (text.render(), html.render());
        let (text, html) = (text.map_err(|e| refused("Tekst", &e))?, html.map_err(|e| refused("HTML", &e))?);
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(Some(due.to_name.clone()), to))
            .subject(due.subject.clone());
        if let Ok(reply_to) = due.reply_to.parse() {
            builder = builder.reply_to(Mailbox::new(None, reply_to));
        }
        if let Some(link) = unsubscribe {
            builder = builder.header(ListUnsubscribe(link)).header(OneClick);
        }
        builder.multipart(MultiPart::alternative_plain_html(text, html)).map_err(|e| refused("Bericht", &e))
    }

    pub async fn send(&self, message: Message) -> Result<(), SendError> {
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err(SendError { text: e.to_string(), permanent: e.is_permanent() }),
        }
    }

    /// A test message to `to` ("Testbericht sturen"), sent at once so the administrator sees the server's answer.
    pub async fn send_test(&self, to: &str, name: &str) -> Result<(), SendError> {
        let due = Due {
            message_id: uuid::Uuid::nil(),
            user_id: None,
            kind: "test".into(),
            to_address: to.to_string(),
            to_name: name.to_string(),
            subject: "Testbericht van AI-register".into(),
            body: "Dit is een testbericht. E-mail vanuit AI-register werkt.".into(),
            link: Some("/beheer/e-mail".into()),
            attempts: 1,
            reply_to: String::new(),
        };
        self.send(self.message(&due, None)?).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_typed_as_a_list_come_out_one_per_line_in_the_text_and_as_a_list_in_the_html() {
        let body = "ChatGPT Team is goedgekeurd onder voorwaarden:\n* geen persoonsgegevens\n- alleen openbare teksten";
        let text = Text { name: "Piet", body, url: None, unsubscribe: None }.render().unwrap();
        assert!(
            text.contains("voorwaarden:\n\n- geen persoonsgegevens\n- alleen openbare teksten\n"),
            "text part: {text}"
        );
        let html = Html { subject: "Besluit", name: "Piet", body, url: None, unsubscribe: None }.render().unwrap();
        assert!(html.contains("<ul><li>geen persoonsgegevens</li><li>alleen openbare teksten</li></ul>"), "{html}");
    }
}
