/* hf-http.c — HTTPS for sources: libcurl multi with Healthfolio's transport rules
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules (DESIGN.md §4): TLS verification always on; https only, plain http only to a
 * loopback address; redirects only to https, and only on the origin (scheme, host and port)
 * of the URL asked for; an optional extra CA bundle added to the system's. A redirect to
 * another origin ends the request when its Location header arrives, before curl would follow
 * it: what is stored comes from the server asked, and its token goes nowhere else. Neither
 * tokens nor request bodies appear in any message made here.
 *
 * The engine limits how many requests are out at once itself rather than through curl's
 * connection limits, so that a request's timeout counts from when it is really sent.
 */

#include "hf-http.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdarg.h>
#include <string.h>

#include "hf-error.h"

#define DEFAULT_MAX_SIZE   ((gsize) 64 << 20)
#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_PARALLEL   4
#define MAX_REDIRECTS      5

struct _HfHttp
{
  CURLM      *multi;
  GBytes     *ca_blob;      /* system CAs + the extra file, or NULL */
  guint       timeout_ms;
  guint       parallel;
  GQueue      waiting;      /* HfHttpRequest*, sorted by start time */
  GHashTable *running;      /* CURL* → HfHttpRequest* */
  gboolean    in_run;
};

typedef struct
{
  CURL              *easy;
  struct curl_slist *headers;
  char              *error_buffer;
  gint64             start_at;    /* monotonic µs */
  guint              submissions; /* a DONE that submits again keeps the request alive */
  gboolean           too_large;
  long               hop_status;  /* of the answer whose headers are coming in */
  char              *elsewhere;   /* where a refused redirect pointed (host:port) */
} RequestPrivate;

static GOnce curl_once = G_ONCE_INIT;

static gpointer
init_curl (gpointer data)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
  return NULL;
}

/* {{{ URLs */

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) addr = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  addr = g_inet_address_new_from_string (host);
  return addr != NULL && g_inet_address_get_is_loopback (addr);
}

gboolean
hf_http_url_allowed (const char  *url,
                     GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                   "“%s” is not a web address; give the server's full https:// address.", url);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 && host_is_loopback (g_uri_get_host (uri)))
    return TRUE;
  g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
               "Healthfolio only talks to servers over https (plain http only to this "
               "computer); “%s” is not allowed. Use the server's https:// address.", url);
  return FALSE;
}

static char *
origin_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;
  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  port = g_uri_get_port (uri);
  if (port == -1)
    port = g_str_equal (scheme, "https") ? 443 : g_str_equal (scheme, "http") ? 80 : 0;
  return g_strdup_printf ("%s://%s:%d", scheme, host, port);
}

/* HOST:PORT of URL, to name an origin in a message. */
static char *
host_port_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup ("an invalid address");
  if (g_uri_get_port (uri) == -1)
    return g_strdup (g_uri_get_host (uri));
  return g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri));
}

gboolean
hf_http_same_origin (const char *a,
                     const char *b)
{
  g_autofree char *x = origin_of (a);
  g_autofree char *y = origin_of (b);

  return x != NULL && y != NULL && g_str_equal (x, y);
}

/* }}} */
/* {{{ requests */

HfHttpRequest *
hf_http_request_new (const char *url)
{
  HfHttpRequest *request = g_new0 (HfHttpRequest, 1);

  g_return_val_if_fail (url != NULL, NULL);

  request->url = g_strdup (url);
  request->priv = g_new0 (RequestPrivate, 1);
  return request;
}

static void
wipe_string (char *s)
{
  if (s != NULL)
    sodium_memzero (s, strlen (s));
  g_free (s);
}

static void
free_headers (RequestPrivate *priv)
{
  for (struct curl_slist *l = priv->headers; l != NULL; l = l->next)
    sodium_memzero (l->data, strlen (l->data));
  g_clear_pointer (&priv->headers, curl_slist_free_all);
}

