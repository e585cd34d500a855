/* hf-cli-sharing.c — the recipient and consent commands
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include "hf-cli-private.h"

#include "hf-consent.h"
#include "hf-fhir.h"
#include "hf-jwk.h"
#include "hf-recipient.h"

/* A JWK is a few hundred bytes; a file far larger is not one. */
#define KEY_FILE_MAX (64 * 1024)

/* {{{ shared */

static char *
read_key_file (const char  *path,
               GError     **error)
{
  g_autoptr(GError) read_error = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &text, &length, &read_error))
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "Could not read the key file: %s.", read_error->message);
      return NULL;
    }
  if (length > KEY_FILE_MAX)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key file is far too large to be a JWK; give the recipient's public key "
                   "file.");
      return NULL;
    }
  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, HF_ERROR, HF_ERROR_INVALID_INPUT,
                   "The key file is not text; give the recipient's public key as a JWK file.");
      return NULL;
    }
  return g_steal_pointer (&text);
}

/* The state of a recipient's consent in a few words. */
static char *
consent_state (const HfConsent *c,
               const char      *today)
{
  const char *why = NULL;

  if (c == NULL)
    return g_strdup ("no consent");
  if (hf_consent_in_force (c, today, &why))
    {
      g_autofree char *cats = c->terms.categories[0] != NULL
        ? g_strjoinv (", ", c->terms.categories) : g_strdup ("no category");
      guint n = g_strv_length (c->terms.include);

      if (n > 0)
        return g_strdup_printf ("consent version %d: %s, and %u chosen record%s", c->version,
                                cats, n, n == 1 ? "" : "s");
      return g_strdup_printf ("consent version %d: %s", c->version, cats);
    }
  if (g_strcmp0 (why, "revoked") == 0)
    return g_strdup_printf ("consent revoked (version %d)", c->version);
  if (g_strcmp0 (why, "expired") == 0)
    return g_strdup_printf ("consent ended on %s (version %d)", c->terms.expires, c->version);
  return g_strdup_printf ("consent not in force yet (version %d)", c->version);
}

static void
add_consent_summary (JsonBuilder     *b,
                     const HfConsent *c,
                     const char      *today)
{
  g_autofree char *words = NULL;
  const char *why = NULL;
  gboolean in_force;

  if (c == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  in_force = hf_consent_in_force (c, today, &why);
  words = hf_consent_describe_on (c, today);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, c->version);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, c->revoked ? "inactive" : "active");
  json_builder_set_member_name (b, "in_force");
  json_builder_add_boolean_value (b, in_force);
  json_builder_set_member_name (b, "why");
  if (why != NULL)
    json_builder_add_string_value (b, why);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, words);
  json_builder_end_object (b);
}

static void
add_recipient (JsonBuilder       *b,
               const HfRecipient *r,
               const HfConsent   *c,
               const char        *today)
{
  g_autofree char *created = hf_cli_format_time_us (r->created);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, r->name);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, hf_recipient_kind_to_string (r->kind));
  json_builder_set_member_name (b, "contact");
  json_builder_add_string_value (b, r->contact);
  json_builder_set_member_name (b, "key");
  if (r->key_json != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      if (json_parser_load_from_data (parser, r->key_json, -1, NULL))
        json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
      else
        json_builder_add_null_value (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "key_thumbprint");
  json_builder_add_string_value (b, r->key_thumbprint);
  json_builder_set_member_name (b, "created");
  json_builder_add_string_value (b, created);
  json_builder_set_member_name (b, "consent");
  add_consent_summary (b, c, today);
  json_builder_end_object (b);
}

/* }}} */

/* {{{ recipients */

