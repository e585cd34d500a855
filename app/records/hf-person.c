/* hf-person.c — whose record a vault holds, and whether a Patient is that person
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A vault holds one person's record (DESIGN §2). The person is one row of the "person" table:
 * the name and birth date a Patient (or the user, at vault creation) gave, and the business
 * identifiers of every Patient linked to them. Every Patient the vault keeps is that person:
 * the importer and the sync refuse any other, so the Patient rows are the linked records.
 *
 * Names are compared as people write them, not as they are encoded: NFD, combining marks
 * dropped, case-folded ("Echevarría" = "ECHEVARRIA"). Synthea's digits in names ("Carla633")
 * are part of the data and are compared as they are.
 */

#include "hf-person.h"
#include "hf-person-private.h"

#include <string.h>

#include "hf-error.h"
#include "hf-json-util.h"
#include "hf-vault-private.h"

void
hf_person_free (HfPerson *person)
{
  if (person == NULL)
    return;
  g_free (person->name);
  g_free (person->family);
  g_free (person->given);
  g_free (person->birth_date);
  g_clear_pointer (&person->identifiers, g_ptr_array_unref);
  g_free (person);
}

static HfPerson *
person_alloc (void)
{
  HfPerson *p = g_new0 (HfPerson, 1);

  p->identifiers = g_ptr_array_new_with_free_func (g_free);
  return p;
}