static void
clear_response (HfHttpRequest *request)
{
  request->status = 0;
  g_clear_pointer (&request->content_type, g_free);
  g_clear_pointer (&request->retry_after, g_free);
  g_clear_pointer (&request->date, g_free);
  g_clear_error (&request->error);
  request->retryable = FALSE;
  if (request->response != NULL)
    {
      sodium_memzero (request->response->data, request->response->len);
      g_clear_pointer (&request->response, g_byte_array_unref);
    }
}

void
hf_http_request_free (HfHttpRequest *request)
{
  RequestPrivate *priv;

  if (request == NULL)
    return;
  priv = request->priv;
  clear_response (request);
  if (priv->easy != NULL)
    curl_easy_cleanup (priv->easy);
  free_headers (priv);
  g_free (priv->error_buffer);
  g_free (priv->elsewhere);
  g_free (priv);
  g_free (request->url);
  g_free (request->method);
  if (request->body != NULL)
    sodium_memzero (request->body, request->body_length);
  g_free (request->body);
  g_free (request->body_type);
  g_free (request->accept);
  wipe_string (request->bearer);
  g_free (request);
}

/* An application/x-www-form-urlencoded POST body from NAME, VALUE pairs (NULL values skipped). */
void
hf_http_request_set_form (HfHttpRequest *request,
                          const char    *first_name,
                          ...)
{
  g_autoptr(GString) body = g_string_new (NULL);
  va_list args;

  g_return_if_fail (request != NULL);

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = NULL;

      if (value == NULL)
        continue;
      escaped = g_uri_escape_string (value, NULL, FALSE);
      g_string_append_printf (body, "%s%s=%s", body->len ? "&" : "", name, escaped);
      sodium_memzero (escaped, strlen (escaped));
    }
  va_end (args);
  if (request->body != NULL)
    sodium_memzero (request->body, request->body_length);
  g_free (request->body);
  request->body_length = body->len;
  request->body = g_string_free (g_steal_pointer (&body), FALSE);
  g_free (request->body_type);
  request->body_type = g_strdup ("application/x-www-form-urlencoded");
  g_free (request->method);
  request->method = g_strdup ("POST");
}

static size_t
write_cb (char   *data,
          size_t  size,
          size_t  n,
          void   *user_data)
{
  HfHttpRequest *request = user_data;
  RequestPrivate *priv = request->priv;
  gsize limit = request->max_size ? request->max_size : DEFAULT_MAX_SIZE;

  if (request->response->len + size * n > limit)
    {
      priv->too_large = TRUE;
      return 0;
    }
  g_byte_array_append (request->response, (const guint8 *) data, size * n);
  return size * n;
}

static size_t
header_cb (char   *data,
           size_t  size,
           size_t  n,
           void   *user_data)
{
  HfHttpRequest *request = user_data;
  RequestPrivate *priv = request->priv;
  gsize len = size * n;
  g_autofree char *line = g_strndup (data, len);
  char *colon = strchr (line, ':');

  /* A new response (after a redirect or a 100 Continue) starts over. */
  if (g_str_has_prefix (line, "HTTP/"))
    {
      const char *code = strchr (line, ' ');
      priv->hop_status = code ? (long) g_ascii_strtoll (code + 1, NULL, 10) : 0;
      g_clear_pointer (&request->retry_after, g_free);
      g_clear_pointer (&request->date, g_free);
      return len;
    }
  if (colon == NULL)
    return len;
  *colon = '\0';
  g_strstrip (colon + 1);
  if (priv->hop_status >= 300 && priv->hop_status < 400 &&
      g_ascii_strcasecmp (line, "Location") == 0)
    {
      const char *here = NULL;
      g_autofree char *target = NULL;

      curl_easy_getinfo (priv->easy, CURLINFO_EFFECTIVE_URL, &here);
      target = g_uri_resolve_relative (here ? here : request->url, colon + 1,
                                       G_URI_FLAGS_NONE, NULL);
      if (target == NULL || !hf_http_same_origin (target, request->url))
        {
          /* Returning less than LEN ends the transfer before curl follows the redirect. */
          g_free (priv->elsewhere);
          priv->elsewhere = target ? host_port_of (target) : g_strdup ("an invalid address");
          return 0;
        }
      return len;
    }
  if (g_ascii_strcasecmp (line, "Retry-After") == 0)
    {
      g_free (request->retry_after);
      request->retry_after = g_utf8_make_valid (colon + 1, -1);
    }
  else if (g_ascii_strcasecmp (line, "Date") == 0)
    {
      g_free (request->date);
      request->date = g_utf8_make_valid (colon + 1, -1);
    }
  return len;
}

