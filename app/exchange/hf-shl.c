/* hf-shl.c — opening SMART Health Links
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Follows the SMART Health Links section of the SMART Health Cards and Links IG (STU1): the
 * payload's members, the manifest request and its answers (401 with remainingAttempts, 404 for
 * a link that is no longer active), files embedded or at a location that may expire, each a
 * compact JWE "dir" + A256GCM under the link's key. Nothing is imported until every file has
 * been fetched and decrypted; then they are imported together.
 */

#include <string.h>

#include "hf-error.h"
#include "hf-http.h"
#include "hf-jose.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-jwk.h"
#include "hf-shc-private.h"
#include "hf-shl.h"

#define LINK_SCHEME      "shlink:/"
#define KEY_CHARACTERS   43
#define KEY_SIZE         32
#define DEFAULT_RECIPIENT "Healthfolio"

/* {{{ the link */

void
hf_shl_link_free (HfShlLink *link)
{
  if (link == NULL)
    return;
  g_free (link->url);
  hf_secret_free (link->key);
  g_free (link->label);
  g_free (link->uri);
  g_free (link);
}

static gboolean
is_base64url (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
}

/* Where the payload starts in TEXT (LENGTH bytes, white space trimmed), or NULL. */
static const char *
payload_start (const char *text,
               gsize       length)
{
  if (length >= strlen (LINK_SCHEME) && g_ascii_strncasecmp (text, LINK_SCHEME,
                                                             strlen (LINK_SCHEME)) == 0)
    return text + strlen (LINK_SCHEME);
  /* A viewer's prefix: https://viewer.example/…#shlink:/… */
  if (length > 8 && g_ascii_strncasecmp (text, "https://", 8) == 0)
    {
      const char *hash = memchr (text, '#', length);

      if (hash != NULL && (gsize) (text + length - hash) > strlen (LINK_SCHEME) &&
          g_ascii_strncasecmp (hash + 1, LINK_SCHEME, strlen (LINK_SCHEME)) == 0)
        return hash + 1 + strlen (LINK_SCHEME);
    }
  return NULL;
}

gboolean
hf_shl_is_link (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  return payload_start (text, strlen (text)) != NULL;
}

static gboolean
parse_flags (const char  *flag,
             HfShlFlags  *out,
             GError     **error)
{
  HfShlFlags flags = 0;
  char last = '\0';

  for (const char *p = flag; *p != '\0'; p++)
    {
      if (!g_ascii_isupper (*p))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The link's flags (“flag”) may only hold capital letters; it is not a "
                       "valid SMART Health Link.");
          return FALSE;
        }
      if (*p <= last)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The link's flags (“flag”) are not in alphabetical order; it is not a "
                       "valid SMART Health Link.");
          return FALSE;
        }
      last = *p;
      if (*p == 'L')
        flags |= HF_SHL_FLAG_LONG_TERM;
      else if (*p == 'P')
        flags |= HF_SHL_FLAG_PASSCODE;
      else if (*p == 'U')
        flags |= HF_SHL_FLAG_DIRECT;
      /* Other letters are flags of later versions: ignored, as the spec asks. */
    }
  if ((flags & HF_SHL_FLAG_DIRECT) && (flags & HF_SHL_FLAG_PASSCODE))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link has both the “U” and the “P” flag, which the spec does not allow "
                   "(a single file fetched directly cannot ask for a passcode).");
      return FALSE;
    }
  *out = flags;
  return TRUE;
}

