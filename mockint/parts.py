"""The four STAR parts in story order: the one place every layer names them from."""

STAR_PARTS = ("situation", "task", "action", "result")
