"""One module per command group; see mockint.cli.COMMAND_MODULES."""
