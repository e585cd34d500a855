/* hf-window-private.h — what the UI tests reach inside the main window
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-chooser-page.h"
#include "hf-create-page.h"
#include "hf-unlock-page.h"
#include "hf-vault.h"
#include "hf-vault-page.h"
#include "hf-window.h"

G_BEGIN_DECLS

HfVault        *_hf_window_get_vault        (HfWindow *self);
const char     *_hf_window_get_page_name    (HfWindow *self);
AdwWindowTitle *_hf_window_get_title        (HfWindow *self);
HfChooserPage  *_hf_window_get_chooser_page (HfWindow *self);
HfCreatePage   *_hf_window_get_create_page  (HfWindow *self);
HfUnlockPage   *_hf_window_get_unlock_page  (HfWindow *self);
HfVaultPage    *_hf_window_get_vault_page   (HfWindow *self);
void            _hf_window_pretend_idle     (HfWindow *self,
                                             guint     seconds);

G_END_DECLS
