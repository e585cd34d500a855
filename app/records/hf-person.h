/* hf-person.h — whose record a vault holds, and whether a Patient is that person
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "hf-vault.h"

G_BEGIN_DECLS

/* A person as a Patient (or the user) names them. */
typedef struct
{
  char      *name;          /* as shown: given names and family name */
  char      *family;        /* may be NULL */
  char      *given;         /* the first given name; may be NULL */
  char      *birth_date;    /* YYYY-MM-DD as written; may be NULL */
  GPtrArray *identifiers;   /* char* "system|value", business identifiers */
  gboolean   anonymous;     /* a Patient with no name, birth date or identifier: who it is
                             * cannot be told, so it is nobody else either */
} HfPerson;

void      hf_person_free              (HfPerson     *person);

/* The person a Patient resource names: Patient.name (the "official" one, else the first). */
HfPerson *hf_person_new_from_patient  (JsonObject   *patient);

/* A person named by the user: the first word of NAME is the given name, the last the family. */
HfPerson *hf_person_new               (const char   *name,
                                       const char   *birth_date);

/* Same person: a shared business identifier (system and value), or the same birth date and the
 * same family name and first given name, ignoring case and accents. */
gboolean  hf_person_matches           (const HfPerson *a,
                                       const HfPerson *b);

/* TEXT without accents, case-folded ("Echevarría" → "echevarria"), for comparing names. */
char     *hf_person_fold              (const char   *text);

/* "Carla Echevarría, born 2005-05-03" (or without the birth date when it is unknown). */
char     *hf_person_describe          (const HfPerson *person);

/* The Patient id a reference names: "Patient/ID", an absolute URL ending in "Patient/ID"
 * (with or without "/_history/N"); NULL for anything else. */
char     *hf_person_reference_id      (const char   *reference);

/* The reference a resource's person is named by: subject, patient, or beneficiary (Coverage);
 * borrowed from RESOURCE, NULL when it has none. */
const char *hf_person_subject_reference (JsonObject *resource);

/* The vault's person, or NULL in *OUT when the vault does not know it yet. */
gboolean  hf_vault_get_person         (HfVault      *vault,
                                       HfPerson    **out,
                                       GError      **error);

/* Sets the vault's person: refused (HF_ERROR_EXISTS) when it already has one. */
gboolean  hf_vault_set_person         (HfVault        *vault,
                                       const HfPerson *person,
                                       GError        **error);

/* How many current Patient records the vault holds (each is linked to the vault's person). */
gboolean  hf_vault_count_patients     (HfVault      *vault,
                                       guint64      *out,
                                       GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfPerson, hf_person_free)

G_END_DECLS
