/* test-person.c — one person per vault: matching, the import and sync refusals, --person
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the Synthea patients and the Bulk Data export in tests/data: Carla Echevarría's record is
 * the vault's, Clemente Kreiger is someone else, the Bulk export holds 13 people. The sync
 * refusal talks real HTTP to tests/hf-fhir-server.c on 127.0.0.1, whose Patient is Pat Test.
 */

#include <glib/gstdio.h>
#include <string.h>

#include "hf-audit.h"
#include "hf-error.h"
#include "hf-fhir-server.h"
#include "hf-import.h"
#include "hf-json-util.h"
#include "hf-person.h"
#include "hf-records.h"
#include "hf-source.h"
#include "hf-test-util.h"
#include "hf-vault-private.h"

#define PASS "correct horse battery staple"
#define CARLA "synthea/Carla_Echevarria_9a628ccd-2a55-4331-8e68-bb58458fd674.json"
#define CLEMENTE "synthea/Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json"
#define BULK_PERSON "129c6ac7-8d06-89de-ad63-0204a93e76c3"   /* Sumiko254 Medhurst46 */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfFhirServer, hf_fhir_server_free)

#define CARLA_VS_CLEMENTE \
  "This file holds the record of Clemente Kreiger, born 1984-07-02; this vault is Carla " \
  "Echevarría’s, born 2005-05-03. Import it into another vault, or add --same-person if this " \
  "is the same person under another name."

typedef struct
{
  HfTestDir  td;
  HfVault   *vault;
  char      *pass_file;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(HfSecret) code = NULL;
  g_autoptr(GError) error = NULL;

  hf_test_dir_setup (&f->td, data);
  f->pass_file = hf_test_write_file (&f->td, "pass.txt", PASS "\n");
  f->vault = hf_vault_create (f->td.vault, "owner", pass, &code, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->vault != NULL)
    hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
  g_free (f->pass_file);
  hf_test_dir_teardown (&f->td, data);
}

static char *
data_path (const char *part)
{
  const char *dir = g_getenv ("HF_TEST_DATA");

  g_assert_nonnull (dir);
  return g_build_filename (dir, part, NULL);
}

/* Closes the vault (the CLI opens it itself) and opens it again afterwards. */
static void
close_vault (Fixture *f)
{
  hf_vault_lock (f->vault);
  g_clear_object (&f->vault);
}

static void
open_vault (Fixture *f)
{
  g_autoptr(HfSecret) pass = hf_test_secret (PASS);
  g_autoptr(GError) error = NULL;

  f->vault = hf_vault_open (f->td.vault, NULL, pass, &error);
  g_assert_no_error (error);
}

static int
cli (Fixture     *f,
     char       **out,
     char       **err,
     const char  *first,
     ...) G_GNUC_NULL_TERMINATED;

static int
cli (Fixture     *f,
     char       **out,
     char       **err,
     const char  *first,
     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  /* What an earlier run printed is replaced, not leaked. */
  if (out != NULL)
    g_clear_pointer (out, g_free);
  if (err != NULL)
    g_clear_pointer (err, g_free);
  g_ptr_array_add (args, (gpointer) "--vault");
  g_ptr_array_add (args, f->td.vault);
  g_ptr_array_add (args, (gpointer) "--passphrase-file");
  g_ptr_array_add (args, f->pass_file);
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return hf_test_cli_v (out, err, (const char * const *) args->pdata);
}

static gboolean
import (Fixture                *f,
        const char             *path,
        const HfImportOptions  *options,
        HfImportResult        **result,
        GError                **error)
{
  const char *paths[] = { path, NULL };

  return hf_vault_import_files_with (f->vault, paths, options, NULL, NULL, NULL, result, error);
}

static void
import_ok (Fixture    *f,
           const char *part)
{
  g_autofree char *path = data_path (part);
  g_autoptr(GError) error = NULL;

  g_assert_true (import (f, path, NULL, NULL, &error));
  g_assert_no_error (error);
}

