/* hf-record-detail.h — one record with what the vault knows around it: a panel's results, a
 * visit's records, a document's text or file, and every source the record came from
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-fhir.h"
#include "hf-records.h"
#include "hf-vault.h"

G_BEGIN_DECLS

/* One entry of a DiagnosticReport's result: the stored Observation it names, or none. */
typedef struct
{
  char   *reference;   /* as written in the report */
  gint64  id;          /* the stored record, or 0: not in this vault */
  char   *title;       /* the stored record's title (name, value, unit), or NULL */
  char   *name;        /* what was measured, or NULL */
  char   *value;       /* the result with its unit, or NULL */
  char   *flag;        /* the interpretation in words ("high", "susceptible"), or NULL */
  guint   depth;       /* 0: the report's own; 1: a member of the panel listed before it */
} HfRecordResult;

/* The records made at a visit of one HF_CATEGORY_*, newest first. */
typedef struct
{
  const char *category;   /* static */
  GPtrArray  *rows;       /* HfRecordRow* */
} HfRecordVisitGroup;

/* A file a record carries or points to: a DocumentReference's content, a DiagnosticReport's
 * presentedForm, a Binary. */
typedef struct
{
  guint   part;           /* 1-based, in the order of the resource */
  char   *title;          /* the attachment's own title, or NULL */
  char   *content_type;   /* as written, or NULL */
  GBytes *bytes;          /* the decoded file, or NULL when the vault does not hold it */
  char   *text;           /* for text/plain and HTML: safe plain text; otherwise NULL */
  char   *missing;        /* why BYTES is NULL, one sentence; or NULL */
} HfRecordAttachment;

typedef struct
{
  GPtrArray *results;       /* HfRecordResult*, a DiagnosticReport's; empty for other types */
  char      *conclusion;    /* a DiagnosticReport's conclusion, or NULL */
  char      *diagnoses;     /* its coded conclusions in words, "; " between them, or NULL */
  GPtrArray *visit;         /* HfRecordVisitGroup*: an Encounter's records, by category */
  guint64    visit_total;   /* how many records VISIT holds */
  GPtrArray *attachments;   /* HfRecordAttachment* */
  GPtrArray *sections;      /* HfFhirField*: a Composition's sections, their titles and text */
  GPtrArray *sources;       /* char*: every source the record came from, in words */
} HfRecordDetail;

void            hf_record_detail_free      (HfRecordDetail *detail);

/* What the vault knows around ROW, RESOURCE being its JSON. */
HfRecordDetail *hf_record_detail_load      (HfVault           *vault,
                                            const HfRecordRow *row,
                                            JsonObject        *resource,
                                            GError           **error);

/* The text a patient can read in a file of CONTENT_TYPE: text/plain as it is (in its charset),
 * HTML and XHTML reduced by hf_record_html_to_text; NULL for any other type. The result
 * holds no control character but line breaks and tabs, and is valid UTF-8. */
char           *hf_record_attachment_text  (const char        *content_type,
                                            const guint8      *data,
                                            gsize              length);
/* HTML (or a narrative's XHTML) as plain text: tags dropped, scripts, styles and comments
 * dropped with their content, entities decoded, paragraphs and line breaks kept, invalid
 * UTF-8 and control characters replaced or dropped. Nothing in it is run or fetched. */
char           *hf_record_html_to_text     (const char        *html,
                                            gsize              length);
/* "A PDF document", "A JPEG image": what a file of CONTENT_TYPE is, in words. */
char           *hf_record_content_type_label (const char      *content_type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfRecordDetail, hf_record_detail_free)

G_END_DECLS
