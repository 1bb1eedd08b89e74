"""detente.conflict."""
