"""kam: the key-account relationship manager (settings, domain models and the CLI)."""

__version__ = "0.1.0"
