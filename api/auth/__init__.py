"""Staff accounts: roles, argon2 passwords, JWT bearer tokens and cookie sessions with CSRF, audit log."""
