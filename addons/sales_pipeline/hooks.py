def uninstall_hook(env):
    """Give back to crm's "Personal Leads" rule the rights our project rules took over."""
    rule = env.ref("crm.crm_rule_personal_lead", raise_if_not_found=False)
    if rule:
        rule.write(
            {"perm_read": True, "perm_write": True, "perm_create": True, "perm_unlink": True}
        )