HfShlLink *
hf_shl_link_parse (const char  *text,
                   gssize       length,
                   GError     **error)
{
  g_autoptr(HfShlLink) link = g_new0 (HfShlLink, 1);
  g_autoptr(JsonParser) parser = NULL;
  g_autofree guint8 *json = NULL;
  g_autofree guint8 *key = NULL;
  HfJsonProblem problem = { 0 };
  const char *start, *end, *url, *key_text, *flag, *label;
  JsonNode *root, *member;
  JsonObject *payload;
  gsize json_length = 0, key_length = 0;
  double number;

  g_return_val_if_fail (text != NULL, NULL);

  if (length < 0)
    length = strnlen (text, HF_SHL_MAX_LINK + 1);
  if ((gsize) length > HF_SHL_MAX_LINK)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link is longer than %d KB; it is not a SMART Health Link.",
                   HF_SHL_MAX_LINK / 1024);
      return NULL;
    }
  while (length > 0 && g_ascii_isspace (text[0]))
    text++, length--;
  while (length > 0 && g_ascii_isspace (text[length - 1]))
    length--;
  start = payload_start (text, length);
  if (start == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The text is not a SMART Health Link: it does not start with “shlink:/” "
                   "(or a viewer's https address ending in “#shlink:/…”).");
      return NULL;
    }
  end = text + length;
  for (const char *p = start; p < end; p++)
    if (!is_base64url (*p))
      {
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                     "The link's payload holds a character that is not base64url; it is not "
                     "a valid SMART Health Link.");
        return NULL;
      }
  json = hf_base64url_decode (start, end - start, &json_length);
  if (json == NULL || json_length == 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link's payload is not base64url; it is not a valid SMART Health Link.");
      return NULL;
    }
  if (!hf_json_guard_check ((const char *) json, json_length, &problem))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link's payload is not valid JSON: %s.", problem.reason);
      hf_json_problem_clear (&problem);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, (const char *) json, json_length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link's payload is not a JSON object; it is not a valid SMART Health "
                   "Link.");
      return NULL;
    }
  payload = json_node_get_object (root);

  /* "v" first: a newer link may mean something else by every other member. */
  link->version = 1;
  if ((member = json_object_get_member (payload, "v")) != NULL)
    {
      if (!hf_json_finite_number (payload, "v", &number) || number < 1 || number > 1000000 ||
          number != (gint) number)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The link's version (“v”) is not a whole number of 1 or more.");
          return NULL;
        }
      if (number > HF_SHL_VERSION)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The link is a version %d SMART Health Link; this Healthfolio opens "
                       "version %d links. Nothing was fetched.", (gint) number, HF_SHL_VERSION);
          return NULL;
        }
      link->version = (gint) number;
    }

  url = hf_json_string (payload, "url");
  if (url == NULL || *url == '\0')
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link has no address (“url”); it is not a valid SMART Health Link.");
      return NULL;
    }
  {
    g_autoptr(GError) local = NULL;

    if (!hf_http_url_allowed (url, &local))
      {
        g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                     "The link's address is not allowed: %s", local->message);
        return NULL;
      }
  }
  link->url = g_strdup (url);

  key_text = hf_json_string (payload, "key");
  if (key_text == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link has no key (“key”); it is not a valid SMART Health Link.");
      return NULL;
    }
  if (strlen (key_text) != KEY_CHARACTERS ||
      (key = hf_base64url_decode (key_text, KEY_CHARACTERS, &key_length)) == NULL ||
      key_length != KEY_SIZE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link's key is %zu characters long; a SMART Health Link's key is exactly "
                   "%d base64url characters (%d bytes).", strlen (key_text), KEY_CHARACTERS,
                   KEY_SIZE);
      return NULL;
    }
  link->key = hf_secret_new_from_data (key, KEY_SIZE);
  memset (key, 0, KEY_SIZE);

  if (json_object_has_member (payload, "exp"))
    {
      if (!hf_json_finite_number (payload, "exp", &number) || number <= 0 ||
          number > (double) G_MAXINT64 / 2)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The link's expiry (“exp”) is not a time in seconds.");
          return NULL;
        }
      link->exp = (gint64) number;
    }

  if (json_object_has_member (payload, "flag"))
    {
      flag = hf_json_string (payload, "flag");
      if (flag == NULL)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The link's flags (“flag”) are not a string.");
          return NULL;
        }
      if (!parse_flags (flag, &link->flags, error))
        return NULL;
    }

  if (json_object_has_member (payload, "label"))
    {
      label = hf_json_string (payload, "label");
      if (label == NULL)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The link's label (“label”) is not a string.");
          return NULL;
        }
      if (g_utf8_strlen (label, -1) > HF_SHL_MAX_LABEL)
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "The link's label is %ld characters long; a SMART Health Link's label is "
                       "at most %d.", g_utf8_strlen (label, -1), HF_SHL_MAX_LABEL);
          return NULL;
        }
      link->label = g_strdup (label);
    }

  {
    g_autofree char *payload_text = g_strndup (start, end - start);

    link->uri = g_strconcat (LINK_SCHEME, payload_text, NULL);
  }
  return g_steal_pointer (&link);
}

