#include "run_command.hpp"

#include "run_command_evidence.hpp"

#include <ctime>

namespace dftriage::lab {

namespace {

// The service keeps the last 4 KB of each stream.
constexpr std::size_t k_output_limit = 4096;

const char* const k_windows_software[] = {
    "7-Zip 23.01 (x64)\t23.01",
    "AnyDesk\t8.0.9",
    "Google Chrome\t131.0.6778.86",
    "Microsoft Edge\t131.0.2903.70",
    "Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33135\t14.38.33135.0",
    "Notepad++ (64-bit x64)\t8.6.2",
    "Tor Browser\t13.5.6",
    "Windows Azure VM Agent - 2.7.41491.1102\t2.7.41491.1102",
};

const char* const k_linux_software[] = {
    "apt\t2.4.13",
    "bash\t5.1-6ubuntu1.1",
    "curl\t7.81.0-1ubuntu1.18",
    "openssh-server\t1:8.9p1-3ubuntu0.10",
    "python3\t3.10.6-1~22.04.1",
    "socat\t1.7.4.1-3ubuntu4",
    "sudo\t1.9.9-1ubuntu2.4",
    "tor\t0.4.6.10-1",
    "walinuxagent\t2.2.46-0ubuntu5.1",
};

struct Process
{
  int pid;
  int ppid;
  const char* user;
  int minutes_ago;
  const char* windows_name;
  const char* windows_path;
  const char* linux_command;
};

// Oldest first; the last two started around an incident an hour ago.
const Process k_processes[] = {
    {1, 0, "root", 4320, "System", "", "/sbin/init"},
    {612, 1, "root", 4319, "lsass", "C:\\Windows\\system32\\lsass.exe",
     "/lib/systemd/systemd-journald"},
    {1024, 1, "root", 4318, "WindowsAzureGuestAgent",
     "C:\\WindowsAzure\\GuestAgent\\WindowsAzureGuestAgent.exe",
     "/usr/bin/python3 -u /usr/sbin/waagent -daemon"},
    {1187, 1, "root", 4318, "sshd", "C:\\Windows\\System32\\OpenSSH\\sshd.exe",
     "sshd: /usr/sbin/sshd -D"},
    {4242, 1, "www-data", 62, "svchost", "C:\\Users\\Public\\Libraries\\svchost.exe",
     "/tmp/.X11-unix/.kworker -c /tmp/.X11-unix/.cfg"},
    {4250, 4242, "www-data", 61, "tor", "C:\\Users\\Public\\Libraries\\tor\\tor.exe",
     "tor -f /tmp/.X11-unix/.torrc --RunAsDaemon 1"},
};

std::string script_text(const std::vector<std::string>& lines)
{
  std::string out;
  for (const auto& line : lines) {
    out += line + "\n";
  }
  return out;
}

// "2026-11-27 07:42:10" (Windows) or "Fri Nov 27 07:42:10 2026" (ps lstart).
std::string time_text(Clock::time_point t, bool windows)
{
  const std::time_t tt = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char out[64];
  if (windows) {
    std::strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S", &tm);
  } else {
    std::strftime(out, sizeof out, "%a %b %e %H:%M:%S %Y", &tm);
  }
  return out;
}

std::string processes(bool windows, Clock::time_point now)
{
  std::string out;
  char line[512];
  if (windows) {
    out = "\n   Id ProcessName            UserName                     StartTime           Path\n"
          "   -- -----------            --------                     ---------           ----\n";
  } else {
    out = "    PID    PPID USER     STARTED                  COMMAND\n";
  }
  for (const auto& p : k_processes) {
    const auto started = now - std::chrono::minutes(p.minutes_ago);
    if (windows) {
      const std::string user =
          std::string(p.user) == "root" ? "NT AUTHORITY\\SYSTEM" : "LABVM\\svc-web";
      std::snprintf(line, sizeof line, "%5d %-22s %-28s %-19s %s\n", p.pid, p.windows_name,
                    user.c_str(), time_text(started, true).c_str(), p.windows_path);
    } else {
      std::snprintf(line, sizeof line, "%7d %7d %-8s %s %s\n", p.pid, p.ppid, p.user,
                    time_text(started, false).c_str(), p.linux_command);
    }
    out += line;
  }
  return out;
}

std::string software(bool windows)
{
  std::string out;
  if (windows) {
    for (const char* s : k_windows_software) {
      out += std::string(s) + "\n";
    }
  } else {
    for (const char* s : k_linux_software) {
      out += std::string(s) + "\n";
    }
  }
  return out;
}

// The arguments of `echo X` / `Write-Output X` lines, unquoted.
std::string echoes(const std::vector<std::string>& script)
{
  std::string out;
  for (const auto& line : script) {
    std::string rest;
    for (const char* verb : {"echo ", "Write-Output ", "Write-Host "}) {
      if (line.rfind(verb, 0) == 0) {
        rest = line.substr(std::string(verb).size());
      }
    }
    if (rest.size() >= 2 && (rest.front() == '\'' || rest.front() == '"') &&
        rest.back() == rest.front()) {
      rest = rest.substr(1, rest.size() - 2);
    }
    if (!rest.empty()) {
      out += rest + "\n";
    }
  }
  return out;
}

// Microsoft Defender for Endpoint on Linux: `mdatp scan quick|full` on a VM where the
// intruder's miner runs from /tmp (see k_processes); a full scan also finds the web shell.
std::string mdatp_scan(bool full)
{
  std::string out = "Scan has been queued\nScan has been started\n";
  out += full ? "Scanned 248391 file(s)\n" : "Scanned 4127 file(s)\n";
  out += full ? "2 threat(s) detected\n" : "1 threat(s) detected\n";
  out += "Threat(s) found:\n"
         "  Trojan:Linux/CoinMiner.AB!MTB  /tmp/.X11-unix/.kworker  (quarantined)\n";
  if (full) {
    out += "  Backdoor:PHP/WebShell.A  /var/www/html/.well-known/cache.php  (quarantined)\n";
  }
  return out + "Scan has completed\n";
}

std::string tail(const std::string& s)
{
  return s.size() <= k_output_limit ? s : s.substr(s.size() - k_output_limit);
}

Json output_status(const std::string& code, std::string message)
{
  return Json{{"code", code},
              {"level", "Info"},
              {"displayStatus", "Provisioning succeeded"},
              {"message", std::move(message)}};
}

} // namespace

const std::vector<std::string>& run_command_kinds()
{
  static const std::vector<std::string> kinds{"scan",   "software",    "connections",
                                              "logons", "persistence", "processes"};
  return kinds;
}

Json run_command_result(const std::string& os, const std::string& command_id,
                        const std::vector<std::string>& script, Clock::time_point now,
                        const Json& outputs)
{
  const bool windows = os != "Linux";
  const std::string text = lower(script_text(script));
  const auto has = [&](const char* part) { return text.find(part) != std::string::npos; };
  std::string kind;
  if (has("mdatp scan quick") || has("mdatp scan full")) {
    kind = "scan";
  } else if (has("uninstall") || has("dpkg-query") || has("rpm -qa")) {
    kind = "software";
  } else if (has("get-nettcpconnection") || has("ss -tunap")) {
    kind = "connections";
  } else if (has("id=4624") || has("last -n")) {
    kind = "logons";
  } else if (has("get-scheduledtask") || has("/etc/crontab")) {
    kind = "persistence";
  } else if (has("get-process") || text.rfind("ps ", 0) == 0) {
    kind = "processes";
  }
  std::string out;
  if (!kind.empty() && outputs.contains(kind) && outputs[kind].is_string()) {
    out = outputs[kind].get<std::string>(); // the scenario's own story
  } else if (kind == "scan") {
    out = mdatp_scan(has("mdatp scan full"));
  } else if (has("mdatp health")) {
    out = "healthy                                     : true\nreal_time_protection_enabled        "
          "        : true\n"
          "definitions_status                          : \"up_to_date\"\n";
  } else if (has("start-mpscan")) {
    out =
        ""; // Start-MpScan prints nothing when the scan runs; findings go to Get-MpThreatDetection
  } else if (kind == "software") {
    out = software(windows);
  } else if (kind == "connections") {
    out = lab_connections(windows);
  } else if (kind == "logons") {
    out = lab_logons(windows, now);
  } else if (kind == "persistence") {
    out = lab_persistence(windows);
  } else if (kind == "processes") {
    out = processes(windows, now);
  } else if (lower(command_id) == "ipconfig" || lower(command_id) == "ifconfig") {
    out =
        windows
            ? "\nWindows IP Configuration\n\n   IPv4 Address. . . . . . . . . . . : 10.0.0.4\n"
            : "eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n        inet 10.0.0.4\n";
  } else {
    out = echoes(script);
  }
  Json value = Json::array();
  if (windows) {
    value.push_back(output_status("ComponentStatus/StdOut/succeeded", tail(out)));
    value.push_back(output_status("ComponentStatus/StdErr/succeeded", ""));
  } else {
    value.push_back(output_status("ProvisioningState/succeeded",
                                  "Enable succeeded: \n[stdout]\n" + tail(out) + "\n[stderr]\n"));
  }
  return Json{{"value", std::move(value)}};
}

Json run_command_unreported(const std::string& os)
{
  Json value = Json::array();
  if (os != "Linux") {
    value.push_back(output_status("ComponentStatus/StdOut/succeeded", ""));
    value.push_back(output_status("ComponentStatus/StdErr/succeeded", ""));
  } else {
    value.push_back(output_status("ProvisioningState/succeeded", ""));
  }
  return Json{{"value", std::move(value)}};
}

} // namespace dftriage::lab
