#!/usr/bin/env python3
"""damaged_shard_gen.py — damages a year shard the way tests/damaged_shard_test.sh
needs: five bits flipped at fixed places of its position table, which made
baogao-index (Xapian 1.4.22's writer) abort with glibc's "malloc(): invalid
next size" when a report of that year was added. Deterministic, so that no
binary fixture has to live in the repository: the same shard always gets the
same damage.

usage: damaged_shard_gen.py SHARD_DIR [--recipe NAME]

The recipe was found by flipping bits with Python's random.Random(seed) at
random offsets of a copy of the 2022 shard of corpus/ + tests/fixtures/reports
(25 seeds x 3 counts x 4 tables; see docs/reliability.md, "Damaged shards"):
seed 1, 5 flips in position.glass. The offsets are written out here rather than
drawn again so that the damage does not depend on Python's generator. The
shard check finds it as "position.glass block 3: stored total free space value
wrong". If the index format changes, the shard's bytes change and the recipe
may stop crashing the writer of old; the test still holds the check to it.

Recipes: "position" (the default, the crash), "postlist" (seed 5, 50 flips in
postlist.glass, which holds the catalogue: a repair must then find the reports
from the passages).
"""
import os
import random
import sys

# (file, byte offset, bit): random.Random(1), 5 x (randrange(65536), randrange(8))
RECIPES = {
    "position": [("position.glass", 17611, 1), ("position.glass", 33432, 1), ("position.glass", 64937, 7),
                 ("position.glass", 61898, 6), ("position.glass", 27519, 1)],
}


def postlist_recipe(size):
    rng = random.Random(5)
    return [("postlist.glass", rng.randrange(size), rng.randrange(8)) for _ in range(50)]


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    shard = args[0]
    name = args[args.index("--recipe") + 1] if "--recipe" in args else "position"
    if name == "postlist":
        flips = postlist_recipe(os.path.getsize(os.path.join(shard, "postlist.glass")))
    elif name in RECIPES:
        flips = RECIPES[name]
    else:
        sys.exit(f"unknown recipe {name}")
    for table, offset, bit in flips:
        path = os.path.join(shard, table)
        with open(path, "r+b") as f:
            f.seek(offset)
            byte = f.read(1)
            if len(byte) != 1:
                sys.exit(f"{path}: shorter than {offset + 1} bytes: the shard is not the one the recipe was made for")
            f.seek(offset)
            f.write(bytes([byte[0] ^ (1 << bit)]))
    print(f"{shard}: {len(flips)} bits flipped ({name})")


if __name__ == "__main__":
    main()
