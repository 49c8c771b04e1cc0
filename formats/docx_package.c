/* docx_package.c — where a DOCX keeps its parts: found through the package
 * relationships (_rels/.rels, then the main part's .rels), falling back to
 * the usual names (word/document.xml, word/styles.xml, word/footnotes.xml,
 * word/endnotes.xml, docProps/core.xml). */
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "docx_priv.h"
#include "zip_bounded.h"

/* Reads and parses an optional XML part; *doc stays NULL when it is absent or
 * (for optional parts) not well-formed. */
int bgi_docx_read_xml_part(zip_t *za, const char *name, zip_uint64_t cap, xmlDoc **doc, bgi_err *err)
{
    char *data;
    size_t len;
    *doc = NULL;
    int rc = bgi_zip_read_part(za, name, cap, &data, &len, err);
    if (rc || !data)
        return rc;
    *doc = bgi_docx_parse_xml(data, len);
    free(data);
    return 0;
}

void bgi_docx_part_names_free(part_names *p)
{
    free(p->document);
    free(p->styles);
    free(p->footnotes);
    free(p->endnotes);
    free(p->core);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The part a relationship target names, relative to the directory of the
 * part that holds it ("word/"); "/x" is absolute, "../" climbs. */
static char *resolve_target(const char *dir, const char *target)
{
    char *joined = target[0] == '/' ? bgi_strdup(target + 1) : bgi_concat(dir, target);
    if (!joined)
        return NULL;
    /* collapse "./" and "dir/../" segments in place */
    char *out = joined;
    size_t w = 0;
    const char *seg = joined;
    while (*seg) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 1 && seg[0] == '.') {
            /* skip */
        } else if (len == 2 && seg[0] == '.' && seg[1] == '.') {
            while (w > 0 && out[w - 1] == '/')
                w--;
            while (w > 0 && out[w - 1] != '/')
                w--;
        } else if (len) {
            memmove(out + w, seg, len);
            w += len;
            if (end)
                out[w++] = '/';
        }
        seg += len + (end ? 1 : 0);
    }
    out[w] = '\0';
    return out;
}

/* Sets *slot to the target of the first relationship whose type ends with
 * type_suffix (external targets ignored); leaves it when there is none. */
static void find_rel(const xmlDoc *rels, const char *dir, const char *type_suffix, char **slot)
{
    const xmlNode *root = rels ? xmlDocGetRootElement((xmlDoc *)rels) : NULL;
    for (const xmlNode *r = root ? root->children : NULL; r && !*slot; r = r->next) {
        if (!bgi_docx_is_el(r, "Relationship"))
            continue;
        const char *type = bgi_docx_attr(r, "Type"), *target = bgi_docx_attr(r, "Target");
        const char *mode = bgi_docx_attr(r, "TargetMode");
        if (type && target && target[0] && ends_with(type, type_suffix)
            && !(mode && strcmp(mode, "External") == 0))
            *slot = resolve_target(dir, target);
    }
}

/* The names of the parts to read: from the relationships, else the usual
 * ones. */
int bgi_docx_locate_parts(zip_t *za, part_names *p, bgi_err *err)
{
    xmlDoc *rels;
    int rc = bgi_docx_read_xml_part(za, "_rels/.rels", BG_ZIP_SMALL_PART_CAP, &rels, err);
    if (rc)
        return rc;
    find_rel(rels, "", "/officeDocument", &p->document);
    find_rel(rels, "", "/core-properties", &p->core);
    xmlFreeDoc(rels);
    if (!p->document || zip_name_locate(za, p->document, ZIP_FL_NOCASE) < 0) {
        free(p->document);
        p->document = bgi_strdup("word/document.xml");
    }
    if (!p->core)
        p->core = bgi_strdup("docProps/core.xml");
    if (!p->document || !p->core)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");

    const char *slash = strrchr(p->document, '/');
    size_t dir_len = slash ? (size_t)(slash - p->document) + 1 : 0;
    char *dir = bgi_strndup(p->document, dir_len);
    bgi_buf name = {0};
    if (!dir || bgi_buf_append(&name, p->document, dir_len) || bgi_buf_puts(&name, "_rels/")
        || bgi_buf_puts(&name, p->document + dir_len) || bgi_buf_puts(&name, ".rels")) {
        free(dir);
        bgi_buf_free(&name);
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    }
    rc = bgi_docx_read_xml_part(za, name.data, BG_ZIP_SMALL_PART_CAP, &rels, err);
    if (!rc) {
        find_rel(rels, dir, "/styles", &p->styles);
        find_rel(rels, dir, "/footnotes", &p->footnotes);
        find_rel(rels, dir, "/endnotes", &p->endnotes);
        xmlFreeDoc(rels);
        if (!p->styles)
            p->styles = bgi_concat(dir, "styles.xml");
        if (!p->footnotes)
            p->footnotes = bgi_concat(dir, "footnotes.xml");
        if (!p->endnotes)
            p->endnotes = bgi_concat(dir, "endnotes.xml");
        if (!p->styles || !p->footnotes || !p->endnotes)
            rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
    }
    free(dir);
    bgi_buf_free(&name);
    return rc;
}
