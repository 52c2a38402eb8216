"""Identity's domain: accounts, email addresses and password resets. Pure Python."""