static gint64
count_sql (Fixture    *f,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (f->vault), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gint64
records (Fixture *f)
{
  return count_sql (f, "SELECT count (*) FROM resource");
}

/* `vault info`, as the user reads it, but for the generation, which every opening moves. */
static char *
vault_info (Fixture *f)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GString *kept = g_string_new (NULL);

  close_vault (f);
  g_assert_cmpint (cli (f, &out, NULL, "vault", "info", NULL), ==, 0);
  open_vault (f);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (!g_str_has_prefix (lines[i], "Generation:"))
      g_string_append_printf (kept, "%s\n", lines[i]);
  return g_string_free (kept, FALSE);
}

/* The Patient resource of a Synthea Bundle, parsed from the file. */
static JsonObject *
synthea_patient (const char *part)
{
  g_autofree char *path = data_path (part);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *entries;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  entries = hf_json_array (json_node_get_object (json_parser_get_root (parser)), "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r = hf_json_object (json_array_get_object_element (entries, i), "resource");
      if (g_strcmp0 (hf_json_string (r, "resourceType"), "Patient") == 0)
        {
          JsonNode *copy = json_node_copy (json_array_get_element (entries, i));
          JsonObject *o = json_object_ref (hf_json_object (json_node_get_object (copy),
                                                           "resource"));
          json_node_unref (copy);
          return o;
        }
    }
  g_assert_not_reached ();
}

static void
set_name (JsonObject *patient,
          const char *given,
          const char *family)
{
  JsonObject *name = json_array_get_object_element (hf_json_array (patient, "name"), 0);
  JsonArray *g = json_array_new ();

  json_array_add_string_element (g, given);
  json_object_set_array_member (name, "given", g);
  json_object_set_string_member (name, "family", family);
}

/* {{{ matching */

static void
test_match (void)
{
  g_autoptr(JsonObject) carla = synthea_patient (CARLA);
  g_autoptr(JsonObject) clemente = synthea_patient (CLEMENTE);
  g_autoptr(HfPerson) a = hf_person_new_from_patient (carla);
  g_autoptr(HfPerson) other = hf_person_new_from_patient (clemente);
  g_autoptr(HfPerson) typed = hf_person_new ("carla ECHEVARRIA", "2005-05-03");
  g_autofree char *folded = hf_person_fold ("Echevarría");
  g_autofree char *r1 = hf_person_reference_id ("Patient/d8e20eac");
  g_autofree char *r2 = hf_person_reference_id ("https://ehr.example/fhir/Patient/abc/_history/2");
  g_autofree char *r3 = hf_person_reference_id ("Observation/abc");
  g_autofree char *r4 = hf_person_reference_id ("Group/1/Patient/abc");

  g_assert_cmpstr (a->name, ==, "Carla Echevarría");
  g_assert_cmpstr (a->birth_date, ==, "2005-05-03");
  g_assert_cmpuint (a->identifiers->len, >=, 2);
  g_assert_cmpstr (folded, ==, "echevarria");
  g_assert_cmpstr (r1, ==, "d8e20eac");
  g_assert_cmpstr (r2, ==, "abc");
  g_assert_null (r3);
  g_assert_null (r4);

  /* Different people; the user's own words for the same one, without accents or case. */
  g_assert_false (hf_person_matches (a, other));
  g_assert_true (hf_person_matches (a, typed));

  /* Name and birth date, without identifiers: case and accents do not matter. */
  {
    g_autoptr(JsonObject) copy = synthea_patient (CARLA);
    g_autoptr(HfPerson) b = NULL;

    json_object_remove_member (copy, "identifier");
    set_name (copy, "CARLA", "echevarria");
    b = hf_person_new_from_patient (copy);
    g_assert_cmpuint (b->identifiers->len, ==, 0);
    g_assert_true (hf_person_matches (a, b));

    /* … but another birth date is someone else. */
    json_object_set_string_member (copy, "birthDate", "2005-05-04");
    hf_person_free (g_steal_pointer (&b));
    b = hf_person_new_from_patient (copy);
    g_assert_false (hf_person_matches (a, b));
  }

  /* A shared identifier is the same person, whatever the name says. */
  {
    g_autoptr(JsonObject) copy = synthea_patient (CARLA);
    g_autoptr(HfPerson) b = NULL;

    set_name (copy, "Carla", "Smith");
    json_object_set_string_member (copy, "birthDate", "1999-01-01");
    b = hf_person_new_from_patient (copy);
    g_assert_true (hf_person_matches (a, b));
    /* Clemente's identifiers are his own. */
    g_assert_false (hf_person_matches (b, other));
  }

  /* The official name wins over a first one in other use. */
  {
    g_autoptr(JsonObject) copy = synthea_patient (CARLA);
    JsonObject *official = json_object_new ();
    JsonArray *given = json_array_new ();
    g_autoptr(HfPerson) b = NULL;

    set_name (copy, "Carlita", "E");
    json_object_set_string_member (json_array_get_object_element (hf_json_array (copy, "name"),
                                                                  0), "use", "nickname");
    json_array_add_string_element (given, "Carla");
    json_object_set_string_member (official, "use", "official");
    json_object_set_string_member (official, "family", "Echevarría");
    json_object_set_array_member (official, "given", given);
    json_array_add_object_element (hf_json_array (copy, "name"), official);
    b = hf_person_new_from_patient (copy);
    g_assert_cmpstr (b->name, ==, "Carla Echevarría");
  }
}

