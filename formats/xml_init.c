/* xml_init.c — libxml2's xmlInitParser() run once per process, whichever
 * reader (HTML, DOCX) parses first and from whichever thread. */
#include "xml_init.h"

#include <pthread.h>

#include <libxml/parser.h>

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    xmlInitParser();
}

void bgi_xml_init(void)
{
    pthread_once(&xml_once, init_libxml);
}