static int
progress_cb (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  GCancellable *cancellable = user_data;

  return g_cancellable_is_cancelled (cancellable) ? 1 : 0;
}

static gboolean
setup_easy (HfHttp         *http,
            HfHttpRequest  *request,
            GError        **error)
{
  RequestPrivate *priv = request->priv;
  CURL *easy;

  if (!hf_http_url_allowed (request->url, error))
    return FALSE;

  clear_response (request);
  request->response = g_byte_array_new ();
  priv->too_large = FALSE;
  priv->hop_status = 0;
  g_clear_pointer (&priv->elsewhere, g_free);
  free_headers (priv);
  if (priv->easy == NULL)
    priv->easy = curl_easy_init ();
  else
    curl_easy_reset (priv->easy);
  easy = priv->easy;
  if (priv->error_buffer == NULL)
    priv->error_buffer = g_malloc0 (CURL_ERROR_SIZE);
  priv->error_buffer[0] = '\0';

  curl_easy_setopt (easy, CURLOPT_URL, request->url);
  curl_easy_setopt (easy, CURLOPT_PRIVATE, request);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, priv->error_buffer);
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt (easy, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt (easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (easy, CURLOPT_MAXREDIRS, (long) MAX_REDIRECTS);
  curl_easy_setopt (easy, CURLOPT_UNRESTRICTED_AUTH, 0L);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (easy, CURLOPT_PROXY_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (easy, CURLOPT_PROXY_SSL_VERIFYHOST, 2L);
  if (http->ca_blob != NULL)
    {
      struct curl_blob blob = {
        .data = (void *) g_bytes_get_data (http->ca_blob, NULL),
        .len = g_bytes_get_size (http->ca_blob),
        .flags = CURL_BLOB_NOCOPY,
      };
      curl_easy_setopt (easy, CURLOPT_CAINFO_BLOB, &blob);
    }
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT_MS, (long) MIN (http->timeout_ms, 15000));
  curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, (long) http->timeout_ms);
  curl_easy_setopt (easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt (easy, CURLOPT_USERAGENT, "Healthfolio/" HF_VERSION);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, request);
  curl_easy_setopt (easy, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (easy, CURLOPT_HEADERDATA, request);

  priv->headers = curl_slist_append (priv->headers, "Expect:");
  if (request->accept != NULL)
    {
      g_autofree char *h = g_strdup_printf ("Accept: %s", request->accept);
      priv->headers = curl_slist_append (priv->headers, h);
    }
  if (request->bearer != NULL)
    {
      g_autofree char *h = g_strdup_printf ("Authorization: Bearer %s", request->bearer);
      priv->headers = curl_slist_append (priv->headers, h);
      sodium_memzero (h, strlen (h));
    }
  if (request->body != NULL)
    {
      g_autofree char *h = g_strdup_printf ("Content-Type: %s",
                                            request->body_type ? request->body_type
                                                               : "application/octet-stream");
      priv->headers = curl_slist_append (priv->headers, h);
      curl_easy_setopt (easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) request->body_length);
      curl_easy_setopt (easy, CURLOPT_POSTFIELDS, request->body);
    }
  if (request->method != NULL && !g_str_equal (request->method, "POST") &&
      !g_str_equal (request->method, "GET"))
    curl_easy_setopt (easy, CURLOPT_CUSTOMREQUEST, request->method);
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, priv->headers);
  return TRUE;
}

static char *
host_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : "the server");
}

