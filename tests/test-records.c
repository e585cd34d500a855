/* test-records.c — the record store as a patient reads it: search inside words, accents and
 * short words, one category, counts without billing, the directory or copies, one row for the
 * same resource from two files, and a schema 3 vault coming through the migration
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected numbers are worked out here from the files with a plain json-glib walk, not from
 * the importer's summaries.
 */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hf-core.h"
#include "hf-fhir.h"
#include "hf-import.h"
#include "hf-records.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define PASS    "records: correct horse battery staple"
#define V3_PASS "records v3 fixture passphrase"   /* tests/data/PROVENANCE.md */
#define CARLA   "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json"
#define SUPPORT "synthea-support/practitionerInformation1559319163815.json"

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
} Fixture;

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, part, NULL);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;

  hf_test_dir_setup (&f->td, data);
  f->vault = hf_vault_create (f->td.vault, "alice", pass, &code, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->vault != NULL)
    hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  hf_test_dir_teardown (&f->td, data);
}

static HfImportResult *
import_ok (Fixture    *f,
           const char *path)
{
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  HfImportResult *result = NULL;

  hf_vault_import_files (f->vault, paths, NULL, NULL, NULL, &result, &error);
  g_assert_no_error (error);
  return result;
}

static void
import_data (Fixture    *f,
             const char *part)
{
  g_autofree char *path = data_path (part);
  g_autoptr(HfImportResult) result = import_ok (f, path);

  g_assert_cmpuint (result->added, >, 0);
}

/* The resources of a Bundle file (entry[].resource), or of a one-resource file. */
static GPtrArray *
file_resources (const char *part,
                JsonParser *parser)
{
  g_autofree char *path = data_path (part);
  g_autoptr(GError) error = NULL;
  GPtrArray *out = g_ptr_array_new ();
  JsonObject *root;
  JsonArray *entries;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "entry"))
    {
      g_ptr_array_add (out, root);
      return out;
    }
  entries = json_object_get_array_member (root, "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    g_ptr_array_add (out, json_object_get_object_member (json_array_get_object_element (entries,
                                                                                        i),
                                                         "resource"));
  return out;
}

/* How many of the file's resources of TYPE have WORD (ASCII, lower case) in code.text. */
static guint
count_coded (const char *part,
             const char *type,
             const char *word)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) all = file_resources (part, parser);
  guint n = 0;

  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *r = all->pdata[i];
      JsonObject *code;
      g_autofree char *text = NULL;

      if (g_strcmp0 (json_object_get_string_member_with_default (r, "resourceType", ""),
                     type) != 0 || !json_object_has_member (r, "code"))
        continue;
      code = json_object_get_object_member (r, "code");
      text = g_ascii_strdown (json_object_get_string_member_with_default (code, "text", ""), -1);
      n += strstr (text, word) != NULL;
    }
  return n;
}

static guint64
count (Fixture              *f,
       const HfRecordFilter *filter)
{
  g_autoptr(GError) error = NULL;
  guint64 n = 0;

  g_assert_true (hf_record_store_count (f->vault, filter, &n, &error));
  g_assert_no_error (error);
  return n;
}

static guint64
stats_total (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = NULL;
  guint64 total = 0;

  counts = hf_record_store_stats (f->vault, &total, &error);
  g_assert_no_error (error);
  return total;
}

static GPtrArray *
find (Fixture              *f,
      const HfRecordFilter *filter,
      const char           *query,
      guint64              *matched)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = hf_record_store_find (f->vault, filter, query, 200, matched, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rows);
  return rows;
}

static gboolean
has_title (GPtrArray  *rows,
           const char *part)
{
  for (guint i = 0; i < rows->len; i++)
    if (strstr (((HfRecordRow *) rows->pdata[i])->title, part) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
has_id (GPtrArray *rows,
        gint64     id)
{
  for (guint i = 0; i < rows->len; i++)
    if (((HfRecordRow *) rows->pdata[i])->id == id)
      return TRUE;
  return FALSE;
}

static gint
compare_id (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The ids of ROWS, sorted, as text: for comparing two searches. */
static char *
ids_text (GPtrArray *rows)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    g_array_append_val (ids, ((HfRecordRow *) rows->pdata[i])->id);
  g_array_sort (ids, compare_id);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%" G_GINT64_FORMAT " ", g_array_index (ids, gint64, i));
  return g_string_free (out, FALSE);
}

/* Every shown row of FILTER, paged through as the timeline pages. */
static GPtrArray *
every_row (Fixture              *f,
           const HfRecordFilter *filter)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_record_row_free);
  HfRecordCursor at = { NULL, 0 };

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = hf_record_store_query (f->vault, filter,
                                                         at.effective ? &at : NULL, 37, &error);
      g_assert_no_error (error);
      if (page->len == 0)
        break;
      hf_record_cursor_set (&at, page->pdata[page->len - 1]);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, g_steal_pointer (&page->pdata[i]));
      g_ptr_array_set_free_func (page, NULL);
    }
  hf_record_cursor_clear (&at);
  return all;
}

