/* firsts.c — reading the records of reports' first passages for a page of
 * hits, and keeping them on the handle (firsts.h). Since format 6 what every
 * passage of a report shares is stored once, with its first passage; this
 * is what keeps reading it from costing a page more than a few lookups. */
#include "firsts.h"
#include "json_get.h"
#include "scheme.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct bgi_first_ref {
    char id[BG_PASSAGE_ID_MAX];   /* "<report id>:0" */
    uint32_t docid, back;         /* a passage of the report and its ordinal */
};

/* ---- the handle's records: a small hash table ------------------------------ */

/* Enough for the reports of many pages; a first passage's record is a few
 * kilobytes (its text and the report's headings), so the table stays within
 * a few megabytes. Full, it is emptied and starts over; a page that needs
 * more reports than that (--limit 10000 over thousands of reports) gets a
 * table twice its size, so that a slot is always free. */
#define FIRSTS_KEPT 1024

typedef struct kept_first {
    char id[BG_PASSAGE_ID_MAX];   /* "" for an empty slot */
    cJSON *rec;
} kept_first;

typedef struct kept_firsts {
    kept_first *slot;
    size_t n, n_slots;            /* n_slots: a power of two, at least 2 n */
} kept_firsts;

static void kept_clear(kept_firsts *k)
{
    for (size_t i = 0; i < k->n_slots; i++)
        if (k->slot[i].id[0]) {
            cJSON_Delete(k->slot[i].rec);
            k->slot[i].id[0] = '\0';
        }
    k->n = 0;
}

static void kept_free(void *data)
{
    kept_firsts *k = data;
    if (k) {
        kept_clear(k);
        free(k->slot);
    }
    free(k);
}

/* Makes k empty with room for want records; 0, or BG_ENOMEM (k unchanged
 * but emptied). */
static int kept_reserve(kept_firsts *k, size_t want)
{
    kept_clear(k);
    size_t slots = 2 * FIRSTS_KEPT;
    while (slots < 2 * want)
        slots *= 2;
    if (slots == k->n_slots)
        return 0;
    kept_first *v = calloc(slots, sizeof *v);
    if (!v)
        return BG_ENOMEM;
    free(k->slot);
    k->slot = v;
    k->n_slots = slots;
    return 0;
}

/* The slot of id: its own, or the empty one where it would go. */
static kept_first *kept_slot(kept_firsts *k, const char *id)
{
    size_t mask = k->n_slots - 1;
    size_t i = (size_t)bgi_fnv1a64(BG_FNV_INIT, id, strlen(id)) & mask;
    while (k->slot[i].id[0] && strcmp(k->slot[i].id, id) != 0)
        i = (i + 1) & mask;
    return &k->slot[i];
}

/* The handle's table, emptied when the reader now shows other data (another
 * reader, or a new revision: a report indexed again may have other fields
 * under the same id). NULL when out of memory. */
static kept_firsts *kept_of(bg_index *ix)
{
    uint64_t gen = ix->reader ? bgx_reader_generation(ix->reader) : 0;
    if (!ix->report_firsts.data) {
        kept_firsts *k = calloc(1, sizeof *k);
        if (!k || kept_reserve(k, FIRSTS_KEPT)) {
            free(k);
            return NULL;
        }
        ix->report_firsts = (bgi_ix_attachment){k, kept_free};
    } else if (ix->report_firsts_serial != ix->reader_serial || ix->report_firsts_generation != gen) {
        kept_clear(ix->report_firsts.data);
    }
    ix->report_firsts_serial = ix->reader_serial;
    ix->report_firsts_generation = gen;
    return ix->report_firsts.data;
}

/* ---- a page's needs ---------------------------------------------------------- */

void bgi_firsts_clear(bgi_firsts *f)
{
    free(f->ref);
    memset(f, 0, sizeof *f);
}

int bgi_firsts_need(bgi_firsts *f, const cJSON *rec, uint32_t docid)
{
    char id[BG_PASSAGE_ID_MAX];
    if (bgi_passage_rec_has_report(rec) || (bgi_first_passage_id(id, rec), !id[0]))
        return 0;
    for (size_t i = f->fetched; i < f->n; i++)
        if (strcmp(f->ref[i].id, id) == 0)
            return 0;
    if (bgi_grow(&f->ref, &f->cap, f->n, sizeof *f->ref, 16))
        return BG_ENOMEM;
    const char *colon = strrchr(bgi_json_str(rec, BG_REC_ID), ':');
    unsigned long ordinal = colon ? strtoul(colon + 1, NULL, 10) : 0;
    struct bgi_first_ref *r = &f->ref[f->n++];
    memcpy(r->id, id, sizeof id);
    r->docid = docid;
    r->back = ordinal < UINT32_MAX ? (uint32_t)ordinal : 0;
    return 0;
}

