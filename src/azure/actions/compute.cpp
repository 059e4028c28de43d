// Compute (Microsoft.Compute) actions on virtual machines: read, run command, VMAccess, reimage,
// restart.

#include "compute_support.hpp"
#include "dftriage/util/text.hpp"

namespace dftriage::azure::actions {

ParamSpec vm_param()
{
  return ParamSpec{"vm", ParamType::resource_id, true, "microsoft.compute/virtualmachines",
                   {},   "The virtual machine"};
}

ParamSpec os_param()
{
  return ParamSpec{"os", ParamType::choice,    true,
                   {},   {"Windows", "Linux"}, "The VM's operating system"};
}

namespace {

// Returns a run-command POST (an LRO, final state via Location) of `script` on `vm`.
Request run_command(const alert::ResourceId& vm, const std::string& command_id,
                    const std::vector<std::string>& script, const Cloud& cloud)
{
  auto r = arm("POST", vm, {"runCommand"}, api_version::k_compute, cloud);
  r.body = nlohmann::ordered_json{{"commandId", command_id}, {"script", script}};
  return r;
}

// True for a user name both Windows and Linux accept: letters, digits, '.', '-', '_'.
bool is_user_name(std::string_view s)
{
  if (s.empty() || s.size() > 64) {
    return false;
  }
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

ActionSpec get_vm()
{
  ActionSpec spec{"compute.vm.get",
                  "Read a VM: OS, size, NICs (networkProfile), identity, extensions",
                  {vm_param()},
                  false,
                  Reversibility::read_only,
                  "",
                  k_vm_read,
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = arm("GET", args.resource("vm"), {}, api_version::k_compute, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec run_script()
{
  ActionSpec spec{
      "compute.vm.run_command",
      "Run a script on a VM as SYSTEM/root through the VM agent (one run command at a time per VM)",
      {vm_param(),
       {"commandId",
        ParamType::choice,
        true,
        {},
        {"RunPowerShellScript", "RunShellScript"},
        "Windows or Linux script"},
       {"script", ParamType::string_list, true, {}, {}, "The script, one line per item"}},
      true,
      Reversibility::irreversible,
      "",
      k_run_command,
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    if (args.list("script").empty()) {
      throw ActionError("parameter script: expected at least one line");
    }
    ActionRequests out;
    auto r = run_command(args.resource("vm"), args.text("commandId"), args.list("script"), cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec antimalware_scan()
{
  ActionSpec spec{
      "compute.vm.antimalware_scan",
      "Start a full Microsoft Defender Antivirus scan on a Windows VM "
      "(run command Start-MpScan -ScanType FullScan); "
      "it may quarantine files, and a scan longer than the run command's time limit is cut off",
      {vm_param()},
      true,
      Reversibility::irreversible,
      "",
      k_run_command,
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    ActionRequests out;
    auto r = run_command(args.resource("vm"), "RunPowerShellScript",
                         {"Start-MpScan -ScanType FullScan"}, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec list_software()
{
  // An inspection: though it only reads, it executes code as SYSTEM/root on the VM, takes
  // the VM's one run-command slot and leaves run-command logs there, so it is confirmed;
  // it changes nothing, so it is not an irreversible change.
  ActionSpec spec{
      "compute.vm.list_software",
      "List installed software (name, version) with a fixed read-only run-command script; "
      "confirmed "
      "because it executes code on the VM; the service keeps only the last 4 KB of output",
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
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const bool windows = args.text("os") == "Windows";
    // One script line per item; the Windows pipeline continues after each trailing '|'.
    const std::vector<std::string> script =
        windows
            ? std::vector<
                  std::
                      string>{R"ps($keys = 'HKLM:\Software\Microsoft\Windows\CurrentVersion\Uninstall\*',)ps",
                              R"ps(  'HKLM:\Software\Wow6432Node\Microsoft\Windows\CurrentVersion\Uninstall\*')ps",
                              R"ps(Get-ItemProperty -Path $keys -ErrorAction SilentlyContinue |)ps",
                              R"ps(  Where-Object { $_.DisplayName } |)ps",
                              R"ps(  Sort-Object DisplayName -Unique |)ps",
                              R"ps(  ForEach-Object { "$($_.DisplayName)`t$($_.DisplayVersion)" })ps"}
            : std::vector<std::string>{"if command -v dpkg-query >/dev/null 2>&1; then",
                                       R"sh(  dpkg-query -W -f='${Package}\t${Version}\n')sh",
                                       "elif command -v rpm >/dev/null 2>&1; then",
                                       R"sh(  rpm -qa --qf '%{NAME}\t%{VERSION}-%{RELEASE}\n')sh",
                                       "fi | sort"};
    ActionRequests out;
    auto r = run_command(args.resource("vm"), windows ? "RunPowerShellScript" : "RunShellScript",
                         script, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec list_processes()
{
  // An inspection like list_software: a fixed script that only reads.
  ActionSpec spec{
      "compute.vm.list_processes",
      "List the 40 most recently started processes (ID, user, start time, path or command line) "
      "with a "
      "fixed read-only run-command script; confirmed because it executes code on the VM",
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
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const bool windows = args.text("os") == "Windows";
    const std::vector<std::string> script =
        windows
            ? std::vector<
                  std::
                      string>{R"ps(Get-Process -IncludeUserName | Sort-Object StartTime |)ps",
                              R"ps(  Select-Object -Last 40 Id, ProcessName, UserName, StartTime, Path |)ps",
                              R"ps(  Format-Table -AutoSize | Out-String -Width 300)ps"}
            : std::vector<std::string>{
                  "ps -eo pid,ppid,user,lstart,args --sort=start_time | tail -n 40"};
    ActionRequests out;
    auto r = run_command(args.resource("vm"), windows ? "RunPowerShellScript" : "RunShellScript",
                         script, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec reset_password()
{
  ActionSpec spec{"compute.vm.reset_password",
                  "Reset a local account's password with the VMAccess extension; the password is "
                  "generated at run time "
                  "and never written to the plan or the journal",
                  {vm_param(),
                   {"username", ParamType::name, true, {}, {}, "The existing local account"},
                   os_param()},
                  true,
                  Reversibility::irreversible,
                  "",
                  "Microsoft.Compute/virtualMachines/extensions/write",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission), pre_image_need(k_vm_read)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const std::string& user = args.text("username");
    if (!is_user_name(user)) {
      throw ActionError("parameter username: expected 1-64 letters, digits, '.', '-' or '_', got " +
                        text::quote(user));
    }
    const auto& vm = args.resource("vm");
    ActionRequests out;
    auto before = arm("GET", vm, {}, api_version::k_compute, cloud);
    out.pre_image.push_back(as_pre_image(before, k_vm_read));
    nlohmann::ordered_json properties;
    if (args.text("os") == "Windows") {
      properties = {{"publisher", "Microsoft.Compute"},
                    {"type", "VMAccessAgent"},
                    {"typeHandlerVersion", "2.4"},
                    {"autoUpgradeMinorVersion", true},
                    {"settings", {{"UserName", user}}},
                    {"protectedSettings", {{"Password", k_generated_secret}}}};
    } else {
      properties = {{"publisher", "Microsoft.OSTCExtensions"},
                    {"type", "VMAccessForLinux"},
                    {"typeHandlerVersion", "1.5"},
                    {"autoUpgradeMinorVersion", true},
                    {"protectedSettings", {{"username", user}, {"password", k_generated_secret}}}};
    }
    // The extension name az uses; a VMAccess extension under another name makes the PUT fail.
    auto r = arm("PUT", vm, {"extensions", "enablevmaccess"}, api_version::k_compute, cloud);
    r.body = nlohmann::ordered_json{{"location", from_pre_image(0, "/location")},
                                    {"properties", std::move(properties)}};
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  return spec;
}

ActionSpec reimage()
{
  ActionSpec spec{
      "compute.vm.reimage",
      "Reimage a VM's OS disk to its image (long-running): the VM gets a new OS disk, and the old "
      "one is "
      "kept only when its deleteOption is Detach (compute.vm.keep_os_disk), so refused otherwise",
      {vm_param()},
      true,
      Reversibility::irreversible,
      "",
      "Microsoft.Compute/virtualMachines/reimage/action",
      {},
      {},
      {},
      {},
      {}};
  spec.needs = {own_need(spec.permission), pre_image_need(k_vm_read)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& vm = args.resource("vm");
    ActionRequests out;
    auto before = arm("GET", vm, {}, api_version::k_compute, cloud);
    out.pre_image.push_back(as_pre_image(before, k_vm_read));
    auto r = arm("POST", vm, {"reimage"}, api_version::k_compute, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.refuse = [](const ActionArgs&, const PreImage& pre) {
    if (absent(pre)) {
      return std::string("the VM does not exist (its GET answered 404)");
    }
    const auto& vm = pre_body(pre);
    if (const auto* os_disk = select(vm, "/properties/storageProfile/osDisk");
        os_disk != nullptr && os_disk->contains("diffDiskSettings")) {
      return std::string("the OS disk is ephemeral (diffDiskSettings): a reimage resets it and "
                         "nothing on it can be "
                         "kept or snapshotted; collect what you need from inside the VM, then "
                         "reimage it yourself");
    }
    if (!text::iequals(text_at(vm, "/properties/storageProfile/osDisk/deleteOption"), "Detach")) {
      return std::string("the old OS disk would be deleted with its evidence: keep it first "
                         "(compute.vm.keep_os_disk)");
    }
    return std::string();
  };
  return spec;
}

ActionSpec restart()
{
  ActionSpec spec{"compute.vm.restart",
                  "Restart a VM (long-running): ends its open network connections and clears its "
                  "memory, so capture "
                  "processes and connections first; the pre-image records the VM",
                  {vm_param()},
                  true,
                  Reversibility::irreversible,
                  "",
                  "Microsoft.Compute/virtualMachines/restart/action",
                  {},
                  {},
                  {},
                  {},
                  {}};
  spec.needs = {own_need(spec.permission), pre_image_need(k_vm_read)};
  spec.build = [spec](const ActionArgs& args, const Cloud& cloud) {
    const auto& vm = args.resource("vm");
    ActionRequests out;
    auto before = arm("GET", vm, {}, api_version::k_compute, cloud);
    out.pre_image.push_back(as_pre_image(before, k_vm_read));
    auto r = arm("POST", vm, {"restart"}, api_version::k_compute, cloud);
    out.requests.push_back(as_action(r, spec));
    return out;
  };
  spec.refuse = [](const ActionArgs&, const PreImage& pre) {
    return absent(pre) ? std::string("the VM does not exist (its GET answered 404)")
                       : std::string();
  };
  return spec;
}

} // namespace

void add_compute(std::vector<ActionSpec>& out)
{
  out.push_back(get_vm());
  out.push_back(run_script());
  out.push_back(antimalware_scan());
  out.push_back(list_software());
  out.push_back(list_processes());
  out.push_back(reset_password());
  out.push_back(reimage());
  out.push_back(restart());
}

} // namespace dftriage::azure::actions
