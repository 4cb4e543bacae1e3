"""What every request stands on, and nothing of the product's rules: configuration, the
database session, sessions and cookies, languages, static assets, mail, passwords, rate limits,
kept pages, backups and migrations."""