static char *
nonempty_strip (const char *s)
{
  char *copy;

  if (s == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (s));
  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

static void
add_identifier (HfPerson   *p,
                const char *key)
{
  for (guint i = 0; i < p->identifiers->len; i++)
    if (g_str_equal (g_ptr_array_index (p->identifiers, i), key))
      return;
  g_ptr_array_add (p->identifiers, g_strdup (key));
}

/* Patient.name: the one in official use, else the first. */
static JsonObject *
chosen_name (JsonObject *patient)
{
  JsonArray *names = hf_json_array (patient, "name");
  JsonObject *first = NULL;

  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    {
      JsonNode *n = json_array_get_element (names, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;

      if (o == NULL)
        continue;
      if (g_strcmp0 (hf_json_string (o, "use"), "official") == 0)
        return o;
      if (first == NULL)
        first = o;
    }
  return first;
}

HfPerson *
hf_person_new_from_patient (JsonObject *patient)
{
  HfPerson *p;
  JsonObject *name;
  JsonArray *given, *ids;
  g_autoptr(GString) shown = g_string_new (NULL);

  g_return_val_if_fail (patient != NULL, NULL);

  p = person_alloc ();
  name = chosen_name (patient);
  given = hf_json_array (name, "given");
  p->family = nonempty_strip (hf_json_string (name, "family"));
  for (guint i = 0; given != NULL && i < json_array_get_length (given); i++)
    {
      JsonNode *n = json_array_get_element (given, i);
      g_autofree char *g = NULL;

      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        continue;
      if ((g = nonempty_strip (json_node_get_string (n))) == NULL)
        continue;
      if (p->given == NULL)
        p->given = g_strdup (g);
      g_string_append_printf (shown, "%s%s", shown->len ? " " : "", g);
    }
  if (p->family != NULL)
    g_string_append_printf (shown, "%s%s", shown->len ? " " : "", p->family);
  if (shown->len == 0 && hf_json_string (name, "text") != NULL)
    g_string_append (shown, hf_json_string (name, "text"));
  p->name = shown->len ? g_strdup (shown->str) : g_strdup_printf ("Patient %s",
                                                                  hf_json_string (patient, "id")
                                                                  ? hf_json_string (patient, "id")
                                                                  : "without a name");
  p->birth_date = nonempty_strip (hf_json_string (patient, "birthDate"));
  p->anonymous = shown->len == 0 && p->birth_date == NULL;

  ids = hf_json_array (patient, "identifier");
  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    {
      JsonNode *n = json_array_get_element (ids, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      const char *system = hf_json_string (o, "system");
      const char *value = hf_json_string (o, "value");

      if (system != NULL && value != NULL && *system != '\0' && *value != '\0')
        {
          g_autofree char *key = g_strdup_printf ("%s|%s", system, value);
          add_identifier (p, key);
        }
    }
  p->anonymous = p->anonymous && p->identifiers->len == 0;
  return p;
}

HfPerson *
hf_person_new (const char *name,
               const char *birth_date)
{
  HfPerson *p;
  g_auto(GStrv) words = NULL;
  guint n;

  g_return_val_if_fail (name != NULL, NULL);

  p = person_alloc ();
  p->name = g_strstrip (g_strdup (name));
  words = g_strsplit_set (p->name, " \t", -1);
  n = 0;
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      {
        if (p->given == NULL)
          p->given = g_strdup (words[i]);
        g_free (p->family);
        p->family = g_strdup (words[i]);
        n++;
      }
  if (n < 2)
    g_clear_pointer (&p->given, g_free);   /* one word is a family name */
  p->birth_date = nonempty_strip (birth_date);
  return p;
}

char *
hf_person_fold (const char *text)
{
  g_autofree char *decomposed = NULL;
  g_autoptr(GString) bare = NULL;

  if (text == NULL)
    return NULL;
  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFD);
  if (decomposed == NULL)
    return NULL;   /* not UTF-8: never equal to anything */
  bare = g_string_sized_new (strlen (decomposed));
  for (const char *s = decomposed; *s != '\0'; s = g_utf8_next_char (s))
    {
      gunichar c = g_utf8_get_char (s);
      if (!g_unichar_ismark (c))
        g_string_append_unichar (bare, c);
    }
  return g_utf8_casefold (g_strstrip (bare->str), -1);
}

static gboolean
same_words (const char *a,
            const char *b)
{
  g_autofree char *fa = hf_person_fold (a);
  g_autofree char *fb = hf_person_fold (b);

  return fa != NULL && fb != NULL && *fa != '\0' && g_str_equal (fa, fb);
}

gboolean
hf_person_matches (const HfPerson *a,
                   const HfPerson *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  for (guint i = 0; i < a->identifiers->len; i++)
    for (guint j = 0; j < b->identifiers->len; j++)
      if (g_str_equal (g_ptr_array_index (a->identifiers, i),
                       g_ptr_array_index (b->identifiers, j)))
        return TRUE;
  return a->birth_date != NULL && b->birth_date != NULL &&
         g_str_equal (a->birth_date, b->birth_date) &&
         same_words (a->family, b->family) && same_words (a->given, b->given);
}

char *
hf_person_describe (const HfPerson *person)
{
  g_return_val_if_fail (person != NULL, NULL);

  if (person->birth_date == NULL)
    return g_strdup (person->name);
  return g_strdup_printf ("%s, born %s", person->name, person->birth_date);
}

char *
hf_person_reference_id (const char *reference)
{
  g_autofree char *path = NULL;
  g_auto(GStrv) parts = NULL;
  guint n;

  if (reference == NULL || strstr (reference, "Patient/") == NULL)
    return NULL;
  path = g_strndup (reference, strcspn (reference, "?#"));
  parts = g_strsplit (path, "/", -1);
  n = g_strv_length (parts);
  /* …/Patient/ID/_history/N names a version of Patient/ID. */
  if (n >= 4 && g_str_equal (parts[n - 2], "_history"))
    n -= 2;
  if (n < 2 || !g_str_equal (parts[n - 2], "Patient") || *parts[n - 1] == '\0')
    return NULL;
  /* A relative reference is exactly "Patient/ID"; anything longer is an absolute URL. */
  if (n > 2 && strstr (reference, "://") == NULL)
    return NULL;
  return g_strdup (parts[n - 1]);
}

const char *
hf_person_subject_reference (JsonObject *resource)
{
  static const char *const members[] = { "subject", "patient", "beneficiary" };

  g_return_val_if_fail (resource != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      const char *ref = hf_json_string (hf_json_object (resource, members[i]), "reference");
      if (ref != NULL)
        return ref;
    }
  return NULL;
}

/* {{{ the vault's person */

gboolean
_hf_person_migrate_v5 (sqlite3  *db,
                       GError  **error)
{
  return _hf_db_exec (db,
    "CREATE TABLE person ("
    "  id          INTEGER PRIMARY KEY CHECK (id = 1),"   /* one person per vault */
    "  name        TEXT NOT NULL,"
    "  family      TEXT,"
    "  given       TEXT,"
    "  birth_date  TEXT,"
    "  identifiers TEXT NOT NULL DEFAULT ''"             /* "system|value", one a line */
    ");"
    /* Who was taken to be the vault's person under another name (--same-person). */
    "ALTER TABLE provenance ADD COLUMN same_person TEXT;",
    error);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup (text) : NULL;
}

gboolean
_hf_person_load (sqlite3   *db,
                 HfPerson **out,
                 GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *out = NULL;
  rc = sqlite3_prepare_v2 (db, "SELECT name, family, given, birth_date, identifiers FROM person "
                           "WHERE id = 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HfPerson *p = person_alloc ();
      g_auto(GStrv) ids = g_strsplit ((const char *) sqlite3_column_text (stmt, 4), "\n", -1);

      p->name = column_dup (stmt, 0);
      p->family = column_dup (stmt, 1);
      p->given = column_dup (stmt, 2);
      p->birth_date = column_dup (stmt, 3);
      for (guint i = 0; ids[i] != NULL; i++)
        if (*ids[i] != '\0')
          add_identifier (p, ids[i]);
      *out = p;
      rc = SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "reading whose record the vault holds", error);
  return TRUE;
}

gboolean
_hf_person_store (sqlite3         *db,
                  const HfPerson  *person,
                  GError         **error)
{
  g_autoptr(GString) ids = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  for (guint i = 0; i < person->identifiers->len; i++)
    g_string_append_printf (ids, "%s%s", i ? "\n" : "",
                            (char *) g_ptr_array_index (person->identifiers, i));
  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO person (id, name, family, given, "
                           "birth_date, identifiers) VALUES (1, ?, ?, ?, ?, ?)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, person->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, person->family, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, person->given, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, person->birth_date, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, ids->str, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _hf_db_fail (db, rc, "recording whose record the vault holds", error);
  return TRUE;
}

void
_hf_person_merge (HfPerson       *a,
                  const HfPerson *b)
{
  for (guint i = 0; i < b->identifiers->len; i++)
    add_identifier (a, g_ptr_array_index (b->identifiers, i));
}

void
_hf_person_set_mismatch (GError         **error,
                         const char      *what,
                         const HfPerson  *other,
                         const HfPerson  *vault_person,
                         const char      *advice)
{
  g_autofree char *theirs = hf_person_describe (other);
  g_autofree char *ours = NULL;

  if (vault_person->birth_date != NULL)
    ours = g_strdup_printf ("%s’s, born %s", vault_person->name, vault_person->birth_date);
  else
    ours = g_strdup_printf ("%s’s", vault_person->name);
  g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
               "%s the record of %s; this vault is %s. %s", what, theirs, ours,
               advice != NULL ? advice : "Import it into another vault, or add --same-person if "
                                         "this is the same person under another name.");
}

gboolean
_hf_person_check_patient (sqlite3     *db,
                          JsonObject  *patient,
                          const char  *what,
                          const char  *advice,
                          GError     **error)
{
  g_autoptr(HfPerson) found = hf_person_new_from_patient (patient);
  g_autoptr(HfPerson) person = NULL;

  if (found->anonymous)
    return TRUE;   /* names nobody: neither the person nor someone else */
  if (!_hf_person_load (db, &person, error))
    return FALSE;
  if (person == NULL)
    return _hf_person_store (db, found, error);
  if (!hf_person_matches (person, found))
    {
      _hf_person_set_mismatch (error, what, found, person, advice);
      return FALSE;
    }
  _hf_person_merge (person, found);
  return _hf_person_store (db, person, error);
}

gboolean
hf_vault_get_person (HfVault   *vault,
                     HfPerson **out,
                     GError   **error)
{
  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "read whose record the vault holds", error))
    return FALSE;
  return _hf_person_load (_hf_vault_get_db (vault), out, error);
}

