-- The CISO is reminded when a supplier's processor agreement or certificate (ISO 27001, ISO 42001) expires
-- within 60 days, and again once it has expired (issue 23, item 4): a notification kind of its own, so the
-- e-mail preferences can hold or mute it.
insert into notification_kind (kind) values ('leverancier_verloopt');