gboolean
hf_shl_link_is_expired (const HfShlLink *link,
                        gint64           now)
{
  g_return_val_if_fail (link != NULL, FALSE);

  return link->exp != 0 && link->exp <= now;
}

/* }}} */
/* {{{ the manifest */

static void
shl_file_free (HfShlFile *file)
{
  g_free (file->content_type);
  g_free (file->embedded);
  g_free (file->location);
  g_free (file);
}

void
hf_shl_manifest_free (HfShlManifest *manifest)
{
  if (manifest == NULL)
    return;
  g_free (manifest->status);
  g_clear_pointer (&manifest->files, g_ptr_array_unref);
  g_free (manifest);
}

HfShlManifest *
hf_shl_manifest_parse (const char  *json,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(HfShlManifest) manifest = g_new0 (HfShlManifest, 1);
  g_autoptr(JsonParser) parser = NULL;
  HfJsonProblem problem = { 0 };
  JsonNode *root;
  JsonObject *o;
  JsonArray *files;
  const char *status;
  guint n;

  g_return_val_if_fail (json != NULL || length == 0, NULL);

  if (length > HF_SHL_MAX_MANIFEST)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link's manifest is larger than %d MB; it was refused.",
                   HF_SHL_MAX_MANIFEST / (1024 * 1024));
      return NULL;
    }
  if (!hf_json_guard_check (json, length, &problem))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link's manifest is not valid JSON: %s (line %u, column %u).",
                   problem.reason, problem.line, problem.column);
      hf_json_problem_clear (&problem);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link's manifest is not a JSON object.");
      return NULL;
    }
  o = json_node_get_object (root);
  status = hf_json_string (o, "status");
  manifest->status = g_strdup (status);
  files = hf_json_array (o, "files");
  if (files == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link's manifest has no list of files (“files”).");
      return NULL;
    }
  n = json_array_get_length (files);
  if (n > HF_SHL_MAX_FILES)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link's manifest lists %u files; Healthfolio opens links of at most %d "
                   "files. Nothing was imported.", n, HF_SHL_MAX_FILES);
      return NULL;
    }
  manifest->files = g_ptr_array_new_full (n, (GDestroyNotify) shl_file_free);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (files, i);
      JsonObject *f;
      HfShlFile *file;
      const char *type, *embedded, *location;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "File %u of the link's manifest is not a JSON object.", i + 1);
          return NULL;
        }
      f = json_node_get_object (node);
      type = hf_json_string (f, "contentType");
      embedded = hf_json_string (f, "embedded");
      location = hf_json_string (f, "location");
      if (type == NULL || *type == '\0')
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "File %u of the link's manifest has no content type (“contentType”).",
                       i + 1);
          return NULL;
        }
      if ((embedded == NULL) == (location == NULL))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "File %u of the link's manifest must have either “embedded” or "
                       "“location”, and not both.", i + 1);
          return NULL;
        }
      if (location != NULL)
        {
          g_autoptr(GError) local = NULL;

          if (!hf_http_url_allowed (location, &local))
            {
              g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "File %u of the link's manifest is at an address that is not "
                           "allowed: %s", i + 1, local->message);
              return NULL;
            }
        }
      file = g_new0 (HfShlFile, 1);
      file->content_type = g_strdup (type);
      file->embedded = g_strdup (embedded);
      file->location = g_strdup (location);
      g_ptr_array_add (manifest->files, file);
    }
  return g_steal_pointer (&manifest);
}

/* }}} */
/* {{{ fetching */

static void
shl_document_free (HfShlDocument *doc)
{
  g_bytes_unref (doc->bytes);
  g_free (doc->content_type);
  g_free (doc);
}

void
hf_shl_contents_free (HfShlContents *contents)
{
  if (contents == NULL)
    return;
  g_clear_pointer (&contents->documents, g_ptr_array_unref);
  g_clear_pointer (&contents->warnings, g_ptr_array_unref);
  g_free (contents);
}