gboolean
hf_vault_set_person (HfVault        *vault,
                     const HfPerson *person,
                     GError        **error)
{
  sqlite3 *db;
  g_autoptr(HfPerson) existing = NULL;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (person != NULL && person->name != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_WRITE_RECORDS, "say whose record the vault holds",
                         error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  if (!_hf_db_begin (db, error))
    return FALSE;
  if (!_hf_person_load (db, &existing, error))
    goto fail;
  if (existing != NULL)
    {
      g_autofree char *who = hf_person_describe (existing);
      g_set_error (error, HF_ERROR, HF_ERROR_EXISTS,
                   "This vault already holds the record of %s; create another vault for "
                   "someone else.", who);
      goto fail;
    }
  detail = hf_person_describe (person);
  if (!_hf_person_store (db, person, error) ||
      !_hf_audit_append (db, _hf_vault_get_audit_key (vault), hf_vault_get_member_name (vault),
                         "person", detail, error) ||
      !_hf_db_commit (db, error))
    goto fail;
  return TRUE;

fail:
  _hf_db_rollback (db);
  return FALSE;
}

gboolean
hf_vault_count_patients (HfVault  *vault,
                         guint64  *out,
                         GError  **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (HF_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!hf_vault_require (vault, HF_PERMISSION_READ, "count the vault's records", error))
    return FALSE;
  db = _hf_vault_get_db (vault);
  rc = sqlite3_prepare_v2 (db, "SELECT count (*) FROM resource WHERE resource_type = 'Patient' "
                           "AND superseded_by IS NULL AND deleted_at IS NULL", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return _hf_db_fail (db, rc, "counting the vault's records", error);
  return TRUE;
}

/* }}} */
