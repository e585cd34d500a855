/* hf-record-detail.h — one record, readable, with the original JSON a click away
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "hf-vault.h"

G_BEGIN_DECLS

#define HF_TYPE_RECORD_DETAIL (hf_record_detail_get_type ())

G_DECLARE_FINAL_TYPE (HfRecordDetail, hf_record_detail, HF, RECORD_DETAIL, GtkWidget)

gboolean    hf_record_detail_show      (HfRecordDetail  *self,
                                        HfVault         *vault,
                                        gint64           id,
                                        GError         **error);
void        hf_record_detail_clear     (HfRecordDetail  *self);
gint64      hf_record_detail_get_id    (HfRecordDetail  *self);
const char *hf_record_detail_get_title (HfRecordDetail  *self);

G_END_DECLS
