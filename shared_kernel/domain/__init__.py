"""Domain building blocks every context may use. Pure Python: no Django, no ORM."""
