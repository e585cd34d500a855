/* test-http.c — the HTTP engine's promises to its callers
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gio/gio.h>

#include "hf-error.h"
#include "hf-http.h"
#include "hf-test-util.h"

typedef struct
{
  GCancellable *cancellable;
  guint         done;
  guint         cancelled;
} Calls;

typedef struct
{
  Calls *calls;
  char  *owned;      /* what a caller's user data holds: freed in DONE */
} Owned;

static void
done_cb (HfHttp        *http,
         HfHttpRequest *request,
         gpointer       user_data)
{
  Owned *o = user_data;

  o->calls->done++;
  if (g_error_matches (request->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    o->calls->cancelled++;
  /* The first answer (a refused connection) cancels the run. */
  g_cancellable_cancel (o->calls->cancellable);
  g_free (o->owned);
  g_free (o);
}

static guint16
port_of (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

static GSocket *
listen_on_loopback (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  return socket;
}

static void
submit (HfHttp     *http,
        Calls      *calls,
        const char *url)
{
  HfHttpRequest *request = hf_http_request_new (url);
  Owned *o = g_new0 (Owned, 1);

  o->calls = calls;
  o->owned = g_strdup (url);
  request->done = done_cb;
  request->user_data = o;
  hf_http_submit (http, request, 0);
}

/* A cancelled run still calls DONE once for every request it had, so that each caller can free
 * what its request's user data holds (a sync cancelled mid-way leaked every page request). */
static void
test_cancel_calls_done (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HfHttp) http = hf_http_new (NULL, &error);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSocket) silent = listen_on_loopback ();   /* accepts, never answers */
  g_autoptr(GSocket) closed = listen_on_loopback ();
  g_autofree char *refused_url = g_strdup_printf ("http://127.0.0.1:%u/refused",
                                                  port_of (closed));
  g_autofree char *silent_url = g_strdup_printf ("http://127.0.0.1:%u/silent", port_of (silent));
  Calls calls = { cancellable, 0, 0 };

  g_assert_no_error (error);
  g_socket_close (closed, &error);
  g_assert_no_error (error);
  hf_http_set_parallel (http, 2);

  submit (http, &calls, refused_url);
  submit (http, &calls, silent_url);   /* in flight when the run is cancelled */
  submit (http, &calls, silent_url);   /* still waiting then */
  submit (http, &calls, silent_url);
  g_assert_false (hf_http_run (http, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (calls.done, ==, 4);
  g_assert_cmpuint (calls.cancelled, ==, 3);
}

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/hf/http/cancel-calls-done", test_cancel_calls_done);
  return g_test_run ();
}
