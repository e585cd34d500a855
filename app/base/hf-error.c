/* hf-error.c — the error domain of the Healthfolio core
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "hf-error.h"

G_DEFINE_QUARK (hf-error-quark, hf_error)

/* Exit codes of healthfolio-cli, DESIGN.md §10. */
int
hf_error_exit_code (const GError *error)
{
  if (error == NULL)
    return 0;
  if (error->domain != HF_ERROR)
    return 1;

  switch ((HfError) error->code)
    {
    case HF_ERROR_USAGE:
      return 1;
    case HF_ERROR_AUTH:
      return 2;
    case HF_ERROR_INVALID_INPUT:
      return 3;
    case HF_ERROR_INTEGRITY:
      return 4;
    case HF_ERROR_NETWORK:
      return 5;
    case HF_ERROR_NOT_PERMITTED:
      return 6;
    case HF_ERROR_NOT_FOUND:
    case HF_ERROR_EXISTS:
    case HF_ERROR_FAILED:
    default:
      return 1;
    }
}
