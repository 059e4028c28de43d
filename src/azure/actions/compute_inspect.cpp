// Volatile evidence from a VM, read before anything on it changes: open connections,
// sign-ins and persistence. Each is a fixed read-only run-command script (an inspection:
// confirmed, because it executes code as SYSTEM/root, but it changes nothing).

#include "compute_support.hpp"

namespace dftriage::azure::actions {

namespace {

// Returns an inspection action that runs `windows` or `linux` (one line per item).
ActionSpec inspection(const char* name, const char* summary, std::vector<std::string> windows,
                      std::vector<std::string> linux)
{
  ActionSpec spec{name,
                  summary,
                  {vm_param(), os_param()},
                  true,
                  Reversibility::inspection,
                  "",
                  k_run_command,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec, windows, linux](const ActionArgs& args, const Cloud& cloud) {
    const bool on_windows = args.text("os") == "Windows";
    auto r = arm("POST", args.resource("vm"), {"runCommand"}, api_version::k_compute, cloud);
    r.body =
        nlohmann::ordered_json{{"commandId", on_windows ? "RunPowerShellScript" : "RunShellScript"},
                               {"script", on_windows ? windows : linux}};
    ActionRequests out;
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec list_connections()
{
  return inspection(
      "compute.vm.list_connections",
      "List open and listening network connections with the process behind each (up to 80) with a "
      "fixed read-only "
      "run-command script; confirmed because it executes code on the VM",
      {R"ps(Get-NetTCPConnection -State Established,Listen,SynSent -ErrorAction SilentlyContinue |)ps",
       R"ps(  Sort-Object State, RemoteAddress | Select-Object -First 80 |)ps",
       R"ps(  ForEach-Object { $p = Get-Process -Id $_.OwningProcess -ErrorAction SilentlyContinue;)ps",
       R"ps(    "$($_.State)`t$($_.LocalAddress):$($_.LocalPort)`t$($_.RemoteAddress):$($_.RemotePort)`t$($_.OwningProcess)`t$($p.Path)" })ps"},
      {"(ss -tunap 2>/dev/null || netstat -tunap 2>/dev/null) | head -n 80"});
}

ActionSpec list_logons()
{
  return inspection(
      "compute.vm.list_logons",
      "List who is signed in and the last 30 sign-ins (time, account, logon type or terminal, "
      "source address) with a "
      "fixed read-only run-command script; confirmed because it executes code on the VM",
      {R"ps(quser 2>$null)ps",
       R"ps(Get-WinEvent -FilterHashtable @{LogName='Security'; Id=4624} -MaxEvents 30 -ErrorAction SilentlyContinue |)ps",
       R"ps(  ForEach-Object { "$($_.TimeCreated.ToUniversalTime().ToString('s'))Z`t$($_.Properties[6].Value)\$($_.Properties[5].Value)`ttype $($_.Properties[8].Value)`t$($_.Properties[18].Value)" })ps"},
      {"who", "echo", "last -n 30 -F 2>/dev/null | head -n 32", "echo",
       "lastb -n 10 2>/dev/null | head -n 12"});
}

ActionSpec list_persistence()
{
  return inspection(
      "compute.vm.list_persistence",
      "List where malware makes itself start again: scheduled tasks and cron jobs, auto-start "
      "services and units, "
      "Run keys, SSH authorized_keys, ld.so.preload, local accounts; fixed read-only run-command "
      "script, confirmed "
      "because it executes code on the VM",
      {R"ps(Get-ScheduledTask -ErrorAction SilentlyContinue | Where-Object { $_.TaskPath -notlike '\Microsoft\*' } |)ps",
       R"ps(  ForEach-Object { "task`t$($_.TaskPath)$($_.TaskName)`t$($_.State)`t$(($_.Actions | ForEach-Object { "$($_.Execute) $($_.Arguments)" }) -join '; ')" })ps",
       R"ps(Get-CimInstance Win32_Service | Where-Object { $_.StartMode -eq 'Auto' -and $_.PathName -notmatch '\\Windows\\' } |)ps",
       R"ps(  ForEach-Object { "service`t$($_.Name)`t$($_.State)`t$($_.PathName)" })ps",
       R"ps('HKLM:\Software\Microsoft\Windows\CurrentVersion\Run', 'HKLM:\Software\Microsoft\Windows\CurrentVersion\RunOnce' |)ps",
       R"ps(  ForEach-Object { $k = $_; (Get-ItemProperty -Path $k -ErrorAction SilentlyContinue).PSObject.Properties |)ps",
       R"ps(    Where-Object { $_.Name -notlike 'PS*' } | ForEach-Object { "run`t$k`t$($_.Name)`t$($_.Value)" } })ps",
       R"ps(Get-LocalUser | Where-Object Enabled | ForEach-Object { "user`t$($_.Name)`tlast logon $($_.LastLogon)" })ps"},
      {R"sh(for f in /etc/crontab /etc/cron.d/* /var/spool/cron/crontabs/* /var/spool/cron/*; do)sh",
       R"sh(  [ -f "$f" ] && grep -Hv '^[[:space:]]*\(#\|$\)' "$f" | sed 's/^/cron /')sh", "done",
       R"sh(systemctl list-unit-files --type=service --state=enabled --no-legend 2>/dev/null | sed 's/^/unit /' | head -n 60)sh",
       R"sh(for d in /root /home/*; do k="$d/.ssh/authorized_keys"; [ -f "$k" ] && echo "keys $k $(grep -c . "$k") $(stat -c %y "$k")"; done)sh",
       R"sh([ -s /etc/ld.so.preload ] && echo "preload $(cat /etc/ld.so.preload)")sh",
       R"sh([ -f /etc/rc.local ] && echo "rc.local $(stat -c %y /etc/rc.local)")sh",
       R"sh(awk -F: '$3 == 0 || $3 >= 1000 { print "user " $1 " uid " $3 " shell " $7 }' /etc/passwd)sh"});
}

} // namespace

void add_compute_inspections(std::vector<ActionSpec>& out)
{
  out.push_back(list_connections());
  out.push_back(list_logons());
  out.push_back(list_persistence());
}

} // namespace dftriage::azure::actions
