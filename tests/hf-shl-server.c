/* hf-shl-server.c — a SMART Health Links server on 127.0.0.1 for the tests (libsoup 3)
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a link's host does by the SHL spec: a manifest answered to a POST of {recipient,
 * passcode, embeddedLengthMax}, 401 with remainingAttempts for a wrong passcode and 404 once
 * the budget is spent, files embedded or at short-lived locations, and a U link's one file
 * answered to a GET. It runs in a thread of its own with its own main context, as
 * hf-fhir-server.c does, and accepts connections itself for the same reason (libsoup 3.2's
 * listener leaks each accepted socket).
 */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "hf-shl-server.h"

typedef struct
{
  char     *content_type;
  char     *jwe;
  gboolean  embedded;
} File;

typedef struct
{
  char      *id;
  char      *passcode;
  guint      attempts;
  gboolean   disabled;
  GPtrArray *files;       /* File */
  char      *manifest;    /* an answer set by the test, or NULL */
} Link;

struct _HfShlServer
{
  GMutex        lock;
  GCond         ready;
  gboolean      started;
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *soup;
  char         *origin;
  GHashTable   *links;        /* id → Link */
  GHashTable   *locations;    /* token → char *jwe */
  GHashTable   *counts;       /* what → count */
  gint          expire_after; /* -1: never */
  char         *last_request;
  char         *last_query;
};

static void
file_free (File *f)
{
  g_free (f->content_type);
  g_free (f->jwe);
  g_free (f);
}

static void
link_free (Link *l)
{
  g_free (l->id);
  g_free (l->passcode);
  g_ptr_array_unref (l->files);
  g_free (l->manifest);
  g_free (l);
}

static void
count (HfShlServer *server,
       const char  *what)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (server->counts, what));

  g_hash_table_replace (server->counts, g_strdup (what), GUINT_TO_POINTER (n + 1));
}

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *type,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, body, strlen (body));
}

static char *
random_token (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < 4; i++)
    g_string_append_printf (s, "%08x", g_random_int ());
  return g_string_free (s, FALSE);
}

