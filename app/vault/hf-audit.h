/* hf-audit.h — the append-only, HMAC-chained activity log
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "hf-vault.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  seq;
  gint64  time;      /* microseconds since the epoch, UTC */
  char   *actor;
  char   *action;
  char   *detail;
} HfAuditEntry;

typedef struct
{
  gint64  seq;       /* the entry the problem is at (or after, for a deletion at the end) */
  char   *message;
} HfAuditProblem;

void       hf_audit_entry_free   (HfAuditEntry   *entry);
void       hf_audit_problem_free (HfAuditProblem *problem);

gboolean   hf_audit_log          (HfVault        *self,
                                  const char     *action,
                                  const char     *detail,
                                  GError        **error);
GPtrArray *hf_audit_list         (HfVault        *self,
                                  gint64          after_seq,
                                  guint           limit,
                                  GError        **error);
gboolean   hf_audit_verify       (HfVault        *self,
                                  GPtrArray     **problems,
                                  guint          *n_entries,
                                  GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HfAuditEntry, hf_audit_entry_free)

G_END_DECLS
