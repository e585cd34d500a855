/* hf-http.h — HTTPS for sources: libcurl multi with Healthfolio's transport rules
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _HfHttp HfHttp;
typedef struct _HfHttpRequest HfHttpRequest;

typedef void (*HfHttpDoneFunc) (HfHttp        *http,
                                HfHttpRequest *request,
                                gpointer       user_data);

/* What to send is set before submitting; what came back is filled in before DONE is called.
 * The bearer token and the body are wiped when the request is freed. */
struct _HfHttpRequest
{
  char           *url;
  char           *method;          /* NULL: GET */
  char           *body;            /* with POST */
  gsize           body_length;
  char           *body_type;       /* its Content-Type */
  char           *accept;
  char           *bearer;          /* an access token, or NULL */
  gsize           max_size;        /* larger answers fail; 0: 64 MiB */
  HfHttpDoneFunc  done;
  gpointer        user_data;
  guint           attempt;         /* for the caller's retry policy */
  gint64          sent_at;         /* monotonic µs when it went out */

  long            status;
  char           *content_type;
  GByteArray     *response;
  char           *retry_after;
  char           *date;
  GError         *error;           /* the transport failed (no status) */
  gboolean        retryable;       /* the failure may pass: a timeout, a dropped connection */

  /*< private >*/
  gpointer        priv;
};

gboolean       hf_http_url_allowed   (const char      *url,
                                      GError         **error);
gboolean       hf_http_same_origin   (const char      *a,
                                      const char      *b);

HfHttp        *hf_http_new           (const char      *extra_ca_file,
                                      GError         **error);
void           hf_http_free          (HfHttp          *http);
void           hf_http_set_timeout   (HfHttp          *http,
                                      guint            timeout_ms);
void           hf_http_set_parallel  (HfHttp          *http,
                                      guint            parallel);
guint          hf_http_get_parallel  (HfHttp          *http);

HfHttpRequest *hf_http_request_new   (const char      *url);
void           hf_http_request_free  (HfHttpRequest   *request);
void           hf_http_request_set_form (HfHttpRequest *request,
                                      const char      *first_name,
                                      ...) G_GNUC_NULL_TERMINATED;

/* Queues REQUEST (taking it) to start after DELAY_MS; it is freed after its DONE returns
 * unless DONE submits it again. */
void           hf_http_submit        (HfHttp          *http,
                                      HfHttpRequest   *request,
                                      guint            delay_ms);
/* Runs queued requests, several at once, until none is left or CANCELLABLE fires. Once it
 * fires, every request not yet done gets its DONE with G_IO_ERROR_CANCELLED (and is freed
 * after it, even if DONE queues it again), so that DONE always frees what it owns. */
gboolean       hf_http_run           (HfHttp          *http,
                                      GCancellable    *cancellable,
                                      GError         **error);
/* One request, waited for. FALSE when the transport failed (no status). */
gboolean       hf_http_fetch         (HfHttp          *http,
                                      HfHttpRequest   *request,
                                      GCancellable    *cancellable,
                                      GError         **error);
/* Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); -1 if unusable. */
gint64         hf_http_parse_retry_after (const char  *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfHttp, hf_http_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfHttpRequest, hf_http_request_free)

G_END_DECLS
