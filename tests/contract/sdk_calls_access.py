"""Who holds access: role assignments (list at a scope and for a principal, delete by ID),
custom role definitions and PIM eligibilities (azure-mgmt-authorization), and the
persistence an intruder plants in Automation (runbooks, webhooks, job schedules)."""

from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.automation import AutomationClient
from azure.mgmt.automation.models import (JobScheduleCreateParameters, RunbookAssociationProperty,
                                          ScheduleAssociationProperty)

from sdk_context import (AUTOMATION_ACCOUNT, AUTOMATION_GROUP, PLANTED_RUNBOOK, RM_ATTACKER,
                         VAULT, VAULT_ATTACKER, VAULT_GROUP, expect)


def _gone(get):
    try:
        get()
    except ResourceNotFoundError:
        return True
    return False


def authorization(ctx):
    auth = ctx.client(AuthorizationManagementClient)
    vault_id = ctx.group_id(VAULT_GROUP) + "/providers/Microsoft.KeyVault/vaults/" + VAULT
    mine = ctx.call(
        "authorization role_assignments.list_for_scope (the vault, principalId filter)",
        lambda: list(auth.role_assignments.list_for_scope(
            vault_id, filter="principalId eq '%s'" % VAULT_ATTACKER)),
        lambda ras: expect(len(ras) == 1 and ras[0].principal_id == VAULT_ATTACKER and
                           ras[0].scope == vault_id, "assignments %s" % [r.id for r in ras]))
    ctx.call("authorization role_assignments.list_for_subscription",
             lambda: list(auth.role_assignments.list_for_subscription()),
             lambda ras: expect(len(ras) >= 2 and all(r.id.startswith(ctx.sub_id()) for r in ras),
                                "assignments %s" % [r.id for r in ras]))
    if mine:
        assignment = mine[0]
        ctx.call("authorization role_assignments.delete_by_id",
                 lambda: auth.role_assignments.delete_by_id(assignment.id),
                 lambda deleted: expect(deleted is not None and deleted.id == assignment.id and
                                        _gone(lambda: auth.role_assignments.get_by_id(
                                            assignment.id)),
                                        "deleted %s" % deleted))
        ctx.call("authorization role_assignments.list_for_scope after the delete",
                 lambda: list(auth.role_assignments.list_for_scope(vault_id, filter="atScope()")),
                 lambda ras: expect(all(r.id != assignment.id for r in ras), "still listed"))
        ctx.call("authorization role_definitions.get_by_id (the assignment's role)",
                 lambda: auth.role_definitions.get_by_id(assignment.role_definition_id),
                 lambda d: expect(d.role_name == "Key Vault Secrets Officer",
                                  "roleName %s" % d.role_name))
    ctx.call("authorization role_definitions.list (custom roles)",
             lambda: list(auth.role_definitions.list(ctx.sub_id(), filter="type eq 'CustomRole'")),
             lambda ds: expect("Module Cache Operator" in [d.role_name for d in ds] and
                               all(d.role_type == "CustomRole" for d in ds),
                               "roles %s" % [(d.role_name, d.role_type) for d in ds]))
    ctx.call("authorization role_eligibility_schedule_instances.list_for_scope",
             lambda: list(auth.role_eligibility_schedule_instances.list_for_scope(
                 ctx.sub_id(), filter="assignedTo('%s')" % RM_ATTACKER)),
             lambda es: expect(len(es) >= 1 and all(e.principal_id == RM_ATTACKER for e in es),
                               "eligibilities %s" % [e.id for e in es]))


def automation(ctx):
    aa = ctx.client(AutomationClient)
    group, account = AUTOMATION_GROUP, AUTOMATION_ACCOUNT
    ctx.call("automation runbook.list_by_automation_account",
             lambda: [r.name for r in aa.runbook.list_by_automation_account(group, account)],
             lambda names: expect(PLANTED_RUNBOOK in names, "runbooks %s" % names))
    hooks = ctx.call("automation webhook.list_by_automation_account (runbook filter)",
                     lambda: list(aa.webhook.list_by_automation_account(
                         group, account, filter="properties/runbook/name eq '%s'" % PLANTED_RUNBOOK)),
                     lambda ws: expect([w.runbook.name for w in ws] == [PLANTED_RUNBOOK],
                                       "webhooks %s" % [w.name for w in ws]))
    if hooks:
        name = hooks[0].name
        ctx.call("automation webhook.get", lambda: aa.webhook.get(group, account, name),
                 lambda w: expect(w.is_enabled is not None and not w.uri, "webhook %s" % w))
        ctx.call("automation webhook.delete", lambda: aa.webhook.delete(group, account, name),
                 lambda _: expect(_gone(lambda: aa.webhook.get(group, account, name)),
                                  "the webhook is still there"))
    schedules = ctx.call("automation job_schedule.list_by_automation_account",
                         lambda: [j for j in aa.job_schedule.list_by_automation_account(
                             group, account) if j.runbook.name == PLANTED_RUNBOOK],
                         lambda js: expect(len(js) >= 1, "no job schedule of the planted runbook"))
    if schedules:
        job = schedules[0]
        ctx.call("automation job_schedule.get",
                 lambda: aa.job_schedule.get(group, account, job.job_schedule_id),
                 lambda j: expect(j.schedule.name == job.schedule.name, "job schedule %s" % j))
        ctx.call("automation job_schedule.delete",
                 lambda: aa.job_schedule.delete(group, account, job.job_schedule_id),
                 lambda _: expect(_gone(lambda: aa.job_schedule.get(group, account,
                                                                    job.job_schedule_id)),
                                  "the job schedule is still there"))
        again = JobScheduleCreateParameters(
            schedule=ScheduleAssociationProperty(name=job.schedule.name),
            runbook=RunbookAssociationProperty(name=job.runbook.name), parameters=job.parameters)
        ctx.call("automation job_schedule.create (undo)",
                 lambda: aa.job_schedule.create(group, account, job.job_schedule_id, again),
                 lambda j: expect(j.job_schedule_id == job.job_schedule_id and
                                  j.runbook.name == PLANTED_RUNBOOK, "job schedule %s" % j))
        ctx.refused("automation job_schedule.create under an ID in use",
                    lambda: aa.job_schedule.create(group, account, job.job_schedule_id, again),
                    409, None)
    ctx.call("automation runbook.delete",
             lambda: aa.runbook.delete(group, account, PLANTED_RUNBOOK),
             lambda _: expect(_gone(lambda: aa.runbook.get(group, account, PLANTED_RUNBOOK)),
                              "the runbook is still there"))


def run(ctx):
    authorization(ctx)
    automation(ctx)
