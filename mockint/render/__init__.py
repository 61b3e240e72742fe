"""Everything the user sees: terminal output, the live view, HTML pages."""
