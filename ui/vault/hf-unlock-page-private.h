/* hf-unlock-page-private.h — what the UI tests reach inside the unlock page
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-unlock-page.h"

G_BEGIN_DECLS

AdwEntryRow *_hf_unlock_page_get_member_row     (HfUnlockPage *self);
AdwEntryRow *_hf_unlock_page_get_passphrase_row (HfUnlockPage *self);
GtkWidget   *_hf_unlock_page_get_unlock_button  (HfUnlockPage *self);
GtkLabel    *_hf_unlock_page_get_error_label    (HfUnlockPage *self);

G_END_DECLS
