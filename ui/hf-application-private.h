/* hf-application-private.h — what the application's action file shares with it
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-application.h"

G_BEGIN_DECLS

void _hf_application_add_actions (HfApplication *self);

G_END_DECLS
