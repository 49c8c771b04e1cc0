/* test_analysis.c — unit tests of the text analyser (analysis/): normalisation
 * and its offset map, WORD and CHAR tokens, the lexicon merge and fingerprint,
 * and robustness against empty, invalid and very long input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "analysis.h"
#include "baogao.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------- */

typedef struct tok {
    int type, flags;
    char *text;
    size_t start, end;
    uint32_t pos;
} tok;

typedef struct toks {
    tok *v;
    size_t n, cap;
    int stop_after;   /* > 0: return 7 from the callback after this many tokens */
} toks;

static int collect(void *ctx, const bgi_token *t)
{
    toks *ts = ctx;
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 64;
        ts->v = realloc(ts->v, ts->cap * sizeof *ts->v);
        assert_non_null(ts->v);
    }
    char *s = malloc(t->len + 1);
    assert_non_null(s);
    memcpy(s, t->text, t->len);
    s[t->len] = '\0';
    ts->v[ts->n++] = (tok){t->type, t->flags, s, t->start, t->end, t->pos};
    if (ts->stop_after && (int)ts->n == ts->stop_after)
        return 7;
    return 0;
}

static void toks_free(toks *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        free(ts->v[i].text);
    free(ts->v);
    memset(ts, 0, sizeof *ts);
}

