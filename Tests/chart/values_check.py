#!/usr/bin/env python3
"""Coalesces Values/values.yaml with -f files (as oracle_render.py does) and validates the
result against Values/values.schema.json (JSON Schema draft 7). Exit 1 with the errors."""
import argparse
import json
import os
import sys

import jsonschema

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_render import values_for  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-f", "--values", action="append", default=[])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--chart", default=os.path.normpath(os.path.join(here, "..", "..")))
    args = parser.parse_args()
    with open(os.path.join(args.chart, "Values", "values.schema.json")) as handle:
        schema = json.load(handle)
    jsonschema.Draft7Validator.check_schema(schema)
    values = values_for(args.chart, args.values)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(values), key=lambda e: list(e.path))
    for error in errors:
        where = ".".join(str(p) for p in error.path) or "(root)"
        print("values: %s: %s" % (where, error.message), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
