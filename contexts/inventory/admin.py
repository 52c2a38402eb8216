"""Back-office screens for inventory; they change state only through its use cases."""
