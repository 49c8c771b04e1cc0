/* xml_init.h — libxml2's one-time initialisation for the readers that parse
 * with it (HTML, DOCX). Internal to formats/. */
#ifndef BG_XML_INIT_H
#define BG_XML_INIT_H

/* Calls xmlInitParser() once per process; safe to call from any thread, and
 * every time before parsing (libxml2 wants it done before threads parse). */
void bgi_xml_init(void);

#endif