typedef struct
{
  const HfShlLink        *link;
  const HfShlOpenOptions *options;
  HfHttp                 *http;
  GCancellable           *cancellable;
  HfShlContents          *contents;
} Fetch;

/* The media type of a Content-Type or cty, lower case, without parameters. */
static char *
media_type (const char *value)
{
  const char *semi = strchr (value, ';');
  g_autofree char *type = g_strndup (value, semi != NULL ? (gsize) (semi - value) : strlen (value));

  return g_ascii_strdown (g_strstrip (type), -1);
}

static const char *
recipient_of (const Fetch *f)
{
  return f->options != NULL && f->options->recipient != NULL && *f->options->recipient != '\0' &&
         g_utf8_validate (f->options->recipient, -1, NULL)
         ? f->options->recipient : DEFAULT_RECIPIENT;
}

static HfHttpRequest *
send (Fetch          *f,
      HfHttpRequest  *request,
      GError        **error)
{
  g_autoptr(HfHttpRequest) owned = request;

  f->contents->requests++;
  if (!hf_http_fetch (f->http, owned, f->cancellable, error))
    {
      if (error != NULL && *error != NULL && (*error)->domain == HF_ERROR)
        g_prefix_error (error, "The link could not be opened: ");
      return NULL;
    }
  return g_steal_pointer (&owned);
}

static void
set_not_active (GError **error)
{
  g_set_error (error, HF_ERROR, HF_ERROR_NOT_FOUND,
               "The link is no longer active: its server does not know it any more (it may have "
               "been revoked or used up). Nothing was imported.");
}

static void
set_status_error (HfHttpRequest  *request,
                  const char     *what,
                  GError        **error)
{
  g_autoptr(GUri) uri = g_uri_parse (request->url, G_URI_FLAGS_NONE, NULL);

  g_set_error (error, HF_ERROR, HF_ERROR_NETWORK,
               "The link's server (%s) answered %ld to the request for %s. Nothing was imported.",
               uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "?",
               request->status, what);
}

/* A 401's body: {"remainingAttempts": N}. */
static void
set_wrong_passcode (HfHttpRequest  *request,
                    GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  HfJsonProblem problem = { 0 };
  JsonNode *root;
  double remaining = -1;

  if (request->response != NULL && request->response->len > 0 &&
      request->response->len < 64 * 1024 &&
      hf_json_guard_check ((const char *) request->response->data, request->response->len,
                           &problem) &&
      json_parser_load_from_data (parser, (const char *) request->response->data,
                                  request->response->len, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      if (!hf_json_finite_number (json_node_get_object (root), "remainingAttempts", &remaining) ||
          remaining < 0 || remaining > G_MAXINT)
        remaining = -1;
    }
  hf_json_problem_clear (&problem);
  if (remaining < 0)
    g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                 "The passcode is wrong. Nothing was imported.");
  else if (remaining == 0)
    g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                 "The passcode is wrong, and no attempts are left: the link will not open again. "
                 "Nothing was imported.");
  else
    g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                 "The passcode is wrong: %d %s left. Nothing was imported.", (gint) remaining,
                 remaining == 1 ? "attempt is" : "attempts are");
}

/* TEXT as a JSON string, appended to OUT: written here rather than through json-glib so
 * that a passcode is copied only into the request's body, which is wiped when it is freed. */
