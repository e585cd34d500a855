/* hf-vault-page-private.h — what the UI tests reach inside the vault page
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-vault-page.h"

G_BEGIN_DECLS

AdwStatusPage *_hf_vault_page_get_status_page (HfVaultPage *self);

G_END_DECLS
