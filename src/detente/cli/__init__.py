"""The ``detente`` command line: a thin face over the public API."""
