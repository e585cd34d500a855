/* hf-role.c — the roles a vault member can hold
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-role.h"

const char *
hf_role_to_string (HfRole role)
{
  switch (role)
    {
    case HF_ROLE_OWNER:
      return "owner";
    case HF_ROLE_CAREGIVER:
      return "caregiver";
    case HF_ROLE_CAREGIVER_READ_ONLY:
      return "caregiver-read-only";
    case HF_ROLE_RECOVERY:
      return "recovery";
    default:
      return "unknown";
    }
}

gboolean
hf_role_from_string (const char *text,
                     HfRole     *role)
{
  static const HfRole all[] = {
    HF_ROLE_OWNER, HF_ROLE_CAREGIVER, HF_ROLE_CAREGIVER_READ_ONLY, HF_ROLE_RECOVERY,
  };

  g_return_val_if_fail (role != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      if (g_str_equal (text, hf_role_to_string (all[i])))
        {
          *role = all[i];
          return TRUE;
        }
    }
  return FALSE;
}

/* The recovery code is the break-glass path: it can do what the owner can, and every use of it
 * is logged. A read-only caregiver can read and nothing else. */
gboolean
hf_role_allows (HfRole       role,
                HfPermission permission)
{
  switch (role)
    {
    case HF_ROLE_OWNER:
    case HF_ROLE_RECOVERY:
      return TRUE;
    case HF_ROLE_CAREGIVER:
      return permission != HF_PERMISSION_MANAGE;
    case HF_ROLE_CAREGIVER_READ_ONLY:
      return permission == HF_PERMISSION_READ;
    default:
      return FALSE;
    }
}
