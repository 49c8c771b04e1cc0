#!/usr/bin/env bash
# layering_test.sh — the library's folders use only the folders below them
# (docs/architecture.md). The build already enforces it (each folder sees only
# the allowed headers); this also catches a header name that exists in two
# folders, which could make an include resolve to the wrong room.
#   usage: layering_test.sh SOURCE_DIR
set -u
cd "${1:-$(dirname "$0")/..}" || exit 2
declare -A may=(
  [common]="common"
  [analysis]="common analysis"
  [xapian]="common xapian"
  [formats]="common formats"
  [store]="common analysis xapian store"
  [indexer]="common analysis xapian formats store indexer"
  [query]="common analysis xapian store query"
  [cli]="cli"
  [server]="cli server"
)
fail=0
# Every header name lives in one folder only.
dups=$(ls common analysis xapian formats store indexer query cli server 2>/dev/null | grep '\.h$' | sort | uniq -d)
if [ -n "$dups" ]; then echo "FAIL header names in two folders: $dups"; fail=1; fi
for dir in "${!may[@]}"; do
  for f in "$dir"/*.c "$dir"/*.cc "$dir"/*.h; do
    [ -f "$f" ] || continue
    grep -o '^#include "[^"]*"' "$f" | sed 's/#include "\(.*\)"/\1/' | while read -r h; do
      [ "$h" = baogao.h ] && continue
      home=""
      for d in common analysis xapian formats store indexer query cli server; do
        [ -f "$d/$h" ] && home=$d
      done
      case " ${may[$dir]} " in
        *" $home "*) ;;
        *) echo "FAIL $f includes $h from ${home:-nowhere}; $dir may use: ${may[$dir]}"; echo x >>/tmp/layering.$$ ;;
      esac
    done
  done
done
[ -f /tmp/layering.$$ ] && { fail=1; rm -f /tmp/layering.$$; }
[ "$fail" -eq 0 ] && echo "layering: every include goes down" 
exit $fail
