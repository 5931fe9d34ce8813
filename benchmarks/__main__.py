"""`make bench`: print every speed figure, each against a baseline measured in this run."""

from benchmarks import engine, http


def main() -> None:
    print("# Engine")
    baseline = engine.main()
    print("# API on 127.0.0.1")
    http.main(baseline)


if __name__ == "__main__":
    main()
