/* hf-unlock-page.h — the passphrase that unlocks a vault
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HF_TYPE_UNLOCK_PAGE (hf_unlock_page_get_type ())

G_DECLARE_FINAL_TYPE (HfUnlockPage, hf_unlock_page, HF, UNLOCK_PAGE, GtkWidget)

const char *hf_unlock_page_get_path  (HfUnlockPage *self);
void        hf_unlock_page_set_path  (HfUnlockPage *self,
                                      const char   *path);
const char *hf_unlock_page_get_title (HfUnlockPage *self);
gboolean    hf_unlock_page_get_busy  (HfUnlockPage *self);

G_END_DECLS
