/* hf-shc-private.h — the cards' schema step and what the importer records
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-shc.h"

G_BEGIN_DECLS

/* Schema step 12: trust_crl (issuers' revocation lists, by hand or fetched), trust_directory
 * (issuers from an imported directory such as VCI's, with their keys), and a card's types and
 * revocation check on import_signature. */
gboolean    _hf_shc_migrate_v12  (sqlite3          *db,
                                  GError          **error);

/* Records CARD against the import's provenance row (0: nothing to record), inside the
 * import's transaction. */
gboolean    _hf_shc_record_card  (HfVault          *vault,
                                  gint64            provenance_id,
                                  const HfShcCard  *card,
                                  GError          **error);

G_END_DECLS
