"""detente.strategy."""