/* Fills in what came back, or request->error in plain words (never with headers or body). */
static void
finish_easy (HfHttp        *http,
             HfHttpRequest *request,
             CURLcode       code)
{
  RequestPrivate *priv = request->priv;
  g_autofree char *host = host_of (request->url);
  const char *type = NULL;
  const char *detail = priv->error_buffer && *priv->error_buffer ? priv->error_buffer
                                                                  : curl_easy_strerror (code);

  curl_easy_getinfo (priv->easy, CURLINFO_RESPONSE_CODE, &request->status);
  curl_easy_getinfo (priv->easy, CURLINFO_CONTENT_TYPE, &type);
  /* A server's header may hold any bytes; what is kept of it is text, for messages. */
  request->content_type = type != NULL ? g_utf8_make_valid (type, -1) : NULL;
  if (code == CURLE_OK)
    return;

  request->status = 0;
  switch (code)
    {
    case CURLE_WRITE_ERROR:
      if (priv->elsewhere != NULL)
        {
          g_set_error (&request->error, HF_ERROR, HF_ERROR_NETWORK,
                       "%s redirected to another site (%s); Healthfolio only follows redirects "
                       "on the server itself, so nothing was fetched from there.", host,
                       priv->elsewhere);
          return;
        }
      if (priv->too_large)
        {
          g_set_error (&request->error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The answer from %s is larger than the limit of %" G_GSIZE_FORMAT
                       " bytes.", host, request->max_size ? request->max_size
                                                          : DEFAULT_MAX_SIZE);
          return;
        }
      break;
    case CURLE_OPERATION_TIMEDOUT:
      request->retryable = TRUE;
      g_set_error (&request->error, HF_ERROR, HF_ERROR_NETWORK,
                   "%s did not answer within %u seconds.", host,
                   (http->timeout_ms + 999) / 1000);
      return;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_TOO_MANY_REDIRECTS:
      g_set_error (&request->error, HF_ERROR, HF_ERROR_NETWORK,
                   "%s redirected to an address that is not https (or redirected too often); "
                   "Healthfolio does not follow such redirects.", host);
      return;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
      g_set_error (&request->error, HF_ERROR, HF_ERROR_NETWORK,
                   "The secure connection to %s could not be verified (%s). If your "
                   "institution uses its own certificate authority, add it with --ca-file.",
                   host, detail);
      return;
    case CURLE_ABORTED_BY_CALLBACK:
      g_set_error (&request->error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled.");
      return;
    case CURLE_COULDNT_CONNECT:
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      request->retryable = TRUE;
      break;
    default:
      break;
    }
  g_set_error (&request->error, HF_ERROR, HF_ERROR_NETWORK,
               "Could not talk to %s: %s. Check the network connection and the address.",
               host, detail);
}

/* }}} */
/* {{{ the engine */

HfHttp *
hf_http_new (const char  *extra_ca_file,
             GError     **error)
{
  g_autoptr(GByteArray) blob = NULL;
  HfHttp *http;

  g_once (&curl_once, init_curl, NULL);

  if (extra_ca_file != NULL)
    {
      g_autofree char *extra = NULL;
      gsize extra_len = 0;
      CURL *probe = curl_easy_init ();
      const char *system_ca = NULL;

      if (!g_file_get_contents (extra_ca_file, &extra, &extra_len, error))
        {
          curl_easy_cleanup (probe);
          g_prefix_error (error, "Cannot read the extra certificate authority file: ");
          return NULL;
        }
      if (strstr (extra, "-----BEGIN CERTIFICATE-----") == NULL)
        {
          curl_easy_cleanup (probe);
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The extra certificate authority file “%s” holds no PEM certificate.",
                       extra_ca_file);
          return NULL;
        }
      blob = g_byte_array_new ();
      /* Added to the system's authorities, not instead of them. */
      if (curl_easy_getinfo (probe, CURLINFO_CAINFO, &system_ca) == CURLE_OK &&
          system_ca != NULL)
        {
          g_autofree char *sys = NULL;
          gsize sys_len = 0;
          if (g_file_get_contents (system_ca, &sys, &sys_len, NULL))
            {
              g_byte_array_append (blob, (const guint8 *) sys, sys_len);
              g_byte_array_append (blob, (const guint8 *) "\n", 1);
            }
        }
      curl_easy_cleanup (probe);
      g_byte_array_append (blob, (const guint8 *) extra, extra_len);
    }

  http = g_new0 (HfHttp, 1);
  http->multi = curl_multi_init ();
  http->ca_blob = blob ? g_byte_array_free_to_bytes (g_steal_pointer (&blob)) : NULL;
  http->timeout_ms = DEFAULT_TIMEOUT_MS;
  http->parallel = DEFAULT_PARALLEL;
  g_queue_init (&http->waiting);
  http->running = g_hash_table_new (NULL, NULL);
  return http;
}

