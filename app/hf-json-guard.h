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

typedef struct
{
  gsize  offset;
  gsize  length;
} HfJsonSpan;

void     hf_json_problem_clear (HfJsonProblem *problem);

/* Checks what json-glib does not: UTF-8 validity, nesting depth, string length and duplicate
 * keys in an object, plus that the text is one complete value (not truncated, nothing after
 * it but whitespace). It does not check the rest of the grammar; the parser does that. */
gboolean hf_json_guard_check   (const char    *data,
                                gsize          length,
                                HfJsonProblem *problem);
/* The same, and appends to RESOURCES (HfJsonSpan) the exact bytes of every object that is the
 * "resource" of an element of an "entry" list (a Bundle's entries, nested Bundles' too), in
 * the order they start (a nested Bundle before its entries): so each resource can be stored as it was received. */
gboolean hf_json_guard_check_spans (const char    *data,
                                    gsize          length,
                                    GArray        *resources,
                                    HfJsonProblem *problem);

G_END_DECLS
