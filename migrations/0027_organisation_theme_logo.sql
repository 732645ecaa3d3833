-- The organisation's own look (issue 21, item 2): a theme from the vendored NL Design System themes, and its
-- logo (a checked PNG or a sanitised SVG) shown in the header of its pages and of its public register.
-- The hash names the logo's version in its URL, so browsers may cache it for good.
alter table organisation add column theme text not null default 'voorbeeld';
alter table organisation add constraint organisation_theme_check
    check (theme in ('voorbeeld', 'denhaag', 'rijkshuisstijl'));
alter table organisation add column logo bytea;
alter table organisation add column logo_media_type text;
alter table organisation add column logo_sha256 text;
alter table organisation add constraint organisation_logo_check check (
    (logo is null and logo_media_type is null and logo_sha256 is null)
    or (logo is not null and octet_length(logo) between 1 and 262144
        and logo_media_type in ('image/png', 'image/svg+xml')
        and logo_sha256 ~ '^[0-9a-f]{64}$'));
