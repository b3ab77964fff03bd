"""Prints the figures of a locust run from its stats CSV; fails when any request failed."""

import csv
import sys


def main(path: str, users: str, duration: str) -> int:
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    print(f"\nLoad: {users} users for {duration} on 127.0.0.1 (gunicorn, PostgreSQL, Redis)")
    print(
        f"{'request':<22} {'count':>7} {'failures':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    failures = 0
    for row in rows:
        failures += int(row["Failure Count"]) if row["Name"] == "Aggregated" else 0
        print(
            f"{row['Name']:<22} {row['Request Count']:>7} {row['Failure Count']:>8} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
    print("zero errors" if failures == 0 else f"{failures} failed requests")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
