/* hf-create-page.h — a new vault: its name, its owner, a passphrase, the recovery code
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HF_TYPE_CREATE_PAGE (hf_create_page_get_type ())

G_DECLARE_FINAL_TYPE (HfCreatePage, hf_create_page, HF, CREATE_PAGE, GtkWidget)

void     hf_create_page_reset    (HfCreatePage *self);
gboolean hf_create_page_get_busy (HfCreatePage *self);

G_END_DECLS
