"""Cross-cutting pieces: the commit point, authorization, errors, i18n and security headers."""
