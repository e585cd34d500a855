/* hf-role.h — the roles a vault member can hold
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  HF_ROLE_OWNER = 1,
  HF_ROLE_CAREGIVER = 2,
  HF_ROLE_CAREGIVER_READ_ONLY = 3,
  HF_ROLE_RECOVERY = 4,
} HfRole;

/* What an acting member wants to do; the core checks one of these before every change. */
typedef enum
{
  HF_PERMISSION_READ,
  HF_PERMISSION_WRITE_RECORDS,   /* import, sync, labels */
  HF_PERMISSION_SHARE,           /* recipients, exports within consents */
  HF_PERMISSION_MANAGE,          /* members, consents, keys, settings */
} HfPermission;

const char *hf_role_to_string   (HfRole       role);
gboolean    hf_role_from_string (const char  *text,
                                 HfRole      *role);
gboolean    hf_role_allows      (HfRole       role,
                                 HfPermission permission);

G_END_DECLS