int
hf_cli_recipient_add (HfCliGlobals  *g,
                      int            argc,
                      char         **argv)
{
  g_autofree char *kind_text = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *key_file = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_text,
      "clinician, organization, caregiver, app, researcher or other", "KIND" },
    { "contact", 0, 0, G_OPTION_ARG_STRING, &contact,
      "How to reach them: e-mail, address or phone", "TEXT" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_file,
      "Their public EC P-256 key (a JWK file), for encrypted delivery", "JWK_FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output", NULL },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autofree char *key_json = NULL;
  HfRecipientKind kind;
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (entries, "NAME",
                          "Add someone to share records with. Nothing is shared until you set a "
                          "consent for them (“consent set NAME”). A key (their public EC P-256 "
                          "JWK) is checked on entry and its thumbprint shown, so that you can "
                          "compare it with the one they give you.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("recipient add needs one NAME (quote a name with spaces).");
  if (kind_text == NULL)
    return hf_cli_usage_error ("recipient add needs --kind clinician, organization, caregiver, "
                               "app, researcher or other.");
  if (!hf_recipient_kind_from_string (kind_text, &kind))
    return hf_cli_usage_error ("“%s” is not a kind of recipient; use clinician, organization, "
                               "caregiver, app, researcher or other.", kind_text);
  if (key_file != NULL && (key_json = read_key_file (key_file, &error)) == NULL)
    return hf_cli_fail (error);
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  r = hf_recipient_add (vault, argv[1], kind, contact, key_json, &error);
  if (r == NULL)
    {
      hf_vault_lock (vault);
      return hf_cli_fail (error);
    }
  if (g->json || json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *today = hf_consent_today ();
      add_recipient (b, r, NULL, today);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      const char *name = hf_cli_printable (keep, r->name);

      g_print ("Added %s (%s).\n", name, hf_recipient_kind_to_string (r->kind));
      if (r->key_thumbprint != NULL)
        g_print ("Their key's thumbprint (RFC 7638): %s\nCompare it with the one %s gives you "
                 "before you send them anything encrypted.\n", r->key_thumbprint, name);
      g_print ("Nothing is shared with them yet; set what they may see with "
               "“healthfolio-cli consent set \"%s\" --allow CATEGORY,…”.\n", name);
    }
  hf_vault_lock (vault);
  return 0;
}

int
hf_cli_recipient_list (HfCliGlobals  *g,
                       int            argc,
                       char         **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output", NULL },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify) hf_consent_free);
  g_autofree char *today = hf_consent_today ();
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (entries, "", "List the recipients, their keys and their consents.",
                          &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 1)
    return hf_cli_usage_error ("recipient list takes no arguments.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  list = hf_recipient_list (vault, &error);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      HfRecipient *r = g_ptr_array_index (list, i);
      HfConsent *c = hf_consent_get (vault, r->name, &error);
      if (error != NULL)
        break;
      g_ptr_array_add (consents, c);
    }
  hf_vault_lock (vault);
  if (list == NULL || error != NULL)
    return hf_cli_fail (error);

  if (g->json || json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        add_recipient (b, g_ptr_array_index (list, i), g_ptr_array_index (consents, i), today);
      json_builder_end_array (b);
      hf_cli_print_json (b);
    }
  else if (list->len == 0)
    g_print ("No recipients yet. Add one with “healthfolio-cli recipient add NAME --kind "
             "clinician”.\n");
  else
    for (guint i = 0; i < list->len; i++)
      {
        HfRecipient *r = g_ptr_array_index (list, i);
        g_autofree char *state = consent_state (g_ptr_array_index (consents, i), today);
        g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

        g_print ("%s (%s)%s%s\n  key: %s; %s\n", hf_cli_printable (keep, r->name),
                 hf_recipient_kind_to_string (r->kind), r->contact ? " — " : "",
                 r->contact ? hf_cli_printable (keep, r->contact) : "",
                 r->key_thumbprint ? r->key_thumbprint : "no key", state);
      }
  return 0;
}

