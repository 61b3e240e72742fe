"""`mockint practice`: placeholder until its issue lands (replace this module whole)."""

from __future__ import annotations

import argparse

from mockint.errors import MockintError


def register(sub, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("practice", parents=[common], help="(not built yet)")
    parser.set_defaults(handler=_not_built)


def _not_built(args, settings, env) -> int:
    raise MockintError("'mockint practice' is not built yet", "see the open issues")
