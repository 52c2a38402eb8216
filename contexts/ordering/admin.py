"""Back-office screens for ordering; they change state only through its use cases."""
