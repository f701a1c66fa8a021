#!/usr/bin/env python3
"""Python `jsonschema` with our published schema on a document, for the validation comparison.

    bench_validate.py SCHEMA FILE                   # validate once (whole-process timing)
    bench_validate.py SCHEMA FILE --iterations N    # also: in-process mean of N validations
                                                    #   (schema compiled once, file parsed once)
Exit 0 when valid, 1 when not.
"""
import importlib.metadata
import json
import sys
import time

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    iterations = int(sys.argv[sys.argv.index("--iterations") + 1]) if "--iterations" in sys.argv else 0
    doc = json.load(open(sys.argv[2]))
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema)
    errors = list(validator.iter_errors(doc))
    if iterations:
        start = time.perf_counter()
        for _ in range(iterations):
            list(validator.iter_errors(doc))
        mean = (time.perf_counter() - start) / iterations
        print(json.dumps({"jsonschema_validate_mean_ms": round(mean * 1e3, 3), "iterations": iterations,
                          "validator": cls.__name__, "jsonschema": importlib.metadata.version("jsonschema")}))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
