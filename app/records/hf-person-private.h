/* hf-person-private.h — the person's schema, and the person rules for the importer and sync
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-person.h"

G_BEGIN_DECLS

/* Schema 4: the vault's person, and the "same person" decisions in provenance. */
gboolean  _hf_person_migrate_v5   (sqlite3         *db,
                                   GError         **error);

/* The vault's person read inside the caller's transaction; NULL in *OUT when none. */
gboolean  _hf_person_load         (sqlite3         *db,
                                   HfPerson       **out,
                                   GError         **error);
/* Writes PERSON as the vault's person (replacing it: identifiers learnt from a linked
 * Patient are added this way), inside the caller's transaction. */
gboolean  _hf_person_store        (sqlite3         *db,
                                   const HfPerson  *person,
                                   GError         **error);

/* The refusal: WHAT ("This file holds") OTHER's record, not the vault's person's; ADVICE says
 * what the user can do (NULL: an import's, "Import it into another vault, or add
 * --same-person…"). HF_ERROR_INVALID_INPUT. */
void      _hf_person_set_mismatch (GError         **error,
                                   const char      *what,
                                   const HfPerson  *other,
                                   const HfPerson  *vault_person,
                                   const char      *advice);

/* Adds B's identifiers that A lacks to A. */
void      _hf_person_merge        (HfPerson        *a,
                                   const HfPerson  *b);

/* The Patient a sync fetched, checked against the vault's person inside the caller's
 * transaction: it becomes the person when the vault has none, and is refused with the
 * sentence of _hf_person_set_mismatch (WHAT, ADVICE) when it is someone else. */
gboolean  _hf_person_check_patient (sqlite3        *db,
                                    JsonObject     *patient,
                                    const char     *what,
                                    const char     *advice,
                                    GError        **error);

G_END_DECLS