/* {{{ search */

/* "diabetes" finds "Prediabetes", part of a word finds the word, accents and case do not
 * matter, two letters start a word and one category is searched alone. */
static void
test_search_inside_words (Fixture       *f,
                          gconstpointer  data)
{
  HfRecordFilter problems = { .category = HF_CATEGORY_PROBLEMS };
  g_autoptr(GPtrArray) whole = NULL;
  g_autoptr(GPtrArray) inside = NULL;
  g_autoptr(GPtrArray) two = NULL;
  g_autoptr(GPtrArray) middle = NULL;
  g_autoptr(GPtrArray) in_problems = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  guint expected = count_coded (CARLA, "Condition", "pharyngitis");
  guint64 matched = 0;

  import_data (f, CARLA);
  g_assert_cmpuint (expected, ==, 2);

  whole = find (f, NULL, "pharyngitis", NULL);
  inside = find (f, NULL, "HARYNGIT", NULL);
  g_assert_cmpuint (whole->len, >=, expected);
  a = ids_text (whole);
  b = ids_text (inside);
  g_assert_cmpstr (a, ==, b);

  /* Two letters: the start of a word only. */
  two = find (f, NULL, "ph", NULL);
  g_assert_true (has_title (two, "pharyngitis"));
  middle = find (f, NULL, "yn", NULL);
  g_assert_false (has_title (middle, "pharyngitis"));

  in_problems = find (f, &problems, "pharyngitis", &matched);
  g_assert_cmpuint (matched, ==, expected);
  g_assert_cmpuint (in_problems->len, ==, expected);
  for (guint i = 0; i < in_problems->len; i++)
    g_assert_cmpstr (((HfRecordRow *) in_problems->pdata[i])->category, ==,
                     HF_CATEGORY_PROBLEMS);

  /* Her family name, written with and without its accent, in any case. */
  {
    const char *names[] = { "Echevarría", "ECHEVARRIA", "echevarr", "chevarría" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autoptr(GPtrArray) rows = find (f, NULL, names[i], NULL);
        gboolean patient = FALSE;
        for (guint j = 0; j < rows->len; j++)
          patient |= g_str_equal (((HfRecordRow *) rows->pdata[j])->resource_type, "Patient");
        g_assert_true (patient);
      }
  }
}

/* The text a document carries is searched: the R4 example XDS Bundle's Binary holds
 * "asdasdasdasdasd" as base64 text/plain. */
static void
test_search_document_text (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) all = file_resources ("r4-examples/xds-example.json", parser);
  g_autoptr(GPtrArray) found = NULL;
  g_autofree guchar *text = NULL;
  g_autofree char *word = NULL;
  gsize length = 0;
  HfRecordFilter every = { .all = TRUE };
  gboolean binary = FALSE;

  for (guint i = 0; i < all->len && text == NULL; i++)
    if (g_str_equal (json_object_get_string_member (all->pdata[i], "resourceType"), "Binary"))
      text = g_base64_decode (json_object_get_string_member (all->pdata[i], "data"), &length);
  g_assert_nonnull (text);
  word = g_strndup ((const char *) text + 1, MIN (length - 1, 9));   /* inside the text */

  import_data (f, "r4-examples/xds-example.json");
  found = find (f, &every, word, NULL);
  for (guint i = 0; i < found->len; i++)
    binary |= g_str_equal (((HfRecordRow *) found->pdata[i])->resource_type, "Binary");
  g_assert_true (binary);
}

