/* hf-shc.c — reading SMART Health Cards: checking them and importing their Bundles
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every input is taken apart before anything is believed: the form first (file, shc:/ text,
 * chunks, JWS), then the JWS header (hf-jose's policy and "zip": "DEF"), then the payload
 * inflated under HF_SHC_MAX_PAYLOAD and checked, and only then the issuer's key (which may
 * mean a fetch) and its revocation list. A revocation list is kept in trust_crl: by hand
 * (`trust add-crl`), or fetched and kept for as long as its "ctr" is the key's "crlVersion".
 */

#include "hf-shc-private.h"

#include <string.h>

#include "hf-deflate.h"
#include "hf-error.h"
#include "hf-http.h"
#include "hf-jose.h"
#include "hf-json-guard.h"
#include "hf-json-util.h"
#include "hf-jwks.h"
#include "hf-qr-image.h"
#include "hf-shc-numeric.h"
#include "hf-trust-private.h"
#include "hf-vault-private.h"

G_DEFINE_QUARK (hf-shc-error-quark, hf_shc_error)

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HfJsonProblem, hf_json_problem_clear)

HfError
hf_shc_error_to_hf (const GError *error)
{
  if (error == NULL)
    return HF_ERROR_FAILED;
  if (error->domain == HF_ERROR)
    return (HfError) error->code;
  if (error->domain != HF_SHC_ERROR)
    return HF_ERROR_FAILED;
  switch ((HfShcError) error->code)
    {
    case HF_SHC_ERROR_KEY:
    case HF_SHC_ERROR_SIGNATURE:
    case HF_SHC_ERROR_REVOKED:
    case HF_SHC_ERROR_EXPIRED:
    case HF_SHC_ERROR_NOT_YET_VALID:
      return HF_ERROR_INTEGRITY;
    default:
      return HF_ERROR_INVALID_INPUT;
    }
}

/* {{{ schema */

gboolean
_hf_shc_migrate_v12 (sqlite3  *db,
                     GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE trust_crl ("
    "  iss        TEXT NOT NULL,"
    "  kid        TEXT NOT NULL,"
    "  ctr        INTEGER NOT NULL,"
    "  crl        TEXT NOT NULL,"                 /* the list as received */
    "  how        TEXT NOT NULL CHECK (how IN ('hand', 'fetched', 'directory')),"
    "  added_by   TEXT,"                          /* hand: the member */
    "  at         INTEGER NOT NULL,"              /* µs since the epoch, UTC */
    "  PRIMARY KEY (iss, kid)"
    ");"
    "CREATE TABLE trust_directory ("
    "  iss         TEXT PRIMARY KEY,"
    "  name        TEXT,"
    "  jwks        TEXT,"                         /* the keys the directory lists, or NULL */
    "  directory   TEXT NOT NULL,"                /* what it was imported from */
    "  imported_by TEXT NOT NULL,"
    "  imported_at INTEGER NOT NULL"
    ");"
    /* A card's facts on the signed import's row: its types and how revocation was checked. */
    "ALTER TABLE import_signature ADD COLUMN card_types TEXT;"
    "ALTER TABLE import_signature ADD COLUMN revocation TEXT;",
    error);
}

/* }}} */

void
hf_shc_card_free (HfShcCard *card)
{
  if (card == NULL)
    return;
  g_free (card->jws);
  g_free (card->iss);
  g_free (card->kid);
  g_strfreev (card->types);
  g_free (card->fhir_version);
  g_free (card->rid);
  hf_trust_source_clear (&card->trust);
  g_free (card->reason);
  g_free (card->revocation);
  g_clear_pointer (&card->bundle, g_bytes_unref);
  g_free (card->token_sha256);
  g_free (card);
}

char *
hf_shc_card_dup_types (const HfShcCard *card)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; card->types != NULL && card->types[i] != NULL; i++)
    {
      const char *hash = strrchr (card->types[i], '#');

      if (s->len > 0)
        g_string_append (s, ", ");
      g_string_append (s, hash != NULL && hash[1] != '\0' ? hash + 1 : card->types[i]);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

HfShcForm
hf_shc_sniff (const guint8 *data,
              gsize         length)
{
  static const guint8 png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize i = 0;

  if (length >= 8 && memcmp (data, png, 8) == 0)
    return HF_SHC_FORM_PNG;
  if (length >= 5 && g_ascii_strncasecmp ((const char *) data, "shc:/", 5) == 0)
    return HF_SHC_FORM_TEXT;
  while (i < length && g_ascii_isspace (data[i]))
    i++;
  if (i < length && data[i] == '{')
    {
      /* Only the start is looked at: the member's name must come early. */
      gsize n = MIN (length - i, 4096);

      if (g_strstr_len ((const char *) data + i, (gssize) n, "\"verifiableCredential\"") != NULL)
        return HF_SHC_FORM_FILE;
      return HF_SHC_FORM_NONE;
    }
  if (i == 0 && length > 0 && (g_ascii_isalnum (data[0]) || data[0] == '-' || data[0] == '_'))
    {
      guint dots = 0;

      for (gsize j = 0; j < length && data[j] != '\n' && data[j] != '\r'; j++)
        {
          if (data[j] == '.')
            dots++;
          else if (!g_ascii_isalnum (data[j]) && data[j] != '-' && data[j] != '_')
            return HF_SHC_FORM_NONE;
        }
      return dots == 2 ? HF_SHC_FORM_JWS : HF_SHC_FORM_NONE;
    }
  return HF_SHC_FORM_NONE;
}

/* {{{ forms */

/* LENGTH without one final line break ("\n" or "\r\n"): a file's last line. Any other white
 * space around a card is a fault of its own (the spec's "trailing characters" vectors). */
static gsize
without_newline (const guint8 *data,
                 gsize         length)
{
  if (length > 0 && data[length - 1] == '\n')
    {
      length--;
      if (length > 0 && data[length - 1] == '\r')
        length--;
    }
  return length;
}

static gboolean
check_jws_text (const char  *text,
                gsize        length,
                GError     **error)
{
  guint dots = 0;

  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '.')
        dots++;
      else if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
        {
          g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_MALFORMED,
                       "The card's JWS has a character that is not base64url or a dot at "
                       "offset %" G_GSIZE_FORMAT " (white space or trailing characters are "
                       "not allowed).", i);
          return FALSE;
        }
    }
  if (dots != 2)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_MALFORMED,
                   "The card is not a compact JWS: it has %u parts, and a JWS has 3.", dots + 1);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  guint  index;      /* 1-based; 0 for a single QR */
  guint  total;
  char  *jws_part;
} Chunk;

static void
chunk_clear (gpointer p)
{
  g_free (((Chunk *) p)->jws_part);
}

