/* hf-json-guard.h — a one-pass check of JSON bytes before they reach the parser
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HF_JSON_GUARD_MAX_DEPTH  256
#define HF_JSON_GUARD_MAX_STRING (64 * 1024 * 1024)

typedef struct
{
  gsize  offset;   /* byte offset of the problem */
  guint  line;     /* 1-based */
  guint  column;   /* 1-based, in bytes */
  char  *reason;   /* a phrase, e.g. "the key “id” appears twice in one object" */
  gboolean truncated; /* the text ended inside a value */
} HfJsonProblem;

/* The bytes of one Bundle entry's "resource" object, and where it sits in the parse. */
typedef struct
{
  gsize  offset;
  gsize  length;
  gint   parent;   /* the span of the resource whose "entry" list holds it; -1: the top value's */
  guint  entry;    /* its index in that "entry" list */
} HfJsonSpan;

void     hf_json_problem_clear (HfJsonProblem *problem);

/* Checks that the text is exactly one JSON value by RFC 8259's grammar (numbers, escapes,
 * no control characters in strings, nothing after the value), plus what json-glib does not:
 * UTF-8 validity, escapes that decode to valid text (no lone surrogates), nesting depth,
 * string length, duplicate keys in an object, and numbers that cannot be read as what they
 * say (beyond a 64-bit integer or a double's range). */
gboolean hf_json_guard_check   (const char    *data,
                                gsize          length,
                                HfJsonProblem *problem);
/* The same, and appends to RESOURCES (HfJsonSpan) the exact bytes of every object that is the
 * "resource" of an element of the "entry" list of the top-level object, or of such a resource
 * (a Bundle's entries, and a nested Bundle's), in the order they start: so each resource can
 * be stored as it was received. "entry" lists anywhere else (inside an extension, a contained
 * resource, a Parameters) are not Bundle entries and are not recorded. */
gboolean hf_json_guard_check_spans (const char    *data,
                                    gsize          length,
                                    GArray        *resources,
                                    HfJsonProblem *problem);

/* For each of the N_ENTRIES entries of the Bundle at span PARENT (-1 for the top-level value),
 * the index in SPANS of its resource, or -1 where that entry has no object "resource".
 * Reads only PARENT's own part of SPANS. */
GArray  *hf_json_spans_entries (GArray        *spans,
                                gint           parent,
                                guint          n_entries);

/* The string value of the member KEY of the object TEXT (which passed the guard), unescaped,
 * or NULL if it has none or it is not a string. Only the object's own members are looked at. */
char    *hf_json_dup_member_string (const char *text,
                                    gsize       length,
                                    const char *key);

/* Just past the JSON string whose opening quote P is, END at the most (not past it). */
const char *hf_json_skip_string (const char *p,
                                 const char *end);

G_END_DECLS