/* `search --category` says how many matched, in the category's own words. */
static void
test_search_category_cli (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *pass = hf_test_write_file (&f->td, "pass.txt", PASS "\n");
  g_autofree char *out = NULL;
  g_autofree char *none = NULL;
  g_autofree char *sentence = NULL;
  guint expected = count_coded (CARLA, "Condition", "pharyngitis");

  import_data (f, CARLA);
  hf_vault_lock (f->vault);
  g_assert_cmpint (hf_test_cli (&out, NULL, "--vault", f->td.vault, "--passphrase-file", pass,
                                "search", "--category", "problems", "Pharyng", NULL), ==, 0);
  sentence = g_strdup_printf ("%u records match “Pharyng” in %s.\n", expected,
                              hf_fhir_category_label (HF_CATEGORY_PROBLEMS));
  g_assert_true (g_str_has_suffix (out, sentence));
  {
    g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, expected + 2);   /* rows, sentence, "" */
  }
  g_assert_cmpint (hf_test_cli (&none, NULL, "--vault", f->td.vault, "--passphrase-file", pass,
                                "search", "--category", "immunizations", "pharyngitis", NULL),
                   ==, 0);
  g_assert_cmpstr (none, ==, "No record matches “pharyngitis” in Immunizations.\n");
  g_assert_cmpint (hf_test_cli (NULL, NULL, "--vault", f->td.vault, "--passphrase-file", pass,
                                "search", "--category", "nonsense", "x", NULL), ==, 1);
}

/* }}} */
/* {{{ counts and copies */

/* "All records" leaves out billing and the directory, in its pages and every count of it. */
static void
test_counts_all_records (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) by_category = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) every = NULL;
  HfRecordFilter all = { .all = TRUE };
  guint64 total = 0, sum = 0, left_out = 0;
  GHashTableIter iter;
  gpointer key, value;

  import_data (f, CARLA);
  by_category = hf_record_store_count_categories (f->vault, &total, &error);
  g_assert_no_error (error);
  g_hash_table_iter_init (&iter, by_category);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      HfRecordFilter one = { .category = key };
      sum += GPOINTER_TO_SIZE (value);
      if (g_str_equal (key, HF_CATEGORY_BILLING) || g_str_equal (key, HF_CATEGORY_DIRECTORY))
        left_out += GPOINTER_TO_SIZE (value);
      g_assert_cmpuint (count (f, &one), ==, GPOINTER_TO_SIZE (value));
    }
  /* Every resource of the file is one current record. */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GPtrArray) resources = file_resources (CARLA, parser);
    g_assert_cmpuint (sum, ==, resources->len);
    g_assert_cmpuint (count (f, &all), ==, resources->len);
  }
  g_assert_cmpuint (total, ==, sum - left_out);
  g_assert_cmpuint (count (f, NULL), ==, total);
  /* Carla's 28 Claims and 22 insurance statements are billing; her Patient, practitioners and
   * organizations are the directory: all of them out of "All records". */
  {
    HfRecordFilter billing = { .category = HF_CATEGORY_BILLING };
    HfRecordFilter directory = { .category = HF_CATEGORY_DIRECTORY };
    g_assert_cmpuint (count (f, &billing), ==, 50);
    g_assert_cmpuint (count (f, &directory), ==, 5);
    g_assert_cmpuint (left_out, ==, 55);
  }

  shown = every_row (f, NULL);
  g_assert_cmpuint (shown->len, ==, total);
  for (guint i = 0; i < shown->len; i++)
    {
      const char *category = ((HfRecordRow *) shown->pdata[i])->category;
      g_assert_cmpstr (category, !=, HF_CATEGORY_BILLING);
      g_assert_cmpstr (category, !=, HF_CATEGORY_DIRECTORY);
    }
  every = every_row (f, &all);
  g_assert_cmpuint (every->len, ==, sum);
}

/* The same file imported from a second place: one row wherever a patient reads, both kept. */
static void
test_copies_are_one_row (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *from = data_path (CARLA);
  g_autofree char *copy = g_build_filename (f->td.dir, "carla-again.json", NULL);
  HfRecordFilter problems = { .category = HF_CATEGORY_PROBLEMS };
  HfRecordFilter all = { .all = TRUE };
  g_autoptr(HfImportResult) first = NULL;
  g_autoptr(HfImportResult) second = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) linked = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  guint64 shown, every, matched = 0;

  hf_test_copy (from, copy);
  first = import_ok (f, from);
  shown = count (f, NULL);
  every = count (f, &all);
  before = every_row (f, &all);

  second = import_ok (f, copy);
  g_assert_cmpuint (second->added, ==, first->added);
  g_assert_cmpuint (stats_total (f), ==, 2 * first->added);
  g_assert_cmpuint (count (f, NULL), ==, shown);
  g_assert_cmpuint (count (f, &all), ==, every);
  after = every_row (f, &all);
  a = ids_text (before);
  b = ids_text (after);
  g_assert_cmpstr (a, ==, b);

  found = find (f, &problems, "pharyngitis", &matched);
  g_assert_cmpuint (matched, ==, count_coded (CARLA, "Condition", "pharyngitis"));
  /* show lists the other source. */
  linked = hf_record_store_linked (f->vault, ((HfRecordRow *) found->pdata[0])->id, NULL);
  g_assert_cmpuint (linked->len, ==, 1);
  g_assert_true (g_str_has_suffix (((HfRecordRow *) linked->pdata[0])->source,
                                   "carla-again.json"));
}

