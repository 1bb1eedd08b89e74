"""detente.bargain."""
