/* hf-policy-private.h — what the disclosures share with the policy
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-policy.h"

G_BEGIN_DECLS

/* "urn:uuid:…" of an exported resource: hf_uuid_v5 of "SOURCE_KEY/TYPE/FHIR_ID". */
char *_hf_policy_full_url (const char *source_key,
                           const char *type,
                           const char *fhir_id);

G_END_DECLS
