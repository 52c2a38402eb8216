"""Back-office screens for notifications; they change state only through its use cases."""