static char *
manifest_of (HfShlServer *server,
             Link        *link)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < link->files->len; i++)
    {
      File *f = g_ptr_array_index (link->files, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "contentType");
      json_builder_add_string_value (b, f->content_type);
      if (f->embedded)
        {
          json_builder_set_member_name (b, "embedded");
          json_builder_add_string_value (b, f->jwe);
        }
      else
        {
          g_autofree char *token = random_token ();
          g_autofree char *url = g_strdup_printf ("%s/files/%s", server->origin, token);

          g_hash_table_replace (server->locations, g_steal_pointer (&token), g_strdup (f->jwe));
          json_builder_set_member_name (b, "location");
          json_builder_add_string_value (b, url);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static void
handle_manifest (HfShlServer       *server,
                 Link              *link,
                 SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = g_strndup (body->data, body->length);
  g_autofree char *manifest = NULL;
  JsonObject *request;
  JsonNode *root;

  count (server, "manifest");
  g_free (server->last_request);
  server->last_request = g_strdup (text);
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member ((request = json_node_get_object (root)), "recipient"))
    {
      reply (msg, 400, "text/plain", "a manifest request is a JSON object with a recipient");
      return;
    }
  if (link->passcode != NULL)
    {
      const char *given = json_object_get_string_member_with_default (request, "passcode", NULL);

      if (g_strcmp0 (given, link->passcode) != 0)
        {
          g_autofree char *answer = NULL;

          link->attempts = link->attempts > 0 ? link->attempts - 1 : 0;
          if (link->attempts == 0)
            link->disabled = TRUE;
          answer = g_strdup_printf ("{\"remainingAttempts\":%u}", link->attempts);
          reply (msg, 401, "application/json", answer);
          return;
        }
    }
  manifest = link->manifest != NULL ? g_strdup (link->manifest) : manifest_of (server, link);
  reply (msg, 200, "application/json", manifest);
}

static void
handler (SoupServer        *soup,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  HfShlServer *server = user_data;
  const char *method = soup_server_message_get_method (msg);

  g_mutex_lock (&server->lock);
  count (server, "all");
  if (g_str_has_prefix (path, "/shl/"))
    {
      Link *link = g_hash_table_lookup (server->links, path + strlen ("/shl/"));

      if (link == NULL || link->disabled)
        reply (msg, 404, "text/plain", "no such link");
      else if (strcmp (method, "POST") == 0)
        handle_manifest (server, link, msg);
      else if (strcmp (method, "GET") == 0 && link->files->len > 0)
        {
          File *f = g_ptr_array_index (link->files, 0);
          const char *q = g_uri_get_query (soup_server_message_get_uri (msg));

          count (server, "direct");
          g_free (server->last_query);
          server->last_query = g_strdup (q);
          reply (msg, 200, "application/jose", f->jwe);
        }
      else
        reply (msg, 405, "text/plain", "not allowed");
    }
  else if (g_str_has_prefix (path, "/files/") && strcmp (method, "GET") == 0)
    {
      const char *jwe = g_hash_table_lookup (server->locations, path + strlen ("/files/"));

      count (server, "location");
      if (jwe == NULL)
        {
          count (server, "expired");
          reply (msg, 403, "text/plain", "this location has expired");
        }
      else
        {
          reply (msg, 200, "application/jose", jwe);
          if (server->expire_after > 0 && --server->expire_after == 0)
            {
              g_hash_table_remove_all (server->locations);
              server->expire_after = -1;
            }
        }
    }
  else
    reply (msg, 404, "text/plain", "not found");
  g_mutex_unlock (&server->lock);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  HfShlServer *server = user_data;
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;

  soup_server_accept_iostream (server->soup, G_IO_STREAM (connection), local, remote, &error);
  g_assert_no_error (error);
  return TRUE;
}

static gpointer
server_thread (gpointer data)
{
  HfShlServer *server = data;
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

HfShlServer *
hf_shl_server_new (void)
{
  HfShlServer *server = g_new0 (HfShlServer, 1);

  g_mutex_init (&server->lock);
  g_cond_init (&server->ready);
  server->links = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) link_free);
  server->locations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  server->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->expire_after = -1;
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("hf-shl-server", server_thread, server);
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
hf_shl_server_free (HfShlServer *server)
{
  if (server == NULL)
    return;
  g_main_context_invoke (server->context, quit_cb, server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_hash_table_unref (server->links);
  g_hash_table_unref (server->locations);
  g_hash_table_unref (server->counts);
  g_free (server->origin);
  g_free (server->last_request);
  g_free (server->last_query);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->ready);
  g_free (server);
}

const char *
hf_shl_server_get_origin (HfShlServer *server)
{
  return server->origin;
}

char *
hf_shl_server_add_link (HfShlServer *server,
                        const char  *id,
                        const char  *passcode,
                        guint        attempts)
{
  Link *link = g_new0 (Link, 1);

  link->id = g_strdup (id);
  link->passcode = g_strdup (passcode);
  link->attempts = attempts;
  link->files = g_ptr_array_new_with_free_func ((GDestroyNotify) file_free);
  g_mutex_lock (&server->lock);
  g_hash_table_replace (server->links, link->id, link);
  g_mutex_unlock (&server->lock);
  return g_strdup_printf ("%s/shl/%s", server->origin, id);
}

static Link *
find_link (HfShlServer *server,
           const char  *id)
{
  Link *link = g_hash_table_lookup (server->links, id);

  g_assert_nonnull (link);
  return link;
}

void
hf_shl_server_add_file (HfShlServer *server,
                        const char  *id,
                        const char  *content_type,
                        const char  *jwe,
                        gboolean     embedded)
{
  File *f = g_new0 (File, 1);

  f->content_type = g_strdup (content_type);
  f->jwe = g_strdup (jwe);
  f->embedded = embedded;
  g_mutex_lock (&server->lock);
  g_ptr_array_add (find_link (server, id)->files, f);
  g_mutex_unlock (&server->lock);
}

void
hf_shl_server_clear_files (HfShlServer *server,
                           const char  *id)
{
  g_mutex_lock (&server->lock);
  g_ptr_array_set_size (find_link (server, id)->files, 0);
  g_mutex_unlock (&server->lock);
}

void
hf_shl_server_set_manifest (HfShlServer *server,
                            const char  *id,
                            const char  *json)
{
  Link *link;

  g_mutex_lock (&server->lock);
  link = find_link (server, id);
  g_free (link->manifest);
  link->manifest = g_strdup (json);
  g_mutex_unlock (&server->lock);
}

void
hf_shl_server_disable_link (HfShlServer *server,
                            const char  *id)
{
  g_mutex_lock (&server->lock);
  find_link (server, id)->disabled = TRUE;
  g_mutex_unlock (&server->lock);
}

void
hf_shl_server_expire_locations_after (HfShlServer *server,
                                      guint        n)
{
  g_mutex_lock (&server->lock);
  server->expire_after = n;
  g_mutex_unlock (&server->lock);
}

guint
hf_shl_server_count (HfShlServer *server,
                     const char  *what)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (server->counts, what));
  g_mutex_unlock (&server->lock);
  return n;
}

char *
hf_shl_server_dup_last_request (HfShlServer *server)
{
  char *s;

  g_mutex_lock (&server->lock);
  s = g_strdup (server->last_request);
  g_mutex_unlock (&server->lock);
  return s;
}

char *
hf_shl_server_dup_last_query (HfShlServer *server)
{
  char *s;

  g_mutex_lock (&server->lock);
  s = g_strdup (server->last_query);
  g_mutex_unlock (&server->lock);
  return s;
}
