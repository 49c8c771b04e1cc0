#!/usr/bin/env python3
"""index_check.py — checks that a baogao index is self-consistent, using only
Xapian's own tools (xapian-check, xapian-delve, xapian-metadata), so the check
does not trust the code it checks. Used by crash_test.sh after every kill.

usage: index_check.py INDEX_DIR [--after-kill] [--summary] [--dump FILE]

Checks, for every shard directory under INDEX/shards:
  - xapian-check accepts it;
  - every catalogue record (metadata "file:<path key>") has exactly as many
    documents carrying the F term of its report id (its "id"; before format 5
    the path key) as its "passages" field says, and every F term has a
    record: a report is all there or not at all;
  - every passage id (Q term) is on exactly one document;
  - the shard's document count is the sum of its reports' passages;
and across shards: a file (path key) is recorded in one shard only, a report
id belongs to one file only (so that a passage id names one passage), and
every shard
holding documents is listed in the XAPIANDB stub (or is reported as
"unlisted": only a kill between a shard's commit and the stub's rewrite may
leave that, and the next indexer run must adopt it).

--after-kill accepts the two states a kill may leave between commits and the
next run repairs (docs/reliability.md): an unlisted shard, and a report whose
year changed recorded in both its old and its new shard (killed between the
two shards' commits). Everything else is checked as always.

--summary prints one line: documents, reports, and reports committed only in
part (a record whose hash is 0, see indexer/add.c).
--dump FILE writes a canonical listing of the whole index (catalogue records
without the analyser fingerprint, and passage ids) for comparing two indexes.
Prints one line per problem; exit 0 consistent, 1 not, 2 usage or tool error.
"""
import json
import os
import re
import subprocess
import sys


def run(*args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def terms_with_freq(shard, prefix):
    rc, out, err = run("xapian-delve", "-A", prefix, "-v", "-1", shard)
    if rc != 0:
        raise RuntimeError(f"xapian-delve {shard}: {err.strip()}")
    freq = {}
    for line in out.splitlines()[1:]:
        term, _, n = line.rpartition(" ")
        if term:
            freq[term] = int(n)
    return freq


def doc_count(shard):
    rc, out, err = run("xapian-delve", shard)
    m = re.search(r"number of documents = (\d+)", out)
    if rc != 0 or not m:
        raise RuntimeError(f"xapian-delve {shard}: {err.strip()}")
    return int(m.group(1))


def catalogue(shard):
    rc, out, err = run("xapian-metadata", "list", shard, "file:")
    if rc != 0:
        raise RuntimeError(f"xapian-metadata {shard}: {err.strip()}")
    recs = {}
    for key in out.split():
        rc, val, err = run("xapian-metadata", "get", shard, key)
        if rc != 0:
            raise RuntimeError(f"xapian-metadata get {shard} {key}: {err.strip()}")
        recs[key[len("file:"):]] = json.loads(val)
    return recs


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    index = sys.argv[1]
    dump = sys.argv[sys.argv.index("--dump") + 1] if "--dump" in sys.argv else None
    problems = []
    after_kill = "--after-kill" in sys.argv
    listed = set()
    stub = os.path.join(index, "XAPIANDB")
    if os.path.exists(stub):
        for line in open(stub, encoding="utf-8"):
            m = re.match(r"glass shards/(\d+)", line)
            if m:
                listed.add(m.group(1))
    shards_dir = os.path.join(index, "shards")
    # Only NNNN names are shards; NNNN.new (a creation), NNNN.compact and
    # NNNN.old (a compaction) are work in progress a kill may leave behind.
    years = sorted(d for d in os.listdir(shards_dir) if re.fullmatch(r"\d{4}", d)) if os.path.isdir(shards_dir) else []
    where = {}
    owner = {}    # report id -> path key
    lines = []
    n_docs = n_partial = 0
    for year in years:
        shard = os.path.join(shards_dir, year)
        rc, out, err = run("xapian-check", shard)
        if rc != 0:
            problems.append(f"{year}: xapian-check failed: {(out + err).strip().splitlines()[-1:]}")
            continue
        recs = catalogue(shard)
        ffreq = terms_with_freq(shard, "F")
        qfreq = terms_with_freq(shard, "Q")
        ndocs = doc_count(shard)
        n_docs += ndocs
        n_partial += sum(1 for r in recs.values() if int(r.get("hash", "1"), 16) == 0)
        if ndocs and year not in listed and not after_kill:
            problems.append(f"{year}: unlisted shard holding {ndocs} documents")
        ids = {rec.get("id", fid) for fid, rec in recs.items()}
        for fid, rec in recs.items():
            if fid in where and not after_kill:
                problems.append(f"{year}: file {fid} ({rec.get('path')}) also recorded in {where[fid]}")
            where[fid] = year
            rid = rec.get("id", fid)
            if owner.setdefault(rid, fid) != fid:
                problems.append(f"{year}: report id {rid} of {rec.get('path')} is also file {owner[rid]}'s")
            got = ffreq.get("F" + rid, 0)
            if got != rec.get("passages"):
                problems.append(f"{year}: {rec.get('path')}: {got} documents, catalogue says {rec.get('passages')}")
            rec = dict(rec)
            rec.pop("fp", None)
            lines.append(f"file {fid} " + json.dumps(rec, sort_keys=True, ensure_ascii=False))
        for term in ffreq:
            if term[1:] not in ids:
                problems.append(f"{year}: {ffreq[term]} documents of {term} without a catalogue record")
        for term, n in qfreq.items():
            if n != 1:
                problems.append(f"{year}: passage id {term} on {n} documents")
            lines.append(f"passage {term[1:]}")
        total = sum(r.get("passages", 0) for r in recs.values())
        if total != ndocs:
            problems.append(f"{year}: {ndocs} documents, catalogue says {total}")
    for p in problems:
        print(p)
    if "--summary" in sys.argv:
        print(f"{n_docs} passages, {len(where)} reports ({n_partial} in part)")
    if dump:
        with open(dump, "w", encoding="utf-8") as f:
            f.write("\n".join(sorted(lines)) + "\n")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:
        print(e)
        sys.exit(2)
