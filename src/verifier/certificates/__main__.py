"""``python -m verifier.certificates FILE.smt2...``: re-check certificates with cvc5.

Prints ``FILE: unsat`` per file; exit 0 when every file is unsat (every certificate valid),
1 otherwise, 2 when a file cannot be read.
"""
import sys

from .check import UNSAT, check_smt2


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m verifier.certificates FILE.smt2...", file=sys.stderr)
        return 2
    status = 0
    for path in argv:
        try:
            text = open(path, encoding="utf-8").read()
        except OSError as exc:
            print(f"{path}: cannot read: {exc.strerror}", file=sys.stderr)
            return 2
        answer = check_smt2(text)
        print(f"{path}: {answer}")
        if answer != UNSAT:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