/* One shc:/ text: "shc:/" then "N/M/" for a legacy chunk, then the digits. */
static gboolean
parse_text (const char  *text,
            gsize        length,
            Chunk       *chunk,
            GError     **error)
{
  const char *p = text + 5;
  const char *end = text + length;
  g_autoptr(GError) local = NULL;

  if (length < 5 || strncmp (text, "shc:/", 5) != 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_MALFORMED,
                           "The QR text does not start with “shc:/”, so it is not a SMART "
                           "Health Card.");
      return FALSE;
    }
  chunk->index = chunk->total = 0;
  {
    /* "N/M/": each a number of 1 or 2 digits without a leading zero. */
    const char *q = p;
    guint numbers[2] = { 0, 0 };
    guint k;

    for (k = 0; k < 2; k++)
      {
        const char *start = q;

        while (q < end && g_ascii_isdigit (*q) && q - start < 3)
          q++;
        if (q == start || q >= end || *q != '/' || q - start > 2 || *start == '0')
          break;
        numbers[k] = (guint) g_ascii_strtoull (start, NULL, 10);
        q++;
      }
    if (k == 2)
      {
        chunk->index = numbers[0];
        chunk->total = numbers[1];
        p = q;
        if (chunk->total < 2 || chunk->index < 1 || chunk->index > chunk->total ||
            chunk->total > HF_SHC_MAX_CHUNKS)
          {
            g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS,
                         "The QR chunk header “%u/%u” is out of range: a legacy card has 2 to "
                         "%u chunks, numbered from 1, and one QR code has no header.",
                         chunk->index, chunk->total, HF_SHC_MAX_CHUNKS);
            return FALSE;
          }
      }
    else if (k == 1)
      {
        g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS,
                             "The QR chunk header is incomplete: a legacy chunk starts with "
                             "“shc:/N/M/”.");
        return FALSE;
      }
  }
  chunk->jws_part = hf_shc_numeric_decode (p, end - p, &local);
  if (chunk->jws_part == NULL)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_NUMERIC, local->message);
      return FALSE;
    }
  if (chunk->total > 0 && strlen (chunk->jws_part) > HF_SHC_MAX_CHUNK_JWS)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS,
                   "QR chunk %u of %u is too big: it carries %" G_GSIZE_FORMAT " characters of "
                   "the card, and a chunk may carry at most %d.", chunk->index, chunk->total,
                   strlen (chunk->jws_part), HF_SHC_MAX_CHUNK_JWS);
      return FALSE;
    }
  return TRUE;
}

/* The JWS of a .smart-health-card file. */
static gboolean
parse_file (const char  *text,
            gsize        length,
            GPtrArray   *out,
            GError     **error)
{
  g_auto(HfJsonProblem) problem = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonArray *list;

  if (!hf_json_guard_check (text, length, &problem) ||
      !json_parser_load_from_data (parser, text, (gssize) length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_MALFORMED,
                   "The SMART Health Card file is not one JSON object%s%s.",
                   problem.reason != NULL ? ": " : "",
                   problem.reason != NULL ? problem.reason : "");
      return FALSE;
    }
  list = hf_json_array (json_node_get_object (root), "verifiableCredential");
  if (list == NULL || json_array_get_length (list) == 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_MALFORMED,
                           "The SMART Health Card file has no “verifiableCredential” list of "
                           "cards.");
      return FALSE;
    }
  if (json_array_get_length (list) > HF_SHC_MAX_CARDS)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_TOO_LARGE,
                   "The SMART Health Card file holds %u cards; Healthfolio reads at most %d at "
                   "once.", json_array_get_length (list), HF_SHC_MAX_CARDS);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);
      const char *jws;

      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        {
          g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_MALFORMED,
                       "Card %u of the file is not a JWS string.", i + 1);
          return FALSE;
        }
      jws = json_node_get_string (n);
      if (!check_jws_text (jws, strlen (jws), error))
        {
          g_prefix_error (error, "Card %u of the file: ", i + 1);
          return FALSE;
        }
      g_ptr_array_add (out, g_strdup (jws));
    }
  return TRUE;
}

/* Puts the chunks of one legacy card together: all of 1..M, each once, one M. */
static char *
join_chunks (GArray  *chunks,
             GError **error)
{
  guint total = g_array_index (chunks, Chunk, 0).total;
  g_autofree const char **parts = NULL;
  g_autoptr(GString) jws = g_string_new (NULL);

  if (chunks->len > HF_SHC_MAX_CHUNKS)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS,
                   "%u QR chunks were given; a legacy card has at most %d.", chunks->len,
                   HF_SHC_MAX_CHUNKS);
      return NULL;
    }
  parts = g_new0 (const char *, total + 1);
  for (guint i = 0; i < chunks->len; i++)
    {
      Chunk *c = &g_array_index (chunks, Chunk, i);

      if (c->total == 0)
        {
          g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS,
                               "A whole card's QR text was given with the chunks of a legacy "
                               "card; give each card on its own.");
          return NULL;
        }
      if (c->total != total)
        {
          g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS,
                       "The QR chunks are of different cards: one says it is one of %u, "
                       "another one of %u.", total, c->total);
          return NULL;
        }
      if (parts[c->index - 1] != NULL)
        {
          g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS,
                       "QR chunk %u of %u was given twice.", c->index, total);
          return NULL;
        }
      parts[c->index - 1] = c->jws_part;
    }
  for (guint i = 0; i < total; i++)
    {
      if (parts[i] == NULL)
        {
          g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS,
                       "QR chunk %u of %u is missing; scan every QR code of the card.", i + 1,
                       total);
          return NULL;
        }
      g_string_append (jws, parts[i]);
    }
  if (!check_jws_text (jws->str, jws->len, error))
    return NULL;
  return g_string_free (g_steal_pointer (&jws), FALSE);
}

GPtrArray *
hf_shc_decode_inputs (GBytes * const *inputs,
                      guint           n,
                      GError        **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) chunks = g_array_new (FALSE, TRUE, sizeof (Chunk));

  g_array_set_clear_func (chunks, chunk_clear);
  if (n == 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_MALFORMED, "No card was given.");
      return NULL;
    }
  if (n > HF_SHC_MAX_CHUNKS)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_TOO_LARGE,
                   "%u inputs were given; Healthfolio reads at most %d at once.", n,
                   HF_SHC_MAX_CHUNKS);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (inputs[i], &length);

      if (length > HF_SHC_MAX_INPUT)
        {
          g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_TOO_LARGE,
                       "The card is %" G_GSIZE_FORMAT " bytes; Healthfolio reads cards of at "
                       "most %d MiB.", length, HF_SHC_MAX_INPUT >> 20);
          return NULL;
        }
      switch (hf_shc_sniff (data, length))
        {
        case HF_SHC_FORM_FILE:
          if (!parse_file ((const char *) data, length, out, error))
            return NULL;
          break;
        case HF_SHC_FORM_TEXT:
          {
            Chunk c = { 0 };
            gsize l = without_newline (data, length);

            if (memchr (data, '\0', l) != NULL)
              {
                g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_NUMERIC,
                                     "The QR text holds a NUL character.");
                return NULL;
              }
            if (!parse_text ((const char *) data, l, &c, error))
              {
                g_free (c.jws_part);
                return NULL;
              }
            if (c.total == 0)
              {
                if (!check_jws_text (c.jws_part, strlen (c.jws_part), error))
                  {
                    g_free (c.jws_part);
                    return NULL;
                  }
                g_ptr_array_add (out, c.jws_part);
              }
            else
              g_array_append_val (chunks, c);
          }
          break;
        case HF_SHC_FORM_JWS:
          {
            gsize l = without_newline (data, length);

            if (!check_jws_text ((const char *) data, l, error))
              return NULL;
            g_ptr_array_add (out, g_strndup ((const char *) data, l));
          }
          break;
        case HF_SHC_FORM_PNG:
          g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_MALFORMED,
                               "The card is an image; its QR code must be read first.");
          return NULL;
        case HF_SHC_FORM_NONE:
        default:
          g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_MALFORMED,
                               "This is not a SMART Health Card: not a .smart-health-card file, "
                               "“shc:/” text, a JWS or a QR code image.");
          return NULL;
        }
    }
  if (chunks->len > 0)
    {
      char *jws;

      if (out->len > 0)
        {
          g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_CHUNKS,
                               "The chunks of a legacy card were given with other cards; give "
                               "each card on its own.");
          return NULL;
        }
      jws = join_chunks (chunks, error);
      if (jws == NULL)
        return NULL;
      g_ptr_array_add (out, jws);
    }
  return g_steal_pointer (&out);
}

