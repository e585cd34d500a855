/* hf-fhir-loinc.c — short, patient-facing names of common LOINC tests: "Hemoglobin", "LDL
 * cholesterol"
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * data/loinc-names.tsv gives each code its name and the name's source. A title starts with the
 * short name, then the value ("Hemoglobin 13.5 g/dL"); the LOINC long name stays in the detail.
 */

#include "hf-fhir-private.h"

#include <string.h>

#include "hf-json-util.h"

static GHashTable *
names_table (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    g_once_init_leave (&table, _hf_fhir_table_load ("loinc-names.tsv"));
  return table;
}

/* The short name of the LOINC code CODE, or NULL. */
const char *
_hf_fhir_loinc_name (const char *code)
{
  return code ? g_hash_table_lookup (names_table (), code) : NULL;
}

/* The short name of the first LOINC coding of the CodeableConcept CC that has one, or NULL. */
const char *
_hf_fhir_concept_loinc_name (JsonObject *cc)
{
  JsonArray *codings = hf_json_array (cc, "coding");

  for (guint i = 0; i < _hf_fhir_len (codings); i++)
    {
      JsonObject *c = _hf_fhir_elem_obj (codings, i);
      const char *system = hf_json_string (c, "system");

      if (g_strcmp0 (system, "http://loinc.org") == 0 &&
          _hf_fhir_loinc_name (hf_json_string (c, "code")) != NULL)
        return _hf_fhir_loinc_name (hf_json_string (c, "code"));
    }
  return NULL;
}
