/* hf-record-list.h — the vault's records as a list model that reads pages as they are needed
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hf-records.h"

G_BEGIN_DECLS

#define HF_TYPE_RECORD (hf_record_get_type ())

G_DECLARE_FINAL_TYPE (HfRecord, hf_record, HF, RECORD, GObject)

HfRecord     *hf_record_new                (HfRecordRow  *row);
gint64        hf_record_get_id             (HfRecord     *self);
const char   *hf_record_get_resource_type  (HfRecord     *self);
const char   *hf_record_get_category       (HfRecord     *self);
const char   *hf_record_get_effective      (HfRecord     *self);
const char   *hf_record_get_title          (HfRecord     *self);
const char   *hf_record_get_subtitle       (HfRecord     *self);

#define HF_TYPE_RECORD_LIST (hf_record_list_get_type ())

G_DECLARE_FINAL_TYPE (HfRecordList, hf_record_list, HF, RECORD_LIST, GObject)

HfRecordList *hf_record_list_new           (HfVault      *vault,
                                            const char   *category,
                                            GError      **error);
const char   *hf_record_list_get_category  (HfRecordList *self);
guint         hf_record_list_get_n_loaded  (HfRecordList *self);

G_END_DECLS