/* }}} */
/* {{{ payload */

/* Just past the JSON value at P (TEXT passed the guard, so it is well formed). */
static const char *
skip_value (const char *p,
            const char *end)
{
  guint depth = 0;

  do
    {
      while (p < end && g_ascii_isspace (*p))
        p++;
      if (p >= end)
        return end;
      if (*p == '"')
        p = hf_json_skip_string (p, end);
      else if (*p == '{' || *p == '[')
        {
          depth++;
          p++;
        }
      else if (*p == '}' || *p == ']')
        {
          depth--;
          p++;
        }
      else if (*p == ',' || *p == ':')
        p++;
      else
        while (p < end && !g_ascii_isspace (*p) && *p != ',' && *p != '}' && *p != ']')
          p++;
    }
  while (depth > 0 && p < end);
  return p;
}

/* The span of member KEY's value in the object at *P…END; FALSE if it has none. Only the
 * object's own members are looked at; the last one wins, as json-glib's does. */
static gboolean
member_span (const char  *p,
             const char  *end,
             const char  *key,
             const char **out_start,
             const char **out_end)
{
  gsize key_length = strlen (key);
  gboolean found = FALSE;

  while (p < end && g_ascii_isspace (*p))
    p++;
  if (p >= end || *p != '{')
    return FALSE;
  p++;
  for (;;)
    {
      const char *name, *name_end, *value;

      while (p < end && (g_ascii_isspace (*p) || *p == ','))
        p++;
      if (p >= end || *p != '"')
        break;
      name = p;
      name_end = hf_json_skip_string (p, end);
      p = name_end;
      while (p < end && (g_ascii_isspace (*p) || *p == ':'))
        p++;
      value = p;
      p = skip_value (p, end);
      /* Member names here are plain ASCII: an escaped name is not the one asked for. */
      if ((gsize) (name_end - name) == key_length + 2 && memcmp (name + 1, key, key_length) == 0)
        {
          *out_start = value;
          *out_end = p;
          found = TRUE;
        }
    }
  return found;
}

/* The exact bytes of vc.credentialSubject.fhirBundle in PAYLOAD (which passed the guard), so
 * that its numbers are stored as the issuer wrote them (6.30 stays 6.30). */
static GBytes *
bundle_bytes (const char *payload,
              gsize       length)
{
  const char *end = payload + length;
  const char *a, *b;

  if (!member_span (payload, end, "vc", &a, &b) ||
      !member_span (a, b, "credentialSubject", &a, &b) ||
      !member_span (a, b, "fhirBundle", &a, &b))
    return NULL;
  return g_bytes_new (a, b - a);
}

static char *
shown (const char *s)
{
  return g_utf8_make_valid (s, MIN (strlen (s), 200));
}

gboolean
hf_shc_check_payload (const guint8 *payload,
                      gsize         length,
                      HfShcCard    *card,
                      GError      **error)
{
  g_auto(HfJsonProblem) problem = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *o, *vc, *subject, *bundle;
  JsonArray *types, *entries;
  JsonNode *nbf_node, *exp_node;
  const char *iss;
  gboolean health_card = FALSE;
  g_autoptr(GStrvBuilder) tb = g_strv_builder_new ();
  g_autoptr(JsonGenerator) gen = NULL;
  g_autoptr(JsonNode) bundle_node = NULL;
  char *text;
  gsize text_length;

  if (length >= 3 && memcmp (payload, "\xef\xbb\xbf", 3) == 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_PAYLOAD,
                           "The card's payload starts with a byte order mark (BOM); a card's "
                           "JSON may not.");
      return FALSE;
    }
  if (!hf_json_guard_check ((const char *) payload, length, &problem) ||
      !json_parser_load_from_data (parser, (const char *) payload, (gssize) length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_PAYLOAD,
                   "The card's payload is not one JSON object%s%s.",
                   problem.reason != NULL ? ": " : "",
                   problem.reason != NULL ? problem.reason : "");
      return FALSE;
    }
  o = json_node_get_object (root);
  iss = hf_json_string (o, "iss");
  if (iss == NULL)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_PAYLOAD,
                           "The card does not say who issued it (no “iss”).");
      return FALSE;
    }
  if (g_str_has_suffix (iss, "/"))
    {
      g_autofree char *s = shown (iss);
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_ISSUER,
                   "The card's issuer “%s” ends with a trailing “/”, which the SMART Health "
                   "Cards framework forbids.", s);
      return FALSE;
    }
  /* Written "https://" exactly: "iss" is compared as a string, with the trust store's. */
  if (!g_str_has_prefix (iss, "https://") || !hf_trust_check_iss (iss, NULL))
    {
      g_autofree char *s = shown (iss);
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_ISSUER,
                   "The card's issuer “%s” is not an https address (“https://…”).", s);
      return FALSE;
    }
  nbf_node = json_object_get_member (o, "nbf");
  if (nbf_node == NULL || !JSON_NODE_HOLDS_VALUE (nbf_node) ||
      (json_node_get_value_type (nbf_node) != G_TYPE_INT64 &&
       json_node_get_value_type (nbf_node) != G_TYPE_DOUBLE) ||
      !hf_json_finite_number (o, "nbf", &card->nbf) || card->nbf <= 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_PAYLOAD,
                           "The card does not say when it was issued (no numeric “nbf”).");
      return FALSE;
    }
  card->exp = 0;
  exp_node = json_object_get_member (o, "exp");
  if (exp_node != NULL &&
      (!JSON_NODE_HOLDS_VALUE (exp_node) ||
       (json_node_get_value_type (exp_node) != G_TYPE_INT64 &&
        json_node_get_value_type (exp_node) != G_TYPE_DOUBLE) ||
       !hf_json_finite_number (o, "exp", &card->exp) || card->exp <= 0))
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_PAYLOAD,
                           "The card's “exp” is not a time (seconds since 1970).");
      return FALSE;
    }
  vc = hf_json_object (o, "vc");
  if (vc == NULL)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_NOT_HEALTH_CARD,
                           "The payload is not a health card: it has no verifiable credential "
                           "(“vc”).");
      return FALSE;
    }
  types = hf_json_array (vc, "type");
  for (guint i = 0; types != NULL && i < json_array_get_length (types) && i < 32; i++)
    {
      JsonNode *t = json_array_get_element (types, i);

      if (JSON_NODE_HOLDS_VALUE (t) && json_node_get_value_type (t) == G_TYPE_STRING)
        {
          const char *s = json_node_get_string (t);

          g_strv_builder_add (tb, s);
          health_card |= g_str_equal (s, HF_SHC_TYPE_HEALTH_CARD);
        }
    }
  if (!health_card)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_NOT_HEALTH_CARD,
                           "The payload is not a health card: its “vc.type” does not include "
                           "“" HF_SHC_TYPE_HEALTH_CARD "”.");
      return FALSE;
    }
  subject = hf_json_object (vc, "credentialSubject");
  if (subject == NULL || hf_json_string (subject, "fhirVersion") == NULL)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_NOT_HEALTH_CARD,
                           "The health card does not say which FHIR version it holds (no "
                           "“credentialSubject.fhirVersion”).");
      return FALSE;
    }
  bundle = hf_json_object (subject, "fhirBundle");
  if (bundle == NULL || g_strcmp0 (hf_json_string (bundle, "resourceType"), "Bundle") != 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_NOT_HEALTH_CARD,
                           "The health card holds no FHIR Bundle (“credentialSubject."
                           "fhirBundle”).");
      return FALSE;
    }
  entries = hf_json_array (bundle, "entry");
  if (hf_json_string (vc, "rid") != NULL)
    {
      const char *rid = hf_json_string (vc, "rid");

      if (strlen (rid) == 0 || strlen (rid) > 64 || strchr (rid, '.') != NULL)
        {
          g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_PAYLOAD,
                               "The card's revocation identifier (“rid”) is not one: at most "
                               "64 characters without a dot.");
          return FALSE;
        }
      card->rid = g_strdup (rid);
    }
  card->iss = g_strdup (iss);
  card->types = g_strv_builder_end (tb);
  card->fhir_version = g_strdup (hf_json_string (subject, "fhirVersion"));
  card->entries = entries != NULL ? json_array_get_length (entries) : 0;
  card->bundle = bundle_bytes ((const char *) payload, length);
  if (card->bundle == NULL)
    {
      /* A member name written with escapes: serialized again rather than lost. */
      bundle_node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (bundle_node, bundle);
      gen = json_generator_new ();
      json_generator_set_root (gen, bundle_node);
      text = json_generator_to_data (gen, &text_length);
      card->bundle = g_bytes_new_take (text, text_length);
    }
  return TRUE;
}

