/* document.c — freeing what a format reader made (document.h). */
#include "document.h"

#include <stdlib.h>
#include <string.h>

void bgi_document_clear(bgi_document *doc)
{
    if (!doc)
        return;
    free(doc->text);
    free(doc->paras);
    bgi_doc_meta *m = &doc->meta;
    free(m->title);
    free(m->body);
    free(m->date);
    free(m->docno);
    free(m->published);
    free(m->subject);
    free(m->index_no);
    memset(doc, 0, sizeof *doc);
}
