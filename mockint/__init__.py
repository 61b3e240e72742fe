"""mockint — an offline voice mock-interview simulator for behavioral interviews."""

__version__ = "0.1.0"
