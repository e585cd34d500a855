/* hf-vault-page-private.h — what the UI tests reach inside the vault page
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-record-detail.h"
#include "hf-vault-page.h"

G_BEGIN_DECLS

AdwStatusPage      *_hf_vault_page_get_status_page   (HfVaultPage *self);
const char         *_hf_vault_page_get_stage         (HfVaultPage *self);
GtkListView        *_hf_vault_page_get_list_view     (HfVaultPage *self);
GtkSingleSelection *_hf_vault_page_get_selection     (HfVaultPage *self);
GtkListBox         *_hf_vault_page_get_category_list (HfVaultPage *self);
GtkEditable        *_hf_vault_page_get_search_entry  (HfVaultPage *self);
HfRecordDetail     *_hf_vault_page_get_detail        (HfVaultPage *self);
AdwLeaflet         *_hf_vault_page_get_leaflet       (HfVaultPage *self);
GtkWidget          *_hf_vault_page_get_cancel_button (HfVaultPage *self);
const char         *_hf_vault_page_get_last_message  (HfVaultPage *self);

G_END_DECLS