/* }}} */
/* {{{ keys and revocation */

/* The raw JWK with KID in the key set text JWKS, or NULL. */
static JsonObject *
raw_jwk (JsonParser *parser,
         const char *jwks,
         const char *kid)
{
  JsonNode *root;
  JsonArray *keys;

  if (jwks == NULL || !json_parser_load_from_data (parser, jwks, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  keys = hf_json_array (json_node_get_object (root), "keys");
  for (guint i = 0; keys != NULL && i < json_array_get_length (keys); i++)
    {
      JsonNode *n = json_array_get_element (keys, i);

      if (JSON_NODE_HOLDS_OBJECT (n) &&
          g_strcmp0 (hf_json_string (json_node_get_object (n), "kid"), kid) == 0)
        return json_node_get_object (n);
    }
  return NULL;
}

gboolean
hf_shc_check_issuer_key (JsonObject   *jwk,
                         gint64       *crl_version,
                         GError      **error)
{
  const char *kid = hf_json_string (jwk, "kid");
  g_autoptr(HfJoseKey) key = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *thumbprint = NULL;
  g_autofree char *shown_kid = kid != NULL ? shown (kid) : g_strdup ("(none)");
  JsonNode *v;

  if (crl_version != NULL)
    *crl_version = 0;
  if (g_strcmp0 (hf_json_string (jwk, "kty"), "EC") != 0 ||
      g_strcmp0 (hf_json_string (jwk, "crv"), "P-256") != 0)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_KEY,
                   "The key “%s” is not an EC key on P-256 (its “kty” and “crv”), as a SMART "
                   "Health Card issuer's key must be.", shown_kid);
      return FALSE;
    }
  if (g_strcmp0 (hf_json_string (jwk, "use"), "sig") != 0 ||
      g_strcmp0 (hf_json_string (jwk, "alg"), "ES256") != 0)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_KEY,
                   "The key “%s” is not marked “use”: “sig” and “alg”: “ES256”, as a SMART "
                   "Health Card issuer's key must be.", shown_kid);
      return FALSE;
    }
  if (json_object_has_member (jwk, "d"))
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_KEY,
                   "The key “%s” has its private part (“d”); an issuer publishes only its "
                   "public keys.", shown_kid);
      return FALSE;
    }
  key = hf_jose_key_new_from_jwk (jwk, &local);
  if (key == NULL)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_KEY, "The key “%s” is not usable: %s",
                   shown_kid, local->message);
      return FALSE;
    }
  thumbprint = hf_jose_key_dup_thumbprint (key);
  if (g_strcmp0 (kid, thumbprint) != 0)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_KEY,
                   "The key “%s” is not named by its thumbprint (RFC 7638, “%s”), as the SMART "
                   "Health Cards framework requires.", shown_kid, thumbprint);
      return FALSE;
    }
  v = json_object_get_member (jwk, "crlVersion");
  if (v != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_INT64 ||
          json_node_get_int (v) < 1)
        {
          g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_KEY,
                       "The key “%s” has a “crlVersion” that is not a whole number from 1.",
                       shown_kid);
          return FALSE;
        }
      if (crl_version != NULL)
        *crl_version = json_node_get_int (v);
    }
  return TRUE;
}

typedef struct
{
  gint64  ctr;
  char   *text;
  char   *how;
  gint64  at;
} Crl;

static void
crl_clear (Crl *crl)
{
  g_clear_pointer (&crl->text, g_free);
  g_clear_pointer (&crl->how, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Crl, crl_clear)

/* Checks TEXT as KID's revocation list; *CTR its counter. */
static gboolean
check_crl (const char  *text,
           gsize        length,
           const char  *kid,
           gint64      *ctr,
           GError     **error)
{
  g_auto(HfJsonProblem) problem = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *o;
  JsonArray *rids;
  JsonNode *ctr_node;

  if (length > HF_SHC_CRL_MAX || !hf_json_guard_check (text, length, &problem) ||
      !json_parser_load_from_data (parser, text, (gssize) length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_CRL,
                           "The revocation list is not one JSON object (of at most 1 MiB).");
      return FALSE;
    }
  o = json_node_get_object (root);
  if (g_strcmp0 (hf_json_string (o, "kid"), kid) != 0)
    {
      g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CRL,
                   "The revocation list is not the one of key “%s”.", kid);
      return FALSE;
    }
  if (g_strcmp0 (hf_json_string (o, "method"), "rid") != 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_CRL,
                           "The revocation list's “method” is not “rid”, the only one the "
                           "framework defines.");
      return FALSE;
    }
  ctr_node = json_object_get_member (o, "ctr");
  if (ctr_node == NULL || !JSON_NODE_HOLDS_VALUE (ctr_node) ||
      json_node_get_value_type (ctr_node) != G_TYPE_INT64 || json_node_get_int (ctr_node) < 1)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_CRL,
                           "The revocation list has no counter (“ctr”, a whole number from 1).");
      return FALSE;
    }
  rids = hf_json_array (o, "rids");
  if (rids == NULL)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_CRL,
                           "The revocation list has no “rids” list.");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (rids); i++)
    {
      JsonNode *n = json_array_get_element (rids, i);

      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        {
          g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_CRL,
                       "Entry %u of the revocation list is not a string.", i + 1);
          return FALSE;
        }
    }
  *ctr = json_node_get_int (ctr_node);
  return TRUE;
}

