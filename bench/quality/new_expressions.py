#!/usr/bin/env python3
"""new_expressions.py — how well --new-in finds known first appearances.

For each expression of first_appearances.txt, its first year is found by a
substring search over ../shared/corpus (all reports, and the 国务院 reports
alone); baogao-query --new-in that year (with --body 国务院 for the second)
must list it among its first N (default 30). Prints each rank and the share
found, then the share for the expressions written before session 7's marker
(development) and after it (held out), and for the words of the shipped
lexicon (data/lexicon.txt) and the rest. Expressions first seen in the
corpus's first year are skipped (there is nothing before them to be new
against).

usage: new_expressions.py BAOGAO_QUERY INDEX [CORPUS_DIR] [N]
"""
import json, os, subprocess, sys

def main():
    query, index = sys.argv[1], sys.argv[2]
    corpus = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), '../../../shared/corpus')
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    here = os.path.dirname(os.path.abspath(__file__))
    exprs, held = [], set()
    for l in open(os.path.join(here, 'first_appearances.txt'), encoding='utf-8'):
        if l.startswith('# Added in session 7'):
            held = set(exprs)   # everything before the marker: development
        elif l.strip() and not l.startswith('#'):
            exprs.append(l.strip())
    dev = held or set(exprs)
    lexicon = {l.strip() for l in open(os.path.join(here, '../../data/lexicon.txt'), encoding='utf-8')
               if l.strip() and not l.startswith('#')}
    groups = {k: [0, 0] for k in ('development', 'held out', 'lexicon words', 'other words')}
    rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(corpus, 'MANIFEST.tsv'), encoding='utf-8')][1:]
    docs = [(int(r[3]), r[2], open(os.path.join(corpus, r[0]), encoding='utf-8').read()) for r in rows]
    first_year = min(y for y, _, _ in docs)
    cache, found, asked = {}, 0, 0
    for body in ('国务院', None):
        for e in exprs:
            years = sorted({y for y, b, t in docs if (body is None or b == body) and e in t})
            if not years or years[0] == first_year:
                continue
            y = years[0]
            if (y, body) not in cache:
                cmd = [query, '--db', index, '--new-in', str(y), '--limit', str(top), '--json']
                cmd += ['--body', body] if body else []
                out = subprocess.run(cmd, capture_output=True, text=True)
                cache[(y, body)] = [x['text'] for x in json.loads(out.stdout)['expressions']] if out.stdout else []
            listed = cache[(y, body)]
            rank = listed.index(e) + 1 if e in listed else None
            asked += 1
            found += rank is not None
            for g in ('development' if e in dev else 'held out', 'lexicon words' if e in lexicon else 'other words'):
                groups[g][0] += rank is not None
                groups[g][1] += 1
            print(f"{body or '(all)'}\t{y}\t{e}\t{rank or '-'}")
    print(f"found in the first {top}: {found} of {asked} ({found / asked:.0%})")
    for g, (f, a) in groups.items():
        if a:
            print(f"  {g}: {f} of {a} ({f / a:.0%})")

if __name__ == '__main__':
    main()