static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if ((guchar) *p < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void warn (Fetch      *f,
                  const char *format,
                  ...) G_GNUC_PRINTF (2, 3);

static HfShlManifest *
request_manifest (Fetch   *f,
                  GError **error)
{
  g_autoptr(HfHttpRequest) request = hf_http_request_new (f->link->url);
  g_autoptr(HfShlManifest) manifest = NULL;
  GString *body;

  if ((f->link->flags & HF_SHL_FLAG_PASSCODE) &&
      (f->options == NULL || f->options->passcode == NULL))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_AUTH,
                   "The link needs a passcode; ask whoever shared it. Nothing was fetched.");
      return NULL;
    }
  /* A GString grows by reallocating, which would leave copies of the passcode behind: sized
   * for it from the start. */
  body = g_string_sized_new (256 + 6 * (strlen (recipient_of (f)) +
                                        (f->options != NULL && f->options->passcode != NULL
                                         ? hf_secret_get_size (f->options->passcode) : 0)));
  g_string_append (body, "{\"recipient\":");
  append_json_string (body, recipient_of (f));
  if (f->link->flags & HF_SHL_FLAG_PASSCODE)
    {
      g_string_append (body, ",\"passcode\":");
      append_json_string (body, hf_secret_get_string (f->options->passcode));
    }
  g_string_append_printf (body, ",\"embeddedLengthMax\":%d}", HF_SHL_EMBEDDED_LENGTH_MAX);
  request->method = g_strdup ("POST");
  request->body_length = body->len;
  request->body = g_string_free (body, FALSE);
  request->body_type = g_strdup ("application/json");
  request->accept = g_strdup ("application/json");
  request->max_size = HF_SHL_MAX_MANIFEST;
  request = send (f, g_steal_pointer (&request), error);
  if (request == NULL)
    return NULL;
  if (request->status == 401)
    {
      set_wrong_passcode (request, error);
      return NULL;
    }
  if (request->status == 404)
    {
      set_not_active (error);
      return NULL;
    }
  /* A plain static web host (what `export --format shl --dir` writes for) serves the manifest
   * as a file and refuses a POST with 405. Without a passcode there is nothing the request
   * would carry that the file needs, so the manifest is read with a GET instead. */
  if (request->status == 405 && !(f->link->flags & HF_SHL_FLAG_PASSCODE))
    {
      g_clear_pointer (&request, hf_http_request_free);
      request = hf_http_request_new (f->link->url);
      request->accept = g_strdup ("application/json");
      request->max_size = HF_SHL_MAX_MANIFEST;
      request = send (f, g_steal_pointer (&request), error);
      if (request == NULL)
        return NULL;
      if (request->status == 404)
        {
          set_not_active (error);
          return NULL;
        }
      if (request->status == 200)
        warn (f, "The link's server does not take a manifest request (it is a static web "
                 "host); its manifest was read as a file.");
    }
  if (request->status != 200)
    {
      set_status_error (request, "its manifest", error);
      return NULL;
    }
  manifest = hf_shl_manifest_parse ((const char *) request->response->data,
                                    request->response->len, error);
  if (manifest == NULL)
    return NULL;
  if (g_strcmp0 (manifest->status, "no-longer-valid") == 0)
    {
      set_not_active (error);
      return NULL;
    }
  return g_steal_pointer (&manifest);
}

/* GET for a location or a U link. *GONE: the server said 403 or 404 (a location that
 * expired); the caller decides what that means. */
static GBytes *
get_file (Fetch       *f,
          const char  *url,
          const char  *what,
          gboolean    *gone,
          GError     **error)
{
  g_autoptr(HfHttpRequest) request = hf_http_request_new (url);

  *gone = FALSE;
  request->accept = g_strdup ("application/jose");
  request->max_size = HF_SHL_MAX_FILE;
  request = send (f, g_steal_pointer (&request), error);
  if (request == NULL)
    return NULL;
  if (request->status == 403 || request->status == 404)
    {
      *gone = TRUE;
      set_status_error (request, what, error);
      return NULL;
    }
  if (request->status != 200)
    {
      set_status_error (request, what, error);
      return NULL;
    }
  if (request->response == NULL)
    return g_bytes_new (NULL, 0);
  return g_byte_array_free_to_bytes (g_steal_pointer (&request->response));
}

