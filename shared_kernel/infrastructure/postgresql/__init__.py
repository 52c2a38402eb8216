"""PostgreSQL as Django's engine for Emporium: `base.DatabaseWrapper` (ADR 0022)."""
