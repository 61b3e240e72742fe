"""Shared test helpers: fakes, the virtual sound card, the browser, hostile folders, practice processes."""
