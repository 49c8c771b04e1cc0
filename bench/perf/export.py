#!/usr/bin/env python3
"""export.py — turns a corpus directory into the inputs of the two stock
baselines of the performance benchmark (bench/perf/run.sh): a scriptindex
record file and an SQLite script, one record / row per paragraph (non-empty
line), each with the year of its report. Done before the timed runs, so the
baselines are timed on ingestion only, as baogao is.

The year comes from the file name (…-2019.txt, as in the shared corpus and the
copies bench/gen_corpus.py makes), "0000" if it has none: the baselines have
no metadata detection, and the year filter query needs it.

usage: export.py CORPUS_DIR RECORDS_OUT SQL_OUT
prints: paragraphs<TAB>N
"""
import os
import re
import sys

YEAR = re.compile(r"-(\d{4})\.txt$")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    corpus, rec_path, sql_path = sys.argv[1:]
    names = sorted(f for f in os.listdir(corpus) if f.endswith(".txt"))
    n = 0
    with open(rec_path, "w", encoding="utf-8") as rec, open(sql_path, "w", encoding="utf-8") as sql:
        sql.write("CREATE VIRTUAL TABLE p USING fts5(text, year UNINDEXED, tokenize='trigram');\n"
                  "BEGIN;\n")
        for name in names:
            m = YEAR.search(name)
            year = m.group(1) if m else "0000"
            with open(os.path.join(corpus, name), encoding="utf-8-sig") as f:
                for line in f:
                    line = line.strip()
                    if not line:
                        continue
                    n += 1
                    # scriptindex: "field=value" lines, a blank line ends the
                    # record; a paragraph is one line, so no continuation lines.
                    rec.write(f"year={year}\ntext={line}\n\n")
                    sql.write("INSERT INTO p(text, year) VALUES('%s','%s');\n" % (line.replace("'", "''"), year))
        sql.write("COMMIT;\n")
    print(f"paragraphs\t{n}")


if __name__ == "__main__":
    main()