static void
warn (Fetch      *f,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (f->contents->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

/* Decrypts file INDEX (0-based) of TOKEN's bytes, read as CONTENT_TYPE (NULL: as its cty). */
static gboolean
decrypt_file (Fetch       *f,
              guint        index,
              GBytes      *token,
              const char  *content_type,
              GError     **error)
{
  g_autoptr(HfJwe) jwe = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *type = NULL;
  HfShlDocument *doc;
  const char *cty;
  gsize length = 0;
  const char *data = g_bytes_get_data (token, &length);

  /* A file may end in a newline, as a static host serves it. */
  while (length > 0 && g_ascii_isspace (data[length - 1]))
    length--;
  if (length == 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "File %u of the link is empty. Nothing was imported.", index + 1);
      return FALSE;
    }
  jwe = hf_jwe_parse (data, length, &local);
  if (jwe != NULL)
    plain = hf_jwe_decrypt_dir (jwe, f->link->key, HF_SHL_MAX_INFLATED, &local);
  if (plain == NULL)
    {
      HfError code = (local->domain == HF_JOSE_ERROR &&
                      local->code == HF_JOSE_ERROR_DECRYPT_FAILED)
                     ? HF_ERROR_INTEGRITY : HF_ERROR_INVALID_INPUT;

      if (code == HF_ERROR_INTEGRITY)
        g_set_error (error, HF_ERROR, code,
                     "File %u of the link does not decrypt with the link's key: it was changed, "
                     "or it belongs to another link. Nothing was imported.", index + 1);
      else
        g_set_error (error, HF_ERROR, code,
                     "File %u of the link is not a file encrypted as SMART Health Links are: %s "
                     "Nothing was imported.", index + 1, local->message);
      return FALSE;
    }
  cty = hf_jwe_get_cty (jwe);
  if (cty == NULL)
    {
      if (content_type == NULL)
        content_type = "application/fhir+json";
      warn (f, "File %u of the link does not say what it holds in its encryption header "
            "(“cty”); it was read as %s.", index + 1, content_type);
    }
  else if (content_type == NULL)
    content_type = cty;
  else
    {
      g_autofree char *a = media_type (cty);
      g_autofree char *b = media_type (content_type);

      if (strcmp (a, b) != 0)
        warn (f, "File %u of the link says it holds %s in its encryption header but %s in the "
              "manifest; it was read as the manifest says.", index + 1, a, b);
    }
  type = media_type (content_type);
  doc = g_new0 (HfShlDocument, 1);
  doc->bytes = g_steal_pointer (&plain);
  doc->content_type = g_steal_pointer (&type);
  g_ptr_array_add (f->contents->documents, doc);
  return TRUE;
}

static gboolean
fetch_direct (Fetch   *f,
              GError **error)
{
  g_autoptr(GString) url = g_string_new (f->link->url);
  g_autofree char *recipient = g_uri_escape_string (recipient_of (f), NULL, FALSE);
  g_autoptr(GBytes) token = NULL;
  gboolean gone = FALSE;

  g_string_append_c (url, strchr (f->link->url, '?') != NULL ? '&' : '?');
  g_string_append_printf (url, "recipient=%s", recipient);
  token = get_file (f, url->str, "its file", &gone, error);
  if (token == NULL)
    {
      if (gone)
        {
          g_clear_error (error);
          set_not_active (error);
        }
      return FALSE;
    }
  return decrypt_file (f, 0, token, NULL, error);
}

static gboolean
fetch_manifest (Fetch   *f,
                GError **error)
{
  g_autoptr(HfShlManifest) manifest = request_manifest (f, error);
  gboolean asked_again = FALSE;

  if (manifest == NULL)
    return FALSE;
  for (guint i = 0; i < manifest->files->len; i++)
    {
      HfShlFile *file = g_ptr_array_index (manifest->files, i);
      g_autoptr(GBytes) token = NULL;
      g_autofree char *what = g_strdup_printf ("file %u", i + 1);
      gboolean gone = FALSE;

      if (file->embedded != NULL)
        token = g_bytes_new (file->embedded, strlen (file->embedded));
      else
        token = get_file (f, file->location, what, &gone, error);
      if (token == NULL && gone && !asked_again)
        {
          /* Locations are short-lived; a new manifest request gives fresh ones, once. */
          g_autoptr(HfShlManifest) again = NULL;

          g_clear_error (error);
          asked_again = TRUE;
          again = request_manifest (f, error);
          if (again == NULL)
            return FALSE;
          if (again->files->len != manifest->files->len)
            {
              g_set_error (error, HF_ERROR, HF_ERROR_NETWORK,
                           "The link's files changed while they were being fetched (%u files, "
                           "then %u); open the link again. Nothing was imported.",
                           manifest->files->len, again->files->len);
              return FALSE;
            }
          g_clear_pointer (&manifest, hf_shl_manifest_free);
          manifest = g_steal_pointer (&again);
          i--;
          continue;
        }
      if (token == NULL)
        return FALSE;
      if (!decrypt_file (f, i, token, file->content_type, error))
        return FALSE;
    }
  return TRUE;
}

HfShlContents *
hf_shl_fetch (const HfShlLink         *link,
              const HfShlOpenOptions  *options,
              GCancellable            *cancellable,
              GError                 **error)
{
  g_autoptr(HfShlContents) contents = g_new0 (HfShlContents, 1);
  g_autoptr(HfHttp) http = NULL;
  Fetch f = { link, options, NULL, cancellable, NULL };
  gboolean ok;

  g_return_val_if_fail (link != NULL, NULL);

  if (link->version > HF_SHL_VERSION)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link is a version %d SMART Health Link; this Healthfolio opens version "
                   "%d links. Nothing was fetched.", link->version, HF_SHL_VERSION);
      return NULL;
    }
  if (hf_shl_link_is_expired (link, g_get_real_time () / G_USEC_PER_SEC))
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (link->exp);
      g_autofree char *text = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M UTC")
                                           : g_strdup ("?");

      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link expired on %s; ask whoever shared it for a new one. Nothing was "
                   "fetched.", text);
      return NULL;
    }
  http = hf_http_new (options != NULL ? options->ca_file : NULL, error);
  if (http == NULL)
    return NULL;
  contents->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) shl_document_free);
  contents->warnings = g_ptr_array_new_with_free_func (g_free);
  f.http = http;
  f.contents = contents;
  if (link->flags & HF_SHL_FLAG_DIRECT)
    ok = fetch_direct (&f, error);
  else
    ok = fetch_manifest (&f, error);
  if (!ok)
    return NULL;
  return g_steal_pointer (&contents);
}