/* The Synthea practitioners are in every patient's Bundle and in support/: one row each. */
static void
test_support_practitioners (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JsonParser) p1 = json_parser_new ();
  g_autoptr(JsonParser) p2 = json_parser_new ();
  g_autoptr(GPtrArray) mine = file_resources (CARLA, p1);
  g_autoptr(GPtrArray) support = file_resources (SUPPORT, p2);
  g_autoptr(GHashTable) npis = g_hash_table_new (g_str_hash, g_str_equal);
  HfRecordFilter practitioners = { .resource_type = "Practitioner" };
  guint stored = 0;

  for (guint k = 0; k < 2; k++)
    {
      GPtrArray *list = k == 0 ? mine : support;
      for (guint i = 0; i < list->len; i++)
        {
          JsonObject *r = list->pdata[i];
          JsonArray *ids;
          if (!g_str_equal (json_object_get_string_member (r, "resourceType"), "Practitioner"))
            continue;
          stored++;
          ids = json_object_get_array_member (r, "identifier");
          g_hash_table_add (npis, (gpointer) json_object_get_string_member (
                              json_array_get_object_element (ids, 0), "value"));
        }
    }
  g_assert_cmpuint (g_hash_table_size (npis), <, stored);

  import_data (f, CARLA);
  import_data (f, SUPPORT);
  g_assert_cmpuint (count (f, &practitioners), ==, g_hash_table_size (npis));
  {
    g_autoptr(GPtrArray) rows = every_row (f, &practitioners);
    g_assert_cmpuint (rows->len, ==, g_hash_table_size (npis));
  }
}

static char *
first_condition_text (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) all = file_resources (CARLA, parser);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (json_object_get_string_member (all->pdata[i], "resourceType"),
                     "Condition"))
      {
        json_node_set_object (node, all->pdata[i]);
        json_generator_set_root (gen, node);
        return json_generator_to_data (gen, NULL);
      }
  g_assert_not_reached ();
}

static gint64
only_problem (Fixture *f)
{
  HfRecordFilter problems = { .category = HF_CATEGORY_PROBLEMS };
  g_autoptr(GPtrArray) rows = every_row (f, &problems);

  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpuint (count (f, &problems), ==, 1);
  return ((HfRecordRow *) rows->pdata[0])->id;
}

/* When the shown copy is deleted at its source, the other copy is shown; when it gives way to
 * a newer version, the copies follow the new version. One row all along. */
static void
test_copies_hand_over (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *text = first_condition_text ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *a = hf_test_write_file (&f->td, "a.json", text);
  g_autofree char *b = hf_test_write_file (&f->td, "b.json", text);
  g_autofree char *deletion = NULL;
  g_autofree char *newer = NULL;
  g_autoptr(HfImportResult) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;
  g_autoptr(GPtrArray) linked = NULL;
  g_autoptr(GPtrArray) search = NULL;
  JsonObject *o;
  const char *id;
  gint64 shown_a, shown_b, shown_new;

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  id = json_object_get_string_member (o, "id");

  r1 = import_ok (f, a);
  r2 = import_ok (f, b);
  shown_a = only_problem (f);

  /* a.json's source now deletes it (a history Bundle at the same place). */
  deletion = g_strdup_printf ("{\"resourceType\":\"Bundle\",\"type\":\"history\",\"entry\":["
                              "{\"request\":{\"method\":\"DELETE\",\"url\":\"Condition/%s\"},"
                              "\"response\":{\"status\":\"204\"}}]}", id);
  g_assert_true (g_file_set_contents (a, deletion, -1, NULL));
  r3 = import_ok (f, a);
  shown_b = only_problem (f);
  g_assert_cmpint (shown_b, !=, shown_a);
  search = find (f, NULL, json_object_get_string_member (json_object_get_object_member (o, "code"),
                                                         "text"), NULL);
  g_assert_true (has_id (search, shown_b));
  g_assert_false (has_id (search, shown_a));

  /* b.json gets a newer version; a third copy was linked to it before. */
  {
    g_autofree char *c = hf_test_write_file (&f->td, "c.json", text);
    g_autoptr(HfImportResult) rc = import_ok (f, c);
    g_assert_cmpuint (rc->added, ==, 1);
    g_assert_cmpint (only_problem (f), ==, shown_b);
  }
  json_object_set_object_member (o, "meta", json_object_new ());
  json_object_set_string_member (json_object_get_object_member (o, "meta"), "lastUpdated",
                                 "2030-01-01T00:00:00Z");
  json_object_set_string_member (o, "recordedDate", "2030-01-01");
  newer = json_to_string (json_parser_get_root (parser), FALSE);
  g_assert_true (g_file_set_contents (b, newer, -1, NULL));
  r4 = import_ok (f, b);
  g_assert_cmpuint (r4->updated, ==, 1);
  shown_new = only_problem (f);
  g_assert_cmpint (shown_new, !=, shown_b);
  linked = hf_record_store_linked (f->vault, shown_new, NULL);
  g_assert_true (g_str_has_suffix (((HfRecordRow *) linked->pdata[linked->len - 1])->source,
                                   "c.json"));
}

