"""``python -m mealplan.catalog build --from ../shared``: rebuild the shipped starter pack.

``--from ../shared`` (holding ``fdc/`` and ``fndds/``) builds the whole pack, FNDDS included;
``--from ../shared/fdc`` builds it without FNDDS (and removes an FNDDS file from ``--out``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from mealplan.catalog._build import BuildSources, CatalogBuildError, build_pack

_DEFAULT_OUT = Path(__file__).resolve().parents[3] / "data" / "usda_cache"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mealplan.catalog")
    actions = parser.add_subparsers(dest="action", required=True)
    build = actions.add_parser("build", help="rebuild data/usda_cache from USDA's files")
    build.add_argument(
        "--from",
        dest="source",
        required=True,
        help="folder with fdc/ and fndds/ (like ../shared), or an FDC folder alone (no FNDDS)",
    )
    build.add_argument("--out", type=Path, default=_DEFAULT_OUT, help="pack folder to write")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        manifest = build_pack(BuildSources.from_folder(args.source), args.out)
    except CatalogBuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    fndds = manifest.get("fndds")
    fndds_text = (
        f"; {fndds['foods']} FNDDS foods ({fndds['release']})" if fndds else "; no FNDDS foods"
    )
    print(
        f"wrote {manifest['foods']} foods to {args.out} ({manifest['release']}); "
        f"{len(manifest['skipped'])} SR Legacy foods skipped (no SR28 values){fndds_text}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
