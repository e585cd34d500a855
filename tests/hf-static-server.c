/* hf-static-server.c — a plain static file server on 127.0.0.1 (libsoup 3), for the tests
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-static-server.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

struct _HfStaticServer
{
  char         *dir;
  char         *origin;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *soup;
  GMutex        lock;
  GCond         ready;
  gboolean      started;
  guint         count;
  guint         refused;
};

/* A path is served only when it names one file right in the folder: no "..", no subfolders,
 * no hidden files. */
static gboolean
plain_name (const char *name)
{
  return name[0] != '\0' && name[0] != '.' && strchr (name, '/') == NULL &&
         strchr (name, '\\') == NULL;
}

static void
handler (SoupServer        *soup,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  HfStaticServer *server = user_data;
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_mutex_lock (&server->lock);
  server->count++;
  if (g_strcmp0 (soup_server_message_get_method (msg), "GET") != 0)
    server->refused++;
  g_mutex_unlock (&server->lock);

  if (g_strcmp0 (soup_server_message_get_method (msg), "GET") != 0)
    {
      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Allow",
                                   "GET");
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if (path[0] != '/' || !plain_name (path + 1))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  file = g_build_filename (server->dir, path + 1, NULL);
  if (!g_file_test (file, G_FILE_TEST_IS_REGULAR) ||
      !g_file_get_contents (file, &contents, &length, NULL))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&contents), length);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  HfStaticServer *server = user_data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;

  /* Accepted here, as hf-fhir-server does: libsoup's own listener (3.2) leaks each socket. */
  soup_server_accept_iostream (server->soup, G_IO_STREAM (connection), local, remote, &error);
  g_assert_no_error (error);
  return TRUE;
}

static gpointer
server_thread (gpointer data)
{
  HfStaticServer *server = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocketService) service = NULL;

  g_main_context_push_thread_default (server->context);
  server->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->soup, NULL, handler, server, NULL);
  service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (service), any_port, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (incoming_cb), server);
  g_socket_service_start (service);
  server->origin = g_strdup_printf ("http://127.0.0.1:%u",
                                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  g_mutex_lock (&server->lock);
  server->started = TRUE;
  g_cond_signal (&server->ready);
  g_mutex_unlock (&server->lock);

  g_main_loop_run (server->loop);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  soup_server_disconnect (server->soup);
  g_clear_object (&server->soup);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

HfStaticServer *
hf_static_server_new (const char *dir)
{
  HfStaticServer *server = g_new0 (HfStaticServer, 1);

  server->dir = g_strdup (dir);
  g_mutex_init (&server->lock);
  g_cond_init (&server->ready);
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("hf-static-server", server_thread, server);
  g_mutex_lock (&server->lock);
  while (!server->started)
    g_cond_wait (&server->ready, &server->lock);
  g_mutex_unlock (&server->lock);
  return server;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
hf_static_server_free (HfStaticServer *server)
{
  if (server == NULL)
    return;
  g_main_context_invoke (server->context, quit_cb, server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->ready);
  g_free (server->origin);
  g_free (server->dir);
  g_free (server);
}

const char *
hf_static_server_get_origin (HfStaticServer *server)
{
  return server->origin;
}

guint
hf_static_server_get_count (HfStaticServer *server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->count;
  g_mutex_unlock (&server->lock);
  return n;
}

guint
hf_static_server_get_refused (HfStaticServer *server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->refused;
  g_mutex_unlock (&server->lock);
  return n;
}
