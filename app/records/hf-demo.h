/* hf-demo.h — a demo vault: an invented patient's record, to try the app without real data
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-secure.h"
#include "hf-vault.h"

G_BEGIN_DECLS

/* The passphrase of demo vaults made by the app (not by the CLI, which asks for one). The data
 * is invented, so a passphrase everyone knows protects nothing that matters; it is shown to
 * the user and documented. */
#define HF_DEMO_PASSPHRASE "healthfolio demo"

/* The environment variable that points to the demo bundle in an uninstalled build. */
#define HF_DEMO_DATA_ENV   "HEALTHFOLIO_DEMO_DATA"

char     *hf_demo_find_data            (GError              **error);
char     *hf_demo_dup_new_path         (const char           *dir);
HfVault  *hf_demo_create_vault         (const char           *path,
                                        const char           *owner,
                                        const HfSecret       *passphrase,
                                        HfSecret            **recovery_code,
                                        GCancellable         *cancellable,
                                        GError              **error);
void      hf_demo_create_vault_async   (const char           *path,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
HfVault  *hf_demo_create_vault_finish  (GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
