#!/usr/bin/env python3
"""Signing rate of the official Python SDK's own signing functions on the requests written by
`sign-rate --out FILE` (bench/src/bin/sign-rate.rs), so both implementations sign the same
requests in the same run. Checks first that the SDK computes the same signatures as ours.

    bench_sign.py FILE [SECONDS]    -> one JSON line per measurement
"""
import json
import sys
import time
from types import SimpleNamespace

from alibabacloud_tea_openapi.utils import Utils


def rate(fn, n, seconds):
    fn()
    start = time.perf_counter()
    done = 0
    while time.perf_counter() - start < seconds:
        fn()
        done += n
    return done / (time.perf_counter() - start)


def main():
    path = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    data = json.load(open(path))
    ak, secret = data["access_key_id"], data["access_key_secret"]
    reqs = data["requests"]
    v1 = [(r["v1"]["params"], r["v1"]["method"], r["v1"]["signature"]) for r in reqs]
    v3 = [
        (
            SimpleNamespace(
                method=r["v3"]["method"],
                pathname=r["v3"]["pathname"],
                query=r["v3"]["query"],
                headers=r["v3"]["headers"],
            ),
            r["v3"]["body"].encode(),
            r["v3"]["authorization"],
        )
        for r in reqs
    ]
    # Same requests, same signatures.
    for params, method, expected in v1:
        got = Utils.get_rpcsignature(params, method, secret)
        assert got == expected, f"v1 differs: {got} != {expected}"
    for request, body, expected in v3:
        payload = Utils.hex_encode(Utils.hash(body, "ACS3-HMAC-SHA256"))
        got = Utils.get_authorization(request, "ACS3-HMAC-SHA256", payload, ak, secret)
        assert got == expected, f"v3 differs: {got} != {expected}"

    def sign_v1():
        for params, method, _ in v1:
            Utils.get_rpcsignature(params, method, secret)

    def sign_v3():
        for request, body, _ in v3:
            payload = Utils.hex_encode(Utils.hash(body, "ACS3-HMAC-SHA256"))
            Utils.get_authorization(request, "ACS3-HMAC-SHA256", payload, ak, secret)

    n = len(reqs)
    for variant, fn in [
        ("v1 (Utils.get_rpcsignature)", sign_v1),
        ("v3 (Utils.get_authorization + payload hash)", sign_v3),
    ]:
        print(json.dumps({"impl": "python-sdk", "variant": variant,
                          "per_sec": round(rate(fn, n, seconds)), "n": n}))


if __name__ == "__main__":
    main()
