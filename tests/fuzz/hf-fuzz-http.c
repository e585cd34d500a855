/* hf-fuzz-http.c — HTTP answers from the fuzz input instead of the network
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wrapped functions keep the contract of app/hf-http.c: what to send is the caller's,
 * what came back is filled in (status, content type, Retry-After, Date, body, or error and
 * retryable), a queued request is freed after its DONE returns unless DONE queued it again.
 */

#define _GNU_SOURCE   /* memmem */

#include "hf-fuzz-http.h"

#include <stdlib.h>
#include <string.h>

#include "hf-error.h"
#include "hf-http.h"

#define DEFAULT_MAX_SIZE ((gsize) 64 << 20)

/* -Wl,--wrap=NAME links every call to NAME in app/ to __wrap_NAME. */
gboolean __wrap_hf_http_fetch  (HfHttp         *http,
                                HfHttpRequest  *request,
                                GCancellable   *cancellable,
                                GError        **error);
void     __wrap_hf_http_submit (HfHttp         *http,
                                HfHttpRequest  *request,
                                guint           delay_ms);
gboolean __wrap_hf_http_run    (HfHttp         *http,
                                GCancellable   *cancellable,
                                GError        **error);

typedef struct
{
  HfHttp        *http;
  HfHttpRequest *request;
  gint64         due_ms;
} Queued;

static GBytes *script;
static gsize script_pos;
static guint answered;
static GQueue queue = G_QUEUE_INIT;
static gint64 now_ms;

void
hf_fuzz_http_set_script (const guint8 *data,
                         gsize         size)
{
  g_clear_pointer (&script, g_bytes_unref);
  script = g_bytes_new (data, size);
  script_pos = 0;
  answered = 0;
}

void
hf_fuzz_http_reset (void)
{
  Queued *q;

  while ((q = g_queue_pop_head (&queue)) != NULL)
    {
      hf_http_request_free (q->request);
      g_free (q);
    }
  now_ms = 0;
}

/* {{{ reading the script */

typedef struct
{
  long          status;
  char         *failure;
  char         *content_type;
  char         *retry_after;
  char         *date;
  const guint8 *body;
  gsize         body_length;
} Answer;

