#!/usr/bin/env bash
# browser_test.sh — baogao-serve's search page in a real browser: headless
# Chromium loads page URLs and the test reads the DOM the page's script built.
# Every filter and page link on the page is a plain <a href="/?q=…">, so
# loading a link's href is exactly what clicking it does.
#   usage: browser_test.sh BAOGAO-SERVE BAOGAO-INDEX BAOGAO-QUERY SOURCE_DIR
# Skipped (exit 77) when /usr/bin/chromium is not installed.
set -uo pipefail
SERVE=$1 INDEX=$2 SRC=$4
CHROMIUM=/usr/bin/chromium
[ -x $CHROMIUM ] || { echo "skipped: $CHROMIUM is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }

. "$(dirname "$0")/lib.sh"   # TMP, SERVER_PID cleanup, ok/not_ok/check

# The shipped corpus and the fixtures (two years, so the year facet has a
# choice), plus a report whose text is markup, to prove the page escapes it.
mkdir -p "$TMP/docs/hostile"
cp -r "$SRC/corpus" "$SRC/tests/fixtures/reports" "$TMP/docs/"
cat >"$TMP/docs/hostile/hostile-2020.txt" <<'EOF'
2020年<i>注入</i>测试报告
一、<b>标记</b>测试
推进<img src=x onerror="document.title='pwned'">电子证照<script>document.title='pwned'</script>互认。
EOF
(cd "$TMP/docs" && "$INDEX" --db "$TMP/db" corpus reports hostile) >"$TMP/index.log" 2>&1 \
    || { cat "$TMP/index.log"; echo "0 passed, 1 failed (indexing)"; exit 1; }

"$SERVE" --db "$TMP/db" --listen 127.0.0.1:0 --threads 2 2>"$TMP/serve.log" &
SERVER_PID=$!
BASE=
for _ in $(seq 100); do
    BASE=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$TMP/serve.log" | sed 's/listening on //')
    [ -n "$BASE" ] && break
    sleep 0.1
done
[ -n "$BASE" ] || { cat "$TMP/serve.log"; echo "0 passed, 1 failed (server did not start)"; exit 1; }

# dom URL_PATH: the page's DOM after its script ran, into $TMP/dom.
dom() {
    timeout 90 $CHROMIUM --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
        --user-data-dir="$TMP/chrome" --virtual-time-budget=5000 --dump-dom "$BASE$1" >"$TMP/dom" 2>"$TMP/chrome.log"
}
# inspect PYTHON: runs PYTHON with `page`, a parsed summary of $TMP/dom:
# hits (each with year, title, sections, snippet HTML), facet links, pager links,
# status text, title, and the raw DOM as `html`.
inspect() {
    python3 - "$TMP/dom" "$1" <<'EOF'
import sys, html.parser

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hits, self.facets, self.pager, self.status, self.title = [], {}, [], '', ''
        self.stack, self.facet, self.in_pager, self.link = [], None, False, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get('class', '')
        self.stack.append((tag, cls, a.get('id')))
        if tag == 'li' and cls == 'hit':
            self.hits.append({'year': '', 'title': '', 'sections': [], 'snippet': '', 'where': ''})
        if tag == 'ul' and 'data-facet' in a:
            self.facet = a['data-facet']
            self.facets[self.facet] = []
        if tag == 'nav' and a.get('id') == 'pager':
            self.in_pager = True
        if tag == 'a':
            self.link = {'href': a.get('href', ''), 'text': ''}
        if self.in_snippet() and tag != 'p':
            self.hits[-1]['snippet'] += '<%s>' % tag
    def handle_endtag(self, tag):
        if self.in_snippet() and tag != 'p':
            self.hits[-1]['snippet'] += '</%s>' % tag
        if tag == 'a' and self.link is not None:
            if self.facet:
                self.facets[self.facet].append(self.link)
            elif self.in_pager:
                self.pager.append(self.link)
            self.link = None
        if tag == 'ul':
            self.facet = None
        if tag == 'nav':
            self.in_pager = False
        while self.stack and self.stack.pop()[0] != tag:
            pass
    def in_snippet(self):
        return any(t == 'p' and c == 'snippet' for t, c, _ in self.stack)
    def handle_data(self, data):
        if not self.stack:
            return
        tag, cls, ident = self.stack[-1]
        if self.link is not None:
            self.link['text'] += data
        if ident == 'status':
            self.status += data
        if tag == 'title':
            self.title += data
        if self.hits and any(t == 'li' and c == 'hit' for t, c, _ in self.stack):
            h = self.hits[-1]
            if self.in_snippet():
                h['snippet'] += html.escape(data, quote=False)
            elif cls in ('year', 'title'):
                h[cls] += data
            elif cls == 'section':
                h['sections'].append(data)
            elif tag == 'code':
                h['where'] += data

raw = open(sys.argv[1], encoding='utf-8').read()
page = Page()
page.feed(raw)
page.html = raw
try:
    exec(sys.argv[2])
except AssertionError as e:
    print('     assertion failed:', e, '| status:', page.status, '| hits:', len(page.hits))
    sys.exit(1)
EOF
}
# facet_href FACET VALUE: the href of that facet's link in $TMP/dom.
facet_href() {
    inspect "print(next(l['href'] for l in page.facets.get('$1', []) if l['text'] == '$2'))" 2>/dev/null
}

Q='%E7%94%B5%E5%AD%90%E8%AF%81%E7%85%A7'   # 电子证照

# ---- a search from the URL ------------------------------------------------
dom "/?q=$Q"
check "page renders result elements for ?q=电子证照" inspect "assert len(page.hits) >= 4, len(page.hits)"
check "matches are highlighted: <mark>电子证照</mark>" inspect "assert '<mark>电子证照</mark>' in page.html"
check "every hit's snippet marks the query" inspect "assert all('<mark>' in h['snippet'] for h in page.hits)"
check "breadcrumbs: year, title › section" inspect "
h = next(h for h in page.hits if '/corpus/' in h['where'])
assert h['year'] == '2022' and h['title'] == '韶关市曲江区2022年度法治政府建设情况报告' and h['sections'], h"
check "hits show file:line" inspect "assert all(h['where'].rsplit(':', 1)[1].isdigit() for h in page.hits)"
check "status line gives the total" inspect "assert page.status.startswith('共 ') and '电子证照' in page.status"
check "the page title names the query" inspect "assert page.title.startswith('电子证照 — '), page.title"
check "year facet offers 2022, 2021, 2020" inspect "assert [l['text'] for l in page.facets['year']] == ['2022', '2021', '2020'], page.facets"
check "body facet lists the issuing bodies" inspect "assert any(l['text'] == '示范区人民政府' for l in page.facets['body'])"

# ---- index text is escaped, never interpreted ---------------------------
check "markup from the index is shown as text" inspect "
h = next(h for h in page.hits if '/hostile/' in h['where'])
assert '&lt;img src=x' in h['snippet'] and '&lt;script&gt;' in h['snippet'], h['snippet']
assert h['title'] == '2020年<i>注入</i>测试报告', h['title']"
check "no element or script from the index ran" inspect "
assert '<img' not in page.html and 'pwned' not in page.title and '<script>document' not in page.html"

# ---- clicking a facet = loading its href ---------------------------------
href=$(facet_href year 2021)
check "the 2021 facet is a real link to /?q=…&year=2021" [ "$href" = "/?q=$Q&year=2021" ]
dom "$href"
check "after the year click only 2021 passages remain" \
    inspect "assert page.hits and all(h['year'] == '2021' for h in page.hits), [h['year'] for h in page.hits]"
check "the active year is shown as a removable filter" \
    inspect "assert '/?q=$Q\"' in page.html.replace('&amp;', '&') and '2021 ✕' in page.html"

dom "/?q=$Q"
href=$(facet_href body 示范区人民政府)
dom "$href"
check "the body facet filters by issuing body" \
    inspect "assert page.hits and all(h['title'] == '示范区2022年度法治政府建设情况报告' for h in page.hits)"

# ---- paging ----------------------------------------------------------------
dom "/?q=$Q&limit=1"
check "limit=1 shows one hit and a next-page link" \
    inspect "assert len(page.hits) == 1 and [l['href'] for l in page.pager] == ['/?q=$Q&offset=1&limit=1'], page.pager"
dom "/?q=$Q&offset=1&limit=1"
check "the next page starts at rank 2 and links back" \
    inspect "assert len(page.hits) == 1 and '第 2–2 条' in page.status and page.pager[0]['href'] == '/?q=$Q&limit=1', page.pager"

# ---- errors and the start page -------------------------------------------
dom "/?q=$Q&year=20x9"
check "a bad filter shows the server's error" inspect "assert page.status.startswith('检索失败') and 'year' in page.status"
dom "/"
check "without a query the page lists the indexed reports" \
    inspect "assert '已索引 4 份报告' in page.status and '韶关市曲江区2022年度法治政府建设情况报告' in page.html"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
