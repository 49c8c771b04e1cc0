/* docx_xml.c — the DOCX reader's XML lookups (namespaced elements,
 * attributes without allocating, on/off and numeric properties) and its
 * one way to parse a part: no network, no DTD, no entity substitution, and
 * without XML_PARSE_HUGE, so libxml2's own limits (depth, text node size,
 * entity amplification) hold. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "docx_priv.h"
#include "xml_init.h"

int bgi_docx_ns_is(const xmlNode *n, const char *a, const char *b)
{
    if (!n->ns || !n->ns->href)
        return 0;
    const char *h = (const char *)n->ns->href;
    return strcmp(h, a) == 0 || (b && strcmp(h, b) == 0);
}

int bgi_docx_is_el(const xmlNode *n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

/* A WordprocessingML element w:local (transitional or strict namespace). */
int bgi_docx_is_w(const xmlNode *n, const char *local)
{
    return bgi_docx_is_el(n, local) && bgi_docx_ns_is(n, NS_W, NS_W_STRICT);
}

const xmlNode *bgi_docx_w_child(const xmlNode *parent, const char *local)
{
    for (const xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (bgi_docx_is_w(c, local))
            return c;
    return NULL;
}

/* The value of attribute local (any or no namespace) without allocating;
 * NULL when absent. */
const char *bgi_docx_attr(const xmlNode *n, const char *local)
{
    if (!n)
        return NULL;
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, local) == 0)
            return a->children && a->children->content ? (const char *)a->children->content : "";
    return NULL;
}

/* An on/off property (w:b): present means on unless w:val says otherwise. */
int bgi_docx_on_off(const xmlNode *n)
{
    const char *v = bgi_docx_attr(n, "val");
    return !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

/* w:val of a numeric child such as w:outlineLvl; -1 when absent. */
int bgi_docx_int_val(const xmlNode *n)
{
    const char *v = bgi_docx_attr(n, "val");
    if (!v || !isdigit((unsigned char)v[0]))
        return -1;
    long x = strtol(v, NULL, 10);
    return x > 9 ? 9 : (int)x;
}

/* Parses an XML part; NULL when it is not well-formed. Never touches the
 * network, loads no DTD, substitutes no entities, keeps libxml2's limits, and
 * reports nothing on stderr. */
xmlDoc *bgi_docx_parse_xml(const char *data, size_t n)
{
    bgi_xml_init();
    return xmlReadMemory(data, (int)n, NULL, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING
                             | XML_PARSE_NOCDATA);
}
