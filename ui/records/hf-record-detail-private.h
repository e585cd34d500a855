/* hf-record-detail-private.h — what the UI tests reach inside the record pane
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-record-detail.h"
#include "hf-trend-chart.h"

G_BEGIN_DECLS

GtkToggleButton *_hf_record_detail_get_original_button (HfRecordDetail *self);
char            *_hf_record_detail_dup_original        (HfRecordDetail *self);
const char      *_hf_record_detail_get_view            (HfRecordDetail *self);
char            *_hf_record_detail_dup_facts           (HfRecordDetail *self);
/* The trend of the record's code, or NULL when none is shown. */
HfTrendChart    *_hf_record_detail_get_trend_chart     (HfRecordDetail *self);

G_END_DECLS
