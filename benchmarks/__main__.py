"""`make bench`: print every speed figure, each against a baseline measured in this run."""

from benchmarks import classroom, engine, http, page


def main() -> None:
    print("# Engine")
    engine.main()
    print("# API on 127.0.0.1")
    http.main()
    print("# The page in Chromium")
    page.main()
    print("# A live class")
    classroom.main()


if __name__ == "__main__":
    main()
