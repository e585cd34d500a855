/* hf-recipient.h — the people and organisations a patient shares with
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-vault.h"

G_BEGIN_DECLS

typedef enum
{
  HF_RECIPIENT_CLINICIAN,
  HF_RECIPIENT_ORGANIZATION,
  HF_RECIPIENT_CAREGIVER,
  HF_RECIPIENT_APP,
  HF_RECIPIENT_RESEARCHER,
  HF_RECIPIENT_OTHER,
} HfRecipientKind;

typedef struct
{
  gint64           id;
  char            *name;         /* unique in the vault, as the patient typed it */
  HfRecipientKind  kind;
  char            *contact;      /* free text (e-mail, address, phone), or NULL */
  char            *key_json;     /* the public EC P-256 JWK, canonical JSON, or NULL */
  char            *key_thumbprint; /* its RFC 7638 thumbprint, base64url, or NULL */
  gint64           created;      /* microseconds since the epoch, UTC */
} HfRecipient;

void         hf_recipient_free          (HfRecipient      *recipient);
const char  *hf_recipient_kind_to_string (HfRecipientKind kind);  /* "clinician", … */
gboolean     hf_recipient_kind_from_string (const char    *text,
                                            HfRecipientKind *kind);

/* KEY_JSON: a public EC P-256 JWK (validated: kty EC, crv P-256, x/y 32 bytes each, the point on
 * the curve, no "d"), or NULL. Needs HF_PERMISSION_SHARE. HF_ERROR_EXISTS for a taken name. */
HfRecipient *hf_recipient_add           (HfVault          *vault,
                                         const char       *name,
                                         HfRecipientKind   kind,
                                         const char       *contact,
                                         const char       *key_json,
                                         GError          **error);
/* By name (exact, then case-insensitive); HF_ERROR_NOT_FOUND with a sentence naming it. */
HfRecipient *hf_recipient_find          (HfVault          *vault,
                                         const char       *name,
                                         GError          **error);
GPtrArray   *hf_recipient_list          (HfVault          *vault,     /* HfRecipient*, by name */
                                         GError          **error);
/* Removes the recipient and revokes its consent (the consent versions and the disclosures
 * made to it stay: the accounting of disclosures outlives the recipient). */
gboolean     hf_recipient_remove        (HfVault          *vault,
                                         const char       *name,
                                         GError          **error);

/* Added for issue 11 beyond the agreed header: how many disclosures the accounting holds for
 * RECIPIENT (rows of the disclosures module's table "disclosure"), or -1 when this vault keeps
 * no accounting yet. */
gint64       hf_recipient_count_disclosures (HfVault           *vault,
                                             const HfRecipient *recipient,
                                             GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfRecipient, hf_recipient_free)

G_END_DECLS