/* Reads r directly when its shard is local (a report's passages follow one
 * another there: bgx_reader_doc_data_before) into *out, when it is the
 * record wanted. 0, or BG_ENOMEM. */
static int read_direct(cJSON **out, const struct bgi_first_ref *r, bg_index *ix)
{
    char *data = NULL;
    size_t len = 0;
    bgi_err ignored = {0};
    int rc = bgx_reader_doc_data_before(ix->reader, r->docid, r->back, &data, &len, &ignored);
    cJSON *o = rc == 0 ? bgi_passage_rec_parse(data, len) : NULL;
    free(data);
    if (o && strcmp(bgi_json_str(o, BG_REC_ID), r->id) == 0)
        *out = o;
    else
        cJSON_Delete(o);
    return rc == BG_ENOMEM ? BG_ENOMEM : 0;   /* anything else: searched for below */
}

/* Searches for the Q terms of the n ids still missing from k among
 * f->ref[from..), keeping what it finds. */
static int search_missing(kept_firsts *k, const bgi_firsts *f, size_t from, size_t n, bg_index *ix)
{
    bgx_query **subs = calloc(n, sizeof *subs);
    size_t m = 0;
    int rc = subs ? 0 : BG_ENOMEM;
    for (size_t i = from; rc == 0 && i < f->n; i++) {
        if (kept_slot(k, f->ref[i].id)->id[0])
            continue;
        char term[BG_TERM_MAX];
        size_t len = bgi_term_passage(term, f->ref[i].id);
        rc = (subs[m++] = bgx_query_term(term, len, 1, 0)) ? 0 : BG_ENOMEM;
    }
    bgx_query *q = rc == 0 ? bgx_query_combine(BGX_OP_OR, subs, m, 0) : NULL;
    for (size_t i = 0; subs && i < m; i++)
        bgx_query_free(subs[i]);
    free(subs);
    if (!q)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgx_match mt = {0};
    rc = bgx_search(&mt, ix->reader, q, 0, m, NULL, 0, &ix->err);
    bgx_query_free(q);
    for (size_t h = 0; rc == 0 && h < mt.n_hits; h++) {
        cJSON *o = bgi_passage_rec_parse(mt.hits[h].data, mt.hits[h].data_len);
        const char *id = o ? bgi_json_str(o, BG_REC_ID) : "";
        kept_first *s = id[0] && strlen(id) < BG_PASSAGE_ID_MAX ? kept_slot(k, id) : NULL;
        if (s && !s->id[0]) {
            memcpy(s->id, id, strlen(id) + 1);
            s->rec = o;
            k->n++;
        } else {
            cJSON_Delete(o);
        }
    }
    bgx_match_clear(&mt);
    return rc;
}

int bgi_firsts_fetch(bgi_firsts *f, bg_index *ix)
{
    size_t from = f->fetched;
    f->fetched = f->n;
    if (from == f->n)
        return 0;
    kept_firsts *k = kept_of(ix);
    if (!k)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    /* Room for all of them: the records this page needs stay until the
     * next fetch. */
    size_t need = f->n - from;
    if ((k->n + need > FIRSTS_KEPT || 2 * (k->n + need) > k->n_slots) && kept_reserve(k, need))
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    size_t missing = 0;
    int rc = 0;
    for (size_t i = from; rc == 0 && i < f->n; i++) {
        kept_first *s = kept_slot(k, f->ref[i].id);
        if (s->id[0])
            continue;
        cJSON *o = NULL;
        rc = read_direct(&o, &f->ref[i], ix);
        if (o) {
            memcpy(s->id, f->ref[i].id, sizeof s->id);
            s->rec = o;
            k->n++;
        } else {
            missing++;
        }
    }
    if (rc)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    return missing ? search_missing(k, f, from, missing, ix) : 0;
}

const cJSON *bgi_firsts_get(bg_index *ix, const cJSON *rec)
{
    if (bgi_passage_rec_has_report(rec))
        return rec;
    char id[BG_PASSAGE_ID_MAX];
    bgi_first_passage_id(id, rec);
    kept_firsts *k = ix->report_firsts.data;
    kept_first *s = id[0] && k ? kept_slot(k, id) : NULL;
    return s && s->id[0] ? s->rec : NULL;
}
