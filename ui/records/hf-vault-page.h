/* hf-vault-page.h — an unlocked vault: categories, the timeline and one record
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hf-vault.h"

G_BEGIN_DECLS

#define HF_TYPE_VAULT_PAGE (hf_vault_page_get_type ())

G_DECLARE_FINAL_TYPE (HfVaultPage, hf_vault_page, HF, VAULT_PAGE, GtkWidget)

HfVault    *hf_vault_page_get_vault         (HfVaultPage        *self);
void        hf_vault_page_set_vault         (HfVaultPage        *self,
                                             HfVault            *vault);
const char *hf_vault_page_get_title         (HfVaultPage        *self);
const char *hf_vault_page_get_subtitle      (HfVaultPage        *self);
gboolean    hf_vault_page_get_importing     (HfVaultPage        *self);
gboolean    hf_vault_page_get_can_import    (HfVaultPage        *self);
gboolean    hf_vault_page_get_can_go_back   (HfVaultPage        *self);
/* Whether the panes are shown one at a time (a narrow window); told with ::can-go-back. */
gboolean    hf_vault_page_get_folded        (HfVaultPage        *self);
void        hf_vault_page_go_back           (HfVaultPage        *self);
gboolean    hf_vault_page_get_can_search    (HfVaultPage        *self);
gboolean    hf_vault_page_get_search_mode   (HfVaultPage        *self);
void        hf_vault_page_set_search_mode   (HfVaultPage        *self,
                                             gboolean            search_mode);
void        hf_vault_page_import_files      (HfVaultPage        *self,
                                             const char * const *paths);
void        hf_vault_page_choose_files      (HfVaultPage        *self,
                                             gboolean            folders);

G_END_DECLS