/* Whether RID (with NBF) is in the list TEXT: "rid" always, "rid.T" when NBF is before T. */
static gboolean
crl_lists (const char *text,
           const char *rid,
           gdouble     nbf,
           gint64     *revoked_at)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonArray *rids;
  gsize rid_length = strlen (rid);

  *revoked_at = 0;
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    return FALSE;
  rids = hf_json_array (json_node_get_object (json_parser_get_root (parser)), "rids");
  for (guint i = 0; rids != NULL && i < json_array_get_length (rids); i++)
    {
      const char *entry = json_array_get_string_element (rids, i);

      if (entry == NULL || strncmp (entry, rid, rid_length) != 0)
        continue;
      if (entry[rid_length] == '\0')
        return TRUE;
      if (entry[rid_length] == '.')
        {
          const char *t = entry + rid_length + 1;
          char *end = NULL;
          guint64 when;

          if (!g_ascii_isdigit (*t))
            continue;
          when = g_ascii_strtoull (t, &end, 10);
          if (*end != '\0' || when > G_MAXINT64)
            continue;
          if (nbf < (gdouble) when)
            {
              *revoked_at = (gint64) when;
              return TRUE;
            }
        }
    }
  return FALSE;
}

static gboolean
crl_load (sqlite3     *db,
          const char  *iss,
          const char  *kid,
          Crl         *crl,
          GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT ctr, crl, how, at FROM trust_crl WHERE iss = ? AND "
                               "kid = ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _hf_db_fail (db, rc, "reading the revocation lists", error);
  sqlite3_bind_text (stmt, 1, iss, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kid, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      crl->ctr = sqlite3_column_int64 (stmt, 0);
      crl->text = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      crl->how = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      crl->at = sqlite3_column_int64 (stmt, 3);
      rc = SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading the revocation lists", error);
  return TRUE;
}

static gboolean
crl_store (sqlite3     *db,
           const char  *iss,
           const char  *kid,
           gint64       ctr,
           const char  *text,
           gsize        length,
           const char  *added_by,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* A fetched list never replaces one added by hand. */
  rc = sqlite3_prepare_v2 (db, added_by != NULL && g_str_has_prefix (added_by, "directory ")
                               ? "INSERT INTO trust_crl (iss, kid, ctr, crl, how, added_by, at) "
                                 "VALUES (?, ?, ?, ?, 'directory', ?, ?) ON CONFLICT (iss, kid) "
                                 "DO UPDATE SET ctr = excluded.ctr, crl = excluded.crl, "
                                 "how = 'directory', added_by = excluded.added_by, "
                                 "at = excluded.at WHERE how != 'hand'"
                               : added_by != NULL
                               ? "INSERT OR REPLACE INTO trust_crl (iss, kid, ctr, crl, how, "
                                 "added_by, at) VALUES (?, ?, ?, ?, 'hand', ?, ?)"
                               : "INSERT INTO trust_crl (iss, kid, ctr, crl, how, added_by, at) "
                                 "VALUES (?, ?, ?, ?, 'fetched', ?, ?) ON CONFLICT (iss, kid) "
                                 "DO UPDATE SET ctr = excluded.ctr, crl = excluded.crl, "
                                 "how = 'fetched', added_by = NULL, at = excluded.at "
                                 "WHERE how != 'hand'", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, iss, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, kid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, ctr);
      sqlite3_bind_text (stmt, 4, text, (int) length, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, added_by, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "keeping a revocation list", error);
  return TRUE;
}

gboolean
hf_shc_add_crl (HfVault     *vault,
                const char  *iss,
                const char  *kid,
                const char  *crl,
                gsize        length,
                GError     **error)
{
  sqlite3 *db;
  gint64 ctr = 0;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_MANAGE, "add a revocation list", error) ||
      !hf_trust_check_iss (iss, error))
    return FALSE;
  if (!check_crl (crl, length, kid, &ctr, error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return FALSE;
  detail = g_strdup_printf ("%s, key %s, list %" G_GINT64_FORMAT ", by hand", iss, kid, ctr);
  if (!crl_store (db, iss, kid, ctr, crl, length, hf_vault_get_member_name (vault), error) ||
      !_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "trust-add-crl", detail, error))
    {
      _hf_db_rollback (db);
      return FALSE;
    }
  return _hf_db_commit (db, error);
}

/* ISS's list for KID, at least CRL_VERSION: stored, else fetched. FALSE and ERROR
 * (HF_ERROR_NETWORK, _NOT_PERMITTED) when there is none to be had. */
static gboolean
crl_get (HfVault      *vault,
         const char   *iss,
         const char   *kid,
         gint64        crl_version,
         HfVerifyFlags flags,
         const char   *extra_ca_file,
         Crl          *crl,
         GError      **error)
{
  sqlite3 *db = _hf_vault_get_db (vault);
  g_autoptr(HfHttp) http = NULL;
  g_autoptr(HfHttpRequest) request = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *url = NULL;
  const char *text;
  gsize length;
  gint64 ctr = 0;

  if (!crl_load (db, iss, kid, crl, error))
    return FALSE;
  /* One added by hand is the member's word; a fetched one or a directory's is used while it is
   * the key's version, and fetched again when the key says there is a newer one. */
  if (crl->text != NULL && (crl->ctr >= crl_version || g_str_equal (crl->how, "hand")))
    return TRUE;
  if (flags & HF_VERIFY_OFFLINE)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "%s publishes a revocation list for key “%s” (version %" G_GINT64_FORMAT
                   "), which the vault does not have, and Healthfolio was told not to fetch it "
                   "(offline); the card cannot be checked for revocation.", iss, kid,
                   crl_version);
      return FALSE;
    }
  url = g_strconcat (iss, "/.well-known/crl/", kid, ".json", NULL);
  http = hf_http_new (extra_ca_file, error);
  if (http == NULL)
    return FALSE;
  hf_http_set_timeout (http, HF_TRUST_FETCH_TIMEOUT_MS);
  request = hf_http_request_new (url);
  request->accept = g_strdup ("application/json");
  request->max_size = HF_SHC_CRL_MAX;
  if (!hf_http_fetch (http, request, NULL, &local))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NETWORK,
                   "Fetching the revocation list of %s from %s failed: %s", iss, url,
                   local->message);
      return FALSE;
    }
  if (request->status != 200)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "Fetching the revocation list of %s from %s failed: the server answered "
                   "%ld; the card cannot be checked for revocation.", iss, url, request->status);
      return FALSE;
    }
  text = (const char *) request->response->data;
  length = request->response->len;
  if (!check_crl (text, length, kid, &ctr, &local))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "The revocation list fetched from %s is unusable: %s", url, local->message);
      return FALSE;
    }
  if (ctr < crl_version)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                   "The revocation list fetched from %s is version %" G_GINT64_FORMAT ", older "
                   "than the key's %" G_GINT64_FORMAT "; the card cannot be checked for "
                   "revocation.", url, ctr, crl_version);
      return FALSE;
    }
  if (!crl_store (db, iss, kid, ctr, text, length, NULL, error))
    return FALSE;
  crl_clear (crl);
  crl->ctr = ctr;
  crl->text = g_strndup (text, length);
  crl->how = g_strdup ("fetched just now");
  crl->at = g_get_real_time ();
  return TRUE;
}

