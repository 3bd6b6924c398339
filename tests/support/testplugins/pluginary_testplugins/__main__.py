"""``python -m pluginary_testplugins [OUT_DIR]``: build and print the JSON manifest."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pluginary_testplugins.build import ALL_FORMATS, TestPluginBuildError, build_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pluginary_testplugins",
        description="Build the Pluginary test plugins (cached) and print a JSON manifest.",
    )
    parser.add_argument("out_dir", nargs="?", type=Path, help="build here instead of the cache")
    parser.add_argument(
        "--formats", default=",".join(ALL_FORMATS), help="comma-separated subset of formats"
    )
    args = parser.parse_args(argv)
    try:
        result = build_all(args.out_dir, formats=tuple(args.formats.split(",")))
    except TestPluginBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    json.dump(result.to_manifest(absolute=True), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
