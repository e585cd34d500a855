/* bench-data.c — the benchmarks' big vaults: many resources made from the real ones in tests/data
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every resource of tests/data/synthea (Bundles, urn:uuid references turned into Type/id as a
 * Bulk Data export writes them) and tests/data/bulk-ndjson is a template. Copy k of a template
 * has every UUID in it rewritten the same way (its first 8 hex digits become k), so ids are
 * distinct across copies and references between resources of one copy still resolve.
 * Templates are taken round-robin, so sizes and the type mix are those of the real files. A
 * vault holds one person's record: the file starts with one Patient (the first template
 * Patient, as "bench-person"), the other Patients are left out, and every reference to a
 * Patient names that one. (Moved here from bench-import.c, which uses it as bench-share.c
 * does.)
 */

#include "bench-data.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

/* {{{ the data */

/* A template: literal pieces, each followed (but the last) by a UUID's tail. */
typedef struct
{
  GPtrArray *pieces;   /* char*: n + 1 literals */
  GPtrArray *tails;    /* char*: n UUID tails (28 characters after the first 8 hex digits) */
} Template;

static void
template_free (Template *t)
{
  g_ptr_array_unref (t->pieces);
  g_ptr_array_unref (t->tails);
  g_free (t);
}

static GRegex *uuid_regex;
static GRegex *patient_regex;
static char   *person_json;   /* the one Patient of the generated file */

/* JSON, made about the one person: NULL for a Patient (the first becomes the person). */
static char *
about_one_person (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  JsonObject *r = json_node_get_object (node);

  if (g_str_equal (json_object_get_string_member (r, "resourceType"), "Patient"))
    {
      if (person_json == NULL)
        {
          g_autoptr(JsonGenerator) gen = json_generator_new ();
          json_object_set_string_member (r, "id", "bench-person");
          json_generator_set_root (gen, node);
          person_json = json_generator_to_data (gen, NULL);
        }
      return NULL;
    }
  return g_regex_replace_literal (patient_regex, json, -1, 0, "\"Patient/bench-person\"", 0,
                                  NULL);
}

static Template *
template_new (const char *json)
{
  Template *t = g_new0 (Template, 1);
  g_autoptr(GMatchInfo) match = NULL;
  gsize from = 0;

  t->pieces = g_ptr_array_new_with_free_func (g_free);
  t->tails = g_ptr_array_new_with_free_func (g_free);
  g_regex_match (uuid_regex, json, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, end;
      g_match_info_fetch_pos (match, 0, &start, &end);
      g_ptr_array_add (t->pieces, g_strndup (json + from, start - from));
      g_ptr_array_add (t->tails, g_strndup (json + start + 8, end - start - 8));
      from = end;
      g_match_info_next (match, NULL);
    }
  g_ptr_array_add (t->pieces, g_strdup (json + from));
  return t;
}

static void
template_write (Template *t,
                guint     copy,
                GString  *out)
{
  for (guint i = 0; i < t->tails->len; i++)
    {
      g_string_append (out, g_ptr_array_index (t->pieces, i));
      g_string_append_printf (out, "%08x", copy);
      g_string_append (out, g_ptr_array_index (t->tails, i));
    }
  g_string_append (out, g_ptr_array_index (t->pieces, t->tails->len));
}

static char *
to_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

static void
add_bundle (GPtrArray  *templates,
            const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  JsonArray *entries;

  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("bench-data: %s", error->message);
  entries = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      JsonObject *r = json_object_get_object_member (e, "resource");
      if (json_object_has_member (e, "fullUrl"))
        g_hash_table_insert (types, g_strdup (json_object_get_string_member (e, "fullUrl")),
                             g_strdup_printf ("%s/%s",
                                              json_object_get_string_member (r, "resourceType"),
                                              json_object_get_string_member (r, "id")));
    }
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      g_autofree char *json = to_json (json_object_get_member (e, "resource"));
      g_autoptr(GString) s = g_string_new (json);
      GHashTableIter iter;
      gpointer url, ref;

      g_hash_table_iter_init (&iter, types);
      while (g_hash_table_iter_next (&iter, &url, &ref))
        {
          g_autofree char *from = g_strdup_printf ("\"%s\"", (char *) url);
          g_autofree char *to = g_strdup_printf ("\"%s\"", (char *) ref);
          g_string_replace (s, from, to, 0);
        }
      {
        g_autofree char *one = about_one_person (s->str);
        if (one != NULL)
          g_ptr_array_add (templates, template_new (one));
      }
    }
}

static void
add_ndjson (GPtrArray  *templates,
            const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("bench-data: %s", error->message);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      {
        g_autofree char *one = about_one_person (lines[i]);
        if (one != NULL)
          g_ptr_array_add (templates, template_new (one));
      }
}

GPtrArray *
bench_data_load_templates (const char *data_dir)
{
  GPtrArray *templates = g_ptr_array_new_with_free_func ((GDestroyNotify) template_free);
  const char *kinds[] = { "synthea", "bulk-ndjson" };

  uuid_regex = g_regex_new ("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                            G_REGEX_OPTIMIZE, 0, NULL);
  patient_regex = g_regex_new ("\"Patient/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                               "[0-9a-f]{12}\"", G_REGEX_OPTIMIZE, 0, NULL);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autofree char *dir = g_build_filename (data_dir, kinds[k], NULL);
      g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (d == NULL)
        g_error ("bench-data: no test data in %s", dir);
      while ((name = g_dir_read_name (d)) != NULL)
        g_ptr_array_add (names, g_build_filename (dir, name, NULL));
      g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
      for (guint i = 0; i < names->len; i++)
        {
          const char *path = g_ptr_array_index (names, i);
          if (g_str_has_suffix (path, ".ndjson"))
            add_ndjson (templates, path);
          else if (g_str_has_suffix (path, ".json"))
            add_bundle (templates, path);
        }
    }
  return templates;
}

guint64
bench_data_write_ndjson (GPtrArray  *templates,
                         guint       n,
                         const char *path)
{
  g_autoptr(GString) buf = g_string_sized_new (1 << 20);
  FILE *f = fopen (path, "w");
  guint64 bytes = 0;

  if (f == NULL)
    g_error ("bench-data: cannot write %s", path);
  g_assert (person_json != NULL);
  for (guint i = 0; i < n; i++)
    {
      if (i == 0)
        g_string_append (buf, person_json);
      else
        template_write (g_ptr_array_index (templates, (i - 1) % templates->len),
                        (i - 1) / templates->len, buf);
      g_string_append_c (buf, '\n');
      if (buf->len > (1 << 20) - (1 << 16) || i + 1 == n)
        {
          if (fwrite (buf->str, 1, buf->len, f) != buf->len)
            g_error ("bench-data: writing %s failed", path);
          bytes += buf->len;
          g_string_truncate (buf, 0);
        }
    }
  if (fclose (f) != 0)
    g_error ("bench-data: writing %s failed", path);
  return bytes;
}

/* }}} */