/* }}} */
/* {{{ importing */

void
hf_shl_import_free (HfShlImport *import)
{
  if (import == NULL)
    return;
  g_clear_pointer (&import->imported, hf_import_result_free);
  g_clear_pointer (&import->warnings, g_ptr_array_unref);
  g_free (import);
}

typedef struct
{
  GArray    *docs;      /* HfImportDocument */
  GPtrArray *names;     /* char *, what docs[].name points at */
  GPtrArray *warnings;
  char      *origin;
  char      *shown;     /* the link as it is named: its label, or its server */
  HfVault   *vault;
  const HfShlOpenOptions *options;
  GPtrArray *cards;     /* HfShcCard *, or NULL for a document that is no card: one per doc */
  GPtrArray *read;      /* GPtrArray * of HfShcCard: what owns them */
} Gather;

/* Once each document is stored, inside its transaction: a card's verification goes with it. */
static gboolean
shl_document_stored (HfVault  *vault,
                     guint     index,
                     gint64    provenance_id,
                     gpointer  user_data,
                     GError  **error)
{
  Gather *g = user_data;
  HfShcCard *card = g_ptr_array_index (g->cards, index);

  return card == NULL || _hf_shc_record_card (vault, provenance_id, card, error);
}

/* The one place a decrypted file of the link becomes documents to import, by its kind. */
static gboolean
shl_file_documents (Gather         *g,
                    guint           index,
                    HfShlDocument  *doc,
                    GError        **error)
{
  if (strcmp (doc->content_type, "application/fhir+json") == 0)
    {
      HfImportDocument d = { 0 };
      char *name = g_strdup_printf ("SMART Health Link %s, file %u", g->shown, index + 1);

      g_ptr_array_add (g->names, name);
      d.bytes = doc->bytes;
      d.name = name;
      d.origin = g->origin;
      g_array_append_val (g->docs, d);
      g_ptr_array_add (g->cards, NULL);
      return TRUE;
    }
  if (strcmp (doc->content_type, "application/smart-health-card") == 0)
    {
      g_autoptr(GError) local_error = NULL;
      GPtrArray *cards;

      cards = hf_shc_read (g->vault, doc->bytes, g->options->offline ? HF_VERIFY_OFFLINE : 0,
                           g->options->ca_file, &local_error);
      if (cards == NULL)
        {
          g_set_error (error, local_error->domain, local_error->code,
                       "File %u of the link is a SMART Health Card that is refused: %s Nothing "
                       "was imported.", index + 1, local_error->message);
          return FALSE;
        }
      g_ptr_array_add (g->read, cards);
      for (guint i = 0; i < cards->len; i++)
        {
          HfShcCard *card = g_ptr_array_index (cards, i);
          HfImportDocument d = { 0 };
          char *name;

          if (card->verdict != HF_VERIFY_VALID && !g->options->allow_unverified)
            {
              g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                           "File %u of the link is a SMART Health Card that could not be "
                           "verified: %s Nothing was imported; to import it marked unverified, "
                           "use --unverified.", index + 1, card->reason);
              return FALSE;
            }
          name = cards->len == 1
                 ? g_strdup_printf ("SMART Health Card from %s (link %s, file %u)", card->iss,
                                    g->shown, index + 1)
                 : g_strdup_printf ("SMART Health Card %u from %s (link %s, file %u)", i + 1,
                                    card->iss, g->shown, index + 1);
          g_ptr_array_add (g->names, name);
          d.bytes = card->bundle;
          d.name = name;
          d.origin = g->origin;
          g_array_append_val (g->docs, d);
          g_ptr_array_add (g->cards, card);
        }
      return TRUE;
    }
  if (strcmp (doc->content_type, "application/smart-api-access") == 0)
    {
      g_ptr_array_add (g->warnings,
                       g_strdup_printf ("File %u of the link gives access to a FHIR server "
                                        "(application/smart-api-access), which is not supported "
                                        "yet; it was left out.", index + 1));
      return TRUE;
    }
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
               "File %u of the link holds %s, which Healthfolio cannot import. Nothing was "
               "imported.", index + 1, doc->content_type);
  return FALSE;
}