static bgi_analyzer *new_analyzer(const char *lexicon_text)
{
    bgi_err err = {0};
    bgi_analyzer *an = NULL;
    bgi_analyzer_options o = {.lexicon_text = lexicon_text,
                             .lexicon_text_len = lexicon_text ? strlen(lexicon_text) : 0};
    int rc = bgi_analyzer_new(&an, &o, &err);
    if (rc)
        fprintf(stderr, "bgi_analyzer_new: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_non_null(an);
    return an;
}

static void analyze(bgi_analyzer *an, const char *text, size_t len, toks *out)
{
    bgi_err err = {0};
    int rc = bgi_analyze(an, text, len, collect, out, &err);
    if (rc)
        fprintf(stderr, "bgi_analyze: %s\n", err.msg);
    assert_int_equal(rc, 0);
}

/* The WORD tokens joined with '|', e.g. "专|项|债" (caller frees). */
static char *words_of(bgi_analyzer *an, const char *text)
{
    toks ts = {0};
    analyze(an, text, strlen(text), &ts);
    size_t cap = 1;
    for (size_t i = 0; i < ts.n; i++)
        cap += strlen(ts.v[i].text) + 1;
    char *s = calloc(1, cap);
    assert_non_null(s);
    for (size_t i = 0; i < ts.n; i++) {
        if (ts.v[i].type != BG_TOKEN_WORD)
            continue;
        if (*s)
            strcat(s, "|");
        strcat(s, ts.v[i].text);
    }
    toks_free(&ts);
    return s;
}

static void assert_words(bgi_analyzer *an, const char *text, const char *expected)
{
    char *w = words_of(an, text);
    if (strcmp(w, expected) != 0)
        fprintf(stderr, "words of \"%s\": got \"%s\", expected \"%s\"\n", text, w, expected);
    assert_string_equal(w, expected);
    free(w);
}

static char *normalized(bgi_analyzer *an, const char *text, size_t len)
{
    bgi_normtext nt = {0};
    bgi_err err = {0};
    assert_int_equal(bgi_normalize(an, text, len, &nt, &err), 0);
    char *s = nt.text;
    free(nt.orig_start);
    free(nt.orig_end);
    return s;
}

static void assert_normalizes(bgi_analyzer *an, const char *text, const char *expected)
{
    char *s = normalized(an, text, strlen(text));
    if (strcmp(s, expected) != 0)
        fprintf(stderr, "normalise \"%s\": got \"%s\", expected \"%s\"\n", text, s, expected);
    assert_string_equal(s, expected);
    free(s);
}

/* Every token's original bytes normalise to the token's text, both streams
 * are in order with consecutive positions, and CHAR tokens are one code point. */
static void assert_tokens_consistent(bgi_analyzer *an, const char *text, size_t len, const toks *ts)
{
    uint32_t next_pos[3] = {0, 0, 0};
    size_t last_start[3] = {0, 0, 0};
    for (size_t i = 0; i < ts->n; i++) {
        const tok *t = &ts->v[i];
        assert_true(t->type == BG_TOKEN_WORD || t->type == BG_TOKEN_CHAR);
        assert_int_equal(t->pos, next_pos[t->type]++);
        if (t->flags & BG_TOKEN_EDGE) {   /* a number's edge: empty in the text */
            assert_true(t->start == t->end && t->end <= len);
            continue;
        }
        assert_true(t->start < t->end);
        assert_true(t->end <= len);
        assert_true(t->start >= last_start[t->type]);
        last_start[t->type] = t->start;
        assert_true(strlen(t->text) > 0 && strlen(t->text) <= BG_WORD_MAX_BYTES);
        char *n = normalized(an, text + t->start, t->end - t->start);
        if (t->type == BG_TOKEN_WORD)
            assert_string_equal(n, t->text);
        else
            assert_non_null(strstr(n, t->text));  /* an expansion (㈠ → (一)) holds it */
        free(n);
    }
}

/* ---- normalisation -------------------------------------------------------- */

static void test_nfkc(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer(NULL);
    assert_normalizes(an, "ＣＯ２", "co2");
    assert_normalizes(an, "２０２２年", "2022年");
    assert_normalizes(an, "㈠", "(一)");
    assert_normalizes(an, "ﬁ", "fi");
    assert_words(an, "ＣＯ２", "co2");
    assert_words(an, "２０２２年", "2022|年");
    /* A decomposed accent composes like the precomposed letter. */
    assert_normalizes(an, "Cafe\xCC\x81", "caf\xC3\xA9");
    /* Default-ignorables (zero-width space, BOM) vanish instead of splitting. */
    assert_normalizes(an, "\xEF\xBB\xBF依法\xE2\x80\x8B行政", "依法行政");
    bgi_analyzer_free(an);
}

static void test_case_folding(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer(NULL);
    assert_normalizes(an, "ABC", "abc");
    assert_normalizes(an, "ＡＢＣ", "abc");
    assert_normalizes(an, "Straße", "strasse");
    assert_words(an, "GDP增长", "gdp|增长");
    bgi_analyzer_free(an);
}

static void test_traditional(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer(NULL);
    assert_normalizes(an, "脫貧攻堅", "脱贫攻坚");
    assert_normalizes(an, "國務院政府工作報告", "国务院政府工作报告");
    /* Phrase-level conversion, including characters unchanged on their own. */
    assert_normalizes(an, "答覆，沈默。一目瞭然；乾隆皇帝，天氣乾燥",
                      "答复,沉默。一目了然;乾隆皇帝,天气干燥");
    /* Simplified text that t2s must leave alone. */
    assert_normalizes(an, "乾隆年间，沈阳市", "乾隆年间,沈阳市");
    char *trad = words_of(an, "脫貧攻堅");
    char *simp = words_of(an, "脱贫攻坚");
    assert_string_equal(trad, simp);
    free(trad);
    free(simp);
    trad = words_of(an, "堅決打贏脫貧攻堅戰，鄉村振興");
    simp = words_of(an, "坚决打赢脱贫攻坚战，乡村振兴");
    assert_string_equal(trad, simp);
    free(trad);
    free(simp);
    bgi_analyzer_free(an);
}

static void test_punctuation(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer(NULL);
    assert_normalizes(an, "，,、﹑､", ",,,,,");
    assert_normalizes(an, "“”「」『』\"＂", "\"\"\"\"\"\"\"\"");
    assert_normalizes(an, "‘’", "''");
    assert_normalizes(an, "（）()【】〔〕", "()()()()");
    assert_normalizes(an, "：:∶；;", ":::;;");
    assert_normalizes(an, "——―–-", "-----");
    assert_normalizes(an, "·・‧", "···");
    assert_normalizes(an, "…⋯", "......");
    assert_normalizes(an, "～〜", "~~");
    assert_normalizes(an, "\xE3\x80\x80", " ");  /* ideographic space */
    /* Variants give the same tokens. */
    char *a = words_of(an, "【依法行政】“简政放权”，放管服——");
    char *b = words_of(an, "(依法行政)「简政放权」,放管服--");
    assert_string_equal(a, b);
    free(a);
    free(b);
    /* An enumeration comma between numbers separates two words. */
    assert_words(an, "2018、2019年", "2018|2019|年");
    assert_words(an, "2018，2019年", "2018|2019|年");
    assert_words(an, "增长7.4%", "增长|7.4");
    /* The 19th congress report writes years with ○ (U+25CB), the 20th with
     * 〇 (U+3007): both must search alike. */
    assert_normalizes(an, "二○二○年", "二〇二〇年");
    assert_normalizes(an, "二◯三五年", "二〇三五年");
    bgi_analyzer_free(an);
}

static void test_normalize_map(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer(NULL);
    const char *text = "ＣＯ２，脫貧…a";
    size_t len = strlen(text);
    bgi_normtext nt = {0};
    bgi_err err = {0};
    assert_int_equal(bgi_normalize(an, text, len, &nt, &err), 0);
    assert_string_equal(nt.text, "co2,脱贫...a");
    assert_int_equal(nt.len, strlen(nt.text));
    /* c ← Ｃ [0,3); "," ← ， [9,12); 脱 (3 bytes) ← 脫 [12,15); each '.' ← … [18,21). */
    assert_int_equal(nt.orig_start[0], 0);
    assert_int_equal(nt.orig_end[0], 3);
    assert_int_equal(nt.orig_start[3], 9);
    assert_int_equal(nt.orig_end[3], 12);
    for (size_t i = 4; i < 7; i++) {
        assert_int_equal(nt.orig_start[i], 12);
        assert_int_equal(nt.orig_end[i], 15);
    }
    for (size_t i = 10; i < 13; i++) {
        assert_int_equal(nt.orig_start[i], 18);
        assert_int_equal(nt.orig_end[i], 21);
    }
    assert_int_equal(nt.orig_start[13], 21);
    assert_int_equal(nt.orig_end[13], 22);
    /* The buffers are reused for a shorter and then a longer text. */
    assert_int_equal(bgi_normalize(an, "AB", 2, &nt, &err), 0);
    assert_string_equal(nt.text, "ab");
    assert_int_equal(nt.orig_end[1], 2);
    assert_int_equal(bgi_normalize(an, text, len, &nt, &err), 0);
    assert_string_equal(nt.text, "co2,脱贫...a");
    assert_int_equal(bgi_normalize(an, "", 0, &nt, &err), 0);
    assert_int_equal(nt.len, 0);
    assert_string_equal(nt.text, "");
    bgi_normtext_clear(&nt);
    assert_null(nt.text);
    bgi_normtext_clear(&nt);
    bgi_analyzer_free(an);
}

/* ---- tokens ---------------------------------------------------------------- */

static void test_offsets(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer("乡村振兴\n");
    const char *text = "ＣＯ２排放，２０２２年脫貧攻堅「鄉村振興」ＡＢＣ";
    toks ts = {0};
    analyze(an, text, strlen(text), &ts);
    assert_tokens_consistent(an, text, strlen(text), &ts);
    assert_int_equal(ts.v[0].type, BG_TOKEN_WORD);
    assert_string_equal(ts.v[0].text, "co2");
    assert_int_equal(ts.v[0].start, 0);
    assert_int_equal(ts.v[0].end, 9);
    int seen_trad_word = 0, seen_lex = 0;
    for (size_t i = 0; i < ts.n; i++) {
        const tok *t = &ts.v[i];
        if (t->type == BG_TOKEN_CHAR && strcmp(t->text, "贫") == 0) {
            assert_memory_equal(text + t->start, "貧", t->end - t->start);
            seen_trad_word = 1;
        }
        if (t->type == BG_TOKEN_WORD && strcmp(t->text, "乡村振兴") == 0) {
            assert_int_equal(t->end - t->start, strlen("鄉村振興"));
            assert_memory_equal(text + t->start, "鄉村振興", t->end - t->start);
            assert_true(t->flags & BG_TOKEN_LEXICON);
            seen_lex = 1;
        }
    }
    assert_true(seen_trad_word && seen_lex);
    toks_free(&ts);
    bgi_analyzer_free(an);
}

static void test_char_tokens(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer(NULL);
    const char *text = "Ab 中文，x〇2";
    toks ts = {0};
    analyze(an, text, strlen(text), &ts);
    static const struct {
        const char *text;
        int flags;
        size_t start, end;
    } want[] = {
        {"a", BG_TOKEN_RUN_START, 0, 1},
        {"b", 0, 1, 2},
        {"中", BG_TOKEN_RUN_START | BG_TOKEN_CJK, 3, 6},
        {"文", BG_TOKEN_CJK, 6, 9},
        {"x", BG_TOKEN_RUN_START, 12, 13},
        {"〇", BG_TOKEN_CJK, 13, 16},
        {"2", 0, 16, 17},
    };
    size_t k = 0;
    for (size_t i = 0; i < ts.n; i++) {
        const tok *t = &ts.v[i];
        if (t->type != BG_TOKEN_CHAR || (t->flags & BG_TOKEN_EDGE))
            continue;
        assert_true(k < sizeof want / sizeof want[0]);
        assert_string_equal(t->text, want[k].text);
        assert_int_equal(t->flags, want[k].flags);
        assert_int_equal(t->start, want[k].start);
        assert_int_equal(t->end, want[k].end);
        assert_true(t->pos >= k);   /* numbers' edge marks count too */
        k++;
    }
    assert_int_equal(k, sizeof want / sizeof want[0]);
    /* A WORD comes before the CHARs it covers; Han words are flagged. */
    assert_int_equal(ts.v[0].type, BG_TOKEN_WORD);
    assert_string_equal(ts.v[0].text, "ab");
    assert_int_equal(ts.v[0].flags, 0);
    for (size_t i = 0; i < ts.n; i++)
        if (ts.v[i].type == BG_TOKEN_WORD && strcmp(ts.v[i].text, "中文") == 0)
            assert_true(ts.v[i].flags & BG_TOKEN_CJK);
    toks_free(&ts);
    bgi_analyzer_free(an);
}

static void test_callback_stops(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer(NULL);
    toks ts = {.stop_after = 3};
    bgi_err err = {0};
    const char *text = "一二三四五六七八九十";
    assert_int_equal(bgi_analyze(an, text, strlen(text), collect, &ts, &err), 7);
    assert_int_equal(ts.n, 3);
    toks_free(&ts);
    bgi_analyzer_free(an);
}

/* ---- lexicon ---------------------------------------------------------------- */

static void test_lexicon_memory(void **state)
{
    (void)state;
    bgi_analyzer *plain = new_analyzer(NULL);
    bgi_analyzer *lex = new_analyzer("# comment\n\n  专项债  \r\n退役军人\n");
    /* ICU alone splits these; with the lexicon each is one word. */
    char *w = words_of(plain, "专项债");
    assert_null(strstr(w, "专项债"));
    free(w);
    assert_words(lex, "专项债", "专项债");
    assert_words(lex, "发行专项债，支持退役军人就业", "发行|专项债|支持|退役军人|就业");
    /* Merges never cross punctuation or spaces. */
    w = words_of(lex, "专项，债");
    assert_null(strstr(w, "专项债"));
    free(w);
    toks ts = {0};
    analyze(lex, "专项债", strlen("专项债"), &ts);
    assert_int_equal(ts.v[0].type, BG_TOKEN_WORD);
    assert_int_equal(ts.v[0].flags, BG_TOKEN_LEXICON | BG_TOKEN_CJK);
    assert_int_equal(ts.v[0].start, 0);
    assert_int_equal(ts.v[0].end, strlen("专项债"));
    toks_free(&ts);
    size_t len;
    const char *list = bgi_analyzer_lexicon_text(lex, &len);
    assert_string_equal(list, "专项债\n退役军人\n");
    assert_int_equal(len, strlen(list));
    assert_string_equal(bgi_analyzer_lexicon_text(plain, &len), "");
    assert_int_equal(len, 0);
    bgi_analyzer_free(plain);
    bgi_analyzer_free(lex);
}

/* The lexicon's table is sized for the text's code points; normalisation can
 * make more (case folding turns ß into ss), and the table must then grow
 * without losing the words and prefixes already in it. Here 69 code points
 * size it for 128 entries, and the words make 131 (128 prefixes of the
 * 128-byte word ss…s, then 专, 专项, 专项债). */
static void test_lexicon_grows_past_its_text(void **state)
{
    (void)state;
    char text[256] = "";
    for (int i = 0; i < BG_WORD_MAX_BYTES / 2; i++)
        strcat(text, "ß");
    strcat(text, "\n专项债\n");
    bgi_analyzer *lex = new_analyzer(text);
    char want[256] = "";
    for (int i = 0; i < BG_WORD_MAX_BYTES; i++)
        strcat(want, "s");
    strcat(want, "\n专项债\n");
    size_t len;
    assert_string_equal(bgi_analyzer_lexicon_text(lex, &len), want);
    /* Merging needs the prefixes 专 and 专项 as well as the word. */
    assert_words(lex, "发行专项债", "发行|专项债");
    bgi_analyzer_free(lex);
}

static void test_lexicon_file(void **state)
{
    (void)state;
    char path[] = "/tmp/bg_test_lexiconXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *content = "# my words\n曲江区\n习近平\n";
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    const char *paths[] = {BG_SOURCE_DIR "/data/lexicon.txt", path};
    bgi_analyzer_options o = {.lexicon_paths = paths, .n_lexicon_paths = 2};
    bgi_analyzer *an = NULL;
    bgi_err err = {0};
    int rc = bgi_analyzer_new(&an, &o, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, 0);
    unlink(path);
    assert_words(an, "曲江区人民政府", "曲江区|人民政府");
    assert_words(an, "以习近平同志为核心", "以|习近平|同志|为|核心");
    assert_words(an, "打赢脱贫攻坚战，推进乡村振兴", "打赢脱贫攻坚战|推进|乡村振兴");
    char *w = words_of(an, "城镇新增就业1100万人以上");
    assert_non_null(strstr(w, "城镇新增就业"));
    free(w);
    /* The starter lexicon is accepted whole and lists itself sorted and unique. */
    size_t len;
    const char *list = bgi_analyzer_lexicon_text(an, &len);
    assert_non_null(strstr(list, "放管服\n"));
    assert_non_null(strstr(list, "5g\n"));  /* normalised: 5G → 5g */
    size_t lines = 0;
    const char *prev = NULL;
    for (const char *p = list; *p; p = strchr(p, '\n') + 1) {
        if (prev) {
            size_t pl = (size_t)(p - prev - 1);
            int c = strncmp(prev, p, pl);
            assert_true(c < 0 || (c == 0 && p[pl] != '\n'));
        }
        prev = p;
        lines++;
    }
    assert_true(lines > 300);
    bgi_analyzer_free(an);
}

static void test_lexicon_errors(void **state)
{
    (void)state;
    bgi_analyzer *an = (bgi_analyzer *)1;
    bgi_err err = {0};
    const char *missing[] = {"/nonexistent/lexicon.txt"};
    bgi_analyzer_options o = {.lexicon_paths = missing, .n_lexicon_paths = 1};
    assert_int_equal(bgi_analyzer_new(&an, &o, &err), BG_EIO);
    assert_null(an);
    assert_non_null(strstr(err.msg, "/nonexistent/lexicon.txt: cannot open"));

    bgi_analyzer_options bad = {.lexicon_text = "依法行政\n依法 行政\n", .lexicon_text_len = 0};
    bad.lexicon_text_len = strlen(bad.lexicon_text);
    assert_int_equal(bgi_analyzer_new(&an, &bad, &err), BG_EPARSE);
    assert_null(an);
    assert_non_null(strstr(err.msg, ":2:"));
    assert_non_null(strstr(err.msg, "依法 行政"));

    char longword[BG_WORD_MAX_BYTES + 8];
    memset(longword, 'x', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    bgi_analyzer_options toolong = {.lexicon_text = longword, .lexicon_text_len = strlen(longword)};
    assert_int_equal(bgi_analyzer_new(&an, &toolong, &err), BG_EPARSE);
    assert_null(an);
}

static void test_fingerprint(void **state)
{
    (void)state;
    bgi_analyzer *none = new_analyzer(NULL);
    bgi_analyzer *a = new_analyzer("专项债\n退役军人\n");
    bgi_analyzer *a2 = new_analyzer("退役軍人\n专项债\n\n# same words, other order\n专项债\n");
    bgi_analyzer *b = new_analyzer("专项债\n");
    uint64_t f0 = bgi_analyzer_fingerprint(none);
    uint64_t fa = bgi_analyzer_fingerprint(a);
    assert_true(f0 != fa);
    assert_true(fa != bgi_analyzer_fingerprint(b));
    assert_true(f0 != bgi_analyzer_fingerprint(b));
    /* Order, duplicates, comments and script do not matter: the list is normalised. */
    assert_true(fa == bgi_analyzer_fingerprint(a2));
    size_t la, la2;
    assert_string_equal(bgi_analyzer_lexicon_text(a, &la), bgi_analyzer_lexicon_text(a2, &la2));
    /* The stored list loads back to the same lexicon (what queries do). */
    bgi_analyzer *reloaded = new_analyzer(bgi_analyzer_lexicon_text(a, &la));
    assert_true(fa == bgi_analyzer_fingerprint(reloaded));
    /* Same options, same fingerprint, in another instance. */
    bgi_analyzer *none2 = new_analyzer(NULL);
    assert_true(f0 == bgi_analyzer_fingerprint(none2));
    bgi_analyzer_free(none);
    bgi_analyzer_free(none2);
    bgi_analyzer_free(a);
    bgi_analyzer_free(a2);
    bgi_analyzer_free(b);
    bgi_analyzer_free(reloaded);
}

static void test_starter_lexicon_roundtrip(void **state)
{
    (void)state;
    const char *paths[] = {BG_SOURCE_DIR "/data/lexicon.txt"};
    bgi_analyzer_options o = {.lexicon_paths = paths, .n_lexicon_paths = 1};
    bgi_analyzer *an = NULL;
    bgi_err err = {0};
    assert_int_equal(bgi_analyzer_new(&an, &o, &err), 0);
    size_t len;
    const char *list = bgi_analyzer_lexicon_text(an, &len);
    bgi_analyzer *again = new_analyzer(list);
    size_t len2;
    assert_string_equal(bgi_analyzer_lexicon_text(again, &len2), list);
    assert_true(bgi_analyzer_fingerprint(an) == bgi_analyzer_fingerprint(again));
    bgi_analyzer_free(an);
    bgi_analyzer_free(again);
}

/* ---- robustness -------------------------------------------------------------- */

static void test_empty(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer(NULL);
    toks ts = {0};
    analyze(an, "", 0, &ts);
    assert_int_equal(ts.n, 0);
    analyze(an, NULL, 0, &ts);
    assert_int_equal(ts.n, 0);
    analyze(an, " ，。\n\t", strlen(" ，。\n\t"), &ts);
    assert_int_equal(ts.n, 0);
    toks_free(&ts);
    bgi_analyzer_free(an);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer(NULL);
    /* Stray continuation, bad lead, overlong "/", surrogate, truncated 中, NULs. */
    static const char text[] = "\x80" "ab\xff" "\xc0\xaf" "\xed\xa0\x80" "中\0文\xe4\xb8";
    size_t len = sizeof text - 1;
    toks ts = {0};
    analyze(an, text, len, &ts);
    assert_tokens_consistent(an, text, len, &ts);
    char chars[64] = "";
    for (size_t i = 0; i < ts.n; i++)
        if (ts.v[i].type == BG_TOKEN_CHAR)
            strcat(chars, ts.v[i].text);
    assert_string_equal(chars, "ab中文");
    toks_free(&ts);
    char *n = normalized(an, text, len);
    assert_memory_equal(n, "\xEF\xBF\xBD" "ab", 5);
    free(n);
    /* Every byte value at every position: no crash, offsets in range. */
    unsigned char all[512];
    for (size_t i = 0; i < sizeof all; i++)
        all[i] = (unsigned char)(i * 7 + (i >> 8));
    analyze(an, (const char *)all, sizeof all, &ts);
    assert_tokens_consistent(an, (const char *)all, sizeof all, &ts);
    toks_free(&ts);
    bgi_analyzer_free(an);
}

static void test_long_run_split(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer(NULL);
    size_t n = 1000;
    char *text = malloc(n + 1);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)('a' + i % 26);
    text[n] = '\0';
    toks ts = {0};
    analyze(an, text, n, &ts);
    size_t words = 0, chars = 0, covered = 0;
    for (size_t i = 0; i < ts.n; i++) {
        const tok *t = &ts.v[i];
        if (t->type == BG_TOKEN_CHAR) {
            assert_int_equal(t->flags, chars == 0 ? BG_TOKEN_RUN_START : 0);
            chars++;
            continue;
        }
        assert_true(strlen(t->text) <= BG_WORD_MAX_BYTES);
        assert_int_equal(t->start, covered);  /* pieces are consecutive */
        covered = t->end;
        words++;
    }
    assert_int_equal(covered, n);
    assert_int_equal(chars, n);
    assert_true(words >= n / BG_WORD_MAX_BYTES);
    toks_free(&ts);
    free(text);
    bgi_analyzer_free(an);
}

static void test_deterministic(void **state)
{
    (void)state;
    const char *text = "一、2022年工作回顾\n（一）坚持依法行政，推进“放管服”改革。二是在专项债券发行上……"
                       "Ｇｏｖｅｒｎｍｅｎｔ　Ｗｏｒｋ Report，脫貧攻堅戰取得全面勝利。";
    bgi_analyzer *a = new_analyzer("专项债券\n放管服\n");
    bgi_analyzer *b = new_analyzer("专项债券\n放管服\n");
    toks t1 = {0}, t2 = {0}, t3 = {0};
    analyze(a, text, strlen(text), &t1);
    analyze(a, text, strlen(text), &t2);
    analyze(b, text, strlen(text), &t3);
    assert_tokens_consistent(a, text, strlen(text), &t1);
    assert_int_equal(t1.n, t2.n);
    assert_int_equal(t1.n, t3.n);
    for (size_t i = 0; i < t1.n; i++) {
        const tok *x = &t1.v[i], *y = &t2.v[i], *z = &t3.v[i];
        assert_string_equal(x->text, y->text);
        assert_string_equal(x->text, z->text);
        assert_true(x->type == y->type && x->type == z->type);
        assert_true(x->flags == y->flags && x->flags == z->flags);
        assert_true(x->start == y->start && x->start == z->start);
        assert_true(x->end == y->end && x->end == z->end);
        assert_true(x->pos == y->pos && x->pos == z->pos);
    }
    toks_free(&t1);
    toks_free(&t2);
    toks_free(&t3);
    bgi_analyzer_free(a);
    bgi_analyzer_free(b);
}

/* A text far longer than one internal piece, made of one sentence repeated:
 * the pieces must not change the result (cuts fall after a line break, else
 * after 。) nor lose or repeat a token. */
static void check_repeated(bgi_analyzer *an, const char *sentence, size_t reps)
{
    size_t sl = strlen(sentence);
    char *text = malloc(sl * reps + 1);
    assert_non_null(text);
    for (size_t i = 0; i < reps; i++)
        memcpy(text + i * sl, sentence, sl);
    text[sl * reps] = '\0';
    toks one = {0}, all = {0};
    analyze(an, sentence, sl, &one);
    analyze(an, text, sl * reps, &all);
    assert_int_equal(all.n, one.n * reps);
    uint32_t words = 0, chars = 0;
    for (size_t i = 0; i < one.n; i++) {
        if (one.v[i].type == BG_TOKEN_WORD)
            words++;
        else
            chars++;
    }
    for (size_t i = 0; i < all.n; i++) {
        const tok *t = &all.v[i], *o = &one.v[i % one.n];
        size_t rep = i / one.n;
        assert_string_equal(t->text, o->text);
        assert_int_equal(t->flags, o->flags);
        assert_int_equal(t->start, o->start + rep * sl);
        assert_int_equal(t->end, o->end + rep * sl);
        assert_int_equal(t->pos, o->pos + rep * (t->type == BG_TOKEN_WORD ? words : chars));
    }
    toks_free(&one);
    toks_free(&all);
    free(text);
}

static void test_long_text(void **state)
{
    (void)state;
    bgi_analyzer *an = new_analyzer("简政放权\n");
    check_repeated(an, "坚持依法行政，深化简政放权，优化营商环境。", 20000);
    check_repeated(an, "（一）深化简政放权\n", 30000);
    bgi_analyzer_free(an);
}

/* The seed report, whole: every token maps back to its original text. */
static void test_seed_report(void **state)
{
    (void)state;
    FILE *f = fopen(BG_SOURCE_DIR "/corpus/shaoguan-qujiang-fazhi-2022.txt", "rb");
    if (!f) {
        skip();
        return;
    }
    char *text = malloc(1 << 20);
    assert_non_null(text);
    size_t len = fread(text, 1, 1 << 20, f);
    fclose(f);
    const char *paths[] = {BG_SOURCE_DIR "/data/lexicon.txt"};
    bgi_analyzer_options o = {.lexicon_paths = paths, .n_lexicon_paths = 1};
    bgi_analyzer *an = NULL;
    bgi_err err = {0};
    assert_int_equal(bgi_analyzer_new(&an, &o, &err), 0);
    toks ts = {0};
    analyze(an, text, len, &ts);
    assert_true(ts.n > 1000);
    assert_tokens_consistent(an, text, len, &ts);
    size_t lexicon_words = 0;
    for (size_t i = 0; i < ts.n; i++)
        lexicon_words += ts.v[i].type == BG_TOKEN_WORD && (ts.v[i].flags & BG_TOKEN_LEXICON);
    assert_true(lexicon_words > 10);
    toks_free(&ts);
    free(text);
    bgi_analyzer_free(an);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nfkc),
        cmocka_unit_test(test_case_folding),
        cmocka_unit_test(test_traditional),
        cmocka_unit_test(test_punctuation),
        cmocka_unit_test(test_normalize_map),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_char_tokens),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_lexicon_memory),
        cmocka_unit_test(test_lexicon_grows_past_its_text),
        cmocka_unit_test(test_lexicon_file),
        cmocka_unit_test(test_lexicon_errors),
        cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_starter_lexicon_roundtrip),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_long_run_split),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_long_text),
        cmocka_unit_test(test_seed_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
