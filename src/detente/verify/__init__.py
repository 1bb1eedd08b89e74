"""detente.verify."""
