"""Back-office screens for catalog; they change state only through its use cases."""
