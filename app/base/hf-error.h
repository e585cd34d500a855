/* hf-error.h — the error domain of the Healthfolio core
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HF_ERROR (hf_error_quark ())

/**
 * HfError:
 * @HF_ERROR_FAILED: anything not covered below (an I/O failure, say)
 * @HF_ERROR_USAGE: the caller asked for something that makes no sense
 * @HF_ERROR_AUTH: wrong passphrase or no such member
 * @HF_ERROR_INVALID_INPUT: a file, link or server answer is invalid; nothing was changed
 * @HF_ERROR_INTEGRITY: tampering, corruption or rollback was detected
 * @HF_ERROR_NETWORK: a network or server failure
 * @HF_ERROR_NOT_PERMITTED: the acting member's role (or a consent) does not allow it
 * @HF_ERROR_NOT_FOUND: the thing named does not exist
 * @HF_ERROR_EXISTS: the thing to be created exists already
 *
 * The codes map one to one onto the exit codes of healthfolio-cli.
 */
typedef enum
{
  HF_ERROR_FAILED,
  HF_ERROR_USAGE,
  HF_ERROR_AUTH,
  HF_ERROR_INVALID_INPUT,
  HF_ERROR_INTEGRITY,
  HF_ERROR_NETWORK,
  HF_ERROR_NOT_PERMITTED,
  HF_ERROR_NOT_FOUND,
  HF_ERROR_EXISTS,
} HfError;

GQuark hf_error_quark     (void);
int    hf_error_exit_code (const GError *error);

G_END_DECLS