/* {{{ issuer directories */

/* One directory entry: {"issuer": {"iss", "name"}, "keys": […], "crls": […]} (VCI's snapshot),
 * or {"iss", "name"} (VCI's list of participating issuers, without keys). */
static gboolean
directory_entry (sqlite3      *db,
                 JsonObject   *entry,
                 guint         index,
                 const char   *directory,
                 const char   *member,
                 gint64        now,
                 HfShcDirectoryResult *r,
                 GError      **error)
{
  JsonObject *issuer = hf_json_object (entry, "issuer");
  const char *iss = hf_json_string (issuer != NULL ? issuer : entry, "iss");
  const char *name = hf_json_string (issuer != NULL ? issuer : entry, "name");
  JsonArray *keys = hf_json_array (entry, "keys");
  JsonArray *crls = hf_json_array (entry, "crls");
  g_autofree char *jwks = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (iss == NULL || !hf_trust_check_iss (iss, NULL))
    {
      g_autofree char *s = iss != NULL ? shown (iss) : g_strdup ("(none)");
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "Issuer %u of the directory has no https “iss” without a trailing “/” "
                   "(it has “%s”); nothing was imported.", index + 1, s);
      return FALSE;
    }
  if (keys != NULL && json_array_get_length (keys) > 0)
    {
      g_autoptr(JsonNode) set = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) o = json_object_new ();
      g_autoptr(HfJwks) parsed = NULL;
      g_autoptr(GError) local = NULL;
      g_autofree char *text = NULL;
      JsonArray *good = json_array_new ();

      /* Only keys a card issuer may have: the others are skipped, with a note. */
      for (guint i = 0; i < json_array_get_length (keys); i++)
        {
          JsonNode *k = json_array_get_element (keys, i);
          g_autoptr(GError) bad = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (k))
            continue;
          if (!hf_shc_check_issuer_key (json_node_get_object (k), NULL, &bad))
            g_ptr_array_add (r->notes, g_strdup_printf ("%s: %s", iss, bad->message));
          else
            json_array_add_element (good, json_node_copy (k));
        }
      json_object_set_array_member (o, "keys", good);
      json_node_set_object (set, o);
      text = json_to_string (set, FALSE);
      parsed = hf_jwks_parse (text, strlen (text), &local);
      if (parsed == NULL)
        g_ptr_array_add (r->notes, g_strdup_printf ("%s: no usable key (%s)", iss,
                                                    local->message));
      else
        {
          for (guint i = 0; i < parsed->notes->len; i++)
            g_ptr_array_add (r->notes, g_strdup_printf ("%s: %s", iss, (char *)
                                                        g_ptr_array_index (parsed->notes, i)));
          r->keys += parsed->keys->len;
          r->with_keys++;
          jwks = g_steal_pointer (&text);
        }
    }
  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO trust_directory (iss, name, jwks, "
                               "directory, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, iss, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, jwks, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, directory, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, member, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, now);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "importing the issuer directory", error);
  r->issuers++;
  for (guint i = 0; crls != NULL && i < json_array_get_length (crls); i++)
    {
      JsonNode *n = json_array_get_element (crls, i);
      g_autofree char *text = NULL;
      g_autofree char *by = NULL;
      const char *kid;
      gint64 ctr = 0;

      if (!JSON_NODE_HOLDS_OBJECT (n) ||
          (kid = hf_json_string (json_node_get_object (n), "kid")) == NULL)
        continue;
      text = json_to_string (n, FALSE);
      if (!check_crl (text, strlen (text), kid, &ctr, NULL))
        {
          g_ptr_array_add (r->notes, g_strdup_printf ("%s: the revocation list of key “%s” is "
                                                      "not one; skipped", iss, kid));
          continue;
        }
      by = g_strconcat ("directory ", directory, NULL);
      if (!crl_store (db, iss, kid, ctr, text, strlen (text), by, error))
        return FALSE;
      r->crls++;
    }
  return TRUE;
}

void
hf_shc_directory_result_free (HfShcDirectoryResult *r)
{
  if (r == NULL)
    return;
  g_ptr_array_unref (r->notes);
  g_free (r);
}

HfShcDirectoryResult *
hf_shc_import_directory (HfVault     *vault,
                         const char  *text,
                         gsize        length,
                         const char  *directory,
                         GError     **error)
{
  g_autoptr(HfShcDirectoryResult) r = g_new0 (HfShcDirectoryResult, 1);
  g_auto(HfJsonProblem) problem = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *detail = NULL;
  JsonNode *root;
  JsonArray *list = NULL;
  sqlite3 *db;
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  r->notes = g_ptr_array_new_with_free_func (g_free);
  if (!hf_vault_require (vault, HF_PERMISSION_MANAGE, "import an issuer directory", error))
    return NULL;
  if (length > HF_SHC_MAX_DIRECTORY)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The directory is %" G_GSIZE_FORMAT " bytes; Healthfolio imports "
                   "directories of at most %d MiB.", length, HF_SHC_MAX_DIRECTORY >> 20);
      return NULL;
    }
  if (!hf_json_guard_check (text, length, &problem) ||
      !json_parser_load_from_data (parser, text, (gssize) length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT, "The directory is not JSON%s%s.",
                   problem.reason != NULL ? ": " : "",
                   problem.reason != NULL ? problem.reason : "");
      return NULL;
    }
  if (JSON_NODE_HOLDS_ARRAY (root))
    list = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *o = json_node_get_object (root);

      list = hf_json_array (o, "issuerInfo");
      if (list == NULL)
        list = hf_json_array (o, "participating_issuers");
    }
  if (list == NULL)
    {
      g_set_error_literal (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                           "This is not an issuer directory: Healthfolio reads the VCI "
                           "directory's snapshot ({\"issuerInfo\": [{\"issuer\": …, "
                           "\"keys\": […]}]}, or a list of such entries) and its list of "
                           "participating issuers ({\"participating_issuers\": [{\"iss\", "
                           "\"name\"}]}).");
      return NULL;
    }
  if (json_array_get_length (list) > HF_SHC_MAX_DIRECTORY_ISSUERS)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The directory lists %u issuers; Healthfolio imports at most %d.",
                   json_array_get_length (list), HF_SHC_MAX_DIRECTORY_ISSUERS);
      return NULL;
    }
  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return NULL;
  /* A directory replaces the one imported before it, and its revocation lists. */
  if (!_hf_db_exec (db, "DELETE FROM trust_directory; DELETE FROM trust_crl WHERE "
                        "how = 'directory'", error))
    {
      _hf_db_rollback (db);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *n = json_array_get_element (list, i);

      if (!JSON_NODE_HOLDS_OBJECT (n))
        {
          _hf_db_rollback (db);
          g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                       "Entry %u of the directory is not a JSON object; nothing was imported.",
                       i + 1);
          return NULL;
        }
      if (!directory_entry (db, json_node_get_object (n), i, directory,
                            hf_vault_get_member_name (vault), now, r, error))
        {
          _hf_db_rollback (db);
          return NULL;
        }
    }
  detail = g_strdup_printf ("%s: %u issuers, %u with %u keys, %u revocation lists", directory,
                            r->issuers, r->with_keys, r->keys, r->crls);
  if (!_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "trust-import-directory", detail, error))
    {
      _hf_db_rollback (db);
      return NULL;
    }
  if (!_hf_db_commit (db, error))
    return NULL;
  return g_steal_pointer (&r);
}

