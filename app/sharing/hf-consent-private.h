/* hf-consent-private.h — the schema of recipients and consents, and what the two modules share
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlcipher/sqlite3.h>

#include "hf-consent.h"
#include "hf-recipient.h"

G_BEGIN_DECLS

/* Schema 6: recipient (a removed one's row stays, for the accounting of disclosures) and
 * consent (append-only versions, one FHIR Consent each). */
gboolean     _hf_sharing_migrate_v6     (sqlite3            *db,
                                         GError            **error);

/* The recipient named NAME that is not removed (exact name first, then ignoring case), or
 * NULL with HF_ERROR_NOT_FOUND. */
HfRecipient *_hf_recipient_load         (sqlite3            *db,
                                         const char         *name,
                                         GError            **error);

/* Inside the caller's transaction: a new version of RECIPIENT's consent with status inactive
 * and the terms of the newest one, logged; TRUE without a version when it has no consent or
 * the newest one is revoked already (*REVOKED tells which). */
gboolean     _hf_consent_revoke_locked  (HfVault            *vault,
                                         sqlite3            *db,
                                         const HfRecipient  *recipient,
                                         gboolean           *revoked,
                                         GError            **error);

G_END_DECLS