int
hf_cli_recipient_show (HfCliGlobals  *g,
                       int            argc,
                       char         **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output", NULL },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(HfConsent) c = NULL;
  g_autofree char *today = hf_consent_today ();
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (entries, "NAME", "Show a recipient, their key and their consent.",
                          &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("recipient show needs one NAME.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  r = hf_recipient_find (vault, argv[1], &error);
  if (r != NULL)
    c = hf_consent_get (vault, r->name, &error);
  hf_vault_lock (vault);
  if (r == NULL || error != NULL)
    return hf_cli_fail (error);

  if (g->json || json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      add_recipient (b, r, c, today);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      g_autofree char *created = hf_cli_format_time_us (r->created);
      g_autofree char *words = c ? hf_consent_describe_on (c, today) : NULL;

      g_print ("%s\n  kind: %s\n  contact: %s\n  key: %s\n  added: %s\n",
               hf_cli_printable (keep, r->name), hf_recipient_kind_to_string (r->kind),
               r->contact ? hf_cli_printable (keep, r->contact) : "none",
               r->key_thumbprint ? r->key_thumbprint : "no key", created);
      if (c == NULL)
        g_print ("  consent: none; nothing is shared with them.\n");
      else
        g_print ("  consent (version %d): %s\n", c->version, hf_cli_printable (keep, words));
    }
  return 0;
}

int
hf_cli_recipient_remove (HfCliGlobals  *g,
                         int            argc,
                         char         **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output", NULL },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(HfConsent) before = NULL;
  gint64 disclosures = -1;
  gboolean had_consent;
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (entries, "NAME",
                          "Remove a recipient: their consent is revoked (a new version), and "
                          "the disclosures made to them stay in the accounting of disclosures.",
                          &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("recipient remove needs one NAME.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  r = hf_recipient_find (vault, argv[1], &error);
  if (r != NULL)
    before = hf_consent_get (vault, r->name, &error);
  if (r != NULL && error == NULL)
    disclosures = hf_recipient_count_disclosures (vault, r, &error);
  if (r == NULL || error != NULL || !hf_recipient_remove (vault, r->name, &error))
    {
      hf_vault_lock (vault);
      return hf_cli_fail (error);
    }
  hf_vault_lock (vault);
  had_consent = before != NULL && !before->revoked;

  if (g->json || json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "removed");
      json_builder_add_string_value (b, r->name);
      json_builder_set_member_name (b, "consent_revoked");
      json_builder_add_boolean_value (b, had_consent);
      json_builder_set_member_name (b, "disclosures");
      if (disclosures >= 0)
        json_builder_add_int_value (b, disclosures);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      hf_cli_print_json (b);
    }
  else
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();

      g_print ("Removed %s; %s.", hf_cli_printable (keep, r->name),
               had_consent ? "their consent is revoked"
               : before != NULL ? "their consent was revoked already" : "they had no consent");
      if (disclosures == 1)
        g_print (" The 1 disclosure made to them stays in the accounting.");
      else if (disclosures > 1)
        g_print (" The %" G_GINT64_FORMAT " disclosures made to them stay in the accounting.",
                 disclosures);
      else if (disclosures == 0)
        g_print (" Nothing was disclosed to them.");
      g_print ("\n");
    }
  return 0;
}

/* }}} */

/* {{{ consents */

/* "a,b, c" → a sorted strv; "none" → empty. */
static char **
split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *whole = g_strstrip (g_strdup (text));

  if (g_ascii_strcasecmp (whole, "none") == 0)
    return g_new0 (char *, 1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *p = g_strstrip (parts[i]);
      if (*p != '\0')
        g_ptr_array_add (out, g_strdup (p));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* A date flag: "none" clears it. */
static void
replace_day (char      **slot,
             const char *flag)
{
  if (flag == NULL)
    return;
  g_free (*slot);
  *slot = g_ascii_strcasecmp (flag, "none") == 0 ? NULL : g_strdup (flag);
}

static void
replace_list (char      ***slot,
              char       **given)
{
  g_strfreev (*slot);
  *slot = given;
}

static char **
upper_list (const char *text)
{
  char **v = split_list (text);

  for (guint i = 0; v[i] != NULL; i++)
    {
      char *up = g_ascii_strup (v[i], -1);
      g_free (v[i]);
      v[i] = up;
    }
  return v;
}

/* Record numbers (what `show ID` takes) → "Type/fhir_id". */
static char **
record_references (HfVault     *vault,
                   const char  *text,
                   GError     **error)
{
  g_auto(GStrv) ids = split_list (text);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      guint64 id;
      char *ref;

      if (!g_ascii_string_to_unsigned (ids[i], 10, 1, G_MAXINT64, &id, NULL))
        {
          g_set_error (error, HF_ERROR, HF_ERROR_USAGE,
                       "“%s” is not a record's number; “healthfolio-cli list” shows them.",
                       ids[i]);
          return NULL;
        }
      ref = hf_consent_record_reference (vault, (gint64) id, error);
      if (ref == NULL)
        return NULL;
      g_ptr_array_add (out, ref);
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

static void
print_consent_words (const HfConsent *c,
                     const char      *heading)
{
  g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
  g_autofree char *words = hf_consent_describe (c);

  g_print ("%s %d of %s's consent:\n  %s\n", heading, c->version,
           hf_cli_printable (keep, c->recipient), hf_cli_printable (keep, words));
}

static void
print_consent_fhir (const HfConsent *c)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  if (!json_parser_load_from_data (parser, c->json, -1, NULL))
    return;
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, json_parser_get_root (parser));
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

int
hf_cli_consent_set (HfCliGlobals  *g,
                    int            argc,
                    char         **argv)
{
  g_autofree char *allow = NULL, *from = NULL, *to = NULL, *labels = NULL, *purpose = NULL;
  g_autofree char *expires = NULL, *valid_from = NULL, *include = NULL, *exclude = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "allow", 0, 0, G_OPTION_ARG_STRING, &allow,
      "The categories they may see (comma-separated), “all”, or “none”", "CATEGORY,…" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "Only records dated on or after this day",
      "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Only records dated on or before this day", "DATE" },
    { "permit-label", 0, 0, G_OPTION_ARG_STRING, &labels,
      "Sensitive records they may see too (HIV, MH, PSY, SUD, …; R, V)", "LABEL,…" },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose,
      "What for: TREAT (the default), CAREMGT, FAMRQT, PATRQT, HRESCH, …", "CODE,…" },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires,
      "The last day the consent is in force", "DATE" },
    { "valid-from", 0, 0, G_OPTION_ARG_STRING, &valid_from,
      "The first day the consent is in force (default: today)", "DATE" },
    { "include", 0, 0, G_OPTION_ARG_STRING, &include,
      "Records (their numbers, as “show ID” takes) shared although outside the categories",
      "ID,…" },
    { "exclude", 0, 0, G_OPTION_ARG_STRING, &exclude,
      "Records withheld although inside the categories", "ID,…" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the new FHIR Consent", NULL },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(HfConsent) previous = NULL;
  g_autoptr(HfConsent) c = NULL;
  g_auto(HfConsentTerms) terms = { 0 };
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (entries, "RECIPIENT",
                          "Set what RECIPIENT may see: a new version of their consent (the "
                          "earlier ones are kept, see “consent history”). The first version "
                          "starts from nothing, for treatment; a later one starts from the "
                          "version before, and each option given replaces that part of it "
                          "(“none” empties a list or removes a date). Dates are YYYY-MM-DD. "
                          "Categories: problems, medications, allergies, immunizations, "
                          "lab-results, vitals, procedures, encounters, documents, care-plans, "
                          "billing, other. A caregiver can set only terms within the newest "
                          "consent the owner made for that recipient.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("consent set needs one RECIPIENT.");
  if (allow != NULL)
    {
      g_auto(GStrv) cats = split_list (allow);
      for (guint i = 0; cats[i] != NULL; i++)
        if (!g_strv_contains (hf_consent_categories (), cats[i]) &&
            g_ascii_strcasecmp (cats[i], "all") != 0)
          {
            g_autofree char *valid = g_strjoinv (", ", (char **) hf_consent_categories ());
            return hf_cli_usage_error ("“%s” is not a category of records; use one of %s (or "
                                       "“all”).", cats[i], valid);
          }
    }

  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  r = hf_recipient_find (vault, argv[1], &error);
  if (r != NULL)
    previous = hf_consent_get (vault, r->name, &error);
  if (r == NULL || error != NULL)
    goto fail;
  if (previous != NULL)
    hf_consent_terms_copy (&previous->terms, &terms);
  else
    {
      const char *treat[] = { "TREAT", NULL };
      terms.categories = g_new0 (char *, 1);
      terms.purposes = g_strdupv ((char **) treat);
      terms.permit_labels = g_new0 (char *, 1);
      terms.include = g_new0 (char *, 1);
      terms.exclude = g_new0 (char *, 1);
    }
  if (allow != NULL)
    {
      g_auto(GStrv) cats = split_list (allow);
      gboolean all = FALSE;
      for (guint i = 0; cats[i] != NULL; i++)
        all |= g_ascii_strcasecmp (cats[i], "all") == 0;
      replace_list (&terms.categories, all ? g_strdupv ((char **) hf_consent_categories ())
                                           : g_steal_pointer (&cats));
    }
  replace_day (&terms.data_from, from);
  replace_day (&terms.data_to, to);
  replace_day (&terms.expires, expires);
  replace_day (&terms.valid_from, valid_from);
  if (labels != NULL)
    replace_list (&terms.permit_labels, upper_list (labels));
  if (purpose != NULL)
    replace_list (&terms.purposes, upper_list (purpose));
  if (include != NULL)
    {
      char **refs = record_references (vault, include, &error);
      if (refs == NULL)
        goto fail;
      replace_list (&terms.include, refs);
    }
  if (exclude != NULL)
    {
      char **refs = record_references (vault, exclude, &error);
      if (refs == NULL)
        goto fail;
      replace_list (&terms.exclude, refs);
    }
  c = hf_consent_set (vault, r->name, &terms, &error);
  if (c == NULL)
    goto fail;
  hf_vault_lock (vault);
  if (g->json || json)
    print_consent_fhir (c);
  else
    print_consent_words (c, "Version");
  return 0;

fail:
  hf_vault_lock (vault);
  return hf_cli_fail (error);
}

int
hf_cli_consent_show (HfCliGlobals  *g,
                     int            argc,
                     char         **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the FHIR R4 Consent itself", NULL },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfRecipient) r = NULL;
  g_autoptr(HfConsent) c = NULL;
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (entries, "RECIPIENT",
                          "Explain RECIPIENT's current consent in plain words; with --json, "
                          "print it as the FHIR R4 Consent it is stored as.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("consent show needs one RECIPIENT.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  r = hf_recipient_find (vault, argv[1], &error);
  if (r != NULL)
    c = hf_consent_get (vault, r->name, &error);
  hf_vault_lock (vault);
  if (r == NULL || error != NULL)
    return hf_cli_fail (error);
  if (c == NULL)
    {
      g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
      const char *name = hf_cli_printable (keep, r->name);
      g_set_error (&error, HF_ERROR, HF_ERROR_NOT_FOUND,
                   "%s has no consent, so nothing is shared with them; set one with "
                   "“healthfolio-cli consent set \"%s\" --allow CATEGORY,…”.", name, name);
      return hf_cli_fail (error);
    }
  if (g->json || json)
    print_consent_fhir (c);
  else
    print_consent_words (c, "Version");
  return 0;
}

int
hf_cli_consent_revoke (HfCliGlobals  *g,
                       int            argc,
                       char         **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the new FHIR Consent", NULL },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(HfConsent) c = NULL;
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (entries, "RECIPIENT",
                          "Revoke RECIPIENT's consent: a new version with status inactive; "
                          "nothing is shared with them from now on. The earlier versions stay.",
                          &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("consent revoke needs one RECIPIENT.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  c = hf_consent_revoke (vault, argv[1], &error);
  hf_vault_lock (vault);
  if (c == NULL)
    return hf_cli_fail (error);
  if (g->json || json)
    print_consent_fhir (c);
  else
    print_consent_words (c, "Version");
  return 0;
}

int
hf_cli_consent_history (HfCliGlobals  *g,
                        int            argc,
                        char         **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Machine-readable output", NULL },
    { NULL }
  };
  g_autoptr(HfVault) vault = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *today = hf_consent_today ();
  GError *error = NULL;
  int code;

  code = hf_cli_getopt (entries, "RECIPIENT",
                          "Every version of RECIPIENT's consent, oldest first: when, by whom, "
                          "its status and what it allowed.", &argc, &argv);
  if (code != 0)
    return code;
  if (argc != 2)
    return hf_cli_usage_error ("consent history needs one RECIPIENT.");
  vault = hf_cli_open_vault (g, &error);
  if (vault == NULL)
    return hf_cli_fail (error);
  history = hf_consent_history (vault, argv[1], &error);
  hf_vault_lock (vault);
  if (history == NULL)
    return hf_cli_fail (error);

  if (g->json || json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < history->len; i++)
        {
          HfConsent *c = g_ptr_array_index (history, i);
          g_autofree char *when = hf_cli_format_time_us (c->date);
          g_autofree char *words = hf_consent_describe_on (c, today);
          g_autoptr(JsonParser) parser = json_parser_new ();

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "version");
          json_builder_add_int_value (b, c->version);
          json_builder_set_member_name (b, "date");
          json_builder_add_string_value (b, when);
          json_builder_set_member_name (b, "performer");
          json_builder_add_string_value (b, c->performer);
          json_builder_set_member_name (b, "performer_role");
          json_builder_add_string_value (b, hf_role_to_string (c->performer_role));
          json_builder_set_member_name (b, "status");
          json_builder_add_string_value (b, c->revoked ? "inactive" : "active");
          json_builder_set_member_name (b, "description");
          json_builder_add_string_value (b, words);
          json_builder_set_member_name (b, "consent");
          if (json_parser_load_from_data (parser, c->json, -1, NULL))
            json_builder_add_value (b, json_node_copy (json_parser_get_root (parser)));
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      hf_cli_print_json (b);
    }
  else if (history->len == 0)
    {
      g_autofree char *name = hf_cli_terminal_text (argv[1], FALSE);
      g_print ("%s has no consent yet.\n", name);
    }
  else
    for (guint i = 0; i < history->len; i++)
      {
        HfConsent *c = g_ptr_array_index (history, i);
        g_autoptr(GPtrArray) keep = hf_cli_printable_new ();
        g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (c->date / G_USEC_PER_SEC);
        g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;
        g_autofree char *when = local ? g_date_time_format (local, "%Y-%m-%d %H:%M")
                                      : g_strdup ("?");
        g_autofree char *words = hf_consent_describe_on (c, today);

        g_print ("Version %d, %s, by %s (%s), %s:\n  %s\n", c->version, when,
                 hf_cli_printable (keep, c->performer), hf_role_to_string (c->performer_role),
                 c->revoked ? "revoked" : "active", hf_cli_printable (keep, words));
      }
  return 0;
}

/* }}} */