void
hf_http_free (HfHttp *http)
{
  GHashTableIter iter;
  gpointer value;

  if (http == NULL)
    return;
  g_hash_table_iter_init (&iter, http->running);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      HfHttpRequest *request = value;
      curl_multi_remove_handle (http->multi, ((RequestPrivate *) request->priv)->easy);
      hf_http_request_free (request);
    }
  g_hash_table_unref (http->running);
  g_queue_clear_full (&http->waiting, (GDestroyNotify) hf_http_request_free);
  curl_multi_cleanup (http->multi);
  g_clear_pointer (&http->ca_blob, g_bytes_unref);
  g_free (http);
}

void
hf_http_set_timeout (HfHttp *http,
                     guint   timeout_ms)
{
  g_return_if_fail (http != NULL);

  http->timeout_ms = MAX (timeout_ms, 100);
}

void
hf_http_set_parallel (HfHttp *http,
                      guint   parallel)
{
  g_return_if_fail (http != NULL);

  http->parallel = CLAMP (parallel, 1, 16);
}

guint
hf_http_get_parallel (HfHttp *http)
{
  g_return_val_if_fail (http != NULL, 0);

  return http->parallel;
}

static int
compare_start (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const RequestPrivate *x = ((const HfHttpRequest *) a)->priv;
  const RequestPrivate *y = ((const HfHttpRequest *) b)->priv;

  return x->start_at < y->start_at ? -1 : x->start_at > y->start_at;
}

static long start_due (HfHttp *http);

void
hf_http_submit (HfHttp        *http,
                HfHttpRequest *request,
                guint          delay_ms)
{
  RequestPrivate *priv;

  g_return_if_fail (http != NULL);
  g_return_if_fail (request != NULL);

  priv = request->priv;
  priv->start_at = g_get_monotonic_time () + (gint64) delay_ms * 1000;
  priv->submissions++;
  g_queue_insert_sorted (&http->waiting, request, compare_start, NULL);
  /* Sent at once, so that the caller's work on the previous answer overlaps the wait. */
  if (http->in_run && delay_ms == 0)
    {
      int still = 0;
      start_due (http);
      curl_multi_perform (http->multi, &still);
    }
}

/* Starts waiting requests that are due while there is room. Returns the ms until the next. */
static long
start_due (HfHttp *http)
{
  gint64 now = g_get_monotonic_time ();

  while (g_hash_table_size (http->running) < http->parallel)
    {
      HfHttpRequest *request = g_queue_peek_head (&http->waiting);
      RequestPrivate *priv;
      GError *error = NULL;

      if (request == NULL)
        return -1;
      priv = request->priv;
      if (priv->start_at > now)
        return (long) ((priv->start_at - now + 999) / 1000);
      g_queue_pop_head (&http->waiting);
      request->sent_at = now;
      if (!setup_easy (http, request, &error))
        {
          guint submissions = priv->submissions;

          request->error = error;
          request->done (http, request, request->user_data);
          if (priv->submissions == submissions)
            hf_http_request_free (request);
          continue;
        }
      g_hash_table_insert (http->running, priv->easy, request);
      curl_multi_add_handle (http->multi, priv->easy);
    }
  return g_queue_is_empty (&http->waiting) ? -1 : 0;
}

/* Every request still in flight or waiting gets its DONE once more, with G_IO_ERROR_CANCELLED,
 * so that its owner can free what the request's user data holds. What DONE queues again now
 * is freed without another call. */