gboolean
hf_shl_import (HfVault                 *vault,
               const HfShlLink         *link,
               const HfShlOpenOptions  *options,
               const HfImportOptions   *import_options,
               GCancellable            *cancellable,
               HfShlImport            **out,
               GError                 **error)
{
  g_autoptr(HfShlContents) contents = NULL;
  g_autoptr(HfImportResult) imported = NULL;
  g_autoptr(HfShlImport) result = g_new0 (HfShlImport, 1);
  g_autoptr(GArray) docs = g_array_new (FALSE, TRUE, sizeof (HfImportDocument));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(GPtrArray) read = NULL;
  static const HfShlOpenOptions no_options = { 0 };
  Gather g;

  g_return_val_if_fail (vault != NULL, FALSE);
  g_return_val_if_fail (link != NULL, FALSE);

  if (options == NULL)
    options = &no_options;

  contents = hf_shl_fetch (link, options, cancellable, error);
  if (contents == NULL)
    return FALSE;
  result->warnings = g_steal_pointer (&contents->warnings);
  result->requests = contents->requests;
  result->files = contents->documents->len;
  uri = g_uri_parse (link->url, G_URI_FLAGS_NONE, NULL);
  if (link->label != NULL)
    shown = g_strdup_printf ("“%s”", link->label);
  else
    shown = g_strdup_printf ("from %s", uri != NULL && g_uri_get_host (uri) != NULL
                                        ? g_uri_get_host (uri) : link->url);
  cards = g_ptr_array_new ();
  read = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g = (Gather) { docs, names, result->warnings, link->url, shown, vault, options, cards, read };
  for (guint i = 0; i < contents->documents->len; i++)
    if (!shl_file_documents (&g, i, g_ptr_array_index (contents->documents, i), error))
      return FALSE;
  if (docs->len == 0)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The link holds nothing Healthfolio can import (%u file%s left out). Nothing "
                   "was imported.", contents->documents->len,
                   contents->documents->len == 1 ? "" : "s");
      return FALSE;
    }
  if (!hf_vault_import_documents (vault, (const HfImportDocument *) (void *) docs->data,
                                  docs->len, import_options, shl_document_stored, &g,
                                  cancellable, &imported, error))
    {
      if (error != NULL && *error != NULL && !strstr ((*error)->message, "Nothing was imported"))
        g_prefix_error (error, "Nothing was imported from the link: ");
      return FALSE;
    }
  result->imported = g_steal_pointer (&imported);
  if (out != NULL)
    *out = g_steal_pointer (&result);
  return TRUE;
}

/* }}} */