/* }}} */
/* {{{ the vault's person */

static void
test_first_patient (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HfPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = vault_info (f);
  g_autofree char *after = NULL;
  guint64 n = 0;

  g_assert_nonnull (strstr (before, "Person:      not known yet"));
  import_ok (f, CARLA);
  g_assert_true (hf_vault_get_person (f->vault, &person, &error));
  g_assert_no_error (error);
  g_assert_nonnull (person);
  g_assert_cmpstr (person->name, ==, "Carla Echevarría");
  g_assert_cmpstr (person->birth_date, ==, "2005-05-03");
  g_assert_true (hf_vault_count_patients (f->vault, &n, &error));
  g_assert_cmpuint (n, ==, 1);

  after = vault_info (f);
  g_assert_nonnull (strstr (after, "Person:      Carla Echevarría, born 2005-05-03\n"));
  g_assert_nonnull (strstr (after, "https://github.com/synthetichealth/synthea|"
                                   "9a628ccd-2a55-4331-8e68-bb58458fd674"));
  g_assert_nonnull (strstr (after, "Patient records linked: 1\n"));

  /* The same file again: the same person, nothing changes. */
  import_ok (f, CARLA);
}

static void
test_vault_create_name (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *carla = data_path (CARLA);

  close_vault (f);
  g_unlink (f->td.vault);
  g_unlink (f->td.keys);
  g_assert_cmpint (cli (f, &out, &err, "vault", "create", "--name", "Carla Echevarria",
                        "--birth-date", "2005-13-03", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "“2005-13-03” is not a date written YYYY-MM-DD"));
  g_assert_false (g_file_test (f->td.vault, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, &out, &err, "vault", "create", "--name", "Carla Echevarria",
                        "--birth-date", "2005-05-03", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "It holds the record of Carla Echevarria, born 2005-05-03."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Written without the accent by the user; Synthea writes it with one: the same person. */
  g_assert_cmpint (cli (f, &out, &err, "import", carla, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli (f, &out, &err, "vault", "info", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Person:      Carla Echevarria, born 2005-05-03\n"));
  g_assert_nonnull (strstr (out, "Patient records linked: 1\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Someone else is refused: the name the user gave is the vault's. */
  {
    g_autofree char *clemente = data_path (CLEMENTE);
    g_assert_cmpint (cli (f, &out, &err, "import", clemente, NULL), ==, 3);
    g_assert_nonnull (strstr (err, "this vault is Carla Echevarria’s, born 2005-05-03."));
  }
  open_vault (f);
}

/* }}} */
/* {{{ refusals */

static void
test_other_person (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *clemente = data_path (CLEMENTE);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n;

  import_ok (f, CARLA);
  n = records (f);
  before = vault_info (f);

  g_assert_false (import (f, clemente, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, CARLA_VS_CLEMENTE);

  close_vault (f);
  g_assert_cmpint (cli (f, &out, &err, "import", clemente, NULL), ==, 3);
  g_assert_cmpstr (err, ==, "healthfolio-cli: " CARLA_VS_CLEMENTE "\n");
  open_vault (f);

  /* Nothing changed. */
  g_assert_cmpint (records (f), ==, n);
  g_assert_cmpint (count_sql (f, "SELECT count (*) FROM provenance"), ==, 1);
  after = vault_info (f);
  g_assert_cmpstr (after, ==, before);
}

static void
test_several_people (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *synthea = data_path ("synthea");
  g_autofree char *bulk = data_path ("bulk-ndjson");
  g_autofree char *before = vault_info (f);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (import (f, synthea, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "These files hold the records of 3 people ("));
  g_assert_nonnull (strstr (error->message, "Carla Echevarría, born 2005-05-03, Patient "
                                            "d8e20eac-1721-4a71-ba98-c23d32e75105"));
  g_assert_nonnull (strstr (error->message, "Clemente Kreiger, born 1984-07-02"));
  g_assert_nonnull (strstr (error->message, "Luigi Wiegand, born 2020-10-20"));
  g_assert_nonnull (strstr (error->message, "--person ID"));
  g_clear_error (&error);

  /* The Bulk export: its Patients come after five files of records already written in
   * batches, and still nothing is kept. */
  g_assert_false (import (f, bulk, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "These files hold the records of 13 people"));
  g_assert_nonnull (strstr (error->message, "Patient " BULK_PERSON));

  g_assert_cmpint (records (f), ==, 0);
  g_assert_cmpint (count_sql (f, "SELECT count (*) FROM provenance"), ==, 0);
  after = vault_info (f);
  g_assert_cmpstr (after, ==, before);
}

/* Records about a Patient who is not the vault's person, with or without their Patient. */
static void
test_subject_other (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *conditions = data_path ("bulk-ndjson/Condition.000.ndjson");
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  g_autofree char *one = NULL;
  g_autofree char *bundle = NULL;
  g_autoptr(JsonObject) carla = synthea_patient (CARLA);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) carla_node = json_node_init_object (json_node_alloc (), carla);
  g_autoptr(GError) error = NULL;
  g_autofree char *patient_text = NULL;
  g_autofree char *mixed = NULL;
  char *nl;
  gint64 n;

  import_ok (f, CARLA);
  n = records (f);

  /* One Condition of the Bulk export: its subject is a Patient the vault does not hold. */
  g_assert_true (g_file_get_contents (conditions, &text, NULL, NULL));
  nl = strchr (text, '\n');
  line = g_strndup (text, nl - text);
  g_assert_nonnull (strstr (line, "\"subject\":{\"reference\":\"Patient/"));
  one = hf_test_write_file (&f->td, "condition.ndjson", line);
  g_assert_false (import (f, one, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "This file holds the record of Patient "));
  g_assert_nonnull (strstr (error->message, ", whose Patient record is not in it; this vault "
                                            "is Carla Echevarría’s, born 2005-05-03."));
  g_clear_error (&error);

  /* Beside Carla's own Patient in one file: two people. */
  json_generator_set_root (gen, carla_node);
  patient_text = json_generator_to_data (gen, NULL);
  mixed = g_strconcat (patient_text, "\n", line, "\n", NULL);
  bundle = hf_test_write_file (&f->td, "mixed.ndjson", mixed);
  g_assert_false (import (f, bundle, NULL, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "This file holds the records of 2 people "
                                   "(Carla Echevarría, born 2005-05-03"));
  g_assert_nonnull (strstr (error->message, ", not in the file)"));
  g_assert_cmpint (records (f), ==, n);
}

/* }}} */
/* {{{ decisions */

static void
test_same_person (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *clemente = data_path (CLEMENTE);
  HfImportOptions options = { .same_person = TRUE };
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *info = NULL;
  gboolean logged = FALSE;
  sqlite3_stmt *stmt = NULL;
  guint64 n = 0;

  import_ok (f, CARLA);
  g_assert_true (import (f, clemente, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result->added, >, 0);

  /* In the provenance of what the file brought … */
  g_assert_cmpint (sqlite3_prepare_v2 (_hf_vault_get_db (f->vault),
                                       "SELECT same_person FROM provenance WHERE source LIKE "
                                       "'%Clemente%'", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==,
                   "Clemente Kreiger, born 1984-07-02 taken to be Carla Echevarría, born "
                   "2005-05-03 by owner (--same-person)");
  sqlite3_finalize (stmt);
  g_assert_cmpint (count_sql (f, "SELECT count (*) FROM provenance WHERE same_person IS NULL"),
                   ==, 1);   /* Carla's own file */

  /* … and in the activity log. */
  log = hf_audit_list (f->vault, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < log->len; i++)
    {
      HfAuditEntry *e = g_ptr_array_index (log, i);
      if (g_str_equal (e->action, "same-person"))
        logged = g_str_has_prefix (e->detail, "Clemente Kreiger, born 1984-07-02 taken to be");
    }
  g_assert_true (logged);

  /* Linked: two Patient records, one person, who is still Carla. */
  g_assert_true (hf_vault_count_patients (f->vault, &n, &error));
  g_assert_cmpuint (n, ==, 2);
  info = vault_info (f);
  g_assert_nonnull (strstr (info, "Person:      Carla Echevarría, born 2005-05-03\n"));
  g_assert_nonnull (strstr (info, "Patient records linked: 2\n"));

  /* His identifiers are the person's now: his file again needs no decision. */
  g_clear_pointer (&result, hf_import_result_free);
  g_assert_true (import (f, clemente, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result->added, ==, 0);

  /* Nor both files in one folder: two Patients, linked, are one person, not several. */
  {
    g_autofree char *dir = g_build_filename (f->td.dir, "both", NULL);
    g_autofree char *carla = data_path (CARLA);
    g_autofree char *a = g_build_filename (dir, "carla.json", NULL);
    g_autofree char *b = g_build_filename (dir, "clemente.json", NULL);

    g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
    hf_test_copy (carla, a);
    hf_test_copy (clemente, b);
    g_clear_pointer (&result, hf_import_result_free);
    g_assert_true (import (f, dir, NULL, &result, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (result->files, ==, 2);
  }
}

/* The number of Bulk resources that are not about PATIENT: other Patients, and records whose
 * subject, patient or beneficiary is another Patient. */
static guint64
other_people_records (const char *dir,
                      const char *patient,
                      guint64    *total)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint64 other = 0;

  *total = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autoptr(JsonNode) node = NULL;
          JsonObject *r;
          const char *ref;
          g_autofree char *expect = g_strconcat ("Patient/", patient, NULL);

          if (*g_strstrip (lines[i]) == '\0')
            continue;
          node = json_from_string (lines[i], NULL);
          r = json_node_get_object (node);
          (*total)++;
          if (g_str_equal (hf_json_string (r, "resourceType"), "Patient"))
            other += !g_str_equal (hf_json_string (r, "id"), patient);
          else if ((ref = hf_json_string (hf_json_object (r, "subject"), "reference")) ||
                   (ref = hf_json_string (hf_json_object (r, "patient"), "reference")))
            other += !g_str_equal (ref, expect);
        }
    }
  return other;
}

static void
test_pick_person (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *bulk = data_path ("bulk-ndjson");
  HfImportOptions options = { .person = BULK_PERSON };
  HfImportOptions wrong = { .person = "no-such-patient" };
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(HfPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint64 total = 0;
  guint64 other = other_people_records (bulk, BULK_PERSON, &total);

  g_assert_cmpuint (other, >, 100);   /* the export is mostly other people */

  g_assert_false (import (f, bulk, &wrong, NULL, &error));
  g_assert_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "There is no Patient “no-such-patient”"));
  g_clear_error (&error);

  g_assert_true (import (f, bulk, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result->left_out, ==, other);
  g_assert_cmpuint (result->added, ==, total - other);
  g_assert_cmpint (records (f), ==, (gint64) (total - other));
  g_assert_cmpint (count_sql (f, "SELECT count (*) FROM resource WHERE resource_type = "
                                 "'Patient'"), ==, 1);
  /* Every stored record is about them, or about nobody (Organizations, Practitioners…). */
  g_assert_cmpint (count_sql (f, "SELECT count (*) FROM resource WHERE subject IS NOT NULL AND "
                                 "subject <> 'Patient/" BULK_PERSON "'"), ==, 0);
  g_assert_cmpint (count_sql (f, "SELECT count (*) FROM resource WHERE resource_type = "
                                 "'Practitioner'"), ==, 43);
  g_assert_true (hf_vault_get_person (f->vault, &person, &error));
  g_assert_cmpstr (person->name, ==, "Sumiko254 Larue605 Medhurst46");   /* as in the data */

  /* The CLI says how much was left out: a fresh vault, the same folder. */
  close_vault (f);
  g_unlink (f->td.vault);
  g_unlink (f->td.keys);
  g_assert_cmpint (cli (f, &out, &err, "vault", "create", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli (f, &out, &err, "import", "--person", BULK_PERSON, bulk, NULL), ==, 0);
  {
    g_autofree char *said = g_strdup_printf ("Left out %" G_GUINT64_FORMAT " records of other "
                                             "people than Patient " BULK_PERSON ".\n", other);
    g_assert_nonnull (strstr (out, said));
  }
  open_vault (f);
}

/* The entries of the Synthea Bundles in DIR about nobody or about the Patient of FULL_URL
 * (kept by --person), and the others (left out). */
static void
count_synthea_entries (const char *dir,
                       const char *full_url,
                       guint64    *kept,
                       guint64    *left)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  *kept = *left = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonArray *entries;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          /* support/: the shared practitioners and organizations, about nobody */
          guint64 sub_kept, sub_left;

          count_synthea_entries (path, full_url, &sub_kept, &sub_left);
          *kept += sub_kept;
          *left += sub_left;
          continue;
        }
      g_assert_true (json_parser_load_from_file (parser, path, NULL));
      entries = hf_json_array (json_node_get_object (json_parser_get_root (parser)), "entry");
      for (guint i = 0; i < json_array_get_length (entries); i++)
        {
          JsonObject *e = json_array_get_object_element (entries, i);
          JsonObject *r = hf_json_object (e, "resource");
          const char *ref = hf_person_subject_reference (r);
          gboolean mine;

          if (g_str_equal (hf_json_string (r, "resourceType"), "Patient"))
            mine = g_str_equal (hf_json_string (e, "fullUrl"), full_url);
          else
            mine = ref == NULL || g_str_equal (ref, full_url);
          if (mine)
            (*kept)++;
          else
            (*left)++;
        }
    }
}

/* Picking one person of a folder of Synthea Bundles, whose records name them by the
 * urn:uuid fullUrl of their Patient entry. */
static void
test_pick_person_bundles (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *synthea = data_path ("synthea");
  HfImportOptions options = { .person = "d8e20eac-1721-4a71-ba98-c23d32e75105" };
  g_autoptr(HfImportResult) result = NULL;
  g_autoptr(HfPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  guint64 kept = 0, left = 0;

  count_synthea_entries (synthea, "urn:uuid:d8e20eac-1721-4a71-ba98-c23d32e75105", &kept,
                         &left);
  g_assert_cmpuint (left, >, 100);
  g_assert_true (import (f, synthea, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result->left_out, ==, left);
  g_assert_cmpuint (result->added, ==, kept);
  g_assert_cmpint (count_sql (f, "SELECT count (*) FROM resource WHERE subject IS NOT NULL AND "
                                 "subject <> 'Patient/d8e20eac-1721-4a71-ba98-c23d32e75105'"),
                   ==, 0);
  g_assert_true (hf_vault_get_person (f->vault, &person, &error));
  g_assert_cmpstr (person->name, ==, "Carla Echevarría");
}

/* }}} */
/* {{{ sync */

static const char *const sync_types[] = { "Condition", "Observation", NULL };

static gboolean
sync_clinic (Fixture       *f,
             HfFhirServer  *server,
             GError       **error)
{
  HfSourceOptions o = { .timeout_ms = 10000, .page_size = 5, .backoff_ms = 50,
                        .login_timeout_s = 20 };
  g_autoptr(HfSourceInfo) info = NULL;
  g_autoptr(HfSmartConfig) found = NULL;
  g_autoptr(HfSyncResult) result = NULL;

  info = hf_source_add (f->vault, "clinic", hf_fhir_server_get_base (server), TRUE, NULL, "p1",
                        NULL, &o, &found, NULL, error);
  if (info == NULL)
    return FALSE;
  return hf_source_sync (f->vault, "clinic", &o, NULL, NULL, NULL, &result, error);
}

static void
test_sync_other_person (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HfFhirServer) server = hf_fhir_server_new (FALSE);
  g_autoptr(HfPerson) carla = hf_person_new ("Carla Echevarría", "2005-05-03");
  g_autoptr(HfPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  hf_fhir_server_populate (server, sync_types, 4);
  g_assert_true (hf_vault_set_person (f->vault, carla, &error));
  g_assert_no_error (error);

  g_assert_false (sync_clinic (f, server, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, "The server “clinic” holds the record of Pat Test, born "
                   "1970-01-01; this vault is Carla Echevarría’s, born 2005-05-03. Add this "
                   "source to the vault of that person instead, or remove it with “source "
                   "remove”.");
  g_assert_cmpint (records (f), ==, 0);
  g_assert_true (hf_vault_get_person (f->vault, &person, &error));
  g_assert_cmpstr (person->name, ==, "Carla Echevarría");
}

static void
test_sync_first_person (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HfFhirServer) server = hf_fhir_server_new (FALSE);
  g_autoptr(HfPerson) person = NULL;
  g_autoptr(GError) error = NULL;

  hf_fhir_server_populate (server, sync_types, 4);
  g_assert_true (sync_clinic (f, server, &error));
  g_assert_no_error (error);
  g_assert_cmpint (records (f), ==, 9);
  g_assert_true (hf_vault_get_person (f->vault, &person, &error));
  g_assert_cmpstr (person->name, ==, "Pat Test");
  g_assert_cmpstr (person->birth_date, ==, "1970-01-01");
}

/* }}} */

int
main (int    argc,
      char **argv)
{
  hf_test_init (&argc, &argv);
  g_test_add_func ("/hf/person/match", test_match);
#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/hf/person/first-patient", test_first_patient);
  ADD ("/hf/person/vault-create-name", test_vault_create_name);
  ADD ("/hf/person/other-person", test_other_person);
  ADD ("/hf/person/several-people", test_several_people);
  ADD ("/hf/person/subject-other", test_subject_other);
  ADD ("/hf/person/same-person", test_same_person);
  ADD ("/hf/person/pick-person", test_pick_person);
  ADD ("/hf/person/pick-person-bundles", test_pick_person_bundles);
  ADD ("/hf/person/sync-other-person", test_sync_other_person);
  ADD ("/hf/person/sync-first-person", test_sync_first_person);
#undef ADD
  return g_test_run ();
}