static void
cancel_all (HfHttp *http)
{
  g_autoptr(GPtrArray) unfinished = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  http->in_run = FALSE;
  g_hash_table_iter_init (&iter, http->running);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      HfHttpRequest *request = value;
      curl_multi_remove_handle (http->multi, ((RequestPrivate *) request->priv)->easy);
      g_ptr_array_add (unfinished, request);
    }
  g_hash_table_remove_all (http->running);
  while (!g_queue_is_empty (&http->waiting))
    g_ptr_array_add (unfinished, g_queue_pop_head (&http->waiting));

  for (guint i = 0; i < unfinished->len; i++)
    {
      HfHttpRequest *request = g_ptr_array_index (unfinished, i);
      RequestPrivate *priv = request->priv;
      guint submissions = priv->submissions;

      request->status = 0;
      request->retryable = FALSE;
      g_clear_error (&request->error);
      g_set_error_literal (&request->error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled.");
      request->done (http, request, request->user_data);
      if (priv->submissions == submissions)
        hf_http_request_free (request);
    }
  g_queue_clear_full (&http->waiting, (GDestroyNotify) hf_http_request_free);
}

gboolean
hf_http_run (HfHttp        *http,
             GCancellable  *cancellable,
             GError       **error)
{
  g_return_val_if_fail (http != NULL, FALSE);

  http->in_run = TRUE;
  for (;;)
    {
      int still = 0;
      long next = start_due (http);
      CURLMsg *msg;
      int left;

      if (g_hash_table_size (http->running) == 0 && g_queue_is_empty (&http->waiting))
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          cancel_all (http);
          return FALSE;
        }

      curl_multi_perform (http->multi, &still);
      while ((msg = curl_multi_info_read (http->multi, &left)) != NULL)
        {
          HfHttpRequest *request;
          RequestPrivate *priv;
          CURL *easy = msg->easy_handle;
          CURLcode result = msg->data.result;
          guint submissions;

          if (msg->msg != CURLMSG_DONE)
            continue;
          request = g_hash_table_lookup (http->running, easy);
          priv = request->priv;
          g_hash_table_remove (http->running, easy);
          curl_multi_remove_handle (http->multi, easy);
          finish_easy (http, request, result);
          submissions = priv->submissions;
          request->done (http, request, request->user_data);
          if (priv->submissions == submissions)
            hf_http_request_free (request);
        }
      if (g_hash_table_size (http->running) == 0 && g_queue_is_empty (&http->waiting))
        break;
      next = start_due (http);
      /* Short waits so that a cancel is noticed promptly. */
      curl_multi_poll (http->multi, NULL, 0,
                       next < 0 ? 100 : CLAMP (next, 0, 100), NULL);
    }
  http->in_run = FALSE;
  return TRUE;
}

gboolean
hf_http_fetch (HfHttp         *http,
               HfHttpRequest  *request,
               GCancellable   *cancellable,
               GError        **error)
{
  RequestPrivate *priv;
  CURLcode code;

  g_return_val_if_fail (http != NULL, FALSE);
  g_return_val_if_fail (request != NULL, FALSE);

  priv = request->priv;
  if (!setup_easy (http, request, error))
    return FALSE;
  request->sent_at = g_get_monotonic_time ();
  curl_easy_setopt (priv->easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (priv->easy, CURLOPT_XFERINFOFUNCTION, progress_cb);
  curl_easy_setopt (priv->easy, CURLOPT_XFERINFODATA, cancellable);
  code = curl_easy_perform (priv->easy);
  finish_easy (http, request, code);
  if (request->error != NULL)
    {
      g_propagate_error (error, g_error_copy (request->error));
      return FALSE;
    }
  return TRUE;
}

gint64
hf_http_parse_retry_after (const char *value)
{
  guint64 seconds;
  time_t when;

  if (value == NULL)
    return -1;
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &seconds, NULL))
    return (gint64) seconds;
  when = curl_getdate (value, NULL);
  if (when == -1)
    return -1;
  return MAX ((gint64) when - g_get_real_time () / G_USEC_PER_SEC, 0);
}

/* }}} */