HfShcDirectoryResult *
hf_shc_directory_summary (HfVault   *vault,
                          char     **name,
                          char     **by,
                          gint64    *at,
                          GError   **error)
{
  g_autoptr(HfShcDirectoryResult) r = g_new0 (HfShcDirectoryResult, 1);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  r->notes = g_ptr_array_new_with_free_func (g_free);
  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read the issuer directory", error))
    return NULL;
  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "SELECT count(*), count(jwks), max(directory), "
                               "max(imported_by), max(imported_at), (SELECT count(*) FROM "
                               "trust_crl WHERE how = 'directory') FROM trust_directory", -1,
                           &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _hf_db_fail (db, rc, "reading the issuer directory", error);
      return NULL;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      r->issuers = (guint) sqlite3_column_int64 (stmt, 0);
      r->with_keys = (guint) sqlite3_column_int64 (stmt, 1);
      r->crls = (guint) sqlite3_column_int64 (stmt, 5);
      if (name != NULL)
        *name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      if (by != NULL)
        *by = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      if (at != NULL)
        *at = sqlite3_column_int64 (stmt, 4);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    {
      _hf_db_fail (db, rc, "reading the issuer directory", error);
      return NULL;
    }
  if (r->issuers == 0)
    return NULL;
  return g_steal_pointer (&r);
}

/* }}} */
/* {{{ reading one card */

static void
set_jose (GError    **error,
          HfShcError  code,
          GError     *local,
          const char *what)
{
  g_set_error (error, HF_SHC_ERROR, code, "%s: %s", what, local->message);
  g_error_free (local);
}

static char *
format_time (gdouble seconds)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc ((gint64) seconds);

  return t != NULL ? g_date_time_format (t, "%-d %b %Y %H:%M UTC") : g_strdup ("?");
}

static HfShcCard *
read_card (HfVault       *vault,
           const char    *jws_text,
           HfVerifyFlags  flags,
           const char    *extra_ca_file,
           GError       **error)
{
  g_autoptr(HfShcCard) card = g_new0 (HfShcCard, 1);
  g_autoptr(HfJws) jws = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(HfJoseKey) key = NULL;
  g_autoptr(JsonParser) keys_parser = json_parser_new_immutable ();
  g_autofree char *jwks = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  HfShcError problem_code = HF_SHC_ERROR_REVOKED;
  JsonObject *jwk;
  gboolean over_cap = FALSE;
  const char *zip;
  const guint8 *deflated;
  gsize deflated_length;
  gint64 crl_version = 0;
  gdouble now;

  card->jws = g_strdup (jws_text);
  card->token_sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, jws_text, -1);
  jws = hf_jws_parse (jws_text, strlen (jws_text), &local);
  if (jws == NULL)
    {
      set_jose (error, HF_SHC_ERROR_MALFORMED, g_steal_pointer (&local),
                "The card is not a valid JWS");
      return NULL;
    }
  if (!hf_jws_check_header (jws, &local))
    {
      set_jose (error, HF_SHC_ERROR_HEADER, g_steal_pointer (&local),
                "The card's JWS header is refused");
      return NULL;
    }
  zip = hf_json_string (hf_jws_get_header (jws), "zip");
  if (g_strcmp0 (zip, "DEF") != 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, HF_SHC_ERROR_ZIP,
                           "The card's JWS header has no “zip”: “DEF”; a SMART Health Card's "
                           "payload is always compressed (raw DEFLATE).");
      return NULL;
    }
  card->kid = g_strdup (hf_jws_get_kid (jws));
  deflated = g_bytes_get_data (hf_jws_get_payload (jws), &deflated_length);
  payload = hf_inflate_raw (deflated, deflated_length, HF_SHC_MAX_PAYLOAD, &over_cap, &local);
  if (payload == NULL)
    {
      if (over_cap)
        g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_TOO_LARGE,
                     "The card's payload inflates past %d MiB (a DEFLATE bomb?); it was "
                     "refused.", HF_SHC_MAX_PAYLOAD >> 20);
      else
        set_jose (error, HF_SHC_ERROR_INFLATE, g_steal_pointer (&local),
                  "The card's payload is not raw DEFLATE");
      return NULL;
    }
  {
    gsize l;
    const guint8 *p = g_bytes_get_data (payload, &l);

    if (!hf_shc_check_payload (p, l, card, error))
      return NULL;
  }

  /* The key. */
  key = hf_trust_find_key (vault, card->iss, card->kid,
                           (flags & HF_VERIFY_OFFLINE) ? HF_TRUST_OFFLINE : HF_TRUST_FLAGS_NONE,
                           extra_ca_file, &card->trust, &local);
  if (key == NULL)
    {
      if (!g_error_matches (local, HF_ERROR, HF_ERROR_NOT_PERMITTED) &&
          !g_error_matches (local, HF_ERROR, HF_ERROR_NETWORK))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      card->verdict = HF_VERIFY_UNTRUSTED;
      card->reason = g_strdup (local->message);
      card->reason_code = local->code;
      card->revocation = g_strdup ("Not checked for revocation: the issuer's key is not "
                                   "trusted.");
      g_clear_error (&local);
    }
  else
    {
      jwks = _hf_trust_dup_jwks (vault, card->iss, card->trust.how, error);
      if (jwks == NULL)
        return NULL;
      jwk = raw_jwk (keys_parser, jwks, card->kid);
      if (jwk == NULL)
        {
          g_set_error (error, HF_SHC_ERROR, HF_SHC_ERROR_KEY,
                       "The trusted keys of %s have no key “%s”.", card->iss, card->kid);
          return NULL;
        }
      if (!hf_shc_check_issuer_key (jwk, &crl_version, error))
        {
          g_prefix_error (error, "%s: ", card->iss);
          return NULL;
        }
      if (!hf_jws_verify_es256 (jws, key, &local))
        {
          set_jose (error, HF_SHC_ERROR_SIGNATURE, g_steal_pointer (&local),
                    "The card's signature does not check out");
          return NULL;
        }
      card->verdict = HF_VERIFY_VALID;

      /* Revocation. */
      if (crl_version == 0)
        card->revocation = g_strdup ("The issuer publishes no revocation list for this key.");
      else if (card->rid == NULL)
        card->revocation = g_strdup ("The card has no revocation identifier (“rid”).");
      else
        {
          g_auto(Crl) crl = { 0 };
          gint64 revoked_at = 0;

          if (!crl_get (vault, card->iss, card->kid, crl_version, flags, extra_ca_file, &crl,
                        &local))
            {
              if (!g_error_matches (local, HF_ERROR, HF_ERROR_NOT_PERMITTED) &&
                  !g_error_matches (local, HF_ERROR, HF_ERROR_NETWORK))
                {
                  g_propagate_error (error, g_steal_pointer (&local));
                  return NULL;
                }
              /* A card that cannot be checked for revocation is not believed. */
              card->verdict = HF_VERIFY_UNTRUSTED;
              card->reason = g_strdup (local->message);
              card->reason_code = local->code;
              card->revocation = g_strdup (local->message);
              g_clear_error (&local);
            }
          else if (crl_lists (crl.text, card->rid, card->nbf, &revoked_at))
            {
              g_autofree char *when = revoked_at > 0 ? format_time ((gdouble) revoked_at) : NULL;

              g_string_append_printf (problems, "The card was revoked by its issuer: its "
                                      "revocation identifier “%s” is in the revocation list "
                                      "of key “%s” (version %" G_GINT64_FORMAT ", %s)%s%s.",
                                      card->rid, card->kid, crl.ctr,
                                      g_str_equal (crl.how, "hand") ? "added by hand"
                                      : g_str_equal (crl.how, "directory")
                                      ? "from the imported issuer directory"
                                      : g_str_equal (crl.how, "fetched") ? "fetched earlier"
                                      : crl.how,
                                      when != NULL ? " for cards issued before " : "",
                                      when != NULL ? when : "");
            }
          else
            card->revocation = g_strdup_printf ("Not revoked: checked against the revocation "
                                                "list of key “%s” (version %" G_GINT64_FORMAT
                                                ").", card->kid, crl.ctr);
        }
    }

  /* Times. */
  now = (gdouble) g_get_real_time () / G_USEC_PER_SEC;
  if (card->exp > 0 && now > card->exp + HF_VERIFY_SKEW)
    {
      g_autofree char *when = format_time (card->exp);

      if (problems->len == 0)
        problem_code = HF_SHC_ERROR_EXPIRED;
      else
        g_string_append_c (problems, ' ');
      g_string_append_printf (problems, "The card expired on %s.", when);
    }
  if (problems->len == 0 && card->nbf > now + HF_VERIFY_SKEW)
    {
      g_autofree char *when = format_time (card->nbf);

      problem_code = HF_SHC_ERROR_NOT_YET_VALID;
      g_string_append_printf (problems, "The card is not valid before %s; check this "
                              "computer's clock.", when);
    }
  if (problems->len > 0)
    {
      g_set_error_literal (error, HF_SHC_ERROR, problem_code, problems->str);
      return NULL;
    }
  return g_steal_pointer (&card);
}

