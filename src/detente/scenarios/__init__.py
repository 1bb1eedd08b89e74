"""Bundled scenarios (YAML files shipped with detente)."""