/* }}} */
/* {{{ migration */

/* A vault the CLI wrote at schema 3 opens with every record, today's summaries, the visits
 * and search inside words. */
static void
test_migrate_v3 (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *from = data_path ("v3-vault/v3.hfvault");
  g_autofree char *from_keys = data_path ("v3-vault/v3.hfkeys");
  g_autofree char *path = g_build_filename (f->td.dir, "v3.hfvault", NULL);
  g_autofree char *keys = g_build_filename (f->td.dir, "v3.hfkeys", NULL);
  g_autoptr(HfSecret) pass = hf_test_secret (V3_PASS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diabetes = NULL;
  g_autoptr(GPtrArray) lipid = NULL;
  HfRecordFilter all = { .all = TRUE };
  sqlite3_stmt *stmt = NULL;
  guint rows = 0, with_context = 0;

  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  hf_test_copy (from, path);
  hf_test_copy (from_keys, keys);
  f->vault = hf_vault_open (path, NULL, pass, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (f->vault), "PRAGMA user_version", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, _hf_vault_schema_version ());
  sqlite3_finalize (stmt);

  /* PROVENANCE.md: 70 + 23 records. */
  g_assert_cmpuint (stats_total (f), ==, 93);
  g_assert_cmpuint (count (f, &all), ==, 93);

  /* Every row reads as today's summary of its JSON says, and names its visit. */
  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (f->vault),
                                       "SELECT id, json, context FROM resource", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(HfRecordRow) row = NULL;
      HfFhirSummary s = { NULL };
      JsonObject *r, *encounter;
      const char *context = (const char *) sqlite3_column_text (stmt, 2);

      g_assert_true (json_parser_load_from_data (parser,
                                                 (const char *) sqlite3_column_text (stmt, 1),
                                                 -1, NULL));
      r = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (hf_record_store_get (f->vault, sqlite3_column_int64 (stmt, 0), &row, NULL,
                                          &error));
      hf_fhir_summarize (r, hf_record_store_resolve, f->vault, &s);
      g_assert_cmpstr (row->category, ==, s.category);
      g_assert_cmpstr (row->title, ==, s.title);
      g_assert_cmpstr (row->subtitle, ==, s.subtitle);
      g_assert_cmpstr (row->effective, ==, s.effective);
      hf_fhir_summary_clear (&s);
      encounter = json_object_has_member (r, "encounter")
                ? json_object_get_object_member (r, "encounter") : NULL;
      if (encounter != NULL)
        {
          g_assert_cmpstr (context, ==, json_object_get_string_member (encounter, "reference"));
          with_context++;
        }
      rows++;
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (rows, ==, 93);
  g_assert_cmpuint (with_context, >, 0);

  /* Search finds inside words, which schema 3 could not. */
  diabetes = find (f, NULL, "diabetes", NULL);
  g_assert_true (has_title (diabetes, "Prediabetes"));
  lipid = find (f, NULL, "lipid", NULL);
  g_assert_true (has_title (lipid, "Hyperlipidemia"));
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);
  g_assert_true (hf_core_init ());

#define ADD(name, fn) g_test_add (name, Fixture, NULL, setup, fn, teardown)
  ADD ("/hf/records/search-inside-words", test_search_inside_words);
  ADD ("/hf/records/search-document-text", test_search_document_text);
  ADD ("/hf/records/search-category-cli", test_search_category_cli);
  ADD ("/hf/records/counts-all-records", test_counts_all_records);
  ADD ("/hf/records/copies-are-one-row", test_copies_are_one_row);
  ADD ("/hf/records/support-practitioners", test_support_practitioners);
  ADD ("/hf/records/copies-hand-over", test_copies_hand_over);
  ADD ("/hf/records/migrate-v3", test_migrate_v3);
#undef ADD
  return g_test_run ();
}
