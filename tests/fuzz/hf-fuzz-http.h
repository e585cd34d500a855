/* hf-fuzz-http.h — HTTP answers from the fuzz input instead of the network
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A target linked with this file and its link arguments (-Wl,--wrap=hf_http_fetch,
 * --wrap=hf_http_submit, --wrap=hf_http_run; see tests/fuzz/meson.build) sends nothing: each
 * request the code under test makes, in the order it makes them, takes the next answer of a
 * script. The script is text, answers separated by a line "--hf--":
 *
 *   200                          the status line: a number
 *   Content-Type: application/fhir+json
 *   Retry-After: 2               any headers, until an empty line
 *
 *   {"resourceType": …}          the body, to the separator or the end
 *   --hf--
 *   0 timeout                    status 0: the transport failed; "timeout" and "reset" may
 *                                pass (retryable), anything else does not
 *
 * A body larger than the request's max_size fails as the real transport does. When the
 * script has no answer left, the connection is refused. Time is virtual: a request queued
 * with a delay is answered at once, in the order of when it was due.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HF_FUZZ_HTTP_SEPARATOR "\n--hf--\n"

/* Answers the next requests from DATA (copied); forgets any earlier script. */
void   hf_fuzz_http_set_script   (const guint8 *data,
                                  gsize         size);
/* Frees requests still queued, e.g. after a caller stopped without running them. */
void   hf_fuzz_http_reset        (void);

G_END_DECLS
