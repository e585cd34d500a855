/* hf-create-page-private.h — what the UI tests reach inside the create page
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-create-page.h"

G_BEGIN_DECLS

char        *_hf_create_page_file_name_for       (const char   *vault_name);
AdwEntryRow *_hf_create_page_get_name_row        (HfCreatePage *self);
AdwEntryRow *_hf_create_page_get_owner_row       (HfCreatePage *self);
AdwEntryRow *_hf_create_page_get_passphrase_row  (HfCreatePage *self);
AdwEntryRow *_hf_create_page_get_confirm_row     (HfCreatePage *self);
GtkWidget   *_hf_create_page_get_create_button   (HfCreatePage *self);
GtkLabel    *_hf_create_page_get_problem_label   (HfCreatePage *self);
GtkLabel    *_hf_create_page_get_strength_label  (HfCreatePage *self);
GtkLabel    *_hf_create_page_get_recovery_label  (HfCreatePage *self);
GtkWidget   *_hf_create_page_get_copy_button     (HfCreatePage *self);
GtkWidget   *_hf_create_page_get_written_check   (HfCreatePage *self);
GtkWidget   *_hf_create_page_get_continue_button (HfCreatePage *self);
const char  *_hf_create_page_get_stage           (HfCreatePage *self);

G_END_DECLS
