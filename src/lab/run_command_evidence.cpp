#include "run_command_evidence.hpp"

#include <cstdio>
#include <ctime>

namespace dftriage::lab {

namespace {

// "YYYY-MM-DDThh:mm:ssZ" of `t` minus `minutes`.
std::string minutes_before(std::chrono::system_clock::time_point t, int minutes)
{
  const std::time_t when = std::chrono::system_clock::to_time_t(t - std::chrono::minutes(minutes));
  std::tm utc{};
  ::gmtime_r(&when, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

} // namespace

// The miner talks to a mining pool on 3333, tor keeps a circuit open; the web server and
// the VM agent are what belongs there (the agent's HTTPS to Azure is what Run Command needs).
std::string lab_connections(bool windows)
{
  if (windows) {
    return "Listen\t0.0.0.0:443\t0.0.0.0:0\t1420\tC:\\Windows\\System32\\inetsrv\\w3wp.exe\n"
           "Listen\t0.0.0.0:3389\t0.0.0.0:0\t980\tC:\\Windows\\System32\\svchost.exe\n"
           "Established\t10.0.0.4:49712\t168.63.129.16:80\t1024\tC:"
           "\\WindowsAzure\\GuestAgent\\WindowsAzureGuestAgent.exe\n"
           "Established\t10.0.0.4:49740\t20.50.2.7:443\t1024\tC:"
           "\\WindowsAzure\\GuestAgent\\WindowsAzureGuestAgent.exe\n"
           "Established\t10.0.0.4:50113\t45.9.148.21:3333\t4242\tC:"
           "\\Users\\Public\\Libraries\\svchost.exe\n"
           "Established\t10.0.0.4:50120\t185.220.101.47:9001\t4250\tC:"
           "\\Users\\Public\\Libraries\\tor\\tor.exe\n";
  }
  return "Netid State  Local Address:Port   Peer Address:Port  Process\n"
         "tcp   LISTEN 0.0.0.0:22            0.0.0.0:*          users:((\"sshd\",pid=1187,fd=3))\n"
         "tcp   LISTEN 0.0.0.0:80            0.0.0.0:*          users:((\"nginx\",pid=1302,fd=6))\n"
         "tcp   ESTAB  10.0.0.4:41822        168.63.129.16:80   "
         "users:((\"python3\",pid=1024,fd=5))\n"
         "tcp   ESTAB  10.0.0.4:41830        20.50.2.7:443      "
         "users:((\"python3\",pid=1024,fd=9))\n"
         "tcp   ESTAB  10.0.0.4:50113        45.9.148.21:3333   "
         "users:((\".kworker\",pid=4242,fd=7))\n"
         "tcp   ESTAB  10.0.0.4:50120        185.220.101.47:9001 "
         "users:((\"tor\",pid=4250,fd=11))\n";
}

// The intruder signed in over SSH / RDP from a Tor exit about an hour before the miner started.
std::string lab_logons(bool windows, std::chrono::system_clock::time_point now)
{
  if (windows) {
    return " USERNAME              SESSIONNAME        ID  STATE   IDLE TIME  LOGON TIME\n"
           " svc-web                                   2  Disc        1:02  " +
           minutes_before(now, 64) + "\n" + minutes_before(now, 64) +
           "\tLABVM\\svc-web\ttype 10\t185.220.101.47\n" + minutes_before(now, 2900) +
           "\tLABVM\\azureadmin\ttype 10\t10.0.250.5\n" + minutes_before(now, 4318) +
           "\tNT AUTHORITY\\SYSTEM\ttype 5\t-\n";
  }
  return "www-data pts/1        " + minutes_before(now, 64) +
         " (185.220.101.47)\n\n"
         "www-data pts/1        185.220.101.47   " +
         minutes_before(now, 64) +
         "   still logged in\n"
         "azureuser pts/0       10.0.250.5       " +
         minutes_before(now, 2900) + " - " + minutes_before(now, 2870) +
         "\n"
         "reboot   system boot  5.15.0-1057-azure " +
         minutes_before(now, 4320) +
         "   still running\n\n"
         "root     ssh:notty    185.220.101.47   " +
         minutes_before(now, 66) + " - " + minutes_before(now, 66) + "\n";
}

// The miner restarts from a cron entry (Linux) or a scheduled task and a Run key (Windows),
// and the intruder left an SSH key / a local account.
std::string lab_persistence(bool windows)
{
  if (windows) {
    return "task\t\\Microsoft Edge Update Helper\tReady\tC:\\Users\\Public\\Libraries\\svchost.exe "
           "-c config.json\n"
           "service\tW3SVC\tRunning\tC:\\Windows\\system32\\svchost.exe -k iissvcs\n"
           "run\tHKLM:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\tUpdater\t"
           "C:\\Users\\Public\\Libraries\\tor\\tor.exe --RunAsDaemon 1\n"
           "user\tazureadmin\tlast logon 11/29/2026 08:12:40\n"
           "user\tsupport_388945a0\tlast logon\n";
  }
  return "cron /etc/cron.d/e2scrub_all:30 3 * * 0 root test -e /run/systemd/system || "
         "SERVICE_MODE=1 /sbin/e2scrub_all\n"
         "cron /var/spool/cron/crontabs/www-data:*/5 * * * * /tmp/.X11-unix/.kworker -c "
         "/tmp/.X11-unix/.cfg >/dev/null 2>&1\n"
         "unit nginx.service enabled enabled\n"
         "unit ssh.service enabled enabled\n"
         "unit walinuxagent.service enabled enabled\n"
         "keys /home/azureuser/.ssh/authorized_keys 1 2026-11-28 09:14:02.000000000 +0000\n"
         "keys /var/www/.ssh/authorized_keys 1 2026-12-01 21:40:11.000000000 +0000\n"
         "user root uid 0 shell /bin/bash\n"
         "user azureuser uid 1000 shell /bin/bash\n";
}

} // namespace dftriage::lab