static void
answer_clear (Answer *a)
{
  g_free (a->failure);
  g_free (a->content_type);
  g_free (a->retry_after);
  g_free (a->date);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
set_str (char       **field,
         const char  *value)
{
  g_free (*field);
  /* As the real transport keeps them (hf-http.c): a header's value as text. */
  *field = g_utf8_make_valid (value, -1);
}

/* The line at *P (before END), without its end; moves *P past it. */
static char *
take_line (const char **p,
           const char  *end)
{
  const char *nl = memchr (*p, '\n', end - *p);
  const char *stop = nl ? nl : end;
  char *line;

  if (stop > *p && stop[-1] == '\r')
    stop--;
  line = g_strndup (*p, stop - *p);
  *p = nl ? nl + 1 : end;
  return line;
}

static gboolean
next_answer (Answer *a)
{
  gsize size = 0;
  const char *data = script ? g_bytes_get_data (script, &size) : NULL;
  const char *p, *end, *sep;
  g_autofree char *status_line = NULL;
  char *rest = NULL;

  if (data == NULL || script_pos >= size)
    return FALSE;
  p = data + script_pos;
  sep = memmem (p, size - script_pos, HF_FUZZ_HTTP_SEPARATOR,
                strlen (HF_FUZZ_HTTP_SEPARATOR));
  end = sep ? sep : data + size;
  script_pos = sep ? (gsize) (sep - data) + strlen (HF_FUZZ_HTTP_SEPARATOR) : size;

  status_line = take_line (&p, end);
  a->status = strtol (status_line, &rest, 10);
  if (a->status < 0 || a->status > 999)
    a->status = 0;
  if (a->status == 0)
    a->failure = g_strdup (g_strstrip (rest));
  while (p < end)
    {
      g_autofree char *line = take_line (&p, end);
      char *colon;

      if (*line == '\0')
        break;
      colon = strchr (line, ':');
      if (colon == NULL)
        continue;
      *colon = '\0';
      g_strstrip (colon + 1);
      if (g_ascii_strcasecmp (line, "Content-Type") == 0)
        set_str (&a->content_type, colon + 1);
      else if (g_ascii_strcasecmp (line, "Retry-After") == 0)
        set_str (&a->retry_after, colon + 1);
      else if (g_ascii_strcasecmp (line, "Date") == 0)
        set_str (&a->date, colon + 1);
    }
  a->body = (const guint8 *) p;
  a->body_length = end - p;
  return TRUE;
}

/* }}} */
/* {{{ answering */

static void
clear_response (HfHttpRequest *request)
{
  request->status = 0;
  g_clear_pointer (&request->content_type, g_free);
  g_clear_pointer (&request->retry_after, g_free);
  g_clear_pointer (&request->date, g_free);
  g_clear_error (&request->error);
  request->retryable = FALSE;
  g_clear_pointer (&request->response, g_byte_array_unref);
}

/* HF_FUZZ_VERBOSE=1: which request took which answer, to check what a seed reaches. */
static void
trace (HfHttpRequest *request,
       const char    *outcome)
{
  static int verbose = -1;

  if (verbose < 0)
    verbose = g_getenv ("HF_FUZZ_VERBOSE") != NULL;
  if (verbose)
    g_printerr ("hf-fuzz-http: %u. %s %s → %s\n", answered,
                request->method ? request->method : "GET", request->url, outcome);
}

/* As setup_easy, the request, and finish_easy in app/hf-http.c. FALSE: the URL is refused. */
static gboolean
answer (HfHttpRequest  *request,
        GError        **error)
{
  g_auto(Answer) a = { 0 };
  gsize limit = request->max_size ? request->max_size : DEFAULT_MAX_SIZE;

  if (!hf_http_url_allowed (request->url, error))
    {
      trace (request, "refused");
      return FALSE;
    }
  clear_response (request);
  request->response = g_byte_array_new ();
  request->sent_at = g_get_monotonic_time ();
  answered++;
  if (!next_answer (&a))
    {
      trace (request, "no answer left");
      g_set_error (&request->error, HF_ERROR, HF_ERROR_NETWORK,
                   "Could not talk to the server: Connection refused. Check the network "
                   "connection and the address.");
      return TRUE;
    }
  request->content_type = g_strdup (a.content_type);
  if (a.status == 0)
    {
      trace (request, a.failure);
      /* The message is the engine's, never text from the input. */
      request->retryable = g_strcmp0 (a.failure, "timeout") == 0 ||
                           g_strcmp0 (a.failure, "reset") == 0;
      g_set_error (&request->error, HF_ERROR, HF_ERROR_NETWORK,
                   "Could not talk to the server: %s. Check the network connection and the "
                   "address.", request->retryable ? a.failure : "Connection refused");
      return TRUE;
    }
  g_byte_array_append (request->response, a.body, MIN (a.body_length, limit));
  if (a.body_length > limit)
    {
      trace (request, "too large");
      g_set_error (&request->error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The answer from the server is larger than the limit of %" G_GSIZE_FORMAT
                   " bytes.", limit);
      return TRUE;
    }
  request->status = a.status;
  {
    g_autofree char *outcome = g_strdup_printf ("HTTP %ld, %" G_GSIZE_FORMAT " bytes",
                                                a.status, a.body_length);
    trace (request, outcome);
  }
  request->retry_after = g_strdup (a.retry_after);
  request->date = g_strdup (a.date);
  return TRUE;
}

gboolean
__wrap_hf_http_fetch (HfHttp         *http,
                      HfHttpRequest  *request,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_return_val_if_fail (http != NULL, FALSE);
  g_return_val_if_fail (request != NULL, FALSE);

  if (!answer (request, error))
    return FALSE;
  if (request->error != NULL)
    {
      g_propagate_error (error, g_error_copy (request->error));
      return FALSE;
    }
  return TRUE;
}

static int
compare_due (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const Queued *x = a, *y = b;

  return x->due_ms < y->due_ms ? -1 : x->due_ms > y->due_ms;
}

void
__wrap_hf_http_submit (HfHttp        *http,
                       HfHttpRequest *request,
                       guint          delay_ms)
{
  Queued *q;

  g_return_if_fail (http != NULL);
  g_return_if_fail (request != NULL);

  q = g_new0 (Queued, 1);
  q->http = http;
  q->request = request;
  q->due_ms = now_ms + delay_ms;
  /* After those due at the same time: first come, first served. */
  g_queue_insert_sorted (&queue, q, compare_due, NULL);
}

static gboolean
is_queued (HfHttpRequest *request)
{
  for (GList *l = queue.head; l != NULL; l = l->next)
    if (((Queued *) l->data)->request == request)
      return TRUE;
  return FALSE;
}

static Queued *
pop_for (HfHttp *http)
{
  for (GList *l = queue.head; l != NULL; l = l->next)
    {
      Queued *q = l->data;
      if (q->http == http)
        {
          g_queue_delete_link (&queue, l);
          return q;
        }
    }
  return NULL;
}

/* As app/hf-http.c does: DONE once more, cancelled, for every request not done. */
static void
cancel_all (HfHttp        *http,
            HfHttpRequest *first)
{
  g_autoptr(GPtrArray) unfinished = g_ptr_array_new ();
  Queued *q;

  g_ptr_array_add (unfinished, first);
  while ((q = pop_for (http)) != NULL)
    {
      g_ptr_array_add (unfinished, q->request);
      g_free (q);
    }
  for (guint i = 0; i < unfinished->len; i++)
    {
      HfHttpRequest *request = g_ptr_array_index (unfinished, i);

      request->status = 0;
      request->retryable = FALSE;
      g_clear_error (&request->error);
      g_set_error_literal (&request->error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled.");
      request->done (http, request, request->user_data);
      if (!is_queued (request))
        hf_http_request_free (request);
    }
  while ((q = pop_for (http)) != NULL)
    {
      hf_http_request_free (q->request);
      g_free (q);
    }
}

gboolean
__wrap_hf_http_run (HfHttp        *http,
                    GCancellable  *cancellable,
                    GError       **error)
{
  Queued *q;

  g_return_val_if_fail (http != NULL, FALSE);

  while ((q = pop_for (http)) != NULL)
    {
      HfHttpRequest *request = q->request;
      gint64 due_ms = q->due_ms;
      GError *refused = NULL;

      g_free (q);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          cancel_all (http, request);
          return FALSE;
        }
      now_ms = MAX (now_ms, due_ms);
      if (!answer (request, &refused))
        {
          g_clear_error (&request->error);
          request->error = refused;
        }
      request->done (http, request, request->user_data);
      if (!is_queued (request))
        hf_http_request_free (request);
    }
  return TRUE;
}

/* }}} */