GPtrArray *
hf_shc_read_many (HfVault         *vault,
                  GBytes * const  *inputs,
                  guint            n,
                  HfVerifyFlags    flags,
                  const char      *extra_ca_file,
                  GError         **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) jws = NULL;
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               hf_shc_card_free);

  g_return_val_if_fail (HF_IS_VAULT (vault), NULL);

  for (guint i = 0; i < n; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (inputs[i], &length);

      if (hf_shc_sniff (data, length) == HF_SHC_FORM_PNG)
        {
          char *text = hf_qr_image_decode (inputs[i], error);

          if (text == NULL)
            return NULL;
          g_ptr_array_add (texts, g_bytes_new_take (text, strlen (text)));
        }
      else
        g_ptr_array_add (texts, g_bytes_ref (inputs[i]));
    }
  jws = hf_shc_decode_inputs ((GBytes * const *) texts->pdata, texts->len, error);
  if (jws == NULL)
    return NULL;
  for (guint i = 0; i < jws->len; i++)
    {
      HfShcCard *card = read_card (vault, g_ptr_array_index (jws, i), flags, extra_ca_file,
                                   error);

      if (card == NULL)
        {
          if (jws->len > 1)
            g_prefix_error (error, "Card %u of %u: ", i + 1, jws->len);
          return NULL;
        }
      g_ptr_array_add (cards, card);
    }
  return g_steal_pointer (&cards);
}

GPtrArray *
hf_shc_read (HfVault        *vault,
             GBytes         *input,
             HfVerifyFlags   flags,
             const char     *extra_ca_file,
             GError        **error)
{
  return hf_shc_read_many (vault, &input, 1, flags, extra_ca_file, error);
}

/* }}} */
/* {{{ import */

gboolean
_hf_shc_record_card (HfVault          *vault,
                     gint64            provenance_id,
                     const HfShcCard  *card,
                     GError          **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *types = NULL;
  int rc;

  if (provenance_id <= 0)
    return TRUE;
  types = hf_shc_card_dup_types (card);
  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO import_signature (provenance_id, status, "
                               "kind, iss, kid, trust, reason, checked_at, token_sha256, "
                               "card_types, revocation) VALUES (?,?,'shc',?,?,?,?,?,?,?,?)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, provenance_id);
      sqlite3_bind_text (stmt, 2, card->verdict == HF_VERIFY_VALID ? "verified" : "unverified",
                         -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, card->iss, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, card->kid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, hf_trust_how_to_string (card->trust.how), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, card->reason, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, g_get_real_time ());
      sqlite3_bind_text (stmt, 8, card->token_sha256, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 9, types, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 10, card->revocation, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "recording how the card was verified", error);
  return TRUE;
}

static gboolean
import_stored (HfVault  *vault,
               guint     index,
               gint64    provenance_id,
               gpointer  user_data,
               GError  **error)
{
  GPtrArray *cards = user_data;

  return _hf_shc_record_card (vault, provenance_id, g_ptr_array_index (cards, index), error);
}

gboolean
hf_shc_import_cards (HfVault                *vault,
                     GPtrArray              *cards,
                     gboolean                allow_unverified,
                     const char             *name,
                     const char             *origin,
                     const HfImportOptions  *options,
                     HfImportResult        **out,
                     GError                **error)
{
  g_autofree HfImportDocument *docs = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (cards != NULL && cards->len > 0, FALSE);

  for (guint i = 0; i < cards->len; i++)
    {
      HfShcCard *card = g_ptr_array_index (cards, i);

      if (card->verdict != HF_VERIFY_VALID && !allow_unverified)
        {
          g_autofree char *reason = g_strdup (card->reason != NULL ? card->reason
                                              : "Its signature was not checked.");

          if (g_ascii_islower (reason[0]))
            reason[0] = g_ascii_toupper (reason[0]);
          g_set_error (error, HF_ERROR, HF_ERROR_NOT_PERMITTED,
                       "Nothing was imported: %s is not verified. %s%s Import it with "
                       "--unverified to keep it marked as unverified.",
                       cards->len > 1 ? "a card" : "the card", reason,
                       g_str_has_suffix (reason, ".") ? "" : ".");
          return FALSE;
        }
    }
  docs = g_new0 (HfImportDocument, cards->len);
  for (guint i = 0; i < cards->len; i++)
    {
      HfShcCard *card = g_ptr_array_index (cards, i);

      docs[i].bytes = card->bundle;
      docs[i].name = name;
      if (cards->len > 1)
        {
          g_ptr_array_add (names, g_strdup_printf ("%s#%u", origin, i + 1));
          docs[i].origin = g_ptr_array_index (names, names->len - 1);
        }
      else
        docs[i].origin = origin;
    }
  return hf_vault_import_documents (vault, docs, cards->len, options, import_stored, cards,
                                    NULL, out, error);
}

/* }}} */
