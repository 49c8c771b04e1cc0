#!/usr/bin/env bash
# browser_test.sh — baogao-serve's search page in a real browser: headless
# Chromium loads page URLs (driven over the DevTools protocol) and the test
# reads the DOM the page's script built, plus a few layout measurements
# (where the first hit and the reader's target passage are on the screen, the
# trend charts' boxes and bars as drawn).
# Every filter, tab and page link on the page is a plain <a href="/?…">, so
# loading a link's href is exactly what clicking it does.
#   usage: browser_test.sh BAOGAO-SERVE BAOGAO-INDEX BAOGAO-QUERY SOURCE_DIR
# Screenshots of the main views go to $BAOGAO_SCREENSHOTS when set (kept),
# else to the temporary directory (removed with it).
# Skipped (exit 77) when /usr/bin/chromium is not installed.
set -uo pipefail
SERVE=$1 INDEX=$2 SRC=$4
CHROMIUM=/usr/bin/chromium
[ -x $CHROMIUM ] || { echo "skipped: $CHROMIUM is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }

. "$(dirname "$0")/lib.sh"   # TMP, SERVER_PID cleanup, ok/not_ok/check
SHOTS=${BAOGAO_SCREENSHOTS:-$TMP/screenshots}
mkdir -p "$SHOTS"

# The shipped corpus and the fixtures (three years, so the year histogram has
# a choice), plus a report whose text is markup, to prove the page escapes it.
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
export BASE TMP

# browse.py URL WIDTHxHEIGHT SCREENSHOT|'' OUT PROFILE [SELECTOR]: opens URL in
# headless Chromium with that viewport (a phone's when under 700 px wide), waits
# until the page's script is done (it takes aria-busy off #content) — with
# SELECTOR, shift-clicks that element and waits for the page it leads to —
# and writes OUT: {url, html, layout, problems}. problems lists CSP violations
# and uncaught script errors. --remote-debugging-pipe: the protocol runs over
# fds 3 and 4, NUL-separated.
cat >"$TMP/browse.py" <<'EOF'
import base64, json, os, subprocess, sys, time
url, size, shot, out, profile = sys.argv[1:6]
shift_click = sys.argv[6] if len(sys.argv) > 6 else ''
width, height = map(int, size.split('x'))

# Runs in the page before its own script (DevTools scripts are not subject to
# the page's CSP): records what the CSP blocked.
RECORD = """window.__problems = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__problems.push('CSP blocked ' + e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));"""
READY = """location.href !== 'about:blank' && document.readyState === 'complete'
  && !!document.getElementById('content') && !document.getElementById('content').hasAttribute('aria-busy')"""
MEASURE = """(() => {
  const box = (e) => { if (!e) return null; const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, height: r.height }; };
  return JSON.stringify({ url: location.href, html: '<!DOCTYPE html>' + document.documentElement.outerHTML,
    problems: window.__problems || [],
    layout: { width: innerWidth, height: innerHeight, scrollY: scrollY, scrollWidth: document.documentElement.scrollWidth,
      firstHit: box(document.querySelector('.hit')), firstExpr: box(document.querySelector('li.expr')), target: box(document.querySelector('#reader .target')),
      years: box(document.getElementById('years')),
      bars: Array.from(document.querySelectorAll('.hist .fill'), (e) => e.getBoundingClientRect().height),
      trend: Array.from(document.querySelectorAll('svg.trend'), (e) => {
        const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, width: r.width, height: r.height }; }),
      trendBars: Array.from(document.querySelectorAll('svg.trend a.year-bar .fill'), (e) => e.getBoundingClientRect().height),
      sideOpen: document.getElementById('side').open } });
})()"""

def launch():
    to_r, to_w = os.pipe()
    from_r, from_w = os.pipe()
    def child_fds():   # chromium reads commands on fd 3 and answers on fd 4
        a, b = os.dup(to_r), os.dup(from_w)
        os.dup2(a, 3)
        os.dup2(b, 4)
    proc = subprocess.Popen(['/usr/bin/chromium', '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                             '--no-first-run', '--force-color-profile=srgb', '--hide-scrollbars',
                             '--user-data-dir=' + profile, '--remote-debugging-pipe', 'about:blank'],
                            preexec_fn=child_fds, close_fds=False, stdout=subprocess.DEVNULL)
    os.close(to_r)
    os.close(from_w)
    return proc, os.fdopen(to_w, 'wb', buffering=0), os.fdopen(from_r, 'rb', buffering=0)

proc, send, recv = launch()
pending, counter, errors = b'', [0], []

def call(method, params=None, session=None):
    global pending
    counter[0] += 1
    msg = {'id': counter[0], 'method': method, 'params': params or {}}
    if session:
        msg['sessionId'] = session
    send.write(json.dumps(msg).encode() + b'\0')
    while True:
        while b'\0' not in pending:
            chunk = recv.read(1 << 16)
            if not chunk:
                raise RuntimeError('chromium closed the DevTools pipe')
            pending += chunk
        raw, pending = pending.split(b'\0', 1)
        m = json.loads(raw)
        if m.get('method') == 'Runtime.exceptionThrown':
            d = m['params']['exceptionDetails']
            errors.append('script error: ' + (d.get('exception') or {}).get('description', d.get('text', '')))
        if m.get('id') == counter[0]:
            if 'error' in m:
                raise RuntimeError('%s: %s' % (method, m['error']))
            return m['result']

def evaluate(expr, session):
    r = call('Runtime.evaluate', {'expression': expr, 'returnByValue': True}, session)
    return r['result'].get('value')

def wait_ready(session, left_url=None):
    deadline = time.time() + 30
    while time.time() < deadline:
        try:   # fails while a navigation replaces the document
            if evaluate(READY, session) and evaluate('location.href', session) != left_url:
                return
        except RuntimeError:
            pass
        time.sleep(0.05)

try:
    target = call('Target.createTarget', {'url': 'about:blank'})['targetId']
    s = call('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
    call('Page.enable', session=s)
    call('Runtime.enable', session=s)
    call('Page.addScriptToEvaluateOnNewDocument', {'source': RECORD}, s)
    call('Emulation.setDeviceMetricsOverride',
         {'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': width < 700}, s)
    call('Page.navigate', {'url': url}, s)
    wait_ready(s)
    if shift_click:   # a real click, as the user makes it: the browser's own input events
        here = evaluate('location.href', s)
        x, y = evaluate('(() => { const r = document.querySelector(%s).getBoundingClientRect(); '
                        'return [r.left + r.width / 2, r.top + r.height / 2]; })()' % json.dumps(shift_click), s)
        for kind in ('mousePressed', 'mouseReleased'):
            call('Input.dispatchMouseEvent', {'type': kind, 'x': x, 'y': y, 'button': 'left', 'clickCount': 1,
                                              'modifiers': 8}, s)   # 8: Shift
        wait_ready(s, here)
    page = json.loads(evaluate(MEASURE, s))
    page['problems'] += errors
    if shot:
        with open(shot, 'wb') as f:
            f.write(base64.b64decode(call('Page.captureScreenshot', {'format': 'png'}, s)['data']))
    with open(out, 'w', encoding='utf-8') as f:
        json.dump(page, f, ensure_ascii=False)
finally:
    try:
        call('Browser.close')
    except Exception:
        proc.kill()
    proc.wait(timeout=30)
EOF

# load URL_PATH [WIDTHxHEIGHT] [SCREENSHOT_NAME] [SHIFT_CLICK_SELECTOR]: the page
# after its script ran, into $TMP/page.json; what the browser reported is added
# to $TMP/problems.
load() {
    rm -f "$TMP/page.json"
    timeout 90 python3 "$TMP/browse.py" "$BASE$1" "${2:-1200x900}" "${3:+$SHOTS/$3.png}" "$TMP/page.json" "$TMP/chrome" \
        "${4:-}" \
        >"$TMP/chrome.log" 2>&1 || { echo "     loading $1 failed:"; tail -3 "$TMP/chrome.log"; }
    [ -f "$TMP/page.json" ] && python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["problems"]: print(sys.argv[2] + ": " + p)' "$TMP/page.json" "$1" >>"$TMP/problems"
}
: >"$TMP/problems"

# inspect PYTHON: runs PYTHON with `page`, the loaded page: its DOM as a small
# tree (page.root, page.first(sel), page.all(sel); sel is tag, #id, .class,
# tag.class, [attr], or 'A B' for B inside A) and summaries — hits (year, title, sections, snippet
# markup, line, read and like links), year bars, facet links, pager items,
# status, title, visible text, the raw DOM (html) and layout. api(PATH) gets
# the server's JSON.
inspect() {
    python3 - "$TMP/page.json" "$1" <<'EOF'
import html, html.parser, json, os, re, sys, urllib.parse, urllib.request

VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}
SIMPLE = re.compile(r'^([a-z0-9]+)?(?:#([\w-]+))?((?:\.[\w-]+)*)(?:\[([\w-]+)\])?$')

class El:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []
    def get(self, name, default=''):
        v = self.attrs.get(name)
        return default if v is None else v
    def classes(self):
        return self.get('class').split()
    def text(self):
        return ''.join(c if isinstance(c, str) else c.text() for c in self.children)
    def visible_text(self):
        if self.tag in ('script', 'style', 'title', 'noscript'):
            return ''
        return ''.join(c if isinstance(c, str) else c.visible_text() for c in self.children)
    def markup(self):   # the children as bare tags and escaped text: where <mark> is
        return ''.join(html.escape(c, quote=False) if isinstance(c, str)
                       else '<%s>%s</%s>' % (c.tag, c.markup(), c.tag) for c in self.children)
    def iter(self):
        for c in self.children:
            if isinstance(c, El):
                yield c
                yield from c.iter()
    def matches(self, sel):
        tag, ident, cls, attr = SIMPLE.match(sel).groups()
        return ((not tag or self.tag == tag) and (not ident or self.get('id') == ident)
                and all(c in self.classes() for c in cls.split('.')[1:]) and (not attr or attr in self.attrs))
    def all(self, sel):   # 'A B': B inside A
        *outer, last = sel.split()
        return [e for e in self.iter() if e.matches(last) and e.inside(outer)]
    def inside(self, sels):
        e = self.parent
        for s in reversed(sels):
            while e is not None and not e.matches(s):
                e = e.parent
            if e is None:
                return False
            e = e.parent
        return True
    def first(self, sel):
        return next(iter(self.all(sel)), None)

class Tree(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = self.at = El('#document', {}, None)
    def handle_starttag(self, tag, attrs):
        e = El(tag, attrs, self.at)
        self.at.children.append(e)
        if tag not in VOID:
            self.at = e
    def handle_endtag(self, tag):
        e = self.at
        while e is not self.root and e.tag != tag:
            e = e.parent
        if e is not self.root:
            self.at = e.parent
    def handle_data(self, data):
        self.at.children.append(data)

def api(path):
    with urllib.request.urlopen(os.environ['BASE'] + urllib.parse.quote(path, safe='/?=&:,.')) as r:
        return json.load(r)

class Page:
    def __init__(self, doc):
        self.url, self.html, self.layout = doc['url'], doc['html'], doc['layout']
        t = Tree()
        t.feed(self.html)
        self.root = t.root
        self.first, self.all = self.root.first, self.root.all
        self.status = (self.first('#status') or El('p', {}, None)).text()
        self.title = self.first('title').text()
        self.text = self.first('body').visible_text()
        self.hits = [self.hit(li) for li in self.all('li.hit')]
        self.bars = [{'year': a.get('data-year'), 'count': int(a.get('data-count')), 'href': a.get('href'),
                      'on': 'on' in a.classes(), 'height': a.first('.fill').get('style')} for a in self.all('a.bar')]
        self.facets = {ul.get('data-facet'): [{'href': a.get('href'), 'text': a.text()} for a in ul.all('a')]
                       for ul in self.all('ul[data-facet]')}
        pager = self.first('#pager')
        self.pager = [{'href': e.get('href'), 'text': e.text().strip(), 'current': 'aria-current' in e.attrs,
                       'rel': e.get('rel')} for e in pager.children if isinstance(e, El)] if pager else []
    @staticmethod
    def hit(li):
        first = lambda sel: li.first(sel) or El('span', {}, None)
        return {'id': li.get('data-id'), 'year': first('.year').text(), 'title': first('.title').text(),
                'sections': [s.text() for s in li.all('.section')], 'snippet': first('.snippet').markup(),
                'line': first('.line').text(), 'read': first('a.read').get('href'), 'like': first('a.like').get('href')}
    def href(self, sel, text=None):
        return next((a.get('href') for a in self.all(sel) if text is None or a.text().strip() == text), None)

page = Page(json.load(open(sys.argv[1], encoding='utf-8')))
try:
    exec(sys.argv[2])
except AssertionError as e:
    print('     assertion failed:', e, '| status:', page.status, '| hits:', len(page.hits))
    sys.exit(1)
EOF
}
# get PYTHON-EXPRESSION: prints its value for the loaded page (a link to load next).
get() { inspect "print($1)" 2>/dev/null; }

Q='%E7%94%B5%E5%AD%90%E8%AF%81%E7%85%A7'   # 电子证照
FAZHI='%E6%B3%95%E6%B2%BB'                 # 法治, a word with many hits

# ---- a search from the URL ------------------------------------------------
load "/?q=$Q" 1200x900 search
check "page renders result elements for ?q=电子证照" inspect "assert len(page.hits) >= 4, len(page.hits)"
check "matches are highlighted: <mark>电子证照</mark>" inspect "assert '<mark>电子证照</mark>' in page.html"
check "every hit's snippet marks the query" inspect "assert all('<mark>' in h['snippet'] for h in page.hits), page.hits"
check "highlights follow the API's byte ranges" inspect "
for r in api('/api/search?q=电子证照')['results']:
    h = next(h for h in page.hits if h['id'] == r['id'])
    want = [r['text'].encode()[a:b].decode() for a, b in r['matches']]
    assert re.findall('<mark>(.*?)</mark>', h['snippet']) == [html.escape(w, quote=False) for w in want], (h['snippet'], want)"
check "breadcrumbs: year, title › section" inspect "
h = next(h for h in page.hits if h['title'] == '韶关市曲江区2022年度法治政府建设情况报告')
assert h['year'] == '2022' and h['sections'] == ['二、2022年主要举措和成效', '(二)拓展“无证明”城市建设广度和深度'], h"
check "hits show their line, not a file" inspect "assert all(re.fullmatch(r'第 \d+ 行', h['line']) for h in page.hits), page.hits"
check "each hit links to the reader and to similar passages" inspect "
assert all(h['read'] == '/?read=' + h['id'] + '&q=$Q' and h['like'] == '/?like=' + h['id'] for h in page.hits), page.hits
assert all('其他年份的类似段落' in li.text() for li in page.all('li.hit'))"
check "no server path on the page" inspect "
markup = re.sub(r'(?s)<script>.*?</script>', '', page.html)
assert not re.search(r'/corpus/|/reports/|/hostile/|\.txt|' + re.escape(os.environ['TMP']), markup), 'a path is shown'"
check "status line gives the total" inspect "assert page.status.startswith('共 4 段') and '电子证照' in page.status, page.status"
check "the page title names the query" inspect "assert page.title.startswith('电子证照 — '), page.title"
check "year histogram: a bar per year, oldest first, with counts" inspect "
assert [(b['year'], b['count']) for b in page.bars] == [('2020', 1), ('2021', 1), ('2022', 2)], page.bars
assert not any(b['on'] for b in page.bars)"
check "bar heights are proportional to the counts" inspect "
assert [b['height'] for b in page.bars] == ['height: 50%;', 'height: 50%;', 'height: 100%;'], page.bars
h = page.layout['bars']   # as drawn: the CSP lets the script size them
assert h[2] > 20 and abs(h[0] / h[2] - 0.5) < 0.05, h"
check "body facet lists the issuing bodies, 未知 included" inspect "
texts = [l['text'] for l in page.facets['body']]
assert '示范区人民政府' in texts and '未知' in texts, texts"
check "tabs: 段落, 按年份, 数字, 趋势, 对比" inspect "
assert [(a.text(), a.get('href')) for a in page.first('#tabs').all('a')] == [
    ('段落', '/?q=$Q'), ('按年份', '/?q=$Q&view=byyear'), ('数字', '/?q=$Q&view=figures'), ('趋势', '/?q=$Q&view=trend'),
    ('对比', '/?q=$Q&view=compare')]
assert page.first('#tabs').first('a.on').text() == '段落'"

# ---- index text is escaped, never interpreted ---------------------------
check "markup from the index is shown as text" inspect "
h = next(h for h in page.hits if h['title'] == '2020年<i>注入</i>测试报告')
assert '&lt;img src=x' in h['snippet'] and '&lt;script&gt;' in h['snippet'], h['snippet']
assert h['sections'] == ['一、<b>标记</b>测试'], h"
check "no element or script from the index ran" inspect "
assert '<img' not in page.html and 'pwned' not in page.title and '<script>document' not in page.html
assert not page.all('i') and not page.all('b')"

# ---- the year histogram is a filter: one year, two years, a range ---------
href=$(get "[b['href'] for b in page.bars if b['year'] == '2021'][0]")
check "the 2021 bar is a real link to /?q=…&year=2021" [ "$href" = "/?q=$Q&year=2021" ]
load "$href" 1200x900 year-2021
check "after the year click only 2021 passages remain" \
    inspect "assert page.hits and all(h['year'] == '2021' for h in page.hits), [h['year'] for h in page.hits]"
check "the histogram still shows every year, 2021 selected" \
    inspect "assert [(b['year'], b['on']) for b in page.bars] == [('2020', False), ('2021', True), ('2022', False)], page.bars"
check "the active year is shown as a removable filter" \
    inspect "assert page.href('#years a.chip', '2021 ✕') == '/?q=$Q'"
check "with one year selected, a link to its new expressions" \
    inspect "assert page.href('#years a.new-in') == '/?view=new&year=2021', page.href('#years a.new-in')"
href=$(get "[b['href'] for b in page.bars if b['year'] == '2022'][0]")
check "a second year's bar adds it: year=2021,2022" [ "$href" = "/?q=$Q&year=2021,2022" ]
load "$href"
check "two years selected: passages of 2021 and 2022 only" inspect "
assert sorted({h['year'] for h in page.hits}) == ['2021', '2022'] and page.status.startswith('共 3 段'), page.hits
assert [b['on'] for b in page.bars] == [False, True, True], page.bars
assert page.href('a.chip', '2021、2022 ✕') == '/?q=$Q'"
href=$(get "[b['href'] for b in page.bars if b['year'] == '2021'][0]")
check "clicking a selected year takes it out" [ "$href" = "/?q=$Q&year=2022" ]
load "$href"
href=$(get "page.href('a.to', '2020')")
check "with one year selected, a range link reaches back to 2020" [ "$href" = "/?q=$Q&year=2020..2022" ]
load "$href"
check "the range 2020..2022 gives every year in it, 2021 included" inspect "
assert sorted({h['year'] for h in page.hits}) == ['2020', '2021', '2022'] and page.status.startswith('共 4 段'), page.hits
assert all(b['on'] for b in page.bars) and page.href('a.chip', '2020–2022 ✕') == '/?q=$Q', page.bars"

load "/?q=$Q&year=2020" 1200x900 "" 'a.bar[data-year="2022"]'
check "shift-click on a bar selects the run of years to it" inspect "
assert page.url == '$BASE/?q=$Q&year=2020..2022' and all(b['on'] for b in page.bars), (page.url, page.bars)"

load "/?q=$Q"
href=$(get "page.href('ul.facet a', '示范区人民政府')")
load "$href"
check "the body facet filters by issuing body" \
    inspect "assert page.hits and all(h['title'] == '示范区2022年度法治政府建设情况报告' for h in page.hits)"
load "/?q=$Q"
href=$(get "page.href('ul.facet a', '未知')")
check "the 未知 body facet is a link to body=unknown" [ "$href" = "/?q=$Q&body=unknown" ]
load "$href"
check "body=unknown gives the report without an issuing body" \
    inspect "assert [h['title'] for h in page.hits] == ['2020年<i>注入</i>测试报告'], page.hits"

load "/?q=$Q&year=2019"
check "no hit with a filter: a link to the search without it" inspect "
assert page.status.startswith('没有找到') and page.href('a.suggest') == '/?q=$Q', (page.status, page.href('a.suggest'))
assert page.first('a.suggest').text() == '去掉年份筛选（4 段）'"

# ---- by year -----------------------------------------------------------------
load "/?q=$Q&view=byyear" 1200x900 byyear
check "by-year view: each year with its total, newest first" inspect "
want = [(str(y['year']), str(y['total'])) for y in api('/api/byyear?q=电子证照&per_year=3')['years']]
got = [(s.get('data-year'), s.get('data-total')) for s in page.all('section.year-group')]
assert got == want == [('2022', '2'), ('2021', '1'), ('2020', '1')], (got, want)"
check "by-year view: each year's best passages, of that year" inspect "
api_years = api('/api/byyear?q=电子证照&per_year=3')['years']
for s, y in zip(page.all('section.year-group'), api_years):
    assert [li.get('data-id') for li in s.all('li.hit')] == [r['id'] for r in y['results']], s.get('data-year')
    assert all(page.hit(li)['year'] == s.get('data-year') for li in s.all('li.hit'))
    assert s.first('h2').text().startswith(s.get('data-year') + ' 年') and (y['total'] and '段' in s.first('h2').text())
assert page.first('#tabs').first('a.on').text() == '按年份'"
check "by-year view keeps the histogram and its filter links keep the view" \
    inspect "assert [b['href'] for b in page.bars][0] == '/?q=$Q&year=2020&view=byyear', page.bars"

# ---- figures -------------------------------------------------------------------
load "/?q=$Q&view=figures" 1200x900 figures
check "figures view: the figures table, year by year" inspect "
want = [(str(g['year']), f['value']) for g in api('/api/figures?q=电子证照')['figures'] for f in g['items']]
got = [(tr.get('data-year'), tr.first('td.value').text()) for tr in page.all('tr.figure')]
assert got == want == [('2022', '3971次'), ('2021', '98%')], (got, want)"
check "figures view: the figure marked in its clause, the source by title" inspect "
tr = page.all('tr.figure')[0]
assert '<mark>3971次</mark>' in tr.first('td.clause').markup(), tr.first('td.clause').markup()
a = tr.first('td.source').first('a')
item = api('/api/figures?q=电子证照')['figures'][0]['items'][0]
assert a.text() == '韶关市曲江区2022年度法治政府建设情况报告' and a.get('href') == '/?read=' + item['id'] + '&q=$Q', a.attrs
assert page.all('tr.figure')[1].first('.role').text() == '完成情况'
assert page.first('#tabs').first('a.on').text() == '数字'"

# ---- the trend ------------------------------------------------------------------
# TREND: python helpers for the trend checks — the bars of a chart (year,
# value, drawn height, href, texts), the API's numbers as the page writes them,
# and whether heights follow values (equal values, equal heights; a larger
# value, a taller bar; proportional).
TREND="
def bars(root):
    return [{'year': a.get('data-year'), 'value': float(a.get('data-value')), 'href': a.get('href'),
             'height': float(a.first('rect.fill').get('height')), 'slot': float(a.first('rect.slot').get('height')),
             'text': a.first('text.value').text(), 'label': a.first('text.year').text(), 'title': a.first('title').text()}
            for a in root.all('a.year-bar')]
rate = lambda v: '—' if v is None else '0' if v == 0 else '%.2f' % v
def ordered(bs):
    top = max(b['value'] for b in bs)
    for a in bs:
        for b in bs:
            assert (a['value'] < b['value']) == (a['height'] < b['height']), (a, b)
        assert abs(a['height'] / max(b['height'] for b in bs) - a['value'] / top) < 0.01 if top else a['height'] == 0, a
"
load "/?q=$FAZHI&view=trend" 1200x900 trend
check "trend: a tab 趋势 after 数字, marked, with a link to the chart by body" inspect "
assert [a.text() for a in page.first('#tabs').all('a')] == ['段落', '按年份', '数字', '趋势', '对比'], page.first('#tabs').text()
assert page.first('#tabs').first('a.on').text() == '趋势' and page.title.startswith('法治 的趋势')
assert page.href('#by-body') == '/?q=$FAZHI&view=trend&by_body=1' and page.first('#by-body').text() == '按发文机关分列'"
check "trend: one bar link per year of /api/trend, oldest first, the value and year written" inspect "$TREND
want = api('/api/trend?q=法治')['years']
got = bars(page.first('#trend'))
assert len(page.all('svg.trend')) == 1 and [b['year'] for b in got] == [str(y['year']) for y in want] == ['2020', '2021', '2022'], got
for b, y in zip(got, want):
    assert b['value'] == y['per_10k'] and b['text'] == rate(y['per_10k']) and b['label'] == b['year'], (b, y)
    assert b['title'].startswith(b['year'] + ' 年：出现 %d 次，%d 段，每万字 %s' % (y['occurrences'], y['passages'], rate(y['per_10k']))), b
assert '“法治”在 3 个年份的报告中共出现 74 次' in page.status, page.status"
check "trend: a year without a match is an empty slot, not left out" inspect "$TREND
b = bars(page.first('#trend'))[0]
assert b['year'] == '2020' and b['value'] == 0 and b['height'] == 0 and b['slot'] > 0 and b['text'] == '0', b"
check "trend: bar heights follow per_10k, as drawn too" inspect "$TREND
got = bars(page.first('#trend'))
ordered(got)
drawn = page.layout['trendBars']
assert len(drawn) == 3 and drawn[0] == 0 and drawn[2] > 100 and abs(drawn[1] / drawn[2] - got[1]['value'] / got[2]['value']) < 0.02, drawn
assert page.first('svg.trend').get('viewbox') and page.layout['trend'][0]['height'] > 150, page.layout['trend']"
check "trend: each bar links to /?q=…&year=Y" inspect "$TREND
assert [b['href'] for b in bars(page.first('#trend'))] == ['/?q=$FAZHI&year=' + y for y in ('2020', '2021', '2022')]"
check "trend: the table below the chart matches the API" inspect "$TREND
t = page.first('table.trend-table')
assert [th.text() for th in t.all('th')] == ['年份', '段落', '出现次数', '每万字'], t.text()
rows = [[td.text() for td in tr.all('td')] for tr in t.all('tbody tr')]
want = [[str(y['year']), str(y['passages']), str(y['occurrences']), rate(y['per_10k'])] for y in api('/api/trend?q=法治')['years']]
assert rows == want == [['2020', '0', '0', '0'], ['2021', '2', '2', '56.34'], ['2022', '33', '72', '141.73']], rows
assert [a.get('href') for a in t.all('a')] == [b['href'] for b in bars(page.first('#trend'))]"

load "/?q=$Q&view=trend"
check "trend: bars by per_10k, not by occurrences (a short report's one match is dense)" inspect "$TREND
want = api('/api/trend?q=电子证照')['years']
got = bars(page.first('#trend'))
assert [b['value'] for b in got] == [y['per_10k'] for y in want] and got[0]['height'] == max(b['height'] for b in got), got
assert [y['occurrences'] for y in want] == [1, 1, 3], want
ordered(got)"
href=$(get "[a.get('href') for a in page.all('a.year-bar') if a.get('data-year') == '2022'][0]")
check "trend: the 2022 bar is /?q=电子证照&year=2022" [ "$href" = "/?q=$Q&year=2022" ]
load "$href"
check "trend: a bar's link gives that year's passages only" inspect "
assert len(page.hits) == 2 and all(h['year'] == '2022' for h in page.hits), page.hits
assert page.first('#tabs').first('a.on').text() == '段落'"

load "/?q=$FAZHI&view=trend&body=%E7%A4%BA%E8%8C%83%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C"
check "trend: filters restrict the years and carry over to the bars' links" inspect "$TREND
want = api('/api/trend?q=法治&body=示范区人民政府')['years']
got = bars(page.first('#trend'))
assert [(b['year'], b['value']) for b in got] == [(str(y['year']), y['per_10k']) for y in want] == [('2022', 149.254)], got
assert got[0]['href'] == '/?q=$FAZHI&year=2022&body=%E7%A4%BA%E8%8C%83%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C', got
assert page.href('#by-body') == '/?q=$FAZHI&body=%E7%A4%BA%E8%8C%83%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&view=trend&by_body=1'"
load "/?q=$FAZHI&view=trend&year=2021..2022"
check "trend: a year filter keeps its years, shown as a removable chip" inspect "
assert [a.get('data-year') for a in page.all('a.year-bar')] == ['2021', '2022']
assert page.href('.trend-modes a.chip', '2021–2022 ✕') == '/?q=$FAZHI&view=trend'"
load "/?q=$FAZHI&view=trend&year=2019"
check "trend: no year kept by the filters, said so, no chart" \
    inspect "assert page.status.startswith('筛选条件下没有报告') and not page.all('svg'), page.status"
load "/?q=%3Ci%3E%E6%B3%A8%E5%85%A5%3C%2Fi%3E&view=trend"
check "trend: the query is written as text" inspect "
assert '“<i>注入</i>”' in page.status and not page.all('i') and page.all('a.year-bar'), page.status"

load "/?q=$Q&view=trend&by_body=1" 1200x900 trend-bodies
check "trend by body: one chart per body of /api/trend?by_body=1, most occurrences first" inspect "$TREND
want = sorted(api('/api/trend?q=电子证照&by_body=1')['bodies'], key=lambda b: -sum(y['occurrences'] for y in b['years']))
figs = page.all('figure.trend-body')
assert [f.get('data-body') for f in figs] == [b['body'] for b in want] and len(want) == 4, [f.get('data-body') for f in figs]
assert [len(f.all('svg')) for f in figs] == [1] * 4
assert [f.first('a.body').text() for f in figs] == [b['body'] or '未知' for b in want]
for f, b in zip(figs, want):
    got = bars(f)
    assert [(g['year'], g['value'], g['text']) for g in got] == [(str(y['year']), y['per_10k'] or 0, rate(y['per_10k'])) for y in b['years']], got
    body = urllib.parse.quote(b['body'] or 'unknown', safe='')
    assert [g['href'] for g in got] == ['/?q=$Q&year=' + str(y['year']) + '&body=' + body for y in b['years']], got
    rows = [[td.text() for td in tr.all('td')] for tr in f.all('tbody tr')]
    assert rows == [[str(y['year']), str(y['passages']), str(y['occurrences']), rate(y['per_10k'])] for y in b['years']], rows
ordered([g for f in figs for g in bars(f)])   # one scale for all
assert page.first('.trend-modes [aria-current]').text() == '按发文机关分列' and page.href('#trend-total') == '/?q=$Q&view=trend'
assert [a.get('href') for a in page.first('#tabs').all('a')][:3] == ['/?q=$Q', '/?q=$Q&view=byyear', '/?q=$Q&view=figures']"
check "trend by body: a body's year without a report is a dashed slot marked —" inspect "
a = page.first('figure.trend-body').first('a.year-bar')
assert 'none' in a.classes() and a.first('text.value').text() == '—' and '无数据' in a.first('title').text(), a.attrs"
href=$(get "[a.get('href') for f in page.all('figure.trend-body') if f.get('data-body') == '示范市人民政府' for a in f.all('a.year-bar') if a.get('data-year') == '2021'][0]")
load "$href"
check "trend by body: a bar's link gives the passages of that body and year" inspect "
assert [(h['year'], h['title']) for h in page.hits] == [('2021', '2021年示范市人民政府工作报告')], page.hits
assert page.href('#side a.chip', '示范市人民政府 ✕') == '/?q=$Q&year=2021' and page.status.startswith('共 1 段'), page.status"

# ---- similar passages in other years -----------------------------------------
load "/?q=$Q"
src=$(get "page.hits[0]['id']")
href=$(get "page.hits[0]['like']")
load "$href" 1200x900 like
check "like view: other years' passages, as the API gives them" inspect "
want = api('/api/like/$src')['results']
assert [h['id'] for h in page.hits] == [r['id'] for r in want] and want, (page.hits, want)
assert '2022' not in [h['year'] for h in page.hits] and '类似段落' in page.status, page.status"
check "like view: shows the passage it started from" inspect "
q = page.first('blockquote.like-source')
assert q.get('data-id') == '$src' and '韶关市曲江区2022年度法治政府建设情况报告' in q.text(), q and q.text()"

# ---- the report reader ---------------------------------------------------------
# A passage deep in the shipped report, two sections down: the reader must
# scroll to it.
deep=$(python3 -c '
import json, os, urllib.request
doc = json.load(urllib.request.urlopen(os.environ["BASE"] + "/api/report/'"${src%%:*}"'"))
ps = doc["results"]
print(next(p["id"] for p in ps[len(ps) * 2 // 3:] if p["kind"] != "heading" and len(p["section"]) >= 2))')
load "/?read=$deep&q=$Q" 1200x900 reader
check "reader: every passage of the report, in order" inspect "
ids = [e.get('data-id') for e in page.first('#reader').all('[data-id]')]
assert ids == [r['id'] for r in api('/api/report/$deep')['results']] and len(ids) > 40, len(ids)"
check "reader: the hit is the one marked passage" inspect "
t = page.all('.target')
assert len(t) == 1 and t[0].get('data-id') == '$deep' and t[0].get('aria-current') == 'true', [e.attrs for e in t]"
check "reader: headings are headings" inspect "
heads = [r for r in api('/api/report/$deep')['results'] if r['kind'] == 'heading']
got = [e for e in page.first('#reader').iter() if re.fullmatch('h[2-6]', e.tag)]
assert [e.text() for e in got] == [r['text'] for r in heads], len(got)"
check "reader: breadcrumbs of the hit's sections jump to their headings" inspect "
target = next(r for r in api('/api/report/$deep')['results'] if r['match'] == 'target')
crumbs = page.first('#crumbs').all('a.crumb')
assert [a.text() for a in crumbs] == target['section'], [a.text() for a in crumbs]
for a in crumbs:
    h = page.first('#' + a.get('href')[1:])
    assert re.fullmatch('h[2-6]', h.tag) and h.text() == a.text(), (a.attrs, h.tag)"
check "reader: a table of contents, the hit's sections marked" inspect "
links = page.first('#toc').all('a')
heads = [r for r in api('/api/report/$deep')['results'] if r['kind'] == 'heading']
assert [a.text() for a in links] == [r['text'] for r in heads], len(links)
target = next(r for r in api('/api/report/$deep')['results'] if r['match'] == 'target')
assert [a.text() for a in page.first('#toc').all('a.here')] == target['section']
assert all(page.first('#' + a.get('href')[1:]) is not None for a in links)"
check "reader: opens scrolled to the hit" inspect "
L = page.layout
assert L['scrollY'] > 0 and L['target'] and 0 <= L['target']['top'] and L['target']['bottom'] <= L['height'], L"
check "reader: the query's words marked in every passage that says them, and only there" inspect "
ps = api('/api/report/$deep')['results']
want = [r['id'] for r in ps if '电子证照' in r['text']]
got = [e.get('data-id') for e in page.first('#reader').all('[data-id]') if e.all('mark')]
assert want and got == want, (want, got)
assert all(m.text() == '电子证照' for m in page.first('#reader').all('mark'))"
check "reader: a way back to the search, and no server path" inspect "
assert page.href('a.back') == '/?q=$Q'
assert not re.search(r'/corpus/|\.txt', page.text), 'a path is shown'"

# ---- numbered pages ----------------------------------------------------------
load "/?q=$Q&limit=1"
check "limit=1: one hit, pages 1–4 numbered, the first current" inspect "
assert len(page.hits) == 1, len(page.hits)
assert [(p['text'], p['current']) for p in page.pager] == [('1', True), ('2', False), ('3', False), ('4', False), ('下一页 ›', False)], page.pager
assert page.href('#pager a', '2') == '/?q=$Q&offset=1&limit=1' and page.href('#pager a', '4') == '/?q=$Q&offset=3&limit=1'"
href=$(get "page.href('#pager a', '2')")
load "$href"
check "page 2 starts at rank 2, is marked, and links back" inspect "
assert len(page.hits) == 1 and '第 2–2 条' in page.status, page.status
assert [p['text'] for p in page.pager if p['current']] == ['2'] and page.pager[0]['href'] == '/?q=$Q&limit=1', page.pager"
load "/?q=$Q&offset=3&limit=1"
check "the last page has no next link" inspect "
assert [p['text'] for p in page.pager if p['current']] == ['4'] and not any(p['rel'] == 'next' for p in page.pager), page.pager"
load "/?q=$Q&offset=1000&limit=1"
check "an offset past the end says so and links to the last page" inspect "
assert '没有结果' in page.status and not page.hits, page.status
assert page.href('#last-page') == '/?q=$Q&offset=3&limit=1'
offsets = [int(m) for m in re.findall(r'offset=(\d+)', ' '.join(a.get('href') for a in page.all('a')))]
assert offsets and max(offsets) == 3, offsets"
load "/?q=$FAZHI&limit=1&offset=10" 1200x900 pages
check "many pages: first, a gap, the pages around the current one, a gap, last" inspect "
total = api('/api/search?q=法治')['total']
assert total > 16, total
texts = [p['text'] for p in page.pager]
assert texts == ['‹ 上一页', '1', '…', '9', '10', '11', '12', '13', '…', str(total), '下一页 ›'], texts
assert [p['text'] for p in page.pager if p['current']] == ['11']
assert page.href('#pager a', str(total)) == '/?q=$FAZHI&offset=' + str(total - 1) + '&limit=1'"

# ---- a phone's screen ----------------------------------------------------------
load "/?q=$Q" 400x900 mobile-search
check "400 px wide: the first hit is on the first screen" inspect "
L = page.layout
assert L['width'] == 400 and L['firstHit'] and L['firstHit']['bottom'] < L['height'], L"
check "400 px wide: nothing wider than the screen, the filters folded" inspect "
L = page.layout
assert L['scrollWidth'] <= 400 and L['sideOpen'] is False and L['years']['height'] < 200, L"
load "/?q=$FAZHI&view=trend" 400x900 mobile-trend
check "400 px wide: the trend chart fits the screen" inspect "
L = page.layout
assert len(L['trend']) == 1 and all(0 <= c['left'] and c['right'] <= 400 and c['height'] > 100 for c in L['trend']), L
assert L['scrollWidth'] <= 400, L"
load "/?q=$Q&view=trend&by_body=1" 400x900
check "400 px wide: the charts by body fit the screen" inspect "
L = page.layout
assert len(L['trend']) == 4 and all(0 <= c['left'] and c['right'] <= 400 and c['height'] > 100 for c in L['trend']), L
assert L['scrollWidth'] <= 400, L"
load "/?read=$deep&q=$Q" 400x900 mobile-reader
check "400 px wide: the reader opens at the hit" inspect "
L = page.layout
assert L['target'] and 0 <= L['target']['top'] and L['target']['bottom'] <= L['height'] and L['scrollWidth'] <= 400, L"

# ---- errors and the start page -------------------------------------------
load "/?q=$Q&year=20x9" 1200x900 error
check "a bad filter is explained in Chinese" inspect "
s = page.first('#status')
said = ''.join(c for c in s.children if isinstance(c, str))
assert 'error' in s.classes() and said.startswith('检索失败。年份的写法不对') and not re.search('[A-Za-z]', said), said
assert s.first('small').text().startswith('服务器说明：year must be'), s.first('small').text()"
load "/?read=0000000000000000:1"
check "an unknown passage in the reader is explained in Chinese" \
    inspect "assert page.status.startswith('无法打开这份报告。索引中没有'), page.status"
load "/?like=nonsense"
check "a malformed passage id is explained in Chinese" \
    inspect "assert page.status.startswith('无法查找类似段落。段落编号的格式不对'), page.status"
load "/"
check "without a query the page lists the indexed reports" \
    inspect "assert '已索引 4 份报告' in page.status and '韶关市曲江区2022年度法治政府建设情况报告' in page.text"
check "the start page links each year's new expressions (not the first year's), and a tab 新提法" inspect "
assert [a.get('href') for a in page.first('#new-years').all('a')] == ['/?view=new&year=2022', '/?view=new&year=2021']
assert [(a.text(), a.get('href')) for a in page.first('#tabs').all('a')] == [('报告', '/'), ('新提法', '/?view=new')]
assert page.first('#tabs').first('a.on').text() == '报告'"
href=$(get "page.href('a.report', '韶关市曲江区2022年度法治政府建设情况报告')")
check "each listed report links to the reader by its id" bash -c '[[ "$1" =~ ^/\?read=[0-9a-f]{16}$ ]]' _ "$href"
load "$href"
check "the reader opens a report by its id: every passage, none marked" inspect "
n = len(page.all('#reader .passage'))
assert page.status == '全文共 61 段。' and n == 61 and not page.all('#reader .target'), (page.status, n)"

# ---- side by side ----------------------------------------------------------------
# COMPARE: the rows as the page drew them, against /api/compare.
COMPARE="
def rows():
    return [{'status': r.get('data-status'), 'classes': r.classes(),
             'a': (r.first('.cmp-side.a li.hit') or El('li', {}, None)).get('data-id') or None,
             'b': (r.first('.cmp-side.b li.hit') or El('li', {}, None)).get('data-id') or None,
             'empty': [e.parent.classes() for e in r.all('.cmp-empty')], 'mark': r.first('.cmp-mark').text(),
             'marks': len(r.all('mark'))} for r in page.all('#compare .cmp-row')]
def same_as_api(a, b):
    want = api('/api/compare?q=法治&a=%d&b=%d' % (a, b))
    got = rows()
    assert [(r['status'], r['a'], r['b']) for r in got] == [(p['status'], p['a'] and p['a']['id'], p['b'] and p['b']['id'])
                                                           for p in want['pairs']], (got, want['pairs'])
    return want, got
"
load "/?q=$FAZHI&view=compare" 1200x900 compare
check "compare: a tab 对比, marked; the two newest years with matches by default" inspect "
assert page.first('#tabs').first('a.on').text() == '对比' and page.title.startswith('法治 对比')
sel = lambda name: [o.get('value') for o in page.first('#cmp-' + name).all('option') if 'selected' in o.attrs]
assert sel('a') == ['2021'] and sel('b') == ['2022'], (sel('a'), sel('b'))
assert [d.text() for d in page.first('.cmp-head').all('div')] == ['2021 年', '', '2022 年']"
check "compare: a row per entry of /api/compare, in its order, 2021 left and 2022 right" inspect "$COMPARE
want, got = same_as_api(2021, 2022)
assert len(got) == want['totals'][0] + want['totals'][1] - sum(1 for p in want['pairs'] if p['a'] and p['b']) and got
assert all(h['year'] in ('2021', '2022') for h in page.hits)
assert '2021 年 %d 段，2022 年 %d 段' % tuple(want['totals']) in page.status, page.status"
check "compare: only in one year is marked, the other column says so; matches highlighted" inspect "$COMPARE
got = rows()
for r in got:
    if r['status'] == 'only_b':
        assert r['a'] is None and r['empty'] == [['cmp-side', 'a']] and r['mark'].startswith('>') and 'only_b' in r['classes'], r
    elif r['status'] == 'only_a':
        assert r['b'] is None and r['empty'] == [['cmp-side', 'b']] and r['mark'].startswith('<'), r
    else:
        assert r['a'] and r['b'] and r['mark'][0] in '=~' and not r['empty'], r
    assert r['marks'] >= 1, r
assert any(r['status'] == 'only_b' for r in got)"
check "compare: the figures of both years side by side" inspect "
want = api('/api/compare?q=法治&a=2021&b=2022')['figures']
t = page.first('#cmp-figures')
n = max(len(g['items']) for g in want)
if n:
    assert [th.text() for th in t.all('th')] == ['2021 年', '2022 年']
    assert len(t.all('tbody tr')) == n and t.first('tbody tr').all('td')[1].first('.value').text() == want[1]['items'][0]['value']
else:
    assert t.tag == 'p'"
load "/?q=$FAZHI&view=compare&a=2022&b=2021&body=%E7%A4%BA%E8%8C%83%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C"
check "compare: the years from the URL, the other way round, filters kept in the form and the API call" inspect "$COMPARE
want = api('/api/compare?q=法治&a=2022&b=2021&body=示范区人民政府')
got = rows()
assert [(r['status'], r['a'], r['b']) for r in got] == [(p['status'], p['a'] and p['a']['id'], p['b'] and p['b']['id']) for p in want['pairs']]
assert [d.text() for d in page.first('.cmp-head').all('div')] == ['2022 年', '', '2021 年']
assert [i.get('value') for i in page.first('#cmp-form').all('input') if i.get('name') == 'body'] == ['示范区人民政府']"
load "/?q=$Q&view=compare" 400x900 mobile-compare
check "compare on a phone: no sideways scrolling" inspect "
assert page.layout['scrollWidth'] <= 400, page.layout['scrollWidth']"

# ---- new expressions (新提法) -------------------------------------------------------
# The index holds 2020 (the markup report), 2021 and 2022: 2022 is the newest
# year, 2020 the first (nothing before it to compare with).
# NEW: the expressions as the page lists them, against /api/new or /api/gone.
NEW="
def exprs():
    return [{'text': li.get('data-text'), 'bold': li.first('.expr-head strong').text(), 'id': li.get('data-id'),
             'stats': li.first('.expr-stats').text(), 'title': (li.first('.title') or El('a', {}, None)).text(),
             'snippet': (li.first('.snippet') or El('p', {}, None)).markup(), 'trend': li.first('a.expr-trend').get('href'),
             'read': (li.first('a.read') or El('a', {}, None)).get('href')} for li in page.all('#expressions li.expr')]
def same_as_api(path):
    want = api(path)['expressions']
    got = exprs()
    assert [g['text'] for g in got] == [x['text'] for x in want] and got, ([g['text'] for g in got], [x['text'] for x in want])
    for g, x in zip(got, want):
        assert g['bold'] == x['text'] and g['stats'].startswith('%d 次 · %d 段' % (x['occurrences'], x['passage_count'])), (g, x)
        p = x['passages'][0]
        assert g['id'] == p['id'] and g['title'] == p['title'], (g, p)
        marks = re.findall('<mark>(.*?)</mark>', g['snippet'])
        said = {html.escape(p['text'].encode()[a:b].decode(), quote=False) for a, b in p['matches']}
        # (a long passage is cut to a window: a match at its edge is marked in part)
        assert marks and all(any(w == m or w.startswith(m) or w.endswith(m) for w in said) for m in marks), (g['snippet'], said)
    return want, got
q = lambda s: urllib.parse.quote(s, safe='')
"
load "/?view=new&year=2022" 1200x900 new
check "new: /?view=new&year=2022 lists the expressions of /api/new?year=2022, same texts, same order" inspect "$NEW
want, got = same_as_api('/api/new?year=2022')
assert len(got) == 30 and page.title.startswith('2022 年的新提法'), (len(got), page.title)
assert page.status.startswith('2022 年的新提法：2020–2021 年（2 个年份）的报告中都没有出现，列出最重要的 30 个'), page.status
assert [(a.text(), a.get('href')) for a in page.first('#tabs').all('a')] == [('报告', '/'), ('新提法', '/?view=new')]
assert page.first('#tabs').first('a.on').text() == '新提法'"
check "new: each expression links to its trend, its passage to the reader" inspect "$NEW
want, got = exprs(), api('/api/new?year=2022')['expressions']
for g, x in zip(want, got):
    assert g['trend'] == '/?q=' + q(x['text']) + '&view=trend', g['trend']
    assert g['read'] == '/?read=' + x['passages'][0]['id'] + '&q=' + q(x['text']), g['read']
assert not any('此后' in g['stats'] for g in want)   # 2022 is the last year: nothing after it"
check "new: a year form (the index's years, 2022 chosen) and the link to the gone ones" inspect "
sel = [(o.get('value'), 'selected' in o.attrs) for o in page.first('#new-form').all('option')]
assert sel == [('2022', True), ('2021', False), ('2020', False)], sel
assert [(i.get('name'), i.get('value')) for i in page.first('#new-form').all('input')] == [('view', 'new')]
assert page.first('#new-form').get('method') == 'get' and page.first('.new-modes [aria-current]').text() == '新出现的'
assert page.href('#new-gone') == '/?view=new&year=2022&gone=1' and page.href('#new-more') == '/?view=new&year=2022&limit=100'"
check "new: the reports' issuing bodies are filters of the view" inspect "
links = {a.text(): a.get('href') for ul in page.all('ul.facet') if ul.get('data-facet') == 'body' for a in ul.all('a')}
assert links.get('示范区人民政府') == '/?view=new&year=2022&body=' + urllib.parse.quote('示范区人民政府', safe='') and links.get('未知') == '/?view=new&year=2022&body=unknown', links"
href=$(inspect "$NEW
print(exprs()[2]['trend'])")
text=$(inspect "$NEW
print(exprs()[2]['text'])")
read=$(inspect "$NEW
print(exprs()[2]['read'])")
id=$(inspect "$NEW
print(exprs()[2]['id'])")
load "$href"
check "new: an expression's link opens its trend" inspect "
assert page.first('#tabs').first('a.on').text() == '趋势' and '“$text”' in page.status, page.status
y = [a for a in page.all('a.year-bar') if a.get('data-year') == '2022']
assert y and float(y[0].get('data-value')) > 0 and all(float(a.get('data-value')) == 0 for a in page.all('a.year-bar') if a.get('data-year') < '2022')"
load "$read"
check "new: the passage's link opens the reader at it" inspect "
t = page.all('#reader .target')
assert len(t) == 1 and t[0].get('data-id') == '$id' and '$text' in t[0].text(), [e.attrs for e in t]"

load "/?view=new"
check "new: without a year, the newest year of the index" inspect "$NEW
same_as_api('/api/new?year=2022')
assert [o.get('value') for o in page.first('#new-form').all('option') if 'selected' in o.attrs] == ['2022']"
load "/?view=new&year=2022&limit=100"
check "new: limit=100 lists more, as the API does" inspect "$NEW
want, got = same_as_api('/api/new?year=2022&limit=100')
assert len(got) > 30 and not page.first('#new-more'), len(got)"
load "/?view=new&year=2021"
check "new in 2021: how many later years still use each expression" inspect "$NEW
want, got = same_as_api('/api/new?year=2021')
for g, x in zip(got, want):
    assert ('此后 %d 年仍在使用' % x['other_years'] if x['other_years'] else '此后没有再用') in g['stats'], (g['stats'], x)
assert any(x['other_years'] for x in want) and any(not x['other_years'] for x in want)"
load "/?view=new&year=2022&since=2021"
check "new: since= is passed on and shown as a removable chip" inspect "$NEW
same_as_api('/api/new?year=2022&since=2021')
assert page.href('.new-modes a.chip', '自 2021 年起比较 ✕') == '/?view=new&year=2022'
assert [(i.get('name'), i.get('value')) for i in page.first('#new-form').all('input')] == [('view', 'new'), ('since', '2021')]"

load "/?view=new&year=2022&gone=1" 1200x900 new-gone
check "gone: /?view=new&year=2022&gone=1 lists /api/gone?year=2022, with the earlier years using each" inspect "$NEW
want, got = same_as_api('/api/gone?year=2022')
for g, x in zip(got, want):
    assert ('此前 %d 年使用过' % x['other_years'] if x['other_years'] else '此前没有用过') in g['stats'], (g['stats'], x)
    assert g['id'].split(':')[0] in [r['id'] for r in api('/api/reports')['reports'] if r['year'] == 2021]
assert page.status.startswith('2022 年起不再使用的提法：2021 年的报告用过、2022 年的报告都没有再用'), page.status
assert page.first('.new-modes [aria-current]').text() == '不再使用的' and page.href('#new-new') == '/?view=new&year=2022'
assert [(i.get('name'), i.get('value')) for i in page.first('#new-form').all('input')] == [('view', 'new'), ('gone', '1')]"
load "/?view=new&year=2021&gone=1"
check "gone in 2021: the markup report's expressions, its text shown as text" inspect "$NEW
same_as_api('/api/gone?year=2021')
assert any('&lt;' in g['snippet'] for g in exprs()), [g['snippet'] for g in exprs()]
assert not page.all('img') and not page.all('i') and 'pwned' not in page.title"

load "/?view=new&year=2020" 1200x900 new-404
check "new in the first year: the 404 explained in Chinese, the server's text in small print, the form kept" inspect "
s = page.first('#status')
said = ''.join(c for c in s.children if isinstance(c, str))
assert 'error' in s.classes() and said.startswith('无法列出新提法。这一年之前没有报告可以比较') and not re.search('[A-Za-z]', said), said
assert s.first('small').text().startswith('服务器说明：no reports before 2020'), s.first('small').text()
assert not page.all('li.expr') and [o.get('value') for o in page.first('#new-form').all('option') if 'selected' in o.attrs] == ['2020']"
check "new in the first year: /api/new answers 404 with that text" python3 -c '
import json, os, sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(os.environ["BASE"] + "/api/new?year=2020")
    sys.exit("no error")
except urllib.error.HTTPError as e:
    assert e.code == 404 and json.load(e)["error"].startswith("no reports before 2020"), e.code'
load "/?view=new&year=2021..2022"
check "new: a year range is explained (one year only)" \
    inspect "assert page.status.startswith('无法列出新提法。年份的写法不对：这里只能写一年'), page.status"
load "/?view=new&year=2022&body=%E7%A4%BA%E8%8C%83%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&gone=1"
check "gone with a body filter: asked for that body (none of its reports before 2022), a chip to remove it" inspect "
assert page.status.startswith('无法列出不再使用的提法。这一年之前没有报告'), page.status
assert page.href('#side a.chip', '示范区人民政府 ✕') == '/?view=new&year=2022&gone=1'
assert [(i.get('name'), i.get('value')) for i in page.first('#new-form').all('input')] == [('view', 'new'), ('body', '示范区人民政府'), ('gone', '1')]"

load "/?view=new&year=2022" 400x900 mobile-new
check "new, 400 px wide: the first expression on the first screen, nothing wider than the screen" inspect "
L = page.layout
assert L['width'] == 400 and L['firstExpr'] and L['firstExpr']['top'] < L['height'] - 150, L
assert L['scrollWidth'] <= 400 and L['sideOpen'] is False, L"
load "/?view=new&year=2020" 400x900
check "new, 400 px wide: the error fits the screen" inspect "
assert page.layout['scrollWidth'] <= 400 and page.status.startswith('无法列出新提法'), page.layout"

# ---- the browser's view of it all -----------------------------------------
check "no CSP violation or script error on any page" \
    bash -c '[ ! -s "$1" ] || { sed "s/^/     /" "$1"; false; }' _ "$TMP/problems"
check "screenshots of the main views are PNG images" python3 -c '
import struct, sys
for name in sys.argv[2:]:
    data = open(sys.argv[1] + "/" + name + ".png", "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000, name
    w, h = struct.unpack(">II", data[16:24])
    assert (w, h) == ((400, 900) if name.startswith("mobile") else (1200, 900)), (name, w, h)
' "$SHOTS" search year-2021 byyear figures trend trend-bodies compare new new-gone new-404 like reader pages mobile-search mobile-trend \
    mobile-compare mobile-new mobile-reader error
echo "screenshots: $SHOTS"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
