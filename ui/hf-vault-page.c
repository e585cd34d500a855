/* hf-vault-page.c — an unlocked vault
 *
 * Copyright 2026 The Healthfolio authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gi18n.h>

#include "hf-vault-page-private.h"

struct _HfVaultPage
{
  GtkWidget      parent_instance;

  HfVault       *vault;
  char          *title;
  char          *subtitle;

  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (HfVaultPage, hf_vault_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_VAULT,
  PROP_TITLE,
  PROP_SUBTITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
role_label (HfRole role)
{
  switch (role)
    {
    case HF_ROLE_OWNER:
      return _("owner");
    case HF_ROLE_CAREGIVER:
      return _("caregiver");
    case HF_ROLE_CAREGIVER_READ_ONLY:
      return _("caregiver, read-only");
    case HF_ROLE_RECOVERY:
      return _("recovery code");
    default:
      return _("unknown role");
    }
}

static void
hf_vault_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HfVaultPage *self = HF_VAULT_PAGE (object);

  switch (prop_id)
    {
    case PROP_VAULT:
      g_value_set_object (value, self->vault);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_vault_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HfVaultPage *self = HF_VAULT_PAGE (object);

  switch (prop_id)
    {
    case PROP_VAULT:
      hf_vault_page_set_vault (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hf_vault_page_dispose (GObject *object)
{
  HfVaultPage *self = HF_VAULT_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HF_TYPE_VAULT_PAGE);
  g_clear_object (&self->vault);

  G_OBJECT_CLASS (hf_vault_page_parent_class)->dispose (object);
}

static void
hf_vault_page_finalize (GObject *object)
{
  HfVaultPage *self = HF_VAULT_PAGE (object);

  g_free (self->title);
  g_free (self->subtitle);

  G_OBJECT_CLASS (hf_vault_page_parent_class)->finalize (object);
}

static void
hf_vault_page_class_init (HfVaultPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = hf_vault_page_get_property;
  object_class->set_property = hf_vault_page_set_property;
  object_class->dispose = hf_vault_page_dispose;
  object_class->finalize = hf_vault_page_finalize;

  properties[PROP_VAULT] =
    g_param_spec_object ("vault", NULL, NULL,
                         HF_TYPE_VAULT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HfVaultPage:title:
   *
   * The vault's name, for the header bar.
   */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * HfVaultPage:subtitle:
   *
   * Who unlocked the vault, and in which role, for the header bar.
   */
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/healthfolio/Healthfolio/"
                                               "hf-vault-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HfVaultPage, status_page);
}

static void
hf_vault_page_init (HfVaultPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * hf_vault_page_get_vault:
 * @self: the page
 *
 * Returns: (transfer none) (nullable): the vault shown
 */
HfVault *
hf_vault_page_get_vault (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), NULL);

  return self->vault;
}

/**
 * hf_vault_page_set_vault:
 * @self: the page
 * @vault: (nullable): an unlocked vault, or %NULL once it is locked
 */
void
hf_vault_page_set_vault (HfVaultPage *self,
                         HfVault     *vault)
{
  g_return_if_fail (HF_IS_VAULT_PAGE (self));
  g_return_if_fail (vault == NULL || HF_IS_VAULT (vault));

  if (!g_set_object (&self->vault, vault))
    return;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);

  if (vault != NULL)
    {
      self->title = hf_vault_dup_display_name (hf_vault_get_path (vault));
      /* Translators: the first %s is a member's name, the second their role, e.g. "owner". */
      self->subtitle = g_strdup_printf (_("Unlocked as %s (%s)"),
                                        hf_vault_get_member_name (vault),
                                        role_label (hf_vault_get_member_role (vault)));
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VAULT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
}

/**
 * hf_vault_page_get_title:
 * @self: the page
 *
 * Returns: (nullable): the vault's name
 */
const char *
hf_vault_page_get_title (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), NULL);

  return self->title;
}

/**
 * hf_vault_page_get_subtitle:
 * @self: the page
 *
 * Returns: (nullable): who unlocked the vault, in which role
 */
const char *
hf_vault_page_get_subtitle (HfVaultPage *self)
{
  g_return_val_if_fail (HF_IS_VAULT_PAGE (self), NULL);

  return self->subtitle;
}

AdwStatusPage *
_hf_vault_page_get_status_page (HfVaultPage *self)
{
  return self->status_page;
}
