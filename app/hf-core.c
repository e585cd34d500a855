/* hf-core.c — the core as one: every layer's schema handed to the vault, in layer order
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The vault layer knows no layer above it, yet one vault holds their tables. Each layer owns
 * its migrations; this file, above all of them, is the one place that lists them, so that
 * the order of the schema steps is the order of the layers and is written down once.
 */

#include "hf-core.h"

#include "hf-consent-private.h"
#include "hf-disclosure-private.h"
#include "hf-import-private.h"
#include "hf-label-private.h"
#include "hf-person-private.h"
#include "hf-records-private.h"
#include "hf-secure.h"
#include "hf-share-fact-private.h"
#include "hf-shc-make-private.h"
#include "hf-shc-private.h"
#include "hf-shl-private.h"
#include "hf-signing-private.h"
#include "hf-source-private.h"
#include "hf-trust-private.h"
#include "hf-vault-private.h"

gboolean
hf_core_init (void)
{
  static gsize migrations_added = 0;

  if (!hf_secure_init ())
    return FALSE;
  _hf_db_memory_install ();   /* before anything opens a database */
  if (g_once_init_enter (&migrations_added))
    {
      _hf_vault_add_migration (2, _hf_records_migrate_v2);   /* records: resources, search */
      _hf_vault_add_migration (3, _hf_sources_migrate_v3);   /* sources: servers, tokens */
      _hf_vault_add_migration (4, _hf_records_migrate_v4);   /* records: visits, copies,
                                                              * search inside words */
      _hf_vault_add_migration (5, _hf_person_migrate_v5);    /* records: the vault's person */
      _hf_vault_add_migration (6, _hf_sharing_migrate_v6);   /* sharing: recipients, consents */
      _hf_vault_add_migration (7, _hf_labels_migrate_v7);    /* sharing: sensitivity labels */
      _hf_vault_add_migration (8, _hf_disclosure_migrate_v8); /* sharing: disclosures */
      _hf_vault_add_migration (9, _hf_share_facts_migrate_v9); /* sharing: what a share reads */
      _hf_vault_add_migration (10, _hf_signing_migrate_v10); /* exchange: signing keys, issuer */
      _hf_vault_add_migration (11, _hf_trust_migrate);        /* exchange: trust, signed imports */
      _hf_vault_add_migration (12, _hf_shc_migrate_v12);      /* exchange: cards read: CRLs,
                                                                 directories, card facts */
      _hf_vault_add_migration (13, _hf_shc_migrate_v13);      /* exchange: cards and links made */
      _hf_vault_add_migration (14, _hf_shl_migrate);          /* exchange: links kept as sources */
      _hf_import_add_observer (&_hf_label_observer);         /* sharing: labels at import */
      _hf_import_add_observer (&_hf_share_fact_observer);    /* sharing: share facts at import */
      g_once_init_leave (&migrations_added, 1);
    }
  return TRUE;
}
