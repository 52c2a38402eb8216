"""Back-office screens for payments; they change state only through its use cases."""
