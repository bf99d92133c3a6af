"""The package version, in a module of its own: any module can import it without
importing the package's public API (which imports the loader, and so on)."""

__version__ = "0.1.0"
